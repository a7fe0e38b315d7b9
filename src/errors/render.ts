import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { HonoEnv } from "../env";
import { jsonResponse } from "../http/json";
import { AppError } from "./app-error";
import { describe } from "./dialects";
import type { Dialect, ErrorSpec } from "./spec";

/** Routes under `/v3` speak v3; the root belongs to v2, and v1's routes say so themselves (`speaks`). */
function dialectOf(c: Context<HonoEnv>): Dialect {
  const path = c.req.path;
  return c.get("dialect") ?? (path === "/v3" || path.startsWith("/v3/") ? "v3" : "v2");
}

/**
 * The one renderer: v3 bodies are `{"message", ...extra}`, v2/v1 `{"success": false, "message", ...extra}`.
 * Hono's own HTTPExceptions get the same envelope; anything else is logged and hidden as a 500.
 */
export function renderError(c: Context<HonoEnv>, err: Error): Response {
  const dialect = dialectOf(c);
  let spec: ErrorSpec | undefined;
  if (err instanceof AppError) spec = describe(err.code, err.params, dialect);
  else if (err instanceof HTTPException) spec = { status: err.status, message: err.message };
  if (!spec) {
    // Never leak internals (and never a key) to the client; the log carries the stack.
    console.error("unhandled error", c.req.method, c.req.path, err);
    spec = describe("internal", undefined, dialect)!;
  }
  const body =
    dialect === "v3"
      ? { message: spec.message, ...spec.extra }
      : { success: false, message: spec.message, ...spec.extra };
  return jsonResponse(body, spec.status, spec.headers);
}
