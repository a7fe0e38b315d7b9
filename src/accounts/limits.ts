export type Plan = "free" | "pro";

export interface Limits {
  maxRecordBytes: number;
  maxCollections: number;
  maxAccessKeys: number;
  /** null = unlimited. */
  requestQuota: number | null;
}

/** The override columns of an account row; NULL means "use the plan default". */
export interface LimitOverrides {
  plan: Plan;
  max_record_bytes: number | null;
  max_collections: number | null;
  max_access_keys: number | null;
  /** -1 stores an explicit "unlimited" that beats a plan quota. */
  request_quota: number | null;
}

const DEFAULTS = {
  free: { maxRecordBytes: 102_400, maxCollections: 10, maxAccessKeys: 4 },
  pro: { maxRecordBytes: 1_048_576, maxCollections: 100, maxAccessKeys: 4 },
} as const;

function setting(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isInteger(n) && n >= 0 ? n : fallback;
}

function optionalSetting(value: string | undefined): number | null {
  const n = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isInteger(n) && n >= 0 ? n : null;
}

export function planDefaults(env: Env, plan: Plan): Limits {
  const d = DEFAULTS[plan];
  return plan === "pro"
    ? {
        maxRecordBytes: setting(env.PRO_MAX_RECORD_BYTES, d.maxRecordBytes),
        maxCollections: setting(env.PRO_MAX_COLLECTIONS, d.maxCollections),
        maxAccessKeys: setting(env.PRO_MAX_ACCESS_KEYS, d.maxAccessKeys),
        requestQuota: optionalSetting(env.PRO_REQUEST_QUOTA),
      }
    : {
        maxRecordBytes: setting(env.FREE_MAX_RECORD_BYTES, d.maxRecordBytes),
        maxCollections: setting(env.FREE_MAX_COLLECTIONS, d.maxCollections),
        maxAccessKeys: setting(env.FREE_MAX_ACCESS_KEYS, d.maxAccessKeys),
        requestQuota: optionalSetting(env.FREE_REQUEST_QUOTA),
      };
}

/** Per-account overrides beat plan defaults (§1.8). */
export function effectiveLimits(env: Env, row: LimitOverrides): Limits {
  const d = planDefaults(env, row.plan);
  return {
    maxRecordBytes: row.max_record_bytes ?? d.maxRecordBytes,
    maxCollections: row.max_collections ?? d.maxCollections,
    maxAccessKeys: row.max_access_keys ?? d.maxAccessKeys,
    requestQuota: row.request_quota === null ? d.requestQuota : row.request_quota < 0 ? null : row.request_quota,
  };
}

/** What charging and size checks need about the paying account: limits and the counter as last read. */
export interface Payer extends LimitOverrides {
  id: string;
  /** As stored in D1: batched increments land up to a flush interval late (src/usage/). */
  requests_used: number;
  /** Moves on every admin reset; counts of an older epoch are dropped (src/usage/). */
  requests_epoch: number;
}
