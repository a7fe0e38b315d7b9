import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalWorker } from "../../scripts/lib/local-worker.mjs";

// (c) of §10.8's checks, on the document a real instance serves: valid OpenAPI 3.1 by the
// specification's own JSON Schema. (a) is test/openapi/routes.test.ts; (b) is
// test/openapi/validate.ts, run on every response of the workerd suite.
describe("the OpenAPI document served at /v3/openapi.json", () => {
  const worker = new LocalWorker();
  let document: Record<string, unknown>;
  beforeAll(async () => {
    await worker.start();
    const res = await fetch(`${worker.base}/v3/openapi.json`);
    expect(res.status).toBe(200);
    document = (await res.json()) as Record<string, unknown>;
  });
  afterAll(() => worker.cleanup());

  it("passes an OpenAPI 3.1 validator", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("would fail it with an operation that lost its responses", async () => {
    const broken = structuredClone(document) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    broken.paths["/v3/b"]!.post!.responses = "none";
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });
});
