import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
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

/**
 * Sends a request through the Worker with counting bindings whose D1 batches never settle. The only
 * batch the Worker itself issues is the usage write (counter + access log) it hands to waitUntil, so
 * a response that arrives at all proves that write is off the response path; it is counted as
 * `d1.batch` but never awaited.
 */
async function fetchCounted(
  counts: Counts,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
) {
  const init: RequestInit = {
    method,
    headers: { ...headers, ...(body ? { "Content-Type": "application/json" } : {}) },
  };
  if (body) init.body = JSON.stringify(body);
  return worker.fetch(
    new Request(`${BASE}${path}`, init),
    instrumentedEnv(counts, { d1BatchHangs: true }),
    createExecutionContext(),
  );
}

describe("the storage cost of a request", () => {
  it("reads the latest record with one D1 query and one R2 get, and no Durable Object hop", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "read" });
    const counts: Counts = {};
    const res = await fetchCounted(counts, "GET", `/v3/b/${bin.id}/latest`, master(account));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ record: { cost: "read" } });
    // d1.batch: the deferred usage write, started after the response was built and never awaited.
    expect(counts).toEqual({ "d1.query": 1, "r2.get": 1, "d1.batch": 1 });
  });

  it("reads a public bin without a key at the same cost", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "public" }, { "X-Bin-Private": "false" });
    const counts: Counts = {};
    const res = await fetchCounted(counts, "GET", `/v3/b/${bin.id}`, {});
    expect(res.status).toBe(200);
    expect(counts).toEqual({ "d1.query": 1, "r2.get": 1, "d1.batch": 1 });
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
    expect(counts).toEqual({ "d1.query": 1, "d1.batch": 1 });
  });

  it("adds exactly one D1 round trip, the atomic quota check, for an account with a quota", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { requestQuota: 100 } })).status).toBe(200);
    const bin = await createBin(account, { cost: "quota" });
    const counts: Counts = {};
    const res = await fetchCounted(counts, "GET", `/v3/b/${bin.id}`, master(account));
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Requests-Limit")).toBe("100");
    // The batch is now the access log row alone: the counter was incremented by the quota check.
    expect(counts).toEqual({ "d1.query": 2, "r2.get": 1, "d1.batch": 1 });
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
    // The Worker: the single lookup that finds and authorises the bin, the hop to its writer, and
    // the deferred usage write.
    expect(workerCounts).toEqual({ "d1.query": 1, "do.write": 1, "d1.batch": 1 });
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
