import type { StatusCode } from "hono/utils/http-status";

const JSON_TYPE = "application/json; charset=utf-8";

/** Compact JSON with the contract's content type; key order is the object's insertion order. */
export function jsonResponse(body: unknown, status: StatusCode = 200, headers?: Record<string, string>): Response {
  return rawJsonResponse(JSON.stringify(body), status, headers);
}

/** For bodies already serialised (stored records are kept in compact form). */
export function rawJsonResponse(text: string, status: StatusCode = 200, headers?: Record<string, string>): Response {
  return new Response(text, { status, headers: { "Content-Type": JSON_TYPE, ...headers } });
}
