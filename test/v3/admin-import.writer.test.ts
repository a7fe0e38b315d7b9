import { describe, expect, it } from "vitest";
import { toStoredRecord } from "../../src/bins/records";
import {
  ADMIN_KEY,
  ALREADY_EXISTS,
  BIN_VERSION_INVALID,
  type Counts,
  call,
  createAccount,
  env,
  expectError,
  instrumentedEnv,
  master,
  setWriterEnv,
  type TestAccount,
  writerStub,
} from "../helpers";

// §2.5: imported versions go through the bin's writer, so its invariants hold while ordinary
// writes arrive during an import: numbering stays gapless, nothing is overwritten, the cap holds.

const admin = { "X-Admin-Key": ADMIN_KEY };

const freshId = (): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");

const put = (path: string, body: unknown) => call("PUT", `/v3/admin/accounts/${path}`, { headers: admin, body });

async function importedBin(account: TestAccount): Promise<string> {
  const id = freshId();
  const res = await put(`${account.accountId}/bins/${id}`, { private: true, record: { base: true } });
  expect(res.status).toBe(200);
  return id;
}

async function recordAt(account: TestAccount, id: string, version: number): Promise<unknown> {
  const res = await call("GET", `/v3/b/${id}/${version}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
  expect(res.status).toBe(200);
  return res.json();
}

async function versionCount(account: TestAccount, id: string): Promise<number> {
  const res = await call("GET", `/v3/b/${id}/versions/count`, { headers: master(account) });
  return ((await res.json()) as { metadata: { versionCount: number } }).metadata.versionCount;
}

describe("imported versions and ordinary writes to the same bin", { timeout: 60_000 }, () => {
  it("share one gapless numbering: a version taken by a write is refused to the import, never overwritten", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    let writesSent = 0;
    const write = () =>
      call("PUT", `/v3/b/${id}`, {
        headers: { ...master(account), "X-Bin-Versioning": "true" },
        body: { written: writesSent++ },
      });
    const outcomes: { n: number; status: number }[] = [];
    const racing: Promise<Response>[] = [];
    const finished: Response[] = [];
    for (let n = 1; n <= 30; n++) {
      // A write that lands between two imported versions takes the next number first; one sent
      // together with an imported version races it to the writer's queue.
      if (n % 6 === 0) finished.push(await write());
      if (n % 6 === 3) racing.push(write());
      const res = await put(`${account.accountId}/bins/${id}/versions/${n}`, { record: { imported: n } });
      outcomes.push({ n, status: res.status });
      if (res.status !== 200) await expectError(res, 409, ALREADY_EXISTS);
    }
    finished.push(...(await Promise.all(racing)));
    expect(finished.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(outcomes.filter((o) => o.status === 409).length).toBeGreaterThanOrEqual(5);

    const appended = outcomes.filter((o) => o.status === 200).map((o) => o.n);
    const total = await versionCount(account, id);
    expect(total).toBe(appended.length + 10);
    const records = [];
    for (let v = 1; v <= total; v++) records.push(await recordAt(account, id, v));
    // Every imported version that was accepted sits at its own number; the writes fill the rest.
    for (const n of appended) expect(records[n - 1]).toEqual({ imported: n });
    const written = records.filter((r) => "written" in (r as object)).map((r) => (r as { written: number }).written);
    expect(written.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("commits versions sent all at once in their order, whatever order they arrive in", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    const versions = Array.from({ length: 20 }, (_, i) => i + 1);
    // Sent together, the later ones reach the writer first as often as not.
    const responses = await Promise.all(
      [...versions]
        .reverse()
        .map((n) => put(`${account.accountId}/bins/${id}/versions/${n}`, { record: { imported: n } })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await versionCount(account, id)).toBe(20);
    for (const n of versions) expect(await recordAt(account, id, n)).toEqual({ imported: n });
  });

  it("commits the versions that are waiting together, in one D1 batch per run of them", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    const counts: Counts = {};
    await setWriterEnv(id, instrumentedEnv(counts));
    const writer = writerStub(id);
    const send = async (n: number) =>
      writer.importVersion({
        binId: id,
        version: n,
        record: await toStoredRecord({ imported: n }),
        updatedAt: new Date().toISOString(),
      });
    const outcomes = await Promise.all(Array.from({ length: 16 }, (_, i) => send(16 - i)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(await versionCount(account, id)).toBe(16);
    expect(counts["r2.put"]).toBe(16);
    expect(counts["d1.batch"]).toBeLessThan(16);
    await setWriterEnv(id, env);
  });

  it("answers every version of a batch whose bodies could not be stored with the failure, and keeps N", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    await setWriterEnv(id, instrumentedEnv({}, { r2Put: true }));
    const writer = writerStub(id);
    const record = async (n: number) => toStoredRecord({ imported: n });
    const updatedAt = new Date().toISOString();
    const failed = await Promise.allSettled(
      [1, 2, 3].map(async (n) => writer.importVersion({ binId: id, version: n, record: await record(n), updatedAt })),
    );
    // The failure itself for those in the batch; a version that arrived after it, out of order.
    expect(failed.map((f) => f.status === "rejected" || !f.value.ok)).toEqual([true, true, true]);
    expect(failed[0]!.status).toBe("rejected");
    await setWriterEnv(id, env);
    expect(await versionCount(account, id)).toBe(0);
    const res = await put(`${account.accountId}/bins/${id}/versions/1`, { record: { imported: 1 } });
    expect(await res.json()).toEqual({ id, version: 1, versionCount: 1 });
  });

  it("holds the 1000-version cap: the import stops at 1000 and a write at the cap overwrites version 1000", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    // Versions 1..1000 through the writer's own import method: the path the route takes, without 1000 HTTP round trips.
    const writer = writerStub(id);
    for (let n = 1; n <= 1000; n++) {
      const outcome = await writer.importVersion({
        binId: id,
        version: n,
        record: await toStoredRecord({ imported: n }),
        updatedAt: new Date().toISOString(),
      });
      expect(outcome.ok).toBe(true);
    }
    const resent = await put(`${account.accountId}/bins/${id}/versions/1000`, { record: { imported: 1000 } });
    expect(await resent.json()).toEqual({ id, version: 1000, versionCount: 1000 });
    await expectError(
      await put(`${account.accountId}/bins/${id}/versions/1001`, { record: { imported: 1001 } }),
      400,
      BIN_VERSION_INVALID,
    );
    const write = await call("PUT", `/v3/b/${id}`, {
      headers: { ...master(account), "X-Bin-Versioning": "true" },
      body: { written: "at the cap" },
    });
    expect(write.headers.get("X-Bin-Version-Cap-Reached")).toBe("true");
    expect(await versionCount(account, id)).toBe(1000);
    expect(await recordAt(account, id, 1000)).toEqual({ written: "at the cap" });
    // The version an import put there has changed: sending it again is now a conflict.
    await expectError(
      await put(`${account.accountId}/bins/${id}/versions/1000`, { record: { imported: 1000 } }),
      409,
      ALREADY_EXISTS,
    );
  });
});
