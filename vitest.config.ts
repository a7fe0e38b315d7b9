import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        remoteBindings: false,
        miniflare: {
          // BODY_GRACE_SECONDS=0: superseded bodies are deleted as soon as the writer's alarm runs,
          // so tests can assert that storage is reclaimed; one test sets its own grace.
          // FUZZ_SEED replays a fuzz run (test/fuzz); FUZZ_REQUESTS makes it longer or shorter.
          // USAGE_FLUSH_MILLISECONDS=20: counts and log rows reach D1 soon after each request.
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_KEY: "test-admin-key",
            BODY_GRACE_SECONDS: "0",
            FUZZ_SEED: process.env.FUZZ_SEED ?? "",
            FUZZ_REQUESTS: process.env.FUZZ_REQUESTS ?? "",
            USAGE_FLUSH_MILLISECONDS: "20",
          },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/apply-migrations.ts", "./test/openapi/setup.ts"],
      // The default output, then the number of responses validated against the OpenAPI document.
      reporters: ["default", "./test/openapi/reporter.ts"],
      // test/e2e runs in Node against local instances: vitest.e2e.config.ts.
      exclude: ["test/e2e/**", "node_modules/**"],
    },
  };
});
