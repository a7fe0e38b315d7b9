import { effectiveLimits, type Payer } from "../accounts/limits";
import type { Charge } from "../env";
import { AppError } from "../errors/app-error";

function rateLimitPerMinute(env: Env): number | null {
  const n = Number(env.RATE_LIMIT_PER_MINUTE);
  return env.RATE_LIMIT_PER_MINUTE && Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * §1.6 step 6: rate limit (429), then quota (403), then the request counts.
 *
 * Without a quota nothing here touches storage: the counter is incremented after the response,
 * together with the access log row, and `X-Requests-Used` is the value read with the account plus
 * one. With a quota the check and the increment are one conditional UPDATE, so concurrent requests
 * can never push the counter past the quota.
 */
export async function chargeAccount(env: Env, payer: Payer): Promise<Charge> {
  const rate = await checkRateLimit(env, payer.id);
  const quota = effectiveLimits(env, payer).requestQuota;
  if (quota === null) {
    return { accountId: payer.id, used: payer.requests_used + 1, quota, deferred: true, ...(rate ? { rate } : {}) };
  }
  const row = await env.DB.prepare(
    "UPDATE accounts SET requests_used = requests_used + 1 WHERE id = ? AND requests_used < ? RETURNING requests_used",
  )
    .bind(payer.id, quota)
    .first<{ requests_used: number }>();
  if (!row) throw new AppError("quotaExhausted");
  return { accountId: payer.id, used: row.requests_used, quota, deferred: false, ...(rate ? { rate } : {}) };
}

async function checkRateLimit(env: Env, accountId: string): Promise<Charge["rate"]> {
  const limit = rateLimitPerMinute(env);
  if (limit === null) return undefined;
  const now = Date.now();
  const window = Math.floor(now / 60_000);
  const resetSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
  const row = await env.DB.prepare(
    `INSERT INTO rate_windows (account_id, window_start, count) VALUES (?1, ?2, 1)
     ON CONFLICT (account_id, window_start) DO UPDATE SET count = count + 1 WHERE count < ?3
     RETURNING count`,
  )
    .bind(accountId, window, limit)
    .first<{ count: number }>();
  if (!row) throw new AppError("rateLimited", { limit, resetSeconds });
  return { limit, remaining: limit - row.count, resetSeconds };
}

/** The usage headers of a charged response (§7, §10.5). */
export function usageHeaders(charge: Charge): Record<string, string> {
  return {
    "X-Requests-Used": String(charge.used),
    ...(charge.quota !== null
      ? {
          "X-Requests-Limit": String(charge.quota),
          "X-Requests-Remaining": String(Math.max(0, charge.quota - charge.used)),
        }
      : {}),
    ...(charge.rate
      ? {
          "X-RateLimit-Limit": String(charge.rate.limit),
          "X-RateLimit-Remaining": String(charge.rate.remaining),
          "X-RateLimit-Reset": String(charge.rate.resetSeconds),
        }
      : {}),
  };
}
