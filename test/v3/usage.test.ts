import { createExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/env";
import worker from "../../src/index";
import {
  ADMIN_KEY,
  BIN_BLANK,
  BIN_NOT_FOUND_OR_NOT_YOURS,
  type CallOptions,
  call,
  callWithEnv,
  createAccessKey,
  createAccount,
  createBin,
  env,
  eventually,
  expectError,
  expectLegacyError,
  FREE_UPDATE_TOO_LARGE,
  INVALID_JSON,
  INVALID_MASTER,
  instrumentedEnv,
  JSON_TYPE,
  master,
  NEED_JSON,
  NEED_MASTER,
  NO_KEY,
  NOT_OBJECT_OR_ARRAY,
  PRECONDITION_FAILED,
  patchAccount,
  REQUESTS_EXHAUSTED,
  type TestAccount,
  TOO_MANY_REQUESTS,
  UNKNOWN_ID,
} from "../helpers";

// §7 usage and quota, §10.5 rate limit, `GET /v3/account/usage`.
//
// Without a quota or rate limit a request is counted in the isolate's tally and reaches D1 in the
// next batch (USAGE_FLUSH_MILLISECONDS, 20 ms here), so reads of the stored counter poll until it
// settles. With a quota, the account's AccountMeter checks and counts in one step, so the counter
// is exact at once.

interface Usage {
  requests: { used: number; limit: number | null };
  bins: number;
  storageBytes: number;
}

async function usageText(account: TestAccount): Promise<string> {
  const res = await call("GET", "/v3/account/usage", { headers: master(account) });
  const text = await res.text();
  expect({ status: res.status, body: text }).toEqual({ status: 200, body: expect.any(String) });
  expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
  return text;
}

const usage = async (account: TestAccount): Promise<Usage> => JSON.parse(await usageText(account));

/**
 * Waits for the counter to reach `expected`, then checks it stays there for a while, so a late
 * increment of something that should not count is caught too.
 */
async function expectUsed(account: TestAccount, expected: number): Promise<void> {
  await eventually(async () => expect((await usage(account)).requests.used).toBe(expected), { holdsForMs: 60 });
}

/** Sets a quota and zeroes the counter: from here on counting is synchronous and exact. */
async function withQuota(account: TestAccount, requestQuota: number): Promise<void> {
  const res = await patchAccount(account.accountId, { limits: { requestQuota }, resetRequests: true });
  expect(res.status, await res.clone().text()).toBe(200);
}

const readBin = (id: string, headers: Record<string, string> = {}) => call("GET", `/v3/b/${id}`, { headers });

async function expectOk(res: Response): Promise<void> {
  expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: expect.any(String) });
}

/** The usage headers of a response, absent ones as null. */
const usageHeaders = (res: Response) => ({
  used: res.headers.get("X-Requests-Used"),
  limit: res.headers.get("X-Requests-Limit"),
  remaining: res.headers.get("X-Requests-Remaining"),
});

const NO_USAGE_HEADERS = { used: null, limit: null, remaining: null };

describe("GET /v3/account/usage", () => {
  it("describes a fresh account: nothing used, no limit, no bins, no bytes", async () => {
    const account = await createAccount();
    expect(await usageText(account)).toBe('{"requests":{"used":0,"limit":null},"bins":0,"storageBytes":0}');
  });

  it("reports the requests used, the quota, the bins owned and the bytes of all their records", async () => {
    const account = await createAccount();
    await withQuota(account, 100);
    const bin = await createBin(account, { a: 1 }); // {"a":1} = 7 bytes, request 1
    const put = await call("PUT", `/v3/b/${bin.id}`, {
      headers: { ...master(account), "X-Bin-Versioning": "true" },
      body: { a: 22 }, // {"a":22} = 8 bytes, a new version; request 2
    });
    await expectOk(put);
    await createBin(account, ["é"]); // ["é"] = 6 bytes, request 3
    expect(await usageText(account)).toBe('{"requests":{"used":3,"limit":100},"bins":2,"storageBytes":21}');
  });

  it("needs X-Master-Key, ignores X-Access-Key and refuses an unknown key", async () => {
    const account = await createAccount();
    const accessKey = await createAccessKey(account, ["create", "read", "update", "delete"], "all");
    await expectError(await call("GET", "/v3/account/usage"), 401, NEED_MASTER);
    await expectError(
      await call("GET", "/v3/account/usage", { headers: { "X-Access-Key": accessKey } }),
      401,
      NEED_MASTER,
    );
    await expectError(
      await call("GET", "/v3/account/usage", { headers: { "X-Master-Key": "not-a-key" } }),
      401,
      INVALID_MASTER,
    );
  });

  it("is not counted, carries no usage headers and answers with the quota exhausted", async () => {
    const account = await createAccount();
    await withQuota(account, 0);
    const res = await call("GET", "/v3/account/usage", { headers: master(account) });
    expect(usageHeaders(res)).toEqual(NO_USAGE_HEADERS);
    expect(await res.text()).toBe('{"requests":{"used":0,"limit":0},"bins":0,"storageBytes":0}');
    expect(await usageText(account)).toBe('{"requests":{"used":0,"limit":0},"bins":0,"storageBytes":0}');
  });
});

