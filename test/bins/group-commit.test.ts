import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { BinWriter } from "../../src/bins/bin-writer";
import { toStoredRecord } from "../../src/bins/records";
import {
  bodyCount,
  type Counts,
  call,
  createAccount,
  createBin,
  eventually,
  expectError,
  INTERNAL_ERROR,
  instrumentedEnv,
  master,
  PRECONDITION_FAILED,
  setWriterEnv,
  type TestAccount,
  versionCount,
  writerStub,
} from "../helpers";

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

/**
 * Sends `first` and holds its commit in flight, then sends each of `queued` in turn, each once the
 * one before it waits in the writer (so arrival order is known), then lets the commit go.
 */
async function behindAHeldCommit(
  binId: string,
  first: () => Promise<Response>,
  queued: (() => Promise<Response>)[],
  faults: { failLater?: "r2Put" | "d1Batch" } = {},
) {
  const counts: Counts = {};
  const held = heldFirstCommit(counts, faults);
  await setWriterEnv(binId, held.env);
  const firstAnswer = first();
  await eventually(async () => expect(counts["d1.batch"]).toBe(1));
  const answers: Promise<Response>[] = [];
  for (const [i, send] of queued.entries()) {
    answers.push(send());
    await eventually(async () => expect(await waiting(binId)).toBe(i + 1));
  }
  const getsBeforeRelease = counts["r2.get"] ?? 0;
  held.release();
  return { first: await firstAnswer, queued: await Promise.all(answers), counts, getsBeforeRelease };
}

const put =
  (account: TestAccount, id: string, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    call("PUT", `/v3/b/${id}`, { headers: { ...master(account), ...headers }, body });

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function latest(account: TestAccount, id: string): Promise<unknown> {
  const res = await call("GET", `/v3/b/${id}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
  return res.json();
}

describe("group commit in the bin's writer", { timeout: 30_000 }, () => {
  it("commits the writes queued behind an in-flight commit together: one D1 batch, every body, versions in arrival order", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const versioning = { "X-Bin-Versioning": "true" };
    const { first, queued, counts } = await behindAHeldCommit(
      bin.id,
      put(account, bin.id, { n: 1 }, versioning),
      range(2, 20).map((n) => put(account, bin.id, { n }, versioning)),
    );
    const versions = await Promise.all(
      [first, ...queued].map(async (res) => ((await res.json()) as { metadata: { version: number } }).metadata.version),
    );
    expect(versions).toEqual(range(1, 20));
    expect({ batches: counts["d1.batch"], puts: counts["r2.put"] }).toEqual({ batches: 2, puts: 20 });
    for (const n of range(1, 20)) {
      const res = await call("GET", `/v3/b/${bin.id}/${n}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
      expect(await res.json()).toEqual({ n });
    }
  });

  it("checks each write's If-Match against the state the writes before it in the group leave", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const etag = async (version: number, record: unknown) => `"${version}-${(await toStoredRecord(record)).hash}"`;
    const [e0, e1, e2] = [await etag(0, { n: 0 }), await etag(1, { n: 1 }), await etag(2, { n: 2 })];
    // The route compares with the committed head (the base, e0); the writer with what precedes each write.
    const conditional = (ifMatch: string, n: number) =>
      put(account, bin.id, { n }, { "X-Bin-Versioning": "true", "If-Match": `${e0}, ${ifMatch}` });
    const { first, queued } = await behindAHeldCommit(
      bin.id,
      put(account, bin.id, { n: 1 }, { "X-Bin-Versioning": "true" }),
      [conditional(e1, 2), conditional(e1, 3), conditional(e2, 4)],
    );
    expect(first.status).toBe(200);
    expect(queued.map((r) => r.status)).toEqual([200, 412, 200]);
    expect(queued[1]!.headers.get("ETag")).toBe(e2);
    await expectError(queued[1]!, 412, PRECONDITION_FAILED);
    expect(((await queued[2]!.json()) as { metadata: { version: number } }).metadata.version).toBe(3);
    expect(await latest(account, bin.id)).toEqual({ n: 4 });
  });

  it("applies each queued patch to the result of the one before, reading the latest body once", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const patch = (i: number) => () =>
      call("PATCH", `/v3/b/${bin.id}`, { headers: master(account), body: { [`k${i}`]: i } });
    const { first, queued, counts, getsBeforeRelease } = await behindAHeldCommit(
      bin.id,
      put(account, bin.id, { n: 1 }),
      range(0, 9).map(patch),
    );
    expect(first.status).toBe(200);
    expect(queued.map((r) => r.status)).toEqual(Array(10).fill(200));
    const keys = Object.fromEntries(range(0, 9).map((i) => [`k${i}`, i]));
    expect(await latest(account, bin.id)).toEqual({ n: 1, ...keys });
    expect((counts["r2.get"] ?? 0) - getsBeforeRelease).toBe(1);
  });

  it("stores only the last of a group's in-place overwrites and retires the body they replaced", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const { queued, counts } = await behindAHeldCommit(
      bin.id,
      put(account, bin.id, { n: 1 }),
      range(2, 11).map((n) => put(account, bin.id, { n })),
    );
    expect(queued.map((r) => r.headers.get("X-Bin-Version"))).toEqual(Array(10).fill("0"));
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
      const versioning = { "X-Bin-Versioning": "true" };
      const { first, queued } = await behindAHeldCommit(
        bin.id,
        put(account, bin.id, { n: 1 }, versioning),
        range(2, 6).map((n) => put(account, bin.id, { n }, versioning)),
        { failLater: fault },
      );
      expect(first.status).toBe(200);
      for (const res of queued) await expectError(res, 500, INTERNAL_ERROR);
      await setWriterEnv(bin.id, env);
      expect(await latest(account, bin.id)).toEqual({ n: 1 });
      expect(await versionCount(account, bin.id)).toBe(1);
      // The next write continues from there.
      const next = await put(account, bin.id, { n: 7 }, versioning)();
      expect(((await next.json()) as { metadata: { version: number } }).metadata.version).toBe(2);
    });
  }
});
