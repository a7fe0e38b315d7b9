import type { Context } from "hono";
import { effectiveLimits, type Payer } from "../accounts/limits";
import type { Charge, HonoEnv } from "../env";
import { AppError } from "../errors";

function rateLimitPerMinute(c: Context<HonoEnv>): number | null {
  const n = Number(c.env.RATE_LIMIT_PER_MINUTE);
  return c.env.RATE_LIMIT_PER_MINUTE && Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * §1.6 step 6: rate limit (429), then quota (403), then the request counts.
 *
 * Without a quota nothing here touches storage: the counter is incremented after the response,
 * together with the access log row, and `X-Requests-Used` is the value read with the account plus
 * one. With a quota the check and the increment are one conditional UPDATE, so concurrent requests
 * can never push the counter past the quota.
 */
export async function charge(c: Context<HonoEnv>, payer: Payer): Promise<void> {
  const rate = await checkRateLimit(c, payer.id);
  const quota = effectiveLimits(c.env, payer).requestQuota;
  if (quota === null) {
    c.set("charge", {
      accountId: payer.id,
      used: payer.requests_used + 1,
      quota,
      deferred: true,
      ...(rate ? { rate } : {}),
    });
    return;
  }
  const row = await c.env.DB.prepare(
    "UPDATE accounts SET requests_used = requests_used + 1 WHERE id = ? AND requests_used < ? RETURNING requests_used",
  )
    .bind(payer.id, quota)
    .first<{ requests_used: number }>();
  if (!row) throw new AppError(403, "Requests exhausted for this account");
  c.set("charge", { accountId: payer.id, used: row.requests_used, quota, deferred: false, ...(rate ? { rate } : {}) });
}

async function checkRateLimit(c: Context<HonoEnv>, accountId: string): Promise<Charge["rate"]> {
  const limit = rateLimitPerMinute(c);
  if (limit === null) return undefined;
  const now = Date.now();
  const window = Math.floor(now / 60_000);
  const resetSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
  const row = await c.env.DB.prepare(
    `INSERT INTO rate_windows (account_id, window_start, count) VALUES (?1, ?2, 1)
     ON CONFLICT (account_id, window_start) DO UPDATE SET count = count + 1 WHERE count < ?3
     RETURNING count`,
  )
    .bind(accountId, window, limit)
    .first<{ count: number }>();
  if (!row) {
    throw new AppError(429, "Too many requests", undefined, {
      "Retry-After": String(resetSeconds),
      "X-RateLimit-Limit": String(limit),
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": String(resetSeconds),
    });
  }
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
