import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../env";
import { setResponseHeaders } from "../http/cors";
import { usageHeaders } from "./charge";
import { afterResponseStatements } from "./logs";

/** Charging happens in the handlers (§1.6 step 6); this adds the usage headers to charged responses (errors included) and settles the deferred counting and logging after the response. */
export const settleUsage: MiddlewareHandler<HonoEnv> = async (c, next) => {
  await next();
  const charge = c.get("charge");
  if (!charge) return;
  setResponseHeaders(c, usageHeaders(charge));
  const statements = afterResponseStatements(c, charge);
  if (statements.length > 0) {
    c.executionCtx.waitUntil(c.env.DB.batch(statements).catch((err) => console.error("failed to record usage", err)));
  }
};
