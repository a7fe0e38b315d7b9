import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { BASE, createAccount, createBin, master } from "../helpers";
import { instrumentedEnv, setWriterEnv, type Counts } from "./instrumented";

/** Sends a request through the Worker with counting bindings and returns the response. */
async function fetchCounted(counts: Counts, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const ctx = createExecutionContext();
  const init: RequestInit = { method, headers: { ...headers, ...(body ? { "Content-Type": "application/json" } : {}) } };
  if (body) init.body = JSON.stringify(body);
  const res = await worker.fetch(new Request(`${BASE}${path}`, init), instrumentedEnv(counts), ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("the storage cost of a request", () => {
  it("reads the latest record with one D1 query and one R2 get, and no Durable Object hop", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "read" });
    const counts: Counts = {};
    const res = await fetchCounted(counts, "GET", `/v3/b/${bin.id}/latest`, master(account));
    expect(res.status).toBe(200);
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

  it("writes a version with one Durable Object call, one R2 put and one D1 batch", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { cost: "write" });
    const writerCounts: Counts = {};
    await setWriterEnv(bin.id, instrumentedEnv(writerCounts));
    const workerCounts: Counts = {};
    const res = await fetchCounted(workerCounts, "PUT", `/v3/b/${bin.id}`, { ...master(account), "X-Bin-Versioning": "true" }, { v: 1 });
    expect(res.status).toBe(200);
    // The Worker: the single lookup that finds and authorises the bin, then the hop to its writer.
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
    await new Promise((r) => setTimeout(r, 50));
    expect(writerCounts).toEqual({ "r2.put": 1, "d1.batch": 1, "r2.delete": 1 });
  });
});
