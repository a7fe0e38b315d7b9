import type { D1Migration } from "@cloudflare/vitest-plugin";

// Test-only bindings, added by vitest.config.ts on top of the generated worker-configuration.d.ts.
declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
