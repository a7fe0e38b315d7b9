import { describe, expect, it } from "vitest";
import {
  ACCOUNT_NAME_INVALID,
  ACCOUNT_NOT_FOUND,
  ADMIN_KEY,
  call,
  callWithEnv,
  createAccount,
  createBin,
  env,
  expectError,
  freeCreateOver,
  freeUpdateOver,
  INVALID_ACCOUNT_ID,
  INVALID_ADMIN_KEY,
  INVALID_JSON,
  ISO,
  invalidValue,
  master,
  PLAN_INVALID,
  patchAccount,
  ROUTE_NOT_FOUND,
  recordSizeOver,
  UNKNOWN_ID,
  unknownField,
} from "../helpers";

// §2.3. The test config sets ADMIN_KEY=test-admin-key for the whole run.

const admin = { "X-Admin-Key": ADMIN_KEY };
const FREE_LIMITS = { maxRecordBytes: 102400, maxCollections: 10, maxAccessKeys: 4, requestQuota: null };
const PRO_LIMITS = { maxRecordBytes: 1048576, maxCollections: 100, maxAccessKeys: 4, requestQuota: null };
const NO_USAGE = { requestsUsed: 0, bins: 0, storageBytes: 0 };

const postAccount = (body?: unknown, headers: Record<string, string> = admin) =>
  call("POST", "/v3/admin/accounts", body === undefined ? { headers } : { headers, body });
const getAccount = (id: string, headers: Record<string, string> = admin) =>
  call("GET", `/v3/admin/accounts/${id}`, { headers });

interface AccountView {
  accountId: string;
  name?: string;
  plan: string;
  limits: Record<string, number | null>;
  usage: { requestsUsed: number; bins: number; storageBytes: number };
  createdAt: string;
}

async function describeAccount(id: string): Promise<AccountView> {
  const res = await getAccount(id);
  expect(res.status).toBe(200);
  return res.json();
}

/** Bins and storage from `usage`; requestsUsed depends on request counting (§7) and is tested apart. */
async function storage(id: string): Promise<{ bins: number; storageBytes: number }> {
  const { bins, storageBytes } = (await describeAccount(id)).usage;
  return { bins, storageBytes };
}

