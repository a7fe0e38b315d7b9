import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { BinWriter } from "../../src/bins/bin-writer";
import { toStoredRecord } from "../../src/bins/records";
import {
  type Counts,
  call,
  createAccount,
  createBin,
  eventually,
  expectError,
  instrumentedEnv,
  master,
  setWriterEnv,
  type TestAccount,
  writerStub,
} from "../helpers";

const versioned = (account: TestAccount) => ({ ...master(account), "X-Bin-Versioning": "true" });

/**
 * The writer's bindings, counted, with its first D1 batch held until `release()`: while that
 * commit is "in flight", the writes that arrive queue up behind it and form the next group.
 */
function heldFirstCommit(counts: Counts, faults: { failLater?: "r2Put" | "d1Batch" } = {}) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const counted = instrumentedEnv(counts);
  let batches = 0;
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          batches++;
          counts["d1.batch"] = batches;
          if (batches === 1) await gate;
          else if (faults.failLater === "d1Batch") throw new Error("injected D1 batch failure");
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const bodies = new Proxy(counted.BODIES, {
    get(target, prop) {
      if (prop === "put" && faults.failLater === "r2Put" && batches >= 1) {
        return () => Promise.reject(new Error("injected R2 put failure"));
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { env: { ...counted, DB: db, BODIES: bodies } as typeof env, release };
}

/** How many writes wait in the writer's open group (the next commit). */
const waiting = (binId: string) =>
  runInDurableObject(
    writerStub(binId),
    (instance: BinWriter) => (instance as unknown as { openGroup: unknown[] | null }).openGroup?.length ?? 0,
  );

async function latest(account: TestAccount, id: string): Promise<unknown> {
  const res = await call("GET", `/v3/b/${id}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
  return res.json();
}

describe("group commit in the bin's writer", { timeout: 30_000 }, () => {
  it("commits the writes queued behind an in-flight commit together: one D1 batch, every body, versions in arrival order", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const counts: Counts = {};
    const held = heldFirstCommit(counts);
    await setWriterEnv(bin.id, held.env);

    const first = call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { n: 1 } });
    await eventually(async () => expect(counts["d1.batch"]).toBe(1));
    const queued: Promise<Response>[] = [];
    for (let n = 2; n <= 20; n++) {
      queued.push(call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { n } }));
      // Arrival order is the order the writer sees them in: wait until each is queued.
      await eventually(async () => expect(await waiting(bin.id)).toBe(n - 1));
    }
    held.release();
    const responses = await Promise.all([first, ...queued]);

    const versions = await Promise.all(
      responses.map(async (res) => ((await res.json()) as { metadata: { version: number } }).metadata.version),
    );
    expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect({ batches: counts["d1.batch"], puts: counts["r2.put"] }).toEqual({ batches: 2, puts: 20 });
    for (let n = 1; n <= 20; n++) {
      const res = await call("GET", `/v3/b/${bin.id}/${n}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
      expect(await res.json()).toEqual({ n });
    }
  });

  it("checks each write's If-Match against the state the writes before it in the group leave", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const counts: Counts = {};
    const held = heldFirstCommit(counts);
    await setWriterEnv(bin.id, held.env);
    const etag = async (version: number, record: unknown) => `"${version}-${(await toStoredRecord(record)).hash}"`;
    const [e0, e1, e2] = [await etag(0, { n: 0 }), await etag(1, { n: 1 }), await etag(2, { n: 2 })];

    const first = call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { n: 1 } });
    await eventually(async () => expect(counts["d1.batch"]).toBe(1));
    // The route compares with the committed head (the base, e0); the writer with what precedes each write.
    const conditional = (ifMatch: string, n: number) =>
      call("PUT", `/v3/b/${bin.id}`, {
        headers: { ...versioned(account), "If-Match": `${e0}, ${ifMatch}` },
        body: { n },
      });
    const second = conditional(e1, 2);
    await eventually(async () => expect(await waiting(bin.id)).toBe(1));
    const third = conditional(e1, 3);
    await eventually(async () => expect(await waiting(bin.id)).toBe(2));
    const fourth = conditional(e2, 4);
    await eventually(async () => expect(await waiting(bin.id)).toBe(3));
    held.release();

    expect((await first).status).toBe(200);
    const answers = await Promise.all([second, third, fourth]);
    expect(answers.map((r) => r.status)).toEqual([200, 412, 200]);
    expect(answers[1]!.headers.get("ETag")).toBe(e2);
    await expectError(answers[1]!, 412, "Precondition failed: bin has changed");
    expect(((await answers[2]!.json()) as { metadata: { version: number } }).metadata.version).toBe(3);
    expect(await latest(account, bin.id)).toEqual({ n: 4 });
  });

  it("applies each queued patch to the result of the one before, reading the latest body once", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const counts: Counts = {};
    const held = heldFirstCommit(counts);
    await setWriterEnv(bin.id, held.env);
    const first = call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: { n: 1 } });
    await eventually(async () => expect(counts["d1.batch"]).toBe(1));
    const patches: Promise<Response>[] = [];
    for (let i = 0; i < 10; i++) {
      patches.push(call("PATCH", `/v3/b/${bin.id}`, { headers: master(account), body: { [`k${i}`]: i } }));
      await eventually(async () => expect(await waiting(bin.id)).toBe(i + 1));
    }
    const getsBefore = counts["r2.get"] ?? 0;
    held.release();
    expect((await first).status).toBe(200);
    expect((await Promise.all(patches)).map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await latest(account, bin.id)).toEqual({
      n: 1,
      ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])),
    });
    expect((counts["r2.get"] ?? 0) - getsBefore).toBe(1);
  });

  it("stores only the last of a group's in-place overwrites and retires the body they replaced", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const counts: Counts = {};
    const held = heldFirstCommit(counts);
    await setWriterEnv(bin.id, held.env);
    const first = call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: { n: 1 } });
    await eventually(async () => expect(counts["d1.batch"]).toBe(1));
    const overwrites: Promise<Response>[] = [];
    for (let n = 2; n <= 11; n++) {
      overwrites.push(call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: { n } }));
      await eventually(async () => expect(await waiting(bin.id)).toBe(n - 1));
    }
    held.release();
    await first;
    expect((await Promise.all(overwrites)).map((r) => r.headers.get("X-Bin-Version"))).toEqual(Array(10).fill("0"));
    // One put for the first write, one for the whole group: the nine records it overwrote were never visible.
    expect(counts["r2.put"]).toBe(2);
    expect(await latest(account, bin.id)).toEqual({ n: 11 });
    await runDurableObjectAlarm(writerStub(bin.id));
    await eventually(async () => expect(await bodyCount(bin.id)).toBe(1));
  });

  for (const fault of ["r2Put", "d1Batch"] as const) {
    it(`fails exactly the writes of a group whose ${fault === "r2Put" ? "R2 puts" : "D1 batch"} fail, leaving the state before it`, async () => {
      const account = await createAccount();
      const bin = await createBin(account, { n: 0 });
      const counts: Counts = {};
      const held = heldFirstCommit(counts, { failLater: fault });
      await setWriterEnv(bin.id, held.env);
      const first = call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { n: 1 } });
      await eventually(async () => expect(counts["d1.batch"]).toBe(1));
      const group: Promise<Response>[] = [];
      for (let n = 2; n <= 6; n++) {
        group.push(call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { n } }));
        await eventually(async () => expect(await waiting(bin.id)).toBe(n - 1));
      }
      held.release();
      expect((await first).status).toBe(200);
      for (const res of await Promise.all(group)) await expectError(res, 500, "Internal server error");
      await setWriterEnv(bin.id, env);
      expect(await latest(account, bin.id)).toEqual({ n: 1 });
      const count = await call("GET", `/v3/b/${bin.id}/versions/count`, { headers: master(account) });
      expect(((await count.json()) as { metadata: { versionCount: number } }).metadata.versionCount).toBe(1);
      // The next write continues from there.
      const next = await call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { n: 7 } });
      expect(((await next.json()) as { metadata: { version: number } }).metadata.version).toBe(2);
    });
  }
});

async function bodyCount(id: string): Promise<number> {
  return (await env.BODIES.list({ prefix: `${id}/` })).objects.length;
}
