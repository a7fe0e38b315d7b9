#!/usr/bin/env node
// `npm run bench:peer [-- --duration N --connections N --rounds N --before <commit>]`: edgebin beside
// json-server 0.17.4 (a devDependency) on the same box in one run: GET and PUT of the same ~1 KB
// document, each server also on a trivial route of its own (a 404), rounds interleaved. With
// `--before <commit>` edgebin as it was at that commit runs too, for the ratio before and after.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { endGroup, freePort } from "../scripts/lib/local-worker.mjs";
import {
  allOf,
  benchOptions,
  createAccount,
  failOnErrors,
  freshBin,
  kilobyteRecord,
  LocalWorker,
  loadAverage,
  measureInterleaved,
  printResults,
  root,
  runBench,
  workerAt,
} from "./lib.mjs";

const options = benchOptions(process.argv.slice(2), { duration: 10, rounds: 5 });
const { before } = options;

/** json-server on loopback over a db.json of its own holding the document as `/docs/1`. */
class JsonServer {
  dir = mkdtempSync(join(tmpdir(), "edgebin-json-server-"));
  base = null;
  source = "json-server 0.17.4";
  #child = null;
  #log = [];

  async start() {
    const db = join(this.dir, "db.json");
    writeFileSync(db, JSON.stringify({ docs: [{ id: 1, ...kilobyteRecord() }] }));
    const port = await freePort();
    const bin = resolve(root, "node_modules", "json-server", "lib", "cli", "bin.js");
    this.#child = spawn(process.execPath, [bin, db, "--host", "127.0.0.1", "--port", String(port), "--quiet"], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const s of [this.#child.stdout, this.#child.stderr]) s.on("data", (c) => this.#log.push(String(c)));
    const base = `http://127.0.0.1:${port}`;
    for (let t = 0; t < 120; t++) {
      try {
        await fetch(`${base}/docs/1`, { signal: AbortSignal.timeout(2000) });
        this.base = base;
        return base;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    throw new Error(`json-server did not answer:\n${this.logTail()}`);
  }

  async cleanup() {
    if (this.#child) await endGroup(this.#child);
    rmSync(this.dir, { recursive: true, force: true });
  }

  logTail() {
    return this.#log.join("").slice(-2000);
  }
}

const current = new LocalWorker();
const old = before ? workerAt(before) : null;
const peer = new JsonServer();
const servers = [current, peer, ...(old ? [old] : [])];

async function edgebinScenarios(worker, label) {
  const { masterKey } = await createAccount(worker);
  const auth = { "X-Master-Key": masterKey, "Content-Type": "application/json" };
  const readUrl = await freshBin(worker, masterKey);
  const body = JSON.stringify(kilobyteRecord(1));
  return [
    { name: `edgebin GET${label}`, opts: { url: `${readUrl}/latest`, headers: auth } },
    {
      name: `edgebin PUT${label}`,
      // Versioned, a fresh bin per round: every PUT stores a new record (never an overwrite at the cap).
      opts: async () => ({
        url: await freshBin(worker, masterKey),
        method: "PUT",
        headers: { ...auth, "X-Bin-Versioning": "true" },
        body,
      }),
    },
  ];
}

await runBench(allOf(servers), async () => {
  const loadBefore = loadAverage();
  await Promise.all(servers.map((s) => s.start()));
  const json = { "Content-Type": "application/json" };
  const body = JSON.stringify(kilobyteRecord(1));
  const scenarios = [
    { name: "edgebin 404", opts: { url: `${current.base}/v3/does-not-exist` } },
    { name: "json-server 404", opts: { url: `${peer.base}/does-not-exist` } },
    ...(await edgebinScenarios(current, "")),
    { name: "json-server GET", opts: { url: `${peer.base}/docs/1` } },
    { name: "json-server PUT", opts: { url: `${peer.base}/docs/1`, method: "PUT", headers: json, body } },
    ...(old ? await edgebinScenarios(old, ` (${before})`) : []),
  ];
  for (const s of scenarios) if (typeof s.opts !== "function") await fetch(s.opts.url, { headers: s.opts.headers });

  const results = await measureInterleaved(scenarios, options);
  const byName = new Map(results.map((r) => [r.name, r]));
  printResults(results, {
    script: "bench:peer",
    options,
    loadBefore,
    source: servers.map((s) => s.source).join("; "),
    baselineOf: (r) => byName.get(r.name.startsWith("json-server") ? "json-server 404" : "edgebin 404"),
  });
  const ratio = (a, b) => (byName.get(a).rps / byName.get(b).rps).toFixed(2);
  for (const op of ["GET", "PUT"]) {
    console.log(
      `${op}: json-server ÷ edgebin req/s = ${ratio(`json-server ${op}`, `edgebin ${op}`)}×` +
        (old ? `; at ${before}: ${ratio(`json-server ${op}`, `edgebin ${op} (${before})`)}×` : ""),
    );
  }
  console.log(`404: json-server ÷ edgebin req/s = ${ratio("json-server 404", "edgebin 404")}×`);
  failOnErrors(results);
});
