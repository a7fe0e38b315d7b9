#!/usr/bin/env node
// `npm run bench:export`: the memory GET /v3/account/export needs for an account of one bin with
// 1000 versions of 100 KB (about 100 MB of records). The account is restored from a generated
// export file; then workerd's resident memory is sampled every 20 ms while the export streams to a
// client that reads and discards it. The baseline is the same process just before the export:
// a streamed export should add little to it, a buffered one at least the size of the export.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { fmt, LocalWorker, loadAverage, root, runBench } from "./lib.mjs";
import { writeExport } from "./moving-data.mjs";

const VERSIONS = 1000;
const RECORD_BYTES = 100 * 1024;
const worker = new LocalWorker();
const temp = mkdtempSync(join(tmpdir(), "edgebin-bench-export-"));
const MB = 1024 * 1024;

/** Resident and peak resident memory of a process, in bytes (from /proc). */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

function restore(file, base) {
  return new Promise((resolveRun, reject) => {
    const args = ["--file", file, "--to", base, "--admin-key", worker.adminKey, "--state", join(temp, "state")];
    const child = spawn(process.execPath, [resolve(root, "scripts", "import.mjs"), ...args], { cwd: root });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    child.once("close", (code) => (code === 0 ? resolveRun(output) : reject(new Error(output))));
  });
}

await runBench(worker, async () => {
  try {
    const loadBefore = loadAverage();
    const file = join(temp, "big.ndjson");
    await writeExport(file, [{ versions: VERSIONS, recordBytes: RECORD_BYTES }]);
    const base = await worker.start();
    await restore(file, base);
    const { masterKey } = JSON.parse(readFileSync(join(temp, "state", "account.json"), "utf8"));
    const pid = worker.workerdPid();
    if (!pid) throw new Error("workerd process not found");

    // Let the restore's garbage settle, then take the baseline.
    await new Promise((r) => setTimeout(r, 3000));
    const before = memory(pid);
    let highest = before.rss;
    const sampler = setInterval(() => {
      highest = Math.max(highest, memory(pid).rss);
    }, 20);

    const started = Date.now();
    const res = await fetch(`${base}/v3/account/export`, { headers: { "X-Master-Key": masterKey } });
    let bytes = 0;
    let chunks = 0;
    let largest = 0;
    let firstByteMs = null;
    for await (const chunk of Readable.fromWeb(res.body)) {
      firstByteMs ??= Date.now() - started;
      bytes += chunk.length;
      chunks++;
      largest = Math.max(largest, chunk.length);
    }
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const after = memory(pid);

    console.log(`\nnode ${process.version}, wrangler dev (local), loopback, 1-min load average at start ${loadBefore}`);
    console.log(`source: ${worker.source}`);
    console.log("command: npm run bench:export");
    console.log(`account: 1 bin, ${VERSIONS} versions + base of ${RECORD_BYTES / 1024} KB each\n`);
    console.log("| figure | value |");
    console.log("| --- | ---: |");
    console.log(
      `| export size | ${fmt(bytes / MB, 1)} MB in ${chunks} chunks (largest ${fmt(largest / 1024, 0)} KB) |`,
    );
    console.log(
      `| time to first byte / whole export | ${firstByteMs} ms / ${fmt(seconds, 1)} s (${fmt(bytes / MB / seconds, 1)} MB/s) |`,
    );
    console.log(`| workerd resident memory before the export (baseline) | ${fmt(before.rss / MB, 1)} MB |`);
    console.log(`| highest resident memory sampled during the export | ${fmt(highest / MB, 1)} MB |`);
    console.log(
      `| growth over the baseline | ${fmt((highest - before.rss) / MB, 1)} MB = ${fmt((highest - before.rss) / bytes)}× the export size |`,
    );
    console.log(
      `| workerd peak resident memory (VmHWM) before / after | ${fmt(before.peak / MB, 1)} / ${fmt(after.peak / MB, 1)} MB |`,
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
});
