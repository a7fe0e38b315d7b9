import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import type { AccountMeter } from "../../src/usage/account-meter";
import { call, createAccount, createBin, expectError, master, patchAccount, REQUESTS_EXHAUSTED } from "../helpers";

const meterStub = (accountId: string) => env.ACCOUNT_METER.get(env.ACCOUNT_METER.idFromName(accountId));

describe("an account's meter", () => {
  it("keeps its count through an eviction: the quota still lets exactly its number of requests through", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    expect((await patchAccount(account.accountId, { limits: { requestQuota: 3 }, resetRequests: true })).status).toBe(
      200,
    );
    // Its flush a minute away: D1 knows nothing of these requests when the object is evicted.
    await runInDurableObject(meterStub(account.accountId), (meter: AccountMeter) => {
      (meter as unknown as { env: Env }).env = { ...env, USAGE_FLUSH_MILLISECONDS: "60000" };
    });
    for (let i = 1; i <= 2; i++) {
      const res = await call("GET", `/v3/b/${bin.id}`, { headers: master(account) });
      expect(res.headers.get("X-Requests-Used")).toBe(String(i));
      await res.arrayBuffer();
    }
    const stored = await env.DB.prepare("SELECT requests_used FROM accounts WHERE id = ?")
      .bind(account.accountId)
      .first<{ requests_used: number }>();
    expect(stored?.requests_used).toBe(0);
    await evictDurableObject(meterStub(account.accountId));
    const third = await call("GET", `/v3/b/${bin.id}`, { headers: master(account) });
    expect(third.headers.get("X-Requests-Used")).toBe("3");
    await third.arrayBuffer();
    await expectError(await call("GET", `/v3/b/${bin.id}`, { headers: master(account) }), 403, REQUESTS_EXHAUSTED);
  });
});
