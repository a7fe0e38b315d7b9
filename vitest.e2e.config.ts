import { defineConfig } from "vitest/config";

// End-to-end tests in Node against real local instances (`wrangler dev`, see scripts/lib/local-worker.mjs):
// what needs processes, sockets or a browser. Everything else runs inside workerd (vitest.config.ts).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Each file starts its own instances; two at a time is what 2 cores carry without timeouts.
    maxWorkers: 2,
  },
});
