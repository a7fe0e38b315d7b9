import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  bodyKeys,
  call,
  createAccount,
  createBin,
  master,
  setWriterEnv,
  storedRows,
  versionCount,
  writerStub,
} from "../helpers";

const GRACE_SECONDS = 60;

afterEach(() => {
  vi.useRealTimers();
});

describe("a writer evicted while superseded bodies wait out their grace", () => {
  it("resumes the cleanup queue from its storage, and the next write continues the version numbers", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    const versioned = { ...master(account), "X-Bin-Versioning": "true" };
    expect((await call("PUT", `/v3/b/${bin.id}`, { headers: versioned, body: { v: 1 } })).status).toBe(200);
    await setWriterEnv(bin.id, { ...env, BODY_GRACE_SECONDS: String(GRACE_SECONDS) });
    const superseded = (await storedRows(bin.id)).records.find((r) => r.version === 1)!.body_key as string;
    const overwrittenAt = Date.now();
    // Unversioned: version 1 is overwritten in place, so its old body is retired.
    expect((await call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: { v: "1b" } })).status).toBe(200);

    await evictDurableObject(writerStub(bin.id));
    expect(await bodyKeys(bin.id)).toContain(superseded);

    // The evicted object is gone, its head with it: the next write reads the head from D1.
    const next = await call("PUT", `/v3/b/${bin.id}`, { headers: versioned, body: { v: 2 } });
    expect(((await next.json()) as { metadata: { version: number } }).metadata.version).toBe(2);
    expect(await versionCount(account, bin.id)).toBe(2);

    // The alarm survived the eviction; run before the body is due, it deletes nothing.
    expect(await runDurableObjectAlarm(writerStub(bin.id))).toBe(true);
    expect(await bodyKeys(bin.id)).toContain(superseded);

    // Only Date is faked: the object runs in this isolate and reads the same clock.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(overwrittenAt + GRACE_SECONDS * 1000 + 1000);
    expect(await runDurableObjectAlarm(writerStub(bin.id))).toBe(true);
    const live = (await storedRows(bin.id)).records.map((r) => r.body_key as string);
    expect((await bodyKeys(bin.id)).sort()).toEqual(live.sort());
    expect(live).not.toContain(superseded);
    expect(await runDurableObjectAlarm(writerStub(bin.id))).toBe(false);
  });
});
