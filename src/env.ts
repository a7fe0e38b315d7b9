import type { Dialect } from "./errors/spec";

/**
 * Every binding and variable the Worker reads is the global `Env`, generated from `wrangler.toml`
 * by `npm run types` into `worker-configuration.d.ts` (`npm test` fails when that file is stale).
 */
export type Env = Cloudflare.Env;

/** Set once a request is charged to an account (§1.6 step 6); read after the response for headers and logs. */
export interface Charge {
  accountId: string;
  /** Requests used after counting this one. */
  used: number;
  /** null = no quota. */
  quota: number | null;
  rate?: { limit: number; remaining: number; resetSeconds: number };
}

export type HonoEnv = {
  Bindings: Env;
  Variables: {
    charge?: Charge;
    /** The API a route speaks, when its path does not say it (v1 routes share the root with v2). */
    dialect?: Dialect;
  };
};
