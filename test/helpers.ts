import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import worker from "../src/index";
import { validateResponse } from "./openapi/validate";

export const BASE = "http://edgebin.test";
export const ADMIN_KEY = "test-admin-key";

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

export interface TestAccount {
  accountId: string;
  masterKey: string;
  plan: string;
  createdAt: string;
}

export async function createAccount(body: Record<string, unknown> = {}): Promise<TestAccount> {
  const res = await call("POST", "/v3/admin/accounts", { headers: { "X-Admin-Key": ADMIN_KEY }, body });
  expect(res.status).toBe(200);
  return res.json();
}

export async function patchAccount(accountId: string, body: Record<string, unknown>): Promise<Response> {
  return call("PATCH", `/v3/admin/accounts/${accountId}`, { headers: { "X-Admin-Key": ADMIN_KEY }, body });
}

export const master = (account: TestAccount) => ({ "X-Master-Key": account.masterKey });

export interface CreatedBin {
  id: string;
  record: unknown;
  metadata: Record<string, unknown>;
}

export async function createBin(
  account: TestAccount,
  record: unknown = { hello: "world" },
  headers: Record<string, string> = {},
): Promise<CreatedBin> {
  const res = await call("POST", "/v3/b", { headers: { ...master(account), ...headers }, body: record });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { record: unknown; metadata: Record<string, unknown> };
  return { id: body.metadata.id as string, record: body.record, metadata: body.metadata };
}

/** Asserts an error response's status and exact v3 body. */
export async function expectError(res: Response, status: number, message: string): Promise<void> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toEqual({ status, body: JSON.stringify({ message }) });
  expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
  expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
}

/** Asserts an error response in the legacy v2/v1 shape. */
export async function expectLegacyError(res: Response, status: number, message: string): Promise<void> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toEqual({ status, body: JSON.stringify({ success: false, message }) });
}

export const UNKNOWN_ID = "0123456789abcdef01234567";

export { env };
