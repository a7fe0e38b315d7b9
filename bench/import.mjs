#!/usr/bin/env node
// `npm run bench:import`: how fast `npm run import` moves records into a local instance, from an
// export file and from a JSONBin-compatible API (a second local instance playing the source),
// against a baseline measured in the same run on the same instance: records of the same size
// written by ordinary versioned PUTs, 16 in flight, into one bin.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { call, createAccount, fmt, LocalWorker, loadAverage, root, runBench } from "./lib.mjs";
import { writeExport } from "./moving-data.mjs";

const RECORD_BYTES = 1024;
/** One bin of 1000 versions and 20 bins of 20: the long history dominates, as in a real account. */
const SHAPE = [
  { versions: 1000, recordBytes: RECORD_BYTES },
  ...Array(20).fill({ versions: 20, recordBytes: RECORD_BYTES }),
];
const BASELINE_PUTS = 1000;
const IN_FLIGHT = 16;

const target = new LocalWorker();
const source = new LocalWorker();
const temp = mkdtempSync(join(tmpdir(), "edgebin-bench-import-"));

/** Runs scripts/import.mjs and returns the records and seconds of its copy phase, read from its summary. */
function runImport(args) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [resolve(root, "scripts", "import.mjs"), ...args], { cwd: root });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    child.once("close", (code) => {
      const m = /copied now: \d+ items and (\d+) records in ([\d.]+) s/.exec(output);
      if (code !== 0 || !m || !output.includes("verification: 0 mismatches")) {
        reject(new Error(`import failed (exit ${code}):\n${output}`));
      } else resolveRun({ records: Number(m[1]), seconds: Number(m[2]) });
    });
  });
}

async function baseline(base) {
  const { masterKey } = await createAccount(target);
  const auth = { "X-Master-Key": masterKey, "Content-Type": "application/json" };
  const created = await call(`${base}/v3/b`, { method: "POST", headers: auth, body: '{"warm":true}' });
  const url = `${base}/v3/b/${created.metadata.id}`;
  const body = JSON.stringify({ pad: "x".repeat(RECORD_BYTES - 10) });
  let sent = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (sent++ < BASELINE_PUTS) {
        await call(url, { method: "PUT", headers: { ...auth, "X-Bin-Versioning": "true" }, body });
      }
    }),
  );
  return { records: BASELINE_PUTS, seconds: (Date.now() - started) / 1000 };
}

await runBench(target, async () => {
  try {
    const loadBefore = loadAverage();
    // Two accounts of the same shape, with ids of their own: one to restore from its file, one to serve as the API source.
    const fileA = join(temp, "a.ndjson");
    const fileB = join(temp, "b.ndjson");
    const { records } = await writeExport(fileA, SHAPE);
    await writeExport(fileB, SHAPE);
    const [base] = await Promise.all([target.start(), source.start()]);
    const toTarget = ["--to", base, "--admin-key", target.adminKey];

    await runImport([
      "--file",
      fileB,
      "--to",
      source.base,
      "--admin-key",
      source.adminKey,
      "--state",
      join(temp, "setup"),
    ]);
    const sourceKey = JSON.parse(readFileSync(join(temp, "setup", "account.json"), "utf8")).masterKey;

    const put = await baseline(base);
    const fromFile = await runImport(["--file", fileA, ...toTarget, "--state", join(temp, "file")]);
    const fromApi = await runImport([
      "--from",
      source.base,
      "--master-key",
      sourceKey,
      ...toTarget,
      "--state",
      join(temp, "api"),
    ]);

    const rate = (r) => r.records / r.seconds;
    console.log(`\nnode ${process.version}, wrangler dev (local), loopback, 1-min load average at start ${loadBefore}`);
    console.log(`source: ${target.source}`);
    console.log("command: npm run bench:import");
    console.log(
      `records of ~${RECORD_BYTES} bytes; an account of one bin with 1000 versions and 20 bins with 20 (${records} records)\n`,
    );
    console.log("| scenario | records | seconds | records/s | vs baseline |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const [name, r] of [
      ["baseline: versioned PUTs to one bin, 16 in flight", put],
      ["npm run import -- --file", fromFile],
      ["npm run import -- --from (a local edgebin)", fromApi],
    ]) {
      console.log(
        `| ${name} | ${r.records} | ${fmt(r.seconds, 1)} | ${fmt(rate(r), 1)} | ${fmt(rate(r) / rate(put))}× |`,
      );
    }
    console.log(
      "\n(import seconds: the copy phase, from the first item sent to the last answered; verification not included)",
    );
  } finally {
    await source.cleanup();
    rmSync(temp, { recursive: true, force: true });
  }
});
