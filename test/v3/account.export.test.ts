import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  ADMIN_KEY,
  BASE,
  call,
  createAccount,
  createBin,
  env,
  expectError,
  INVALID_MASTER,
  master,
  NEED_MASTER,
  patchAccount,
  REQUESTS_EXHAUSTED,
  type TestAccount,
} from "../helpers";

// §2.5 moving out: GET /v3/account/export, and its lines sent back through the import routes.

const admin = { "X-Admin-Key": ADMIN_KEY };

type Line = Record<string, unknown> & { type: string };

const exportOf = (account: TestAccount) => call("GET", "/v3/account/export", { headers: master(account) });

async function lines(res: Response): Promise<Line[]> {
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text.endsWith("\n")).toBe(true);
  return text
    .slice(0, -1)
    .split("\n")
    .map((l) => JSON.parse(l) as Line);
}

async function seed(account: TestAccount) {
  const h = master(account);
  const schema = await call("POST", "/v3/s", {
    headers: { ...h, "X-Schema-Doc-Name": "people" },
    body: { type: "object" },
  });
  const schemaId = ((await schema.json()) as { metadata: { id: string } }).metadata.id;
  const collection = await call("POST", "/v3/c", { headers: { ...h, "X-Collection-Name": "Ünïcode ✨" } });
  const collectionId = ((await collection.json()) as { record: string }).record;
  await call("PUT", `/v3/c/${collectionId}/schemadoc/add/${schemaId}`, { headers: h });
  const inside = await createBin(account, { n: 0 }, { "X-Collection-Id": collectionId, "X-Bin-Name": "Grüße 🌍" });
  for (const n of [1, 2]) {
    await call("PUT", `/v3/b/${inside.id}`, { headers: { ...h, "X-Bin-Versioning": "true" }, body: { n } });
  }
  const loose = await createBin(account, [1, 2, 3], { "X-Bin-Private": "false" });
  return { schemaId, collectionId, inside, loose };
}

describe("GET /v3/account/export", () => {
  it("streams the account as NDJSON: account, schema docs, collections, then each bin and its records", async () => {
    const account = await createAccount();
    const { schemaId, collectionId, inside, loose } = await seed(account);
    const res = await exportOf(account);
    expect(res.headers.get("Content-Type")).toBe("application/x-ndjson");
    const all = await lines(res);
    expect(all.map((l) => l.type)).toEqual([
      "account",
      "schema",
      "collection",
      "bin",
      "record",
      "bin",
      "record",
      "record",
      "record",
      "end",
    ]);
    expect(Object.keys(all[0]!)).toEqual(["type", "accountId", "exportedAt"]);
    expect(all[0]).toMatchObject({ accountId: account.accountId });
    expect(all[1]).toEqual({
      type: "schema",
      id: schemaId,
      name: "people",
      schema: { type: "object" },
      createdAt: expect.any(String),
    });
    expect(all[2]).toEqual({
      type: "collection",
      id: collectionId,
      name: "Ünïcode ✨",
      schemaDocId: schemaId,
      createdAt: expect.any(String),
    });
    // Uncategorized bins first, then each collection's.
    expect(all[3]).toEqual({
      type: "bin",
      id: loose.id,
      private: false,
      createdAt: loose.metadata.createdAt,
      versionCount: 0,
    });
    expect(all[4]).toEqual({
      type: "record",
      binId: loose.id,
      version: 0,
      createdAt: expect.any(String),
      record: [1, 2, 3],
    });
    expect(all[5]).toEqual({
      type: "bin",
      id: inside.id,
      private: true,
      name: "Grüße 🌍",
      collectionId,
      createdAt: inside.metadata.createdAt,
      versionCount: 2,
    });
    expect(all.slice(6, 9).map((l) => [l.version, l.record])).toEqual([
      [0, { n: 0 }],
      [1, { n: 1 }],
      [2, { n: 2 }],
    ]);
    expect(Object.keys(all[6]!)).toEqual(["type", "binId", "version", "createdAt", "record"]);
    expect(all[9]).toEqual({ type: "end", bins: 2, records: 4 });
  });

  it("exports an empty account as its account line and an end line", async () => {
    const account = await createAccount();
    const all = await lines(await exportOf(account));
    expect(all.map((l) => l.type)).toEqual(["account", "end"]);
    expect(all[1]).toEqual({ type: "end", bins: 0, records: 0 });
  });

  it("is produced while it is read: records arrive in chunks of their own, fetched only when reached", async () => {
    const account = await createAccount({ plan: "pro" });
    const big = (i: number) => ({ i, blob: "x".repeat(300_000) });
    const first = await createBin(account, big(0));
    for (const i of [1, 2, 3]) {
      await call("PUT", `/v3/b/${first.id}`, {
        headers: { ...master(account), "X-Bin-Versioning": "true" },
        body: big(i),
      });
    }
    const last = await createBin(account, { small: true });
    // Straight from the Worker: the suite's response check (through `call`) would read the whole stream first.
    const res = await exports.default.fetch(new Request(`${BASE}/v3/account/export`, { headers: master(account) }));
    const reader = res.body!.getReader();
    const sizes = [((await reader.read()).value as Uint8Array).byteLength];
    // Had the export been built before it was sent, removing the last bin's body now would change nothing.
    const row = await env.DB.prepare("SELECT body_key FROM records WHERE bin_id = ?")
      .bind(last.id)
      .first<{ body_key: string }>();
    await env.BODIES.delete(row!.body_key);
    let cutShort = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        sizes.push(value.byteLength);
      }
    } catch {
      cutShort = true;
    }
    expect(cutShort).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(4 * 300_000);
    // Many more chunks than lines, none holding more than one record.
    expect(sizes.length).toBeGreaterThan(8);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(300_100);
  });

  it("is counted once", async () => {
    const account = await createAccount();
    await seed(account);
    // Under a quota the counter is exact at once (without one it is settled after the response).
    await patchAccount(account.accountId, { limits: { requestQuota: 1000 } });
    const used = async () => {
      const usage = await call("GET", "/v3/account/usage", { headers: master(account) });
      return ((await usage.json()) as { requests: { used: number } }).requests.used;
    };
    const before = await used();
    const res = await exportOf(account);
    expect(res.headers.get("X-Requests-Used")).toBe(String(before + 1));
    await res.text();
    expect(await used()).toBe(before + 1);
  });

  it("needs the master key, and a quota that is not exhausted", async () => {
    const account = await createAccount();
    await expectError(await call("GET", "/v3/account/export"), 401, NEED_MASTER);
    await expectError(
      await call("GET", "/v3/account/export", { headers: { "X-Master-Key": "nope" } }),
      401,
      INVALID_MASTER,
    );
    await patchAccount(account.accountId, { limits: { requestQuota: 0 } });
    await expectError(await exportOf(account), 403, REQUESTS_EXHAUSTED);
  });

  it("cuts the stream short, without its end line, when a record vanishes while it runs", async () => {
    const account = await createAccount();
    const { inside } = await seed(account);
    const row = await env.DB.prepare("SELECT body_key FROM records WHERE bin_id = ? AND version = 1")
      .bind(inside.id)
      .first<{ body_key: string }>();
    await env.BODIES.delete(row!.body_key);
    const res = await exportOf(account);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });
});

