import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalWorker, root } from "../../scripts/lib/local-worker.mjs";
import { exportOf, run, script } from "./moving";

// Issue 10: the import spends the source account's request quota knowingly. A small stub plays
// JSONBin.io here: it answers 429 with Retry-After once, counts every request against a quota, and
// answers `Requests exhausted for this account` when it is used up, like JSONBin does.

const MASTER_KEY = "stub-master-key";
const VERSIONS = 2;

/** A JSONBin-like account of 3 private bins with 2 versions each, and no per-version times (JSONBin has none). */
class StubJsonbin {
  server: Server = createServer((req, res) => this.#answer(req, res));
  constructor(readonly bins: string[]) {}
  /** Requests it will still serve before answering `Requests exhausted`. */
  remaining = 0;
  throttleNext = new Set<string>();
  log: { path: string; status: number }[] = [];

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  #send(res: ServerResponse, path: string, status: number, body: unknown, headers: Record<string, string> = {}) {
    this.log.push({ path, status });
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  }

  #answer(req: IncomingMessage, res: ServerResponse) {
    const path = req.url!.split("?")[0]!;
    if (this.throttleNext.delete(path)) {
      return this.#send(res, path, 429, { message: "Too many requests" }, { "Retry-After": "1" });
    }
    if (req.headers["x-master-key"] !== MASTER_KEY)
      return this.#send(res, path, 401, { message: "Invalid X-Master-Key provided" });
    if (this.remaining <= 0) return this.#send(res, path, 403, { message: "Requests exhausted for this account" });
    this.remaining--;
    const usage = { "X-Requests-Remaining": String(this.remaining) };
    const at = (n: number) => new Date(Date.UTC(2021, 0, 1 + n)).toISOString();
    if (path === "/v3/c") return this.#send(res, path, 200, [], usage);
    if (path === "/v3/c/uncategorized/bins") {
      const listed = this.bins.map((id, i) => ({
        private: true,
        snippetMeta: { name: `stub ${i}` },
        record: id,
        createdAt: at(i),
      }));
      return this.#send(res, path, 200, listed, usage);
    }
    const m = /^\/v3\/b\/([0-9a-f]{24})\/(versions\/count|versions|latest|\d+)$/.exec(path);
    if (m && this.bins.includes(m[1]!)) {
      const id = m[1]!;
      if (m[2] === "versions/count") {
        const metadata = { id, versionCount: VERSIONS, private: true };
        return this.#send(res, path, 200, { metadata, metaData: metadata }, usage);
      }
      if (m[2] === "versions") return this.#send(res, path, 400, { message: "Bin version is invalid" }, usage);
      if (m[2] === "latest") return this.#send(res, path, 200, { bin: id, version: VERSIONS }, usage);
      if (Number(m[2]) <= VERSIONS) return this.#send(res, path, 200, { bin: id, version: Number(m[2]) }, usage);
    }
    return this.#send(res, path, 404, { message: "Route not found" }, usage);
  }

  /** Times each record was read: an import must never read one twice (beyond a retry). */
  recordReads(): Map<string, number> {
    const reads = new Map<string, number>();
    for (const { path, status } of this.log) {
      if (status === 200 && /^\/v3\/b\/[0-9a-f]{24}\/(\d+|latest)$/.test(path))
        reads.set(path, (reads.get(path) ?? 0) + 1);
    }
    return reads;
  }
}

const BINS = ["a1", "b2", "c3"].map((tag) => tag.repeat(12));
const stub = new StubJsonbin(BINS);
const target = new LocalWorker();
const state = mkdtempSync(join(tmpdir(), "edgebin-import-quota-"));
let source: string;

const importArgs = (...extra: string[]) => [
  "--from",
  source,
  "--master-key",
  MASTER_KEY,
  "--to",
  target.base!,
  "--admin-key",
  target.adminKey,
  "--state",
  state,
  ...extra,
];

beforeAll(async () => {
  [source] = await Promise.all([stub.start(), target.start()]);
});

afterAll(async () => {
  stub.server.close();
  await target.cleanup();
  rmSync(state, { recursive: true, force: true });
});

