import type { Reporter, TestModule } from "vitest/node";
import { buildDocument } from "../../src/openapi/document";

/** Every documented "METHOD /path status", in the form test/openapi/validate.ts reports what it saw. */
function documentedPairs(): Set<string> {
  const pairs = new Set<string>();
  for (const [path, item] of Object.entries(buildDocument().paths as Record<string, Record<string, unknown>>)) {
    if (item["x-edgebin-static-asset"]) continue;
    for (const [method, op] of Object.entries(item)) {
      const responses = (op as { responses?: Record<string, unknown> }).responses;
      if (!responses) continue;
      for (const status of Object.keys(responses)) pairs.add(`${method.toUpperCase()} ${path} ${status}`);
    }
  }
  return pairs;
}

/** Prints how many responses the run validated against the OpenAPI document (test/openapi/validate.ts). */
export default class OpenApiCount implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let validated = 0;
    const seen = new Set<string>();
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const keys = test.meta().openapi ?? [];
        validated += keys.length;
        for (const key of keys) seen.add(key);
      }
    }
    const documented = documentedPairs();
    const covered = [...documented].filter((pair) => seen.has(pair)).length;
    console.log(
      `\nOpenAPI: ${validated} responses validated against the document; ${covered} of its ${documented.size} operation/status pairs seen.\n`,
    );
  }
}
