import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalWorker } from "../../scripts/lib/local-worker.mjs";
import { type Account, exportOf, type Line, run, type Seeded, script, seedSource, VERSION_COUNTS } from "./moving";

// Issue 10, end to end: an edgebin started locally plays the JSONBin account (it speaks the same
// API); `npm run import` copies it into a second instance, which is then exported, wiped, restored
// from the file, wiped again and imported once more with the import killed half-way.

const temp = mkdtempSync(join(tmpdir(), "edgebin-import-e2e-"));
const source = new LocalWorker();
const target = new LocalWorker();
let seeded: Seeded;
/** The source account as its export shows it: every item, record and time, in a stable order. */
let expected: Line[];

const TOTAL_RECORDS = VERSION_COUNTS.reduce((n, v) => n + v + 1, 0);

const importArgs = (state: string) => [
  "--from",
  source.base!,
  "--master-key",
  seeded.account.masterKey,
  "--to",
  target.base!,
  "--admin-key",
  target.adminKey,
  "--state",
  state,
];

const accountOf = (state: string): Account => JSON.parse(readFileSync(join(state, "account.json"), "utf8"));

/** Everything the target instance holds goes, as on a fresh deploy (bodies left in R2 are unreachable). */
async function wipeTarget(): Promise<void> {
  await target.stop();
  const sql = join(temp, "wipe.sql");
  writeFileSync(
    sql,
    ["records", "bins", "collections", "schema_docs", "access_keys", "access_logs", "accounts"]
      .map((table) => `DELETE FROM ${table};`)
      .join("\n"),
  );
  await target.d1Execute(sql);
  await target.start();
}

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${target.base}${path}`, { headers: { "X-Bin-Meta": "false", ...headers } });
  return { status: res.status, version: res.headers.get("X-Bin-Version"), body: await res.json() };
}

/** The checks the issue names, made through the ordinary API of the target, besides the whole-export comparison. */
async function expectReadableAtTheSameIds(account: Account): Promise<void> {
  const latest = new Map<string, unknown>();
  for (const line of expected) if (line.type === "record") latest.set(line.binId as string, line.record);
  for (const bin of seeded.bins) {
    // Public bins need no key at all; private ones need the new account's master key.
    const read = await get(`/v3/b/${bin.id}/latest`, bin.private ? { "X-Master-Key": account.masterKey } : {});
    expect(read).toEqual({ status: 200, version: String(bin.versions), body: latest.get(bin.id) });
  }
  const thirty = seeded.bins.find((b) => b.versions === 30)!;
  const history = expected.filter((l) => l.type === "record" && l.binId === thirty.id);
  for (const line of history) {
    const read = await get(`/v3/b/${thirty.id}/${line.version}`, { "X-Master-Key": account.masterKey });
    expect(read.body).toEqual(line.record);
  }
}

beforeAll(async () => {
  await Promise.all([source.start(), target.start()]);
  seeded = await seedSource(source.base!, source.adminKey);
  expected = await exportOf(source.base!, seeded.account.masterKey);
}, 600_000);

afterAll(async () => {
  await Promise.all([source.cleanup(), target.cleanup()]);
  rmSync(temp, { recursive: true, force: true });
});

describe("npm run import from a JSONBin-compatible account", { timeout: 600_000 }, () => {
  it("starts from the account the issue describes", () => {
    const bins = expected.filter((l) => l.type === "bin");
    expect(expected.filter((l) => l.type === "schema")).toHaveLength(2);
    expect(expected.filter((l) => l.type === "collection").map((l) => l.name)).toEqual([
      "Sammlung Ä",
      "コレクション",
      "plain",
    ]);
    expect(bins).toHaveLength(50);
    expect(new Set(bins.map((b) => b.private))).toEqual(new Set([true, false]));
    expect(bins.map((b) => b.versionCount).sort((a, b) => Number(b) - Number(a))).toEqual(
      [...VERSION_COUNTS].sort((a, b) => b - a),
    );
    expect(bins.map((b) => b.name)).toContain("日本語のビン #1");
    expect(expected.filter((l) => l.type === "record")).toHaveLength(TOTAL_RECORDS);
  });

  it("copies every item under its id, with identical records at every version, and verifies it", async () => {
    const state = join(temp, "first");
    const result = await run(script("import", importArgs(state)));
    expect(result.code, `${result.output}\n--- target ---\n${target.logTail()}`).toBe(0);
    expect(result.output).toContain("verification: 0 mismatches");
    expect(result.output).not.toContain("Reading the export failed");
    expect(result.output).toMatch(/The copy will make about \d+ more requests to the source/);
    const account = accountOf(state);
    expect(await exportOf(target.base!, account.masterKey)).toEqual(expected);
    await expectReadableAtTheSameIds(account);
  });

  it("exports the account to a file and restores it into a wiped instance", async () => {
    const account = accountOf(join(temp, "first"));
    const file = join(temp, "account.ndjson");
    const exported = await run(
      script("export", ["--from", target.base!, "--master-key", account.masterKey, "--out", file]),
    );
    expect(exported.code, exported.output).toBe(0);
    expect(exported.output).toContain(`50 bins, ${TOTAL_RECORDS} records`);
    await wipeTarget();
    expect((await get(`/v3/b/${seeded.bins[0]!.id}`)).status).toBe(404);

    const state = join(temp, "restore");
    const restored = await run(
      script("import", ["--file", file, "--to", target.base!, "--admin-key", target.adminKey, "--state", state]),
    );
    expect(restored.code, `${restored.output}\n--- target ---\n${target.logTail()}`).toBe(0);
    expect(restored.output).toContain("verification: 0 mismatches");
    expect(restored.output).not.toContain("Reading the export failed");
    expect(await exportOf(target.base!, accountOf(state).masterKey)).toEqual(expected);
  });

  it("continues after being killed half-way, without duplicating a version", async () => {
    await wipeTarget();
    const state = join(temp, "interrupted");
    let killedAt = 0;
    const first = await run(script("import", importArgs(state)), (line, child) => {
      const m = /versions (\d+)\/(\d+)/.exec(line);
      if (m && !killedAt && Number(m[1]) >= Number(m[2]) / 2) {
        killedAt = Number(m[1]);
        child.kill("SIGKILL");
      }
    });
    expect(first.signal, first.output).toBe("SIGKILL");
    expect(killedAt).toBeLessThan(TOTAL_RECORDS);

    const second = await run(script("import", importArgs(state)));
    expect(second.code, `${second.output}\n--- target ---\n${target.logTail()}`).toBe(0);
    expect(second.output).toContain("Resuming");
    expect(second.output).toContain("verification: 0 mismatches");
    // It continued: the second run copied only what the first had not.
    const copied = Number(/copied now: \d+ items and (\d+) records/.exec(second.output)![1]);
    expect(copied).toBeLessThanOrEqual(TOTAL_RECORDS - killedAt + 8);
    const account = accountOf(state);
    expect(await exportOf(target.base!, account.masterKey)).toEqual(expected);
    await expectReadableAtTheSameIds(account);
  });
});
