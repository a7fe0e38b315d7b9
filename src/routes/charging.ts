import type { Context, MiddlewareHandler } from "hono";
import type { Payer } from "../accounts/limits";
import type { HonoEnv } from "../env";
import { setResponseHeaders } from "../http/cors";
import { chargeAccount, usageHeaders } from "../usage/charge";
import { afterResponseStatements } from "../usage/logs";

/** §1.6 step 6 for this request: charges `payer` and remembers the charge for the response. */
export async function charge(c: Context<HonoEnv>, payer: Payer): Promise<void> {
  c.set("charge", await chargeAccount(c.env, payer));
}

/**
 * Adds the usage headers to charged responses (errors included) and settles the deferred counting
 * and logging after the response.
 */
export const settleUsage: MiddlewareHandler<HonoEnv> = async (c, next) => {
  await next();
  const charged = c.get("charge");
  if (!charged) return;
  setResponseHeaders(c, usageHeaders(charged));
  const statements = afterResponseStatements(c.env, charged, {
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ip: c.req.header("CF-Connecting-IP") ?? null,
    userAgent: c.req.header("User-Agent") ?? null,
  });
  if (statements.length > 0) {
    c.executionCtx.waitUntil(c.env.DB.batch(statements).catch((err) => console.error("failed to record usage", err)));
  }
};
