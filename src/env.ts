import type { BinWriter } from "./bins/bin-writer";

/** Every binding and variable the Worker reads. Declared once; `wrangler.toml` provides them. */
export interface Env {
  DB: D1Database;
  BODIES: R2Bucket;
  BIN_WRITER: DurableObjectNamespace<BinWriter>;

  /** Worker secret; enables the admin API when set. */
  ADMIN_KEY?: string;
  ALLOW_ANONYMOUS_BINS?: string;
  MAX_REQUEST_BYTES?: string;
  FREE_MAX_RECORD_BYTES?: string;
  PRO_MAX_RECORD_BYTES?: string;
  FREE_MAX_COLLECTIONS?: string;
  PRO_MAX_COLLECTIONS?: string;
  FREE_MAX_ACCESS_KEYS?: string;
  PRO_MAX_ACCESS_KEYS?: string;
  FREE_REQUEST_QUOTA?: string;
  PRO_REQUEST_QUOTA?: string;
  RATE_LIMIT_PER_MINUTE?: string;
  ACCESS_LOGS?: string;
  /** Seconds a superseded record body is kept for readers already on their way to it (default 60). */
  BODY_GRACE_SECONDS?: string;
  LOG_RETENTION_DAYS?: string;
}

/** Set once a request is charged to an account (§1.6 step 6); read after the response for headers and logs. */
export interface Charge {
  accountId: string;
  /** Requests used after counting this one. */
  used: number;
  /** null = no quota. */
  quota: number | null;
  /** True when the counter still has to be incremented (no quota: counted off the response path). */
  deferred: boolean;
  rate?: { limit: number; remaining: number; resetSeconds: number };
}

export type HonoEnv = { Bindings: Env; Variables: { charge?: Charge } };