describe("counting (§7)", () => {
  it("counts a request once authorised, even when it then fails a body rule, a precondition or a plan limit", async () => {
    const account = await createAccount();
    const bin = await createBin(account); // 1
    await withQuota(account, 100);
    const headers = master(account);
    await expectError(
      await call("PUT", `/v3/b/${bin.id}`, { headers: { ...headers, "Content-Type": "text/plain" }, body: "x" }),
      400,
      NEED_JSON,
    );
    await expectError(await call("PUT", `/v3/b/${bin.id}`, { headers, body: "{" }), 400, INVALID_JSON);
    await expectError(await call("PUT", `/v3/b/${bin.id}`, { headers, body: {} }), 400, BIN_BLANK);
    await expectError(await call("POST", "/v3/b", { headers, body: "42" }), 400, NOT_OBJECT_OR_ARRAY);
    const stale = await call("PUT", `/v3/b/${bin.id}`, {
      headers: { ...headers, "If-Match": '"0-0000000000000000"' },
      body: { a: 1 },
    });
    await expectError(stale, 412, PRECONDITION_FAILED);
    await expectError(
      await call("PUT", `/v3/b/${bin.id}`, { headers, body: { a: "x".repeat(102_400) } }),
      403,
      FREE_UPDATE_TOO_LARGE,
    );
    expect((await usage(account)).requests.used).toBe(6);
  });

  it("puts X-Requests-Used on a counted error response", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await withQuota(account, 10);
    const res = await call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: "{" });
    expect(usageHeaders(res)).toEqual({ used: "1", limit: "10", remaining: "9" });
    await expectError(res, 400, INVALID_JSON);
  });

  it("does not count requests refused before authorisation completes", async () => {
    const owner = await createAccount();
    const stranger = await createAccount();
    const bin = await createBin(owner); // 1
    await expectUsed(owner, 1);
    const refused: [Promise<Response>, number][] = [
      [readBin(bin.id), 401],
      [readBin(bin.id, master(stranger)), 401],
      [readBin(bin.id, { "X-Access-Key": "not-a-key" }), 401],
      [call("PUT", `/v3/b/${bin.id}`, { body: { a: 1 } }), 401],
      [call("DELETE", `/v3/b/${bin.id}`, { headers: master(stranger) }), 401],
      [readBin("not-an-id", master(owner)), 400],
      [readBin(`${bin.id}/abc`, master(owner)), 400],
      [readBin(UNKNOWN_ID, master(owner)), 404],
      [
        call("PUT", `/v3/b/${bin.id}`, { headers: { ...master(owner), "X-Bin-Versioning": "maybe" }, body: { a: 1 } }),
        400,
      ],
      [call("GET", "/v3/nothing-here", { headers: master(owner) }), 404],
      [call("GET", "/v3/c", { headers: { "X-Master-Key": "not-a-key" } }), 401],
      [call("DELETE", `/v3/a/${UNKNOWN_ID}`, { headers: master(owner) }), 404],
      [call("PUT", `/v3/c/${UNKNOWN_ID}/meta/name`, { headers: { ...master(owner), "X-Collection-Name": "c" } }), 404],
      [call("GET", `/v3/s/${UNKNOWN_ID}`, { headers: master(owner) }), 404],
      [call("GET", "/v3/l/01-01-2020", { headers: master(owner) }), 404],
      [call("GET", "/v3/l/31-02-2020", { headers: master(owner) }), 400],
      [call("POST", "/v3/c", { headers: master(owner) }), 400],
    ];
    for (const [pending, status] of refused) {
      const res = await pending;
      expect({ status: res.status, headers: usageHeaders(res) }).toEqual({ status, headers: NO_USAGE_HEADERS });
      await res.text();
    }
    await expectUsed(owner, 1);
    await expectUsed(stranger, 0);
  });

  it("does not count preflights, admin requests, usage reads or key rotation", async () => {
    let account = await createAccount();
    const bin = await createBin(account); // 1
    const uncounted = [
      call("OPTIONS", `/v3/b/${bin.id}`, { headers: { ...master(account), "Access-Control-Request-Method": "GET" } }),
      call("OPTIONS", "/v3/b", { headers: master(account) }),
      call("GET", `/v3/admin/accounts/${account.accountId}`, { headers: { "X-Admin-Key": ADMIN_KEY } }),
      patchAccount(account.accountId, { name: "renamed" }),
      call("GET", "/v3/account/usage", { headers: master(account) }),
    ];
    for (const res of await Promise.all(uncounted)) {
      expect(usageHeaders(res)).toEqual(NO_USAGE_HEADERS);
      await res.arrayBuffer();
    }
    const rotation = await call("POST", "/v3/account/master-key/rotate", { headers: master(account) });
    expect(rotation.status).toBe(200);
    expect(usageHeaders(rotation)).toEqual(NO_USAGE_HEADERS);
    account = { ...account, masterKey: ((await rotation.json()) as { masterKey: string }).masterKey };
    await expectUsed(account, 1);
    // The counter still moves for a counted request afterwards.
    await expectOk(await readBin(bin.id, master(account)));
    await expectUsed(account, 2);
  });

  it("counts every kind of counted route: bins, collections, schema docs, access keys, logs", async () => {
    const account = await createAccount();
    await withQuota(account, 100);
    const headers = master(account);
    const bin = await createBin(account);
    const responses = [
      await readBin(bin.id, headers),
      await call("GET", `/v3/b/${bin.id}/versions/count`, { headers }),
      await call("PUT", `/v3/b/${bin.id}/meta/name`, { headers: { ...headers, "X-Bin-Name": "n" } }),
      await call("POST", "/v3/c", { headers: { ...headers, "X-Collection-Name": "c" } }),
      await call("GET", "/v3/c", { headers }),
      await call("POST", "/v3/s", { headers: { ...headers, "X-Schema-Doc-Name": "s" }, body: { type: "object" } }),
      await call("POST", "/v3/a", { headers: { ...headers, "X-Key-Name": "k" }, body: {} }),
      await call("GET", "/v3/a", { headers }),
      await call("GET", "/v3/l", { headers }),
    ];
    expect(responses.map((r) => r.headers.get("X-Requests-Used"))).toEqual([
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
      "10",
    ]);
    for (const r of responses) await r.arrayBuffer();
    expect((await usage(account)).requests.used).toBe(10);
  });

  it("charges the bin owner for keyless and foreign-key reads and updates of a public bin", async () => {
    const owner = await createAccount();
    const visitor = await createAccount();
    const bin = await createBin(owner, { hello: "world" }, { "X-Bin-Private": "false" }); // owner: 1
    await expectOk(await readBin(bin.id)); // 2
    await expectOk(await readBin(bin.id, master(visitor))); // 3
    await expectOk(await call("PUT", `/v3/b/${bin.id}`, { body: { by: "anyone" } })); // 4
    await expectOk(await call("PUT", `/v3/b/${bin.id}`, { headers: master(visitor), body: { by: "visitor" } })); // 5
    await expectOk(await call("GET", `/v3/b/${bin.id}/versions/count`)); // 6
    await expectUsed(owner, 6);
    await expectUsed(visitor, 0);
  });

  it("charges a bin created with an access key to the key's account", async () => {
    const account = await createAccount();
    await withQuota(account, 100);
    const accessKey = await createAccessKey(account, ["create"], "creator"); // 1
    const res = await call("POST", "/v3/b", { headers: { "X-Access-Key": accessKey }, body: { a: 1 } }); // 2
    expect(usageHeaders(res)).toEqual({ used: "2", limit: "100", remaining: "98" });
    await expectOk(res);
    expect(await usageText(account)).toBe('{"requests":{"used":2,"limit":100},"bins":1,"storageBytes":7}');
  });
});

