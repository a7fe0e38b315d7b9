import type { Context, MiddlewareHandler } from "hono";
import type { Payer } from "../accounts/limits";
import type { HonoEnv } from "../env";
import { setResponseHeaders } from "../http/cors";
import { chargeAccount, settleCharge, usageHeaders } from "../usage/charge";

/** §1.6 step 6 for this request: charges `payer` and remembers the charge for the response. */
export async function charge(c: Context<HonoEnv>, payer: Payer): Promise<void> {
  c.set("charge", await chargeAccount(c.env, payer));
}

/**
 * Adds the usage headers to charged responses (errors included) and, after the response, buffers
 * the access log row and schedules the flush of this isolate's counts and logs.
 */
export const settleUsage: MiddlewareHandler<HonoEnv> = async (c, next) => {
  await next();
  const charged = c.get("charge");
  if (!charged) return;
  setResponseHeaders(c, usageHeaders(charged));
  settleCharge(
    c.env,
    charged,
    {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ip: c.req.header("CF-Connecting-IP") ?? null,
      userAgent: c.req.header("User-Agent") ?? null,
    },
    (p) => c.executionCtx.waitUntil(p),
  );
};
