import { effectiveLimits, type Payer } from "../accounts/limits";
import type { Charge } from "../env";
import { unwrap } from "../errors/rpc";
import { accessLogEntry, accessLogsEnabled, type LoggedRequest } from "./logs";
import { flushDelayMs, tallyOf } from "./tally";

function rateLimitPerMinute(env: Env): number | null {
  const n = Number(env.RATE_LIMIT_PER_MINUTE);
  return env.RATE_LIMIT_PER_MINUTE && Number.isInteger(n) && n > 0 ? n : null;
}

const meterOf = (env: Env, accountId: string) => env.ACCOUNT_METER.get(env.ACCOUNT_METER.idFromName(accountId));

/**
 * §1.6 step 6: rate limit (429), then quota (403), then the request counts. No D1 write either way:
 *
 * - An account with neither a quota nor a rate limit is counted in this isolate's tally, which
 *   writes its counts and log rows to D1 in one batch per interval. `X-Requests-Used` is the counter
 *   read with the account plus this isolate's requests not yet written.
 * - An account with a quota or a rate limit is charged by its AccountMeter, which checks and counts
 *   in one step in memory: exact under any concurrency, at one Durable Object call.
 */
export async function chargeAccount(env: Env, payer: Payer): Promise<Charge> {
  const quota = effectiveLimits(env, payer).requestQuota;
  const rateLimit = rateLimitPerMinute(env);
  const base = { accountId: payer.id, quota };
  if (quota === null && rateLimit === null) {
    const pending = tallyOf(env.DB).count(payer.id, payer.requests_epoch);
    return { ...base, used: payer.requests_used + pending };
  }
  const charged = unwrap(
    await meterOf(env, payer.id).charge(payer.id, {
      epoch: payer.requests_epoch,
      used: observedUsed(env, payer),
      quota,
      rate: rateLimit === null ? null : { limit: rateLimit, now: Date.now() },
    }),
  );
  return { ...base, used: charged.used, ...(charged.rate ? { rate: charged.rate } : {}) };
}

/**
 * After the response: buffers the access log row and makes sure this isolate's tally will be
 * flushed. Nothing here is awaited by the response.
 */
export function settleCharge(
  env: Env,
  charge: Charge,
  request: LoggedRequest,
  waitUntil: (p: Promise<unknown>) => void,
): void {
  const tally = tallyOf(env.DB);
  if (accessLogsEnabled(env)) tally.log(accessLogEntry(charge.accountId, request));
  tally.schedule(env.DB, flushDelayMs(env), waitUntil);
}

/**
 * The requests an account has used, for the uncounted routes that report it (`/v3/account/usage`,
 * admin, `/e/requests`): D1's counter as read, brought up to date by the account's meter and this
 * isolate's tally. Other isolates' unflushed counts are not seen: at most one flush interval behind.
 */
export async function requestsUsed(env: Env, account: Payer): Promise<number> {
  return meterOf(env, account.id).usage({ epoch: account.requests_epoch, used: observedUsed(env, account) });
}

/**
 * D1's counter as read plus this isolate's requests on their way to it: what the meter takes in, so
 * that requests counted here before a quota was set are not missing from the first metered count.
 */
function observedUsed(env: Env, account: Payer): number {
  return account.requests_used + tallyOf(env.DB).pending(account.id, account.requests_epoch);
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