describe("usage headers (§7)", () => {
  it("carry X-Requests-Used after counting, without limit headers when there is no quota", async () => {
    const account = await createAccount();
    const bin = await createBin(account); // 1
    await expectUsed(account, 1);
    const res = await readBin(bin.id, master(account));
    expect(usageHeaders(res)).toEqual({ used: "2", limit: null, remaining: null });
    await expectOk(res);
    await expectUsed(account, 2);
  });

  it("carry X-Requests-Limit and X-Requests-Remaining under a quota", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await withQuota(account, 3);
    const seen = [];
    for (let i = 0; i < 4; i++) {
      const res = await readBin(bin.id, master(account));
      seen.push({ status: res.status, ...usageHeaders(res) });
      await res.arrayBuffer();
    }
    expect(seen).toEqual([
      { status: 200, used: "1", limit: "3", remaining: "2" },
      { status: 200, used: "2", limit: "3", remaining: "1" },
      { status: 200, used: "3", limit: "3", remaining: "0" },
      { status: 403, used: null, limit: null, remaining: null },
    ]);
  });

  it("are exposed to browsers", async () => {
    const account = await createAccount();
    const res = await call("GET", "/v3/c", { headers: master(account) });
    const exposed = res.headers.get("Access-Control-Expose-Headers")!.split(", ");
    for (const name of [
      "X-Requests-Used",
      "X-Requests-Limit",
      "X-Requests-Remaining",
      "X-RateLimit-Limit",
      "X-RateLimit-Remaining",
      "X-RateLimit-Reset",
      "Retry-After",
    ]) {
      expect(exposed).toContain(name);
    }
  });
});

