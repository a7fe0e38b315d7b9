import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import worker from "../../src/index";
import { validateResponse } from "../openapi/validate";

export const BASE = "http://edgebin.test";
export const JSON_TYPE = "application/json; charset=utf-8";
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const ID = /^[0-9a-f]{24}$/;
/** A well-formed id that no resource has. */
export const UNKNOWN_ID = "0123456789abcdef01234567";

export interface CallOptions {
  headers?: Record<string, string>;
  /** Strings are sent as they are; anything else as JSON (with a JSON Content-Type unless one is given). */
  body?: unknown;
}

function request(method: string, path: string, options: CallOptions): Request {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
      headers["Content-Type"] = "application/json";
    }
  }
  return new Request(`${BASE}${path}`, { method, headers, body });
}

/** A request through the Worker's HTTP surface. */
export async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const req = request(method, path, options);
  const res = await exports.default.fetch(req);
  await validateResponse(method, req.url, res);
  return res;
}

/**
 * A request whose body is sent as bytes with exactly the headers given: unlike `call` (and unlike a
 * string body, which gets `text/plain`), no Content-Type is implied. Bytes go as they are (e.g. not UTF-8).
 */
export async function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Uint8Array,
): Promise<Response> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const req = new Request(`${BASE}${path}`, init);
  const res = await exports.default.fetch(req);
  await validateResponse(method, req.url, res);
  return res;
}

/**
 * The same, with operator settings the test config does not set (e.g. `{ RATE_LIMIT_PER_MINUTE: "3" }`),
 * through the Worker's default export; waits for the request's waitUntil work before returning.
 */
export async function callWithEnv(
  overrides: Record<string, string | undefined>,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const req = request(method, path, options);
  const res = await worker.fetch(req, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  await validateResponse(method, req.url, res);
  return res;
}

/**
 * A prepared Request straight into the Worker's default export in this isolate, so its body stream
 * reaches the handler as it is (through `exports.default.fetch` a failing body just ends early).
 */
export async function fetchDirectly(req: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(req, env, ctx);
  await waitOnExecutionContext(ctx);
  await validateResponse(req.method, req.url, res);
  return res;
}

/** Asserts a 200 JSON response and returns its exact text. */
export async function okText(res: Response): Promise<string> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toEqual({ status: 200, body: expect.any(String) });
  expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
  return text;
}

/** Asserts a 200 JSON response and returns it parsed. */
export async function okJson<T = Record<string, unknown>>(res: Response): Promise<T> {
  return JSON.parse(await okText(res)) as T;
}

/** Asserts a 200 whose body is exactly `text` (key order included). */
export async function expectText(res: Response, text: string): Promise<void> {
  expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: text });
  expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
}

/** Asserts an error response's status and exact v3 body. */
export async function expectError(res: Response, status: number, message: string): Promise<void> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toEqual({ status, body: JSON.stringify({ message }) });
  expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
  expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
}

/** Asserts an error response in the legacy v2/v1 shape. */
export async function expectLegacyError(res: Response, status: number, message: string): Promise<void> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toEqual({ status, body: JSON.stringify({ success: false, message }) });
}

export { env };