/** Sends each export line to its import route; a bin line travels with its base record, the line after it. */
async function importLines(accountId: string, all: Line[]): Promise<void> {
  const base = `/v3/admin/accounts/${accountId}`;
  for (let i = 0; i < all.length; i++) {
    const item = all[i]!;
    let res: Response | undefined;
    if (item.type === "schema") res = await call("PUT", `${base}/schemas/${item.id}`, { headers: admin, body: item });
    if (item.type === "collection") {
      res = await call("PUT", `${base}/collections/${item.id}`, { headers: admin, body: item });
    }
    if (item.type === "bin") {
      const first = all[++i]!;
      res = await call("PUT", `${base}/bins/${item.id}`, { headers: admin, body: { ...item, record: first.record } });
    }
    if (item.type === "record") {
      res = await call("PUT", `${base}/bins/${item.binId}/versions/${item.version}`, { headers: admin, body: item });
    }
    if (res) expect(res.status, await res.clone().text()).toBe(200);
  }
}

async function wipe(accountId: string): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM records WHERE bin_id IN (SELECT id FROM bins WHERE account_id = ?)").bind(accountId),
    env.DB.prepare("DELETE FROM bins WHERE account_id = ?").bind(accountId),
    env.DB.prepare("DELETE FROM collections WHERE account_id = ?").bind(accountId),
    env.DB.prepare("DELETE FROM schema_docs WHERE account_id = ?").bind(accountId),
  ]);
}

describe("an export put back through the import routes", () => {
  it("restores every item under its id, with the same records, hashes and times", async () => {
    const account = await createAccount();
    const { inside, loose } = await seed(account);
    const etag = (await call("GET", `/v3/b/${inside.id}/1`, { headers: master(account) })).headers.get("ETag");
    const before = await lines(await exportOf(account));
    await wipe(account.accountId);
    expect((await call("GET", `/v3/b/${loose.id}`)).status).toBe(404);

    const target = await createAccount();
    await importLines(target.accountId, before);
    const after = await lines(await exportOf(target));
    expect(after.slice(1)).toEqual(before.slice(1));
    expect((await call("GET", `/v3/b/${inside.id}/1`, { headers: master(target) })).headers.get("ETag")).toBe(etag);

    // And a second pass changes nothing.
    await importLines(target.accountId, before);
    expect((await lines(await exportOf(target))).slice(1)).toEqual(before.slice(1));
  });
});