describe("counting off D1's write path", () => {
  /** Bindings of their own, so their isolate tally is theirs too; it flushes only when a log listing asks. */
  const heldBindings = () => instrumentedEnv({}, { vars: { USAGE_FLUSH_MILLISECONDS: "60000" } });
  const fetchThrough = async (bindings: Env, path: string, account: TestAccount) => {
    const res = await worker.fetch(
      new Request(`http://edgebin.test${path}`, { headers: master(account) }),
      bindings,
      createExecutionContext(),
    );
    await res.arrayBuffer();
    return res;
  };
  const storedCounter = async (account: TestAccount) =>
    (await env.DB.prepare("SELECT requests_used FROM accounts WHERE id = ?").bind(account.accountId).first<{
      requests_used: number;
    }>())!.requests_used;

  it("drops the requests counted before an admin reset that reach D1 after it", async () => {
    const account = await createAccount();
    const bin = await createBin(account); // 1
    await expectUsed(account, 1);
    const held = heldBindings();
    for (let i = 0; i < 3; i++) expect((await fetchThrough(held, `/v3/b/${bin.id}`, account)).status).toBe(200);
    expect((await patchAccount(account.accountId, { resetRequests: true })).status).toBe(200);
    await expectOk(await readBin(bin.id, master(account))); // the first request after the reset
    // The held tally now writes its three reads (and their log rows): their increment is refused.
    expect((await fetchThrough(held, "/v3/l", account)).status).toBe(200);
    await expectUsed(account, 1);
    await eventually(async () => expect(await storedCounter(account)).toBe(1));
  });

  it("starts a quota's count from this isolate's requests not yet in D1, not from D1's counter alone", async () => {
    const account = await createAccount();
    const bin = await createBin(account); // 1
    await expectUsed(account, 1);
    const held = heldBindings();
    for (let i = 0; i < 3; i++) expect((await fetchThrough(held, `/v3/b/${bin.id}`, account)).status).toBe(200);
    expect(await storedCounter(account)).toBe(1);
    expect((await patchAccount(account.accountId, { limits: { requestQuota: 100 } })).status).toBe(200);
    const first = await fetchThrough(held, `/v3/b/${bin.id}`, account);
    expect(usageHeaders(first)).toEqual({ used: "5", limit: "100", remaining: "95" });
    // The log listing (metered too) writes the held tally's three: then D1 and the meter agree on
    // 1 + 3 + the two metered requests, whichever of the two writes lands first.
    expect((await fetchThrough(held, "/v3/l", account)).status).toBe(200);
    await eventually(async () => expect(await storedCounter(account)).toBe(6));
    expect(usageHeaders(await fetchThrough(held, `/v3/b/${bin.id}`, account))).toEqual({
      used: "7",
      limit: "100",
      remaining: "93",
    });
  });

  it("writes what an account's meter counted to D1 within the flush interval", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await withQuota(account, 100);
    for (let i = 0; i < 5; i++) await expectOk(await readBin(bin.id, master(account)));
    expect((await usage(account)).requests.used).toBe(5);
    await eventually(async () => expect(await storedCounter(account)).toBe(5));
  });

  it("adds a meter's count to D1's counter, never replaces it, when the quota is lifted and set again", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await withQuota(account, 100);
    for (let i = 0; i < 3; i++) await expectOk(await readBin(bin.id, master(account)));
    expect((await patchAccount(account.accountId, { limits: { requestQuota: null } })).status).toBe(200);
    for (let i = 0; i < 2; i++) await expectOk(await readBin(bin.id, master(account)));
    // The meter learns of requests counted elsewhere from D1's counter, so wait for them to land there.
    await eventually(async () => expect(await storedCounter(account)).toBe(5));
    expect((await patchAccount(account.accountId, { limits: { requestQuota: 6 } })).status).toBe(200);
    const last = await readBin(bin.id, master(account));
    expect(usageHeaders(last)).toEqual({ used: "6", limit: "6", remaining: "0" });
    await expectOk(last);
    await expectError(await readBin(bin.id, master(account)), 403, REQUESTS_EXHAUSTED);
    await eventually(async () => expect(await storedCounter(account)).toBe(6));
  });
});