async function patchOk(id: string, body: Record<string, unknown>): Promise<AccountView> {
  const res = await patchAccount(id, body);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

describe("POST /v3/admin/accounts", () => {
  it("creates a free account by default, keys in contract order", async () => {
    const before = Date.now();
    const res = await postAccount();
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual(["accountId", "masterKey", "plan", "createdAt"]);
    expect(body.accountId).toMatch(/^[0-9a-f]{24}$/);
    expect(body.masterKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.plan).toBe("free");
    expect(body.createdAt).toMatch(ISO);
    expect(Date.parse(body.createdAt!)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("accepts an empty JSON object as the body", async () => {
    const res = await postAccount({});
    expect(res.status).toBe(200);
    expect(((await res.json()) as { plan: string }).plan).toBe("free");
  });

  it("creates a named pro account", async () => {
    const res = await postAccount({ name: "Acme", plan: "pro" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accountId: string; plan: string; createdAt: string };
    expect(body.plan).toBe("pro");
    expect(await describeAccount(body.accountId)).toEqual({
      accountId: body.accountId,
      name: "Acme",
      plan: "pro",
      limits: PRO_LIMITS,
      usage: NO_USAGE,
      createdAt: body.createdAt,
    });
  });

  it("gives every account its own id and a working master key", async () => {
    const a = await createAccount();
    const b = await createAccount();
    expect(a.accountId).not.toBe(b.accountId);
    expect(a.masterKey).not.toBe(b.masterKey);
    const bin = await createBin(a);
    expect((await call("GET", `/v3/b/${bin.id}`, { headers: master(a) })).status).toBe(200);
  });

  it("stores the master key only as its SHA-256", async () => {
    const account = await createAccount();
    const row = await env.DB.prepare("SELECT * FROM accounts WHERE id = ?").bind(account.accountId).first();
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(account.masterKey));
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    expect(row!.master_key_hash).toBe(hex);
    expect(JSON.stringify(row)).not.toContain(account.masterKey);
  });

  it("accepts names of 1 and 64 characters", async () => {
    expect((await postAccount({ name: "x" })).status).toBe(200);
    expect((await postAccount({ name: "n".repeat(64) })).status).toBe(200);
  });

  it.each([
    ["empty", ""],
    ["blank", "   "],
    ["65 characters", "n".repeat(65)],
    ["a number", 42],
    ["null", null],
  ])("refuses a name that is %s", async (_what, name) => {
    await expectError(await postAccount({ name }), 400, ACCOUNT_NAME_INVALID);
  });

  it.each([["enterprise"], ["FREE"], [1], [null]])("refuses the plan %j", async (plan) => {
    await expectError(await postAccount({ plan }), 400, PLAN_INVALID);
  });

  it.each([
    ["unparseable JSON", "{"],
    ["a JSON array", "[]"],
    ["a JSON string", '"free"'],
  ])("refuses %s as the body", async (_what, body) => {
    await expectError(await postAccount(body), 400, INVALID_JSON);
  });

  it("refuses a missing or wrong X-Admin-Key before reading the body", async () => {
    await expectError(await postAccount({}, {}), 401, INVALID_ADMIN_KEY);
    await expectError(await postAccount({}, { "X-Admin-Key": "wrong" }), 401, INVALID_ADMIN_KEY);
    await expectError(await postAccount("{", { "X-Admin-Key": `${ADMIN_KEY}x` }), 401, INVALID_ADMIN_KEY);
  });

  it("does not accept a master key in place of the admin key", async () => {
    const account = await createAccount();
    await expectError(await postAccount({}, master(account)), 401, INVALID_ADMIN_KEY);
  });
});

describe("GET /v3/admin/accounts/<id>", () => {
  it("describes a new account with the free plan's limits and no name", async () => {
    const account = await createAccount();
    const res = await getAccount(account.accountId);
    expect(res.status).toBe(200);
    const body = (await res.json()) as AccountView;
    expect(Object.keys(body)).toEqual(["accountId", "plan", "limits", "usage", "createdAt"]);
    expect(Object.keys(body.limits)).toEqual(["maxRecordBytes", "maxCollections", "maxAccessKeys", "requestQuota"]);
    expect(Object.keys(body.usage)).toEqual(["requestsUsed", "bins", "storageBytes"]);
    expect(body).toEqual({
      accountId: account.accountId,
      plan: "free",
      limits: FREE_LIMITS,
      usage: NO_USAGE,
      createdAt: account.createdAt,
    });
  });

  it("puts the name between accountId and plan", async () => {
    const account = await createAccount({ name: "Named" });
    expect(Object.keys(await describeAccount(account.accountId))).toEqual([
      "accountId",
      "name",
      "plan",
      "limits",
      "usage",
      "createdAt",
    ]);
  });

  it("accepts the id in any case", async () => {
    const account = await createAccount();
    expect((await describeAccount(account.accountId.toUpperCase())).accountId).toBe(account.accountId);
  });

  it("counts owned bins and the summed size of their base records and versions", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const a = await createBin(account, { a: 1 }); // {"a":1} = 7 bytes
    await createBin(account, ["xy"]); // ["xy"] = 6 bytes
    await createBin(other, { not: "counted" });
    expect(await storage(account.accountId)).toEqual({ bins: 2, storageBytes: 13 });

    // A versioned update adds version 1 ({"a":22} = 8 bytes); the base stays.
    const put = await call("PUT", `/v3/b/${a.id}`, {
      headers: { ...master(account), "X-Bin-Versioning": "true" },
      body: { a: 22 },
    });
    expect(put.status).toBe(200);
    expect(await storage(account.accountId)).toEqual({ bins: 2, storageBytes: 21 });

    // An unversioned update overwrites version 1 in place ({"a":333} = 9 bytes).
    await call("PUT", `/v3/b/${a.id}`, { headers: master(account), body: { a: 333 } });
    expect(await storage(account.accountId)).toEqual({ bins: 2, storageBytes: 22 });

    // Deleting the bin removes its base and versions.
    expect((await call("DELETE", `/v3/b/${a.id}`, { headers: master(account) })).status).toBe(200);
    expect(await storage(account.accountId)).toEqual({ bins: 1, storageBytes: 6 });
  });

  it("counts record sizes in UTF-8 bytes", async () => {
    const account = await createAccount();
    await createBin(account, { s: "é€😀" }); // {"s":""} = 8 bytes + 2 + 3 + 4
    expect((await describeAccount(account.accountId)).usage.storageBytes).toBe(17);
  });

  it("answers 404 for an unknown account", async () => {
    await expectError(await getAccount(UNKNOWN_ID), 404, ACCOUNT_NOT_FOUND);
  });

  it.each([
    ["short", "abc"],
    ["non-hex", "zzzzzzzzzzzzzzzzzzzzzzzz"],
    ["25 characters", `${UNKNOWN_ID}0`],
  ])("refuses a malformed (%s) id", async (_what, id) => {
    await expectError(await getAccount(id), 400, INVALID_ACCOUNT_ID);
  });

  it("checks the id format before the admin key", async () => {
    await expectError(await getAccount("abc", {}), 400, INVALID_ACCOUNT_ID);
    await expectError(await getAccount("abc", { "X-Admin-Key": "wrong" }), 400, INVALID_ACCOUNT_ID);
  });

  it("checks the admin key before looking the account up", async () => {
    const account = await createAccount();
    await expectError(await getAccount(account.accountId, { "X-Admin-Key": "wrong" }), 401, INVALID_ADMIN_KEY);
    await expectError(await getAccount(UNKNOWN_ID, {}), 401, INVALID_ADMIN_KEY);
  });
});

describe("PATCH /v3/admin/accounts/<id>", () => {
  it("renames the account and answers with the GET shape", async () => {
    const account = await createAccount();
    const body = await patchOk(account.accountId, { name: "Renamed" });
    expect(body).toEqual({
      accountId: account.accountId,
      name: "Renamed",
      plan: "free",
      limits: FREE_LIMITS,
      usage: NO_USAGE,
      createdAt: account.createdAt,
    });
    expect(await describeAccount(account.accountId)).toEqual(body);
  });

  it("changes the plan and with it the effective limits", async () => {
    const account = await createAccount();
    expect(await patchOk(account.accountId, { plan: "pro" })).toMatchObject({ plan: "pro", limits: PRO_LIMITS });
    expect(await patchOk(account.accountId, { plan: "free" })).toMatchObject({ plan: "free", limits: FREE_LIMITS });
  });

  it("sets limit overrides that beat the plan defaults, across plan changes", async () => {
    const account = await createAccount();
    const limits = { maxRecordBytes: 2048, maxCollections: 3, maxAccessKeys: 1, requestQuota: 500 };
    expect((await patchOk(account.accountId, { limits })).limits).toEqual(limits);
    expect((await patchOk(account.accountId, { plan: "pro" })).limits).toEqual(limits);
  });

  it("accepts a request quota of 0", async () => {
    const account = await createAccount();
    expect((await patchOk(account.accountId, { limits: { requestQuota: 0 } })).limits.requestQuota).toBe(0);
  });

  it("removes an override with null", async () => {
    const account = await createAccount({ plan: "pro" });
    await patchOk(account.accountId, { limits: { maxCollections: 3, maxRecordBytes: 2048 } });
    const body = await patchOk(account.accountId, { limits: { maxCollections: null } });
    expect(body.limits).toEqual({ ...PRO_LIMITS, maxRecordBytes: 2048 });
  });

  it("shows an unlimited request quota as null", async () => {
    const account = await createAccount();
    await patchOk(account.accountId, { limits: { requestQuota: 10 } });
    expect(
      (await patchOk(account.accountId, { limits: { requestQuota: "unlimited" } })).limits.requestQuota,
    ).toBeNull();
  });

  it('lets "unlimited" beat a plan quota while null falls back to it', async () => {
    const account = await createAccount();
    const quotaEnv = { FREE_REQUEST_QUOTA: "50" };
    const patch = (body: unknown) =>
      callWithEnv(quotaEnv, "PATCH", `/v3/admin/accounts/${account.accountId}`, {
        headers: { ...admin, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const limitOf = async (res: Response) => ((await res.json()) as AccountView).limits.requestQuota;
    expect(await limitOf(await patch({}))).toBe(50);
    expect(await limitOf(await patch({ limits: { requestQuota: "unlimited" } }))).toBeNull();
    expect(await limitOf(await patch({ limits: { requestQuota: null } }))).toBe(50);
  });

  it("zeroes the request counter with resetRequests: true", async () => {
    const account = await createAccount();
    // Stand-in for real traffic until request counting (§7) is exercised by its own tests.
    await env.DB.prepare("UPDATE accounts SET requests_used = 7 WHERE id = ?").bind(account.accountId).run();
    expect((await describeAccount(account.accountId)).usage.requestsUsed).toBe(7);
    expect((await patchOk(account.accountId, { resetRequests: false })).usage.requestsUsed).toBe(7);
    expect((await patchOk(account.accountId, { resetRequests: true })).usage.requestsUsed).toBe(0);
  });

  it("applies several fields at once and accepts an empty patch", async () => {
    const account = await createAccount();
    const body = await patchOk(account.accountId, { name: "Both", plan: "pro", limits: { maxCollections: 7 } });
    expect(body).toMatchObject({ name: "Both", plan: "pro", limits: { ...PRO_LIMITS, maxCollections: 7 } });
    expect(await patchOk(account.accountId, {})).toEqual(body);
  });

  it("applies a lowered record limit from the next request", async () => {
    const account = await createAccount();
    const big = { data: "x".repeat(3000) };
    const bin = await createBin(account, big);
    await patchOk(account.accountId, { limits: { maxRecordBytes: 2048 } });
    const create = await call("POST", "/v3/b", { headers: master(account), body: big });
    await expectError(create, 403, freeCreateOver("2kb"));
    const update = await call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: big });
    await expectError(update, 403, freeUpdateOver("2kb"));
    // Data already over the limit stays readable.
    expect((await call("GET", `/v3/b/${bin.id}`, { headers: master(account) })).status).toBe(200);
  });

  it("applies a raised pro record limit with the pro wording", async () => {
    const account = await createAccount({ plan: "pro" });
    await patchOk(account.accountId, { limits: { maxRecordBytes: 2097152 } });
    const res = await call("POST", "/v3/b", { headers: master(account), body: { data: "x".repeat(2097152) } });
    await expectError(res, 403, recordSizeOver("2mb"));
  });

  it.each([
    ["unparseable JSON", "{"],
    ["an empty body", ""],
    ["a JSON array", "[]"],
  ])("refuses %s as the body", async (_what, body) => {
    const account = await createAccount();
    await expectError(await patchAccount(account.accountId, body as never), 400, INVALID_JSON);
  });

  it("refuses an unknown top-level field", async () => {
    const account = await createAccount();
    await expectError(await patchAccount(account.accountId, { masterKey: "x" }), 400, unknownField("masterKey"));
  });

  it("refuses an unknown limit", async () => {
    const account = await createAccount();
    await expectError(await patchAccount(account.accountId, { limits: { maxBins: 3 } }), 400, unknownField("maxBins"));
  });

  it.each([
    ["name", ""],
    ["name", "n".repeat(65)],
    ["name", 5],
    ["plan", "gold"],
    ["plan", null],
    ["limits", "big"],
    ["limits", null],
    ["resetRequests", "yes"],
  ])("refuses %s = %j", async (key, value) => {
    const account = await createAccount();
    await expectError(await patchAccount(account.accountId, { [key]: value }), 400, invalidValue(key));
  });

  it.each([
    ["maxRecordBytes", 0],
    ["maxRecordBytes", -1],
    ["maxCollections", 1.5],
    ["maxAccessKeys", "4"],
    ["maxCollections", "unlimited"],
    ["requestQuota", -1],
    ["requestQuota", 2.5],
    ["requestQuota", "none"],
  ])("refuses the limit %s = %j", async (key, value) => {
    const account = await createAccount();
    await expectError(await patchAccount(account.accountId, { limits: { [key]: value } }), 400, invalidValue(key));
  });

  it("changes nothing when any field is invalid", async () => {
    const account = await createAccount();
    const before = await describeAccount(account.accountId);
    const res = await patchAccount(account.accountId, { name: "Half", plan: "pro", limits: { maxCollections: 0 } });
    await expectError(res, 400, invalidValue("maxCollections"));
    expect(await describeAccount(account.accountId)).toEqual(before);
  });

  it("answers 404 for an unknown account", async () => {
    await expectError(await patchAccount(UNKNOWN_ID, { name: "x" }), 404, ACCOUNT_NOT_FOUND);
  });

  it("checks the id format before the admin key", async () => {
    const res = await call("PATCH", "/v3/admin/accounts/not-an-id", { headers: { "X-Admin-Key": "wrong" }, body: {} });
    await expectError(res, 400, INVALID_ACCOUNT_ID);
  });

  it("checks the admin key before the account and the body", async () => {
    const account = await createAccount();
    const wrong = { "X-Admin-Key": "wrong" };
    await expectError(
      await call("PATCH", `/v3/admin/accounts/${UNKNOWN_ID}`, { headers: wrong, body: {} }),
      401,
      INVALID_ADMIN_KEY,
    );
    await expectError(
      await call("PATCH", `/v3/admin/accounts/${account.accountId}`, { headers: wrong, body: "{" }),
      401,
      INVALID_ADMIN_KEY,
    );
  });

  it("treats prototype names in admin limits as unknown fields, never as columns", async () => {
    const account = await createAccount();
    for (const key of ["constructor", "toString", "__proto__"]) {
      const res = await call("PATCH", `/v3/admin/accounts/${account.accountId}`, {
        headers: { "X-Admin-Key": ADMIN_KEY },
        body: `{"limits":{"${key}":5}}`,
      });
      await expectError(res, 400, unknownField(key));
    }
  });
});

describe("admin requests", () => {
  it("are not counted against the account", async () => {
    const account = await createAccount();
    await patchOk(account.accountId, { name: "Counted?" });
    await describeAccount(account.accountId);
    expect((await describeAccount(account.accountId)).usage.requestsUsed).toBe(0);
  });

  it("are served with the account's request quota exhausted", async () => {
    const account = await createAccount();
    await patchOk(account.accountId, { limits: { requestQuota: 0 } });
    expect((await patchOk(account.accountId, { name: "Still" })).name).toBe("Still");
  });
});

describe("admin routes", () => {
  it.each([
    ["GET", "/v3/admin/accounts"],
    ["DELETE", `/v3/admin/accounts/${UNKNOWN_ID}`],
    ["PUT", `/v3/admin/accounts/${UNKNOWN_ID}`],
    ["GET", "/v3/admin"],
  ])("answers %s %s with Route not found", async (method, path) => {
    await expectError(await call(method, path, { headers: admin }), 404, ROUTE_NOT_FOUND);
  });
});

describe("without ADMIN_KEY", () => {
  const unset = { ADMIN_KEY: undefined };

  it("has no account creation route", async () => {
    const res = await callWithEnv(unset, "POST", "/v3/admin/accounts", {
      headers: { ...admin, "Content-Type": "application/json" },
      body: "{}",
    });
    await expectError(res, 404, ROUTE_NOT_FOUND);
  });

  it("has no account read or patch route, whatever the id", async () => {
    const account = await createAccount();
    for (const [method, id] of [
      ["GET", account.accountId],
      ["PATCH", account.accountId],
      ["GET", "not-an-id"],
    ] as const) {
      const res = await callWithEnv(unset, method, `/v3/admin/accounts/${id}`, {
        headers: { ...admin, "Content-Type": "application/json" },
        ...(method === "PATCH" ? { body: '{"name":"x"}' } : {}),
      });
      await expectError(res, 404, ROUTE_NOT_FOUND);
    }
    expect((await describeAccount(account.accountId)).name).toBeUndefined();
  });

  it("treats an empty ADMIN_KEY as unset", async () => {
    const res = await callWithEnv({ ADMIN_KEY: "" }, "POST", "/v3/admin/accounts", { headers: { "X-Admin-Key": "" } });
    await expectError(res, 404, ROUTE_NOT_FOUND);
  });

  it("leaves the rest of the API working", async () => {
    const account = await createAccount();
    const res = await callWithEnv(unset, "POST", "/v3/b", {
      headers: { ...master(account), "Content-Type": "application/json" },
      body: '{"still":"works"}',
    });
    expect(res.status).toBe(200);
  });
});
