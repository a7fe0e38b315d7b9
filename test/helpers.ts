import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

export const BASE = "http://edgebin.test";
export const ADMIN_KEY = "test-admin-key";

/** A request through the Worker's HTTP surface. `body` objects are sent as JSON. */
export async function call(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
      headers["Content-Type"] = "application/json";
    }
  }
  return exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
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
