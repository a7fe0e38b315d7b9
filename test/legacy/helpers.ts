import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { BASE, type CallOptions, call, callWithEnv, master, type TestAccount } from "../helpers";

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const JSON_TYPE = "application/json; charset=utf-8";
export const INVALID_SECRET = "Invalid secret key provided.";
export const NEED_KEY_TO_CREATE = "You need to pass a secret-key in the header to Create a Bin";

export const secret = (account: TestAccount) => ({ "secret-key": account.masterKey });

/** A request whose body is sent as bytes, so no Content-Type is added unless given. */
export function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Response> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = new TextEncoder().encode(body);
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

/** Through the Worker's default export with `ALLOW_ANONYMOUS_BINS` set to `allow`. */
export async function callWithAnonymous(
  allow: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  return callWithEnv({ ALLOW_ANONYMOUS_BINS: allow }, method, path, options);
}

/** A JSON object whose compact form is exactly `bytes` long (minimum 8): `{"a":"xxx…"}`. */
export const recordOfSize = (bytes: number) => ({ a: "x".repeat(bytes - 8) });

/** Creates a bin through v2 `POST /b` and returns its id. */
export async function v2Create(
  account: TestAccount,
  record: unknown = { hello: "world" },
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await call("POST", "/b", { headers: { ...secret(account), ...headers }, body: record });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

/** Asserts a 200 whose body is exactly `text` (key order included). */
export async function expectText(res: Response, text: string): Promise<void> {
  expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: text });
  expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
}

/** The stored record as v3 sees it (metadata off); `path` is `<id>`, `<id>/latest` or `<id>/<n>`. */
export async function v3Text(account: TestAccount, path: string): Promise<string> {
  const res = await call("GET", `/v3/b/${path}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
  expect(res.status).toBe(200);
  return res.text();
}

export async function v3VersionCount(account: TestAccount, id: string): Promise<number> {
  const res = await call("GET", `/v3/b/${id}/versions/count`, { headers: master(account) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { metadata: { versionCount: number } }).metadata.versionCount;
}

/** A v3 collection of `account`, with a schema requiring `username` when `withSchema`. */
export async function v3Collection(
  account: TestAccount,
  withSchema = false,
): Promise<{ id: string; schemaId?: string }> {
  const res = await call("POST", "/v3/c", { headers: { ...master(account), "X-Collection-Name": "legacy" } });
  expect(res.status).toBe(200);
  const id = ((await res.json()) as { record: string }).record;
  if (!withSchema) return { id };
  const schemaRes = await call("POST", "/v3/s", {
    headers: { ...master(account), "X-Schema-Doc-Name": "users" },
    body: { type: "object", required: ["username"] },
  });
  expect(schemaRes.status).toBe(200);
  const schemaId = ((await schemaRes.json()) as { metadata: { id: string } }).metadata.id;
  const attach = await call("PUT", `/v3/c/${id}/schemadoc/add/${schemaId}`, { headers: master(account) });
  expect(attach.status).toBe(200);
  return { id, schemaId };
}
