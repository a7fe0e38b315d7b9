import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import worker from "../../src/index";
import {
  BASE,
  type Counts,
  createAccount,
  createBin,
  eventually,
  instrumentedEnv,
  master,
  patchAccount,
  setWriterEnv,
} from "../helpers";

/** Bindings that count D1 statements (writes apart), R2 calls and Durable Object calls. */
const counted = (counts: Counts, vars: Record<string, string> = {}) =>
  instrumentedEnv(counts, { writes: true, vars: { USAGE_FLUSH_MILLISECONDS: "60000", ...vars } });

/**
 * Sends a request through the Worker with the given bindings. With the flush a minute away, what is
 * counted when the response arrives is exactly the request's own path; counting and logging wait
 * in the isolate's tally for those bindings.
 */
async function fetchWith(bindings: Env, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const init: RequestInit = {
    method,
    headers: { ...headers, ...(body ? { "Content-Type": "application/json" } : {}) },
  };
  if (body) init.body = JSON.stringify(body);
  return worker.fetch(new Request(`${BASE}${path}`, init), bindings, createExecutionContext());
}

const fetchCounted = (counts: Counts, method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  fetchWith(counted(counts), method, path, headers, body);

describe("the storage cost of a request", () => {
  it("reads the latest record with one D1 query, one R2 get, no D1 write and no Durable Object hop", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "read" });
    const counts: Counts = {};
    const res = await fetchCounted(counts, "GET", `/v3/b/${bin.id}/latest`, master(account));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ record: { cost: "read" } });
    expect(counts).toEqual({ "d1.query": 1, "r2.get": 1 });
  });

  it("reads a public bin without a key at the same cost", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "public" }, { "X-Bin-Private": "false" });
    const counts: Counts = {};
    const res = await fetchCounted(counts, "GET", `/v3/b/${bin.id}`, {});
    expect(res.status).toBe(200);
    expect(counts).toEqual({ "d1.query": 1, "r2.get": 1 });
  });

  it("answers a matching If-None-Match from D1 alone", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "304" });
    const first = await fetchCounted({}, "GET", `/v3/b/${bin.id}`, master(account));
    const counts: Counts = {};
    const res = await fetchCounted(counts, "GET", `/v3/b/${bin.id}`, {
      ...master(account),
      "If-None-Match": first.headers.get("ETag")!,
    });
    expect(res.status).toBe(304);
    expect(counts).toEqual({ "d1.query": 1 });
  });

  it("adds one call to the account's meter, and still no D1 write, for an account with a quota", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { requestQuota: 100 } })).status).toBe(200);
    const bin = await createBin(account, { cost: "quota" });
    const counts: Counts = {};
    const res = await fetchCounted(counts, "GET", `/v3/b/${bin.id}`, master(account));
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Requests-Limit")).toBe("100");
    expect(counts).toEqual({ "d1.query": 1, "meter.charge": 1, "r2.get": 1 });
  });

  it("does the same under a rate limit", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "rate" });
    const counts: Counts = {};
    const bindings = counted(counts, { RATE_LIMIT_PER_MINUTE: "100" });
    const res = await fetchWith(bindings, "GET", `/v3/b/${bin.id}`, master(account));
    expect(res.status).toBe(200);
    expect(res.headers.get("X-RateLimit-Limit")).toBe("100");
    expect(counts).toEqual({ "d1.query": 1, "meter.charge": 1, "r2.get": 1 });
  });

  it("writes the counts and log rows of 20 reads in one D1 batch of two statements", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "batched" });
    const counts: Counts = {};
    const bindings = counted(counts);
    const used: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetchWith(bindings, "GET", `/v3/b/${bin.id}`, master(account));
      used.push(Number(res.headers.get("X-Requests-Used")));
      await res.arrayBuffer();
    }
    // Each response still counts itself: the tally's unwritten requests are added to D1's counter.
    expect(used).toEqual(Array.from({ length: 20 }, (_, i) => used[0]! + i));
    // One R2 get: the body is immutable under its key, so the isolate keeps it after the first read.
    expect(counts).toEqual({ "d1.query": 20, "r2.get": 1 });
    // A log listing writes the isolate's buffered rows before it reads them: the flush, made visible.
    const listing = await fetchWith(bindings, "GET", "/v3/l", master(account));
    expect(listing.status).toBe(200);
    await listing.arrayBuffer();
    // The listing's own two queries (its key, its days), and one batch: the counter increment and
    // the 20 log rows (the listing's own row waits for the next flush).
    expect(counts).toEqual({ "d1.query": 22, "r2.get": 1, "d1.batch": 1, "d1.write": 2 });
  });

  it("reads a hot bin's body from memory after the first read, and a new version from R2 once", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "hot" });
    const counts: Counts = {};
    for (let i = 0; i < 3; i++) await (await fetchCounted(counts, "GET", `/v3/b/${bin.id}`, master(account))).text();
    expect(counts).toEqual({ "d1.query": 3, "r2.get": 1 });
    const put = await fetchCounted({}, "PUT", `/v3/b/${bin.id}`, master(account), { cost: "new" });
    expect(put.status).toBe(200);
    const res = await fetchCounted(counts, "GET", `/v3/b/${bin.id}`, master(account));
    expect(await res.json()).toMatchObject({ record: { cost: "new" } });
    expect(counts).toEqual({ "d1.query": 4, "r2.get": 2 });
  });

  it("never serves a cached body once the D1 query says the bin is gone", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "deleted" });
    expect((await fetchCounted({}, "GET", `/v3/b/${bin.id}`, master(account))).status).toBe(200);
    expect((await fetchCounted({}, "DELETE", `/v3/b/${bin.id}`, master(account))).status).toBe(200);
    const counts: Counts = {};
    const res = await fetchCounted(counts, "GET", `/v3/b/${bin.id}`, master(account));
    expect(res.status).toBe(404);
    expect(counts).toEqual({ "d1.query": 1 });
  });

  it("never makes the response wait for that batch", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "unawaited" });
    const counts: Counts = {};
    const hanging = instrumentedEnv(counts, { d1BatchHangs: true, vars: { USAGE_FLUSH_MILLISECONDS: "0" } });
    const res = await fetchWith(hanging, "GET", `/v3/b/${bin.id}`, master(account));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    // The flush was started (after the response) and never settles; the response did not wait for it.
    await eventually(() => expect(counts).toEqual({ "d1.query": 1, "r2.get": 1, "d1.batch": 1 }));
  });

  it("writes a version with one Durable Object call, one R2 put and one D1 batch", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "write" });
    const writerCounts: Counts = {};
    await setWriterEnv(bin.id, instrumentedEnv(writerCounts));
    const workerCounts: Counts = {};
    const res = await fetchCounted(
      workerCounts,
      "PUT",
      `/v3/b/${bin.id}`,
      { ...master(account), "X-Bin-Versioning": "true" },
      { v: 1 },
    );
    expect(res.status).toBe(200);
    // The Worker: the single lookup that finds and authorises the bin and the hop to its writer.
    expect(workerCounts).toEqual({ "d1.query": 1, "do.write": 1 });
    // The writer already holds the head, so it only stores the body and commits.
    expect(writerCounts).toEqual({ "r2.put": 1, "d1.batch": 1 });
  });

  it("deletes the superseded body after an in-place overwrite, after the commit", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "overwrite" });
    const writerCounts: Counts = {};
    await setWriterEnv(bin.id, instrumentedEnv(writerCounts));
    const res = await fetchCounted({}, "PUT", `/v3/b/${bin.id}`, master(account), { v: 2 });
    expect(res.status).toBe(200);
    await eventually(() => expect(writerCounts).toEqual({ "r2.put": 1, "d1.batch": 1, "r2.delete": 1 }));
  });
});
