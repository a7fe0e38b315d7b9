import { expect } from "vitest";
import { call } from "./http";

export const ADMIN_KEY = "test-admin-key";

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
export const access = (key: string) => ({ "X-Access-Key": key });
/** The v2/v1 key header: the account's master key. */
export const secret = (account: TestAccount) => ({ "secret-key": account.masterKey });

/** 43 characters of base64url: the shape of a real key, matching no account and no access key. */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export type Permission = "create" | "read" | "update" | "delete";
const PERMISSIONS: Permission[] = ["create", "read", "update", "delete"];

/** A real access key of `account`'s, made through `POST /v3/a` (§6.1), holding exactly `permissions`. */
export async function createAccessKey(account: TestAccount, permissions: Permission[], name = "test key") {
  const bins = Object.fromEntries(PERMISSIONS.map((p) => [p, permissions.includes(p)]));
  const res = await call("POST", "/v3/a", { headers: { ...master(account), "X-Key-Name": name }, body: { bins } });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { accessKey: string; keyPermissions: { bins: unknown } };
  expect(body.keyPermissions.bins).toEqual(bins);
  return body.accessKey;
}

/** Bins and storage as the admin API reports them; requestsUsed depends on counting (§7) and is left out. */
export async function storageOf(account: TestAccount): Promise<{ bins: number; storageBytes: number }> {
  const res = await call("GET", `/v3/admin/accounts/${account.accountId}`, { headers: { "X-Admin-Key": ADMIN_KEY } });
  expect(res.status).toBe(200);
  const { bins, storageBytes } = ((await res.json()) as { usage: { bins: number; storageBytes: number } }).usage;
  return { bins, storageBytes };
}
