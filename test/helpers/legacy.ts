import { expect } from "vitest";
import { master, secret, type TestAccount } from "./accounts";
import { type CallOptions, call, callWithEnv } from "./http";

/** Through the Worker's default export with `ALLOW_ANONYMOUS_BINS` set to `allow`. */
export async function callWithAnonymous(
  allow: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  return callWithEnv({ ALLOW_ANONYMOUS_BINS: allow }, method, path, options);
}

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