describe("request quota (§7)", () => {
  it("lets exactly 50 of 80 concurrent reads through under a quota of 50 (design margin: 0 in-flight) and refuses the rest with 403, uncounted", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await withQuota(account, 50);
    const responses = await Promise.all(Array.from({ length: 80 }, () => readBin(bin.id, master(account))));
    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status !== 200);
    // The meter checks and counts in one event with no await between: never a single request over.
    expect({ ok: ok.length, refused: refused.length }).toEqual({ ok: 50, refused: 30 });
    expect(ok.map((r) => Number(r.headers.get("X-Requests-Used"))).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    for (const r of ok) await r.arrayBuffer();
    for (const r of refused) {
      expect(usageHeaders(r)).toEqual(NO_USAGE_HEADERS);
      await expectError(r, 403, REQUESTS_EXHAUSTED);
    }
    expect((await usage(account)).requests).toEqual({ used: 50, limit: 50 });
  });

  it("refuses every counted route once exhausted, and a reset restores service", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await withQuota(account, 2);
    const headers = master(account);
    await expectOk(await readBin(bin.id, headers));
    await expectOk(await call("GET", "/v3/c", { headers }));
    await expectError(await readBin(bin.id, headers), 403, REQUESTS_EXHAUSTED);
    await expectError(await call("PUT", `/v3/b/${bin.id}`, { headers, body: { a: 1 } }), 403, REQUESTS_EXHAUSTED);
    await expectError(await call("POST", "/v3/b", { headers, body: { a: 1 } }), 403, REQUESTS_EXHAUSTED);
    await expectError(await call("DELETE", `/v3/b/${bin.id}`, { headers }), 403, REQUESTS_EXHAUSTED);
    await expectError(await call("GET", "/v3/c", { headers }), 403, REQUESTS_EXHAUSTED);
    await expectError(
      await call("POST", "/v3/a", { headers: { ...headers, "X-Key-Name": "k" }, body: {} }),
      403,
      REQUESTS_EXHAUSTED,
    );
    await expectError(await call("GET", "/v3/l", { headers }), 403, REQUESTS_EXHAUSTED);
    expect((await usage(account)).requests).toEqual({ used: 2, limit: 2 });

    const reset = await patchAccount(account.accountId, { resetRequests: true });
    expect(reset.status).toBe(200);
    const res = await readBin(bin.id, headers);
    expect(usageHeaders(res)).toEqual({ used: "1", limit: "2", remaining: "1" });
    await expectOk(res);
  });

  it("refuses keyless reads of a public bin once its owner's quota is exhausted", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner, { hello: "world" }, { "X-Bin-Private": "false" });
    await withQuota(owner, 1);
    await expectOk(await readBin(bin.id));
    await expectError(await readBin(bin.id), 403, REQUESTS_EXHAUSTED);
    await expectError(await call("PUT", `/v3/b/${bin.id}`, { body: { a: 1 } }), 403, REQUESTS_EXHAUSTED);
  });

  it("is checked after authorisation: a bad key is still a 401 and an unknown bin a 404", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await withQuota(account, 0);
    await expectError(await readBin(bin.id), 401, NO_KEY.read);
    await expectError(await readBin(UNKNOWN_ID, master(account)), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
    await expectError(await readBin(bin.id, master(account)), 403, REQUESTS_EXHAUSTED);
  });

  it('lifts with "unlimited", and then counts off the response path again', async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await withQuota(account, 0);
    await expectError(await readBin(bin.id, master(account)), 403, REQUESTS_EXHAUSTED);
    expect((await patchAccount(account.accountId, { limits: { requestQuota: "unlimited" } })).status).toBe(200);
    const res = await readBin(bin.id, master(account));
    expect(usageHeaders(res)).toEqual({ used: "1", limit: null, remaining: null });
    await expectOk(res);
    await expectUsed(account, 1);
  });

  it("answers in the legacy shape on root paths", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await withQuota(account, 0);
    const secret = { "secret-key": account.masterKey };
    await expectLegacyError(await call("GET", `/b/${bin.id}`, { headers: secret }), 403, REQUESTS_EXHAUSTED);
    await expectLegacyError(await call("POST", "/b", { headers: secret, body: { a: 1 } }), 403, REQUESTS_EXHAUSTED);
    const pending = await call("GET", "/e/requests", { headers: secret });
    expect({ status: pending.status, body: await pending.text() }).toEqual({ status: 200, body: '{"count":0}' });
  });
});