describe("npm run import against a source with a request quota", { timeout: 300_000 }, () => {
  it("waits as Retry-After says on a 429, then prints what the copy will cost and stops on --dry-run", async () => {
    stub.remaining = 12;
    stub.throttleNext.add("/v3/c");
    const result = await run(script("import", importArgs("--dry-run")));
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("the source answered 429 (Too many requests); retrying in 1.0 s");
    expect(stub.log.slice(0, 2)).toEqual([
      { path: "/v3/c", status: 429 },
      { path: "/v3/c", status: 200 },
    ]);
    // Discovery: collections, one page of bins, three version counts.
    expect(result.output).toContain("Discovery used 6 source requests.");
    // Per bin: its records (base and 2 versions) and a page of version times.
    expect(result.output).toContain("The copy will make about 12 more requests to the source.");
    expect(result.output).toContain("The source reports 7 requests remaining for this account.");
    expect(result.output).toContain("That is more than remain");
    expect(result.output).toContain("Dry run: stopping before anything is copied.");
    expect(stub.recordReads().size).toBe(0);
  });

  it("stops cleanly when the source's requests are exhausted, and finishes when run again after a reset", async () => {
    const stopped = await run(script("import", importArgs()));
    expect(stopped.code, stopped.output).toBe(3);
    expect(stopped.output).toContain("Resuming: the plan of an earlier run");
    expect(stopped.output).toContain('Stopped: the source answered "Requests exhausted for this account"');
    expect(stopped.output).toContain("run the same command again");
    expect(stopped.output).not.toContain("Verifying");
    const readBeforeReset = stub.recordReads().size;
    expect(readBeforeReset).toBeGreaterThan(0);
    expect(readBeforeReset).toBeLessThan(BINS.length * (VERSIONS + 1));

    stub.remaining = 100;
    const finished = await run(script("import", importArgs()));
    expect(finished.code, finished.output).toBe(0);
    expect(finished.output).toContain("verification: 0 mismatches");
    // Every record was read, and the second run did not read again what the first had copied: at
    // most the few reads in flight when the quota ran out are repeated.
    const reads = [...stub.recordReads().values()];
    expect(reads).toHaveLength(BINS.length * (VERSIONS + 1));
    expect(reads.reduce((a, b) => a + b, 0) - reads.length).toBeLessThanOrEqual(3);

    const account = JSON.parse(readFileSync(join(state, "account.json"), "utf8")) as { masterKey: string };
    const lines = await exportOf(target.base!, account.masterKey);
    const records = lines.filter((l) => l.type === "record");
    expect(records.map((l) => [l.binId, l.version, l.record])).toEqual(
      BINS.flatMap((id) => [0, 1, 2].map((v) => [id, v, { bin: id, version: v }])),
    );
  });

  it("copies only the latest records with --latest-only, showing progress in place on a terminal", async () => {
    const other = new StubJsonbin(["d4", "e5"].map((tag) => tag.repeat(12)));
    other.remaining = 100;
    const base = await other.start();
    try {
      const args = importArgs("--latest-only").map((a) => (a === source ? base : a === state ? `${state}-latest` : a));
      // `script` gives the import a pseudo-terminal, as when it is typed at a prompt.
      const command = [process.execPath, resolve(root, "scripts", "import.mjs"), ...args]
        .map((a) => `'${a}'`)
        .join(" ");
      const result = await run(spawn("script", ["-qfec", command, "/dev/null"], { stdio: ["ignore", "pipe", "pipe"] }));
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain("verification: 0 mismatches");
      // On a terminal the progress line is redrawn in place rather than logged line after line.
      // (`\r`, then "erase the line"; the line reader here splits at the `\r`.)
      const redraw = `${String.fromCharCode(27)}[2Kitems 2/2, versions 2/2 (100.0%)`;
      expect(result.output).toContain(redraw);
      expect(result.output).not.toContain("progress: items");
      expect(other.log.filter((l) => /\/\d+$/.test(l.path))).toEqual([]);
      const account = JSON.parse(readFileSync(join(`${state}-latest`, "account.json"), "utf8")) as {
        masterKey: string;
      };
      const lines = await exportOf(target.base!, account.masterKey);
      expect(lines.filter((l) => l.type === "bin").map((l) => l.versionCount)).toEqual([0, 0]);
      expect(lines.filter((l) => l.type === "record").map((l) => l.record)).toEqual(
        other.bins.map((id) => ({ bin: id, version: VERSIONS })),
      );
    } finally {
      other.server.close();
      rmSync(`${state}-latest`, { recursive: true, force: true });
    }
  });
});
