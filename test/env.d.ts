import type { D1Migration } from "@cloudflare/vitest-plugin";

// Test-only bindings, added by vitest.config.ts on top of the generated worker-configuration.d.ts.
declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** Replays a fuzz run (test/fuzz): the seed it printed. Empty: a fresh seed. */
      FUZZ_SEED: string;
      /** Requests per fuzz run; empty: the default. */
      FUZZ_REQUESTS: string;
    }
  }
}
