import type { Context, MiddlewareHandler } from "hono";

const EXPOSED = [
  "ETag",
  "X-Bin-Version",
  "X-Bin-Version-Cap-Reached",
  "X-Requests-Used",
  "X-Requests-Limit",
  "X-Requests-Remaining",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
  "Retry-After",
].join(", ");

/**
 * `*` on every response, errors and 404s included. Credentials are never used, so `*` is safe and
 * also admits `Origin: null` (sandboxed iframes). Preflights are answered here, before routing,
 * so they need no key and are never counted.
 */
export const cors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === "OPTIONS") {
    const headers: Record<string, string> = {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
      "Access-Control-Max-Age": "86400",
      "Access-Control-Expose-Headers": EXPOSED,
    };
    const requested = c.req.header("Access-Control-Request-Headers");
    if (requested) headers["Access-Control-Allow-Headers"] = requested;
    return new Response(null, { status: 204, headers });
  }
  await next();
  setResponseHeaders(c, { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": EXPOSED });
};

/** Adds headers to the response on its way out; responses with immutable headers are rebuilt. */
export function setResponseHeaders(c: Context, headers: Record<string, string>): void {
  try {
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  } catch {
    c.res = new Response(c.res.body, c.res);
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  }
}
