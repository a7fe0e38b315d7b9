import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UsageTally } from "../../src/usage/tally";
import { createAccount } from "../helpers";

afterEach(() => {
  vi.useRealTimers();
});

const storedCounter = async (accountId: string) =>
  (await env.DB.prepare("SELECT requests_used FROM accounts WHERE id = ?").bind(accountId).first<{
    requests_used: number;
  }>())!.requests_used;

describe("an isolate's usage tally", () => {
  it("schedules one flush for many requests, and another once a scheduled one is overdue", async () => {
    const account = await createAccount();
    const tally = new UsageTally();
    const scheduled: Promise<unknown>[] = [];
    // Timers that never fire stand for a request context cancelled before its flush ran.
    vi.useFakeTimers({ toFake: ["setTimeout", "Date"] });
    for (let i = 0; i < 3; i++) {
      tally.count(account.accountId, 0);
      tally.schedule(env.DB, 1000, (p) => scheduled.push(p));
    }
    expect(scheduled.length).toBe(1);
    vi.setSystemTime(Date.now() + 4000);
    tally.schedule(env.DB, 1000, (p) => scheduled.push(p));
    expect(scheduled.length).toBe(1);
    vi.setSystemTime(Date.now() + 2000);
    tally.schedule(env.DB, 1000, (p) => scheduled.push(p));
    expect(scheduled.length).toBe(2);
    vi.useRealTimers();
    await tally.flush(env.DB);
    expect(await storedCounter(account.accountId)).toBe(3);
    expect(tally.pending(account.accountId, 0)).toBe(0);
  });

  it("keeps its counts for the next flush when a batch fails", async () => {
    const account = await createAccount();
    const tally = new UsageTally();
    tally.count(account.accountId, 0);
    tally.count(account.accountId, 0);
    const failing = new Proxy(env.DB, {
      get: (t, prop) => (prop === "batch" ? () => Promise.reject(new Error("injected")) : Reflect.get(t, prop).bind(t)),
    });
    await tally.flush(failing);
    expect(tally.pending(account.accountId, 0)).toBe(2);
    expect(await storedCounter(account.accountId)).toBe(0);
    await tally.flush(env.DB);
    expect(await storedCounter(account.accountId)).toBe(2);
  });
});