describe("rate limit (§10.5, RATE_LIMIT_PER_MINUTE=3)", () => {
  /** Straight through the Worker's default export with the rate limit on; waits for its waitUntil work. */
  async function rated(
    method: string,
    path: string,
    options: CallOptions = {},
    overrides: Record<string, string> = {},
  ): Promise<Response> {
    return callWithEnv({ RATE_LIMIT_PER_MINUTE: "3", ...overrides }, method, path, options);
  }

  // The window is a fixed epoch minute. Only Date is faked, and the Worker runs in this isolate, so
  // it reads the same clock: every test starts 10 s into a minute and never straddles two windows.
  const WINDOW_START = Math.floor(Date.now() / 60_000) * 60_000;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(WINDOW_START + 10_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const rateHeaders = (res: Response) => ({
    limit: res.headers.get("X-RateLimit-Limit"),
    remaining: res.headers.get("X-RateLimit-Remaining"),
    reset: res.headers.get("X-RateLimit-Reset"),
    retryAfter: res.headers.get("Retry-After"),
  });

  const seconds = (value: string | null) => {
    const n = Number(value);
    expect(Number.isInteger(n) && n >= 1 && n <= 60, `${value} is 1–60 seconds`).toBe(true);
    return n;
  };

  it("answers the 4th request in the window with 429 Too many requests and Retry-After", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const res = await rated("GET", `/v3/b/${bin.id}`, { headers: master(account) });
      const h = rateHeaders(res);
      seconds(h.reset);
      seen.push({ status: res.status, limit: h.limit, remaining: h.remaining, retryAfter: h.retryAfter });
      await res.arrayBuffer();
    }
    expect(seen).toEqual([
      { status: 200, limit: "3", remaining: "2", retryAfter: null },
      { status: 200, limit: "3", remaining: "1", retryAfter: null },
      { status: 200, limit: "3", remaining: "0", retryAfter: null },
    ]);
    const limited = await rated("GET", `/v3/b/${bin.id}`, { headers: master(account) });
    const h = rateHeaders(limited);
    expect({ limit: h.limit, remaining: h.remaining }).toEqual({ limit: "3", remaining: "0" });
    expect(seconds(h.retryAfter)).toBe(seconds(h.reset));
    expect(h.reset).toBe("50");
    expect(usageHeaders(limited)).toEqual(NO_USAGE_HEADERS);
    await expectError(limited, 429, TOO_MANY_REQUESTS);
    // Every counted route shares the account's window.
    await expectError(await rated("GET", "/v3/c", { headers: master(account) }), 429, TOO_MANY_REQUESTS);
  });

  it("opens a new window at the next minute", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    for (let i = 0; i < 3; i++) await expectOk(await rated("GET", `/v3/b/${bin.id}`, { headers: master(account) }));
    await expectError(await rated("GET", `/v3/b/${bin.id}`, { headers: master(account) }), 429, TOO_MANY_REQUESTS);
    vi.setSystemTime(WINDOW_START + 60_000);
    const res = await rated("GET", `/v3/b/${bin.id}`, { headers: master(account) });
    expect(rateHeaders(res)).toEqual({ limit: "3", remaining: "2", reset: "60", retryAfter: null });
    await expectOk(res);
  });

  it("puts the X-RateLimit headers on every charged response, errors included", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const res = await rated("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: "{" });
    expect({ limit: rateHeaders(res).limit, remaining: rateHeaders(res).remaining }).toEqual({
      limit: "3",
      remaining: "2",
    });
    await expectError(res, 400, INVALID_JSON);
    // Uncharged responses carry none.
    const refused = await rated("GET", `/v3/b/${bin.id}`);
    expect(rateHeaders(refused)).toEqual({ limit: null, remaining: null, reset: null, retryAfter: null });
    await refused.arrayBuffer();
  });

  it("does not count a 429 against the quota", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await withQuota(account, 100);
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const res = await rated("GET", `/v3/b/${bin.id}`, { headers: master(account) });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    expect((await usage(account)).requests).toEqual({ used: 3, limit: 100 });
  });

  it("does not count a 429 on an account without a quota either", async () => {
    const account = await createAccount();
    const bin = await createBin(account); // 1
    await expectUsed(account, 1);
    for (let i = 0; i < 5; i++)
      await (await rated("GET", `/v3/b/${bin.id}`, { headers: master(account) })).arrayBuffer();
    expect((await usage(account)).requests.used).toBe(4);
  });

  it("checks the rate limit before the quota", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await withQuota(account, 0);
    for (let i = 0; i < 3; i++)
      await expectError(await rated("GET", `/v3/b/${bin.id}`, { headers: master(account) }), 403, REQUESTS_EXHAUSTED);
    await expectError(await rated("GET", `/v3/b/${bin.id}`, { headers: master(account) }), 429, TOO_MANY_REQUESTS);
  });

  it("keeps one window per charged account, and spends nothing on requests refused before charging", async () => {
    const busy = await createAccount();
    const other = await createAccount();
    const busyBin = await createBin(busy);
    const otherBin = await createBin(other, { hello: "world" }, { "X-Bin-Private": "false" });
    // Refused before step 6, or never charged: none of these touches a window.
    for (let i = 0; i < 4; i++) {
      await expectError(await rated("GET", `/v3/b/${busyBin.id}`), 401, NO_KEY.read);
      expect((await rated("GET", "/v3/account/usage", { headers: master(busy) })).status).toBe(200);
      expect((await rated("OPTIONS", `/v3/b/${busyBin.id}`)).status).toBe(204);
    }
    for (let i = 0; i < 3; i++) await expectOk(await rated("GET", `/v3/b/${busyBin.id}`, { headers: master(busy) }));
    await expectError(await rated("GET", `/v3/b/${busyBin.id}`, { headers: master(busy) }), 429, TOO_MANY_REQUESTS);
    // The busy account's key reading another account's public bin charges that bin's owner.
    await expectOk(await rated("GET", `/v3/b/${otherBin.id}`, { headers: master(busy) }));
    await expectOk(await rated("GET", "/v3/c", { headers: master(other) }));
  });

  it("never limits admin requests or key rotation", async () => {
    let account = await createAccount();
    for (let i = 0; i < 5; i++) {
      const admin = await rated("GET", `/v3/admin/accounts/${account.accountId}`, {
        headers: { "X-Admin-Key": ADMIN_KEY },
      });
      expect(admin.status).toBe(200);
      await admin.arrayBuffer();
      const rotation = await rated("POST", "/v3/account/master-key/rotate", { headers: master(account) });
      expect(rotation.status).toBe(200);
      account = { ...account, masterKey: ((await rotation.json()) as { masterKey: string }).masterKey };
    }
  });

  it("is off when RATE_LIMIT_PER_MINUTE is unset", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    for (let i = 0; i < 5; i++) {
      const res = await call("GET", `/v3/b/${bin.id}`, { headers: master(account) });
      expect({ status: res.status, limit: res.headers.get("X-RateLimit-Limit") }).toEqual({ status: 200, limit: null });
      await res.arrayBuffer();
    }
  });
});
