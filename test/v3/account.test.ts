import { describe, expect, it } from "vitest";
import {
  ADMIN_KEY,
  call,
  createAccount,
  createBin,
  expectError,
  INVALID_MASTER,
  ISO,
  master,
  NEED_MASTER,
  patchAccount,
  ROUTE_NOT_FOUND,
  type TestAccount,
} from "../helpers";

// §2.4 POST /v3/account/master-key/rotate

const ROTATE = "/v3/account/master-key/rotate";

interface Rotation {
  accountId: string;
  masterKey: string;
  rotatedAt: string;
}

async function rotate(account: TestAccount): Promise<Rotation> {
  const res = await call("POST", ROTATE, { headers: master(account) });
  expect(res.status).toBe(200);
  return res.json();
}

describe("rotating the master key", () => {
  it("returns the account id, a new 43-character key and the time, in that order", async () => {
    const account = await createAccount();
    const before = Date.now();
    const res = await call("POST", ROTATE, { headers: master(account) });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    const body = (await res.json()) as Rotation;
    expect(Object.keys(body)).toEqual(["accountId", "masterKey", "rotatedAt"]);
    expect(body.accountId).toBe(account.accountId);
    expect(body.masterKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.masterKey).not.toBe(account.masterKey);
    expect(body.rotatedAt).toMatch(ISO);
    expect(Date.parse(body.rotatedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("lets exactly one of concurrent rotations with the same key win; the others find the key gone", async () => {
    const account = await createAccount();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call("POST", ROTATE, { headers: master(account) })),
    );
    const won = answers.filter((res) => res.status === 200);
    expect(won).toHaveLength(1);
    for (const res of answers.filter((r) => r.status !== 200)) await expectError(res, 401, INVALID_MASTER);
    // The one key handed out works.
    const { masterKey } = (await won[0]!.json()) as Rotation;
    expect((await call("GET", "/v3/account/usage", { headers: { "X-Master-Key": masterKey } })).status).toBe(200);
  });

  it("refuses the old key from the very next request", async () => {
    const account = await createAccount();
    await rotate(account);
    await expectError(await call("POST", ROTATE, { headers: master(account) }), 401, INVALID_MASTER);
    await expectError(await call("POST", "/v3/b", { headers: master(account), body: { a: 1 } }), 401, INVALID_MASTER);
  });

  it("accepts the new key at once, including for the next rotation", async () => {
    const account = await createAccount();
    const first = await rotate(account);
    const rotated = { ...account, masterKey: first.masterKey };
    const bin = await createBin(rotated);
    expect(bin.id).toMatch(/^[0-9a-f]{24}$/);
    const second = await rotate(rotated);
    expect(second.accountId).toBe(account.accountId);
    expect(second.masterKey).not.toBe(first.masterKey);
    await expectError(await call("POST", ROTATE, { headers: master(rotated) }), 401, INVALID_MASTER);
  });

  it("keeps the account's bins", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { kept: true });
    const { masterKey } = await rotate(account);
    const res = await call("GET", `/v3/b/${bin.id}`, { headers: { "X-Master-Key": masterKey, "X-Bin-Meta": "false" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ kept: true });
  });

  it("leaves other accounts' keys alone", async () => {
    const account = await createAccount();
    const other = await createAccount();
    await rotate(account);
    expect((await call("POST", "/v3/b", { headers: master(other), body: { a: 1 } })).status).toBe(200);
  });

  it("is not counted and works with the request quota exhausted", async () => {
    const account = await createAccount();
    const limited = await patchAccount(account.accountId, { limits: { requestQuota: 0 } });
    expect(limited.status).toBe(200);
    const { masterKey } = await rotate(account);
    const res = await call("GET", `/v3/admin/accounts/${account.accountId}`, { headers: { "X-Admin-Key": ADMIN_KEY } });
    expect(((await res.json()) as { usage: { requestsUsed: number } }).usage.requestsUsed).toBe(0);
    expect(masterKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("ignores the body", async () => {
    const account = await createAccount();
    const res = await call("POST", ROTATE, {
      headers: { ...master(account), "Content-Type": "text/plain" },
      body: "{not json",
    });
    expect(res.status).toBe(200);
  });

  it("needs X-Master-Key", async () => {
    await expectError(await call("POST", ROTATE), 401, NEED_MASTER);
    await expectError(await call("POST", ROTATE, { headers: { "X-Master-Key": "" } }), 401, NEED_MASTER);
  });

  it("ignores an access key", async () => {
    const account = await createAccount();
    await expectError(await call("POST", ROTATE, { headers: { "X-Access-Key": account.masterKey } }), 401, NEED_MASTER);
  });

  it("refuses an unknown key", async () => {
    await expectError(await call("POST", ROTATE, { headers: { "X-Master-Key": "A".repeat(43) } }), 401, INVALID_MASTER);
  });

  it("is only a POST route", async () => {
    const account = await createAccount();
    await expectError(await call("GET", ROTATE, { headers: master(account) }), 404, ROUTE_NOT_FOUND);
    await expectError(await call("PUT", ROTATE, { headers: master(account) }), 404, ROUTE_NOT_FOUND);
  });
});
