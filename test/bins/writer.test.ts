import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { BinWriter } from "../../src/bins/bin-writer";
import {
  appendDirectly,
  BIN_DELETED,
  bodyCount,
  bodyKeys,
  call,
  createAccount,
  createBin,
  etagOf,
  eventually,
  INTERNAL_ERROR,
  instrumentedEnv,
  master,
  seedVersions,
  setWriterEnv,
  storedRows,
  type TestAccount,
  versionCount,
  writerStub,
} from "../helpers";

const versioned = (account: TestAccount) => ({ ...master(account), "X-Bin-Versioning": "true" });

// 100 serialised writes take a few seconds locally, more on a loaded machine.
describe("concurrent writes to one bin", { timeout: 30_000 }, () => {
  it("gives 100 parallel versioned updates the versions 1..100 with no gap or duplicate", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { n: i + 1 } }),
      ),
    );
    const written = new Map<number, unknown>();
    for (const res of responses) {
      expect(res.status).toBe(200);
      const body = (await res.json()) as { record: unknown; metadata: { version: number } };
      expect(res.headers.get("X-Bin-Version")).toBe(String(body.metadata.version));
      written.set(body.metadata.version, body.record);
    }
    expect([...written.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(await versionCount(account, bin.id)).toBe(100);
    for (const [version, record] of written) {
      const res = await call("GET", `/v3/b/${bin.id}/${version}`, {
        headers: { ...master(account), "X-Bin-Meta": "false" },
      });
      expect(await res.json()).toEqual(record);
    }
  });

  it("keeps the last of 30 parallel unversioned overwrites and leaves no superseded bodies behind", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const sent = Array.from({ length: 30 }, (_, i) => ({ n: i + 1 }));
    const responses = await Promise.all(
      sent.map((body) => call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
    // Each overwrite answers with the ETag of the record it committed; the bodies differ, so do the ETags.
    const committed = await Promise.all(
      responses.map(async (res, i) => {
        const etag = res.headers.get("ETag");
        expect(etag).toBe(await etagOf(0, JSON.stringify(sent[i])));
        expect(((await res.json()) as { record: unknown }).record).toEqual(sent[i]);
        return etag;
      }),
    );
    expect(await versionCount(account, bin.id)).toBe(0);

    const latest = await call("GET", `/v3/b/${bin.id}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
    const text = await latest.text();
    // The write that committed last is the one whose ETag is the bin's ETag now: its body is the record.
    expect(latest.headers.get("ETag")).toMatch(/^"0-[0-9a-f]{16}"$/);
    const last = committed.indexOf(latest.headers.get("ETag"));
    expect(last).toBeGreaterThanOrEqual(0);
    expect(text).toBe(JSON.stringify(sent[last]));

    // Superseded bodies are deleted off the write path: wait (bounded) until only the head's remains.
    const { records } = await storedRows(bin.id);
    expect(records).toEqual([expect.objectContaining({ version: 0 })]);
    const headKey = (records[0] as { body_key: string }).body_key;
    await eventually(async () => expect(await bodyKeys(bin.id)).toEqual([headKey]));
    expect(await (await env.BODIES.get(headKey))!.text()).toBe(text);
  });
});

// Seeding ~1000 versions through the writer takes several seconds locally.
describe("the 1000-version cap", { timeout: 60_000 }, () => {
  it("keeps exactly 1000 versions after 1005 versioned updates, overwriting version 1000 past the cap", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { seeded: 0 });
    await appendDirectly(account, bin.id, 1000);
    expect(await versionCount(account, bin.id)).toBe(1000);

    for (let i = 1; i <= 5; i++) {
      const res = await call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { past: i } });
      expect(res.status).toBe(200);
      expect(res.headers.get("X-Bin-Version-Cap-Reached")).toBe("true");
      expect(res.headers.get("X-Bin-Version")).toBe("1000");
      expect(await res.text()).toBe(`{"record":{"past":${i}},"metadata":{"parentId":"${bin.id}","private":true}}`);
    }
    expect(await versionCount(account, bin.id)).toBe(1000);
    const v1000 = await call("GET", `/v3/b/${bin.id}/1000`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
    expect(await v1000.json()).toEqual({ past: 5 });
    const v999 = await call("GET", `/v3/b/${bin.id}/999`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
    expect(await v999.json()).toEqual({ seeded: 999 });
    const v1001 = await call("GET", `/v3/b/${bin.id}/1001`, { headers: master(account) });
    expect(v1001.status).toBe(404);
    const { records } = await storedRows(bin.id);
    expect(records).toHaveLength(1001); // base + 1000 versions
  });

  it("never goes past 1000 when 20 parallel updates arrive with 990 versions stored", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { seeded: 0 });
    await seedVersions(bin.id, 990);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { p: i } }),
      ),
    );
    const appended: number[] = [];
    let capped = 0;
    for (const res of responses) {
      expect(res.status).toBe(200);
      const body = (await res.json()) as { metadata: { version?: number } };
      if (body.metadata.version !== undefined) appended.push(body.metadata.version);
      if (res.headers.get("X-Bin-Version-Cap-Reached") === "true") capped++;
    }
    expect(appended.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 991 + i));
    expect(capped).toBe(10);
    expect(await versionCount(account, bin.id)).toBe(1000);
    expect((await storedRows(bin.id)).records).toHaveLength(1001);
  });
});

describe("a write that fails part-way", () => {
  it("answers 500 and keeps the previous latest when the R2 put fails", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { before: true });
    const rowsBefore = await storedRows(bin.id);
    await setWriterEnv(bin.id, instrumentedEnv({}, { r2Put: true }));

    const res = await call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { after: true } });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe(JSON.stringify({ message: INTERNAL_ERROR }));

    const read = await call("GET", `/v3/b/${bin.id}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
    expect(await read.json()).toEqual({ before: true });
    expect(await storedRows(bin.id)).toEqual(rowsBefore);
    expect(await bodyCount(bin.id)).toBe(1);
  });

  it("answers 500 and changes nothing visible when the D1 commit fails after the body was stored", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { before: true });
    const rowsBefore = await storedRows(bin.id);
    await setWriterEnv(bin.id, instrumentedEnv({}, { d1Batch: true }));

    const res = await call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: { after: true } });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe(JSON.stringify({ message: INTERNAL_ERROR }));

    const read = await call("GET", `/v3/b/${bin.id}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
    expect(await read.json()).toEqual({ before: true });
    expect(await storedRows(bin.id)).toEqual(rowsBefore);
    // The new body is an unreachable orphan: nothing points at it, and deleting the bin sweeps it.
    expect(await bodyCount(bin.id)).toBe(2);

    await setWriterEnv(bin.id, env);
    const retry = await call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { after: true } });
    expect(((await retry.json()) as { metadata: { version: number } }).metadata.version).toBe(1);
    await call("DELETE", `/v3/b/${bin.id}`, { headers: master(account) });
    // The sweep of the bin's prefix runs after the response.
    await eventually(async () => expect(await bodyCount(bin.id)).toBe(0));
  });

  it("keeps a superseded body for the grace period, queued in the writer's storage for its alarm", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    await setWriterEnv(bin.id, { ...env, BODY_GRACE_SECONDS: "60" });
    const before = Date.now();
    await call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: { v: 1 } });
    // The old body is still there for a reader that looked up the old head a moment ago.
    expect(await bodyCount(bin.id)).toBe(2);
    const alarm = await runInDurableObject(writerStub(bin.id), (_: BinWriter, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThanOrEqual(before + 60_000);
    expect(alarm).toBeLessThan(Date.now() + 61_000);
    // Running the alarm early deletes nothing that is not due yet.
    await runDurableObjectAlarm(writerStub(bin.id));
    expect(await bodyCount(bin.id)).toBe(2);
  });

  it("re-reads the head before deleting when another writer committed first", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    await call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { v: 1 } });
    await env.DB.prepare("UPDATE bins SET version_count = 1, write_token = 'elsewhere' WHERE id = ?")
      .bind(bin.id)
      .run();
    const res = await call("DELETE", `/v3/b/${bin.id}`, { headers: master(account) });
    expect(await res.json()).toEqual({
      metadata: { id: bin.id, versionsDeleted: 1 },
      message: BIN_DELETED,
    });
    expect(await storedRows(bin.id)).toEqual({ bin: null, records: [] });
  });

  it("re-reads the head instead of overwriting it when another writer committed first", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    await call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { v: 1 } });
    // Simulate a second writer (e.g. a stale instance elsewhere) that appended version 2 behind this one's back.
    await env.DB.batch([
      env.DB.prepare("UPDATE bins SET version_count = 2, write_token = 'elsewhere' WHERE id = ?").bind(bin.id),
      env.DB.prepare(
        "INSERT INTO records (bin_id, version, body_key, hash, size, updated_at) SELECT bin_id, 2, body_key, hash, size, updated_at FROM records WHERE bin_id = ? AND version = 1",
      ).bind(bin.id),
    ]);
    const res = await call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { v: 3 } });
    expect(((await res.json()) as { metadata: { version: number } }).metadata.version).toBe(3);
    expect(await versionCount(account, bin.id)).toBe(3);
    const v2 = await call("GET", `/v3/b/${bin.id}/2`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
    expect(await v2.json()).toEqual({ v: 1 });
  });
});
