import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { jsonResponse } from "./http/json";

/**
 * The one error type handlers throw. `message` is the exact contract text; `extra` adds keys after
 * `message` (e.g. schemaDocID); `headers` rides along (e.g. ETag on 412, Retry-After on 429).
 */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly extra?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** An error described as data, for callers that pick the wording (e.g. per API version) before throwing. */
export interface ErrorPayload {
  status: ContentfulStatusCode;
  message: string;
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export const fromPayload = (p: ErrorPayload): AppError => new AppError(p.status, p.message, p.extra, p.headers);

/** v3 errors are `{"message"}`; the legacy v2/v1 APIs at the root use `{"success": false, "message"}`. */
export const isLegacyPath = (path: string): boolean => !(path === "/v3" || path.startsWith("/v3/"));

export function renderError(c: Context, err: Error): Response {
  const legacy = isLegacyPath(c.req.path);
  if (err instanceof AppError) {
    const body = legacy ? { success: false, message: err.message } : { message: err.message, ...err.extra };
    return jsonResponse(body, err.status, err.headers);
  }
  // Never leak internals (and never a key) to the client; the log carries the stack.
  console.error("unhandled error", c.req.method, c.req.path, err);
  const body = legacy ? { success: false, message: "Internal server error" } : { message: "Internal server error" };
  return jsonResponse(body, 500);
}

export const routeNotFound = (): AppError => new AppError(404, "Route not found");
