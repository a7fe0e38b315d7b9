#!/usr/bin/env node
// `npm run bench:memory [-- --requests N --reference-requests N --connections N]`: workerd's
// resident memory while one local instance serves N requests (default 100,000) of edgebin's GET
// latest, sampled every tenth of the way, and the same for three references of M requests each
// (default 20,000): edgebin's 404 (the app without storage), the bench-only read floor (the same
// storage calls without our code) and the floor's 404 (none of our code at all). Growth the
// references show too belongs to the local runtime, not to edgebin. wrangler dev runs two workerd
// processes, its proxy and the Worker's runtime; both are summed and also shown apart, a runtime
// that wrangler replaced during the run is counted as a restart, and the Worker isolate's own V8
// heap (where our code and its caches live) is read through the inspector at every sample.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import {
  createAccount,
  floorBin,
  floorWorker,
  freshBin,
  heapProbe,
  LocalWorker,
  loadAverage,
  runBench,
} from "./lib.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const requests = arg("requests", 100_000);
const referenceRequests = arg("reference-requests", 20_000);
const connections = arg("connections", 10);
const STEPS = 10;

const mib = (kb) => (kb / 1024).toFixed(0);
const mibOfBytes = (bytes) => (bytes / 1024 / 1024).toFixed(1);

/** wrangler dev runs the Worker in the workerd started with an inspector; the other is its proxy. */
const isRuntime = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--inspector-addr");
  } catch {
    return false;
  }
};

function rssByRole(worker) {
  const byRole = { proxy: 0, runtime: 0 };
  for (const p of worker.workerdProcesses()) byRole[isRuntime(p.pid) ? "runtime" : "proxy"] += p.rssKb;
  return byRole;
}

async function curve(name, worker, target, amount) {
  const pids = new Set(worker.workerdProcesses().map((p) => p.pid));
  const heap = await heapProbe(worker);
  const samples = [worker.rssKb()];
  const roles = [rssByRole(worker)];
  const heaps = [(await heap.usage()).used];
  let done = 0;
  const started = Date.now();
  for (let step = 0; step < STEPS; step++) {
    const result = await autocannon({ connections, amount: amount / STEPS, ...target });
    done += result.requests.total;
    if (result.errors + result.timeouts > 0) {
      throw new Error(`${name}: ${result.errors} errors, ${result.timeouts} timeouts`);
    }
    for (const p of worker.workerdProcesses()) pids.add(p.pid);
    samples.push(worker.rssKb());
    roles.push(rssByRole(worker));
    heaps.push((await heap.usage()).used);
    process.stderr.write(
      `${name}: ${done} requests, ${mib(samples.at(-1))} MiB, JS heap ${mibOfBytes(heaps.at(-1))} MiB\n`,
    );
  }
  heap.close();
  const seconds = (Date.now() - started) / 1000;
  const [first, last] = [roles[0], roles.at(-1)];
  console.log(
    `| ${name} | ${done} | ${(done / seconds).toFixed(0)} | ${samples.map(mib).join(" → ")} | ${mib(Math.max(...samples))} | ${mib(first.proxy)} → ${mib(last.proxy)} | ${mib(first.runtime)} → ${mib(last.runtime)} | ${heaps.map(mibOfBytes).join(" → ")} | ${pids.size - 2} |`,
  );
}

const edgebin = new LocalWorker();
const trivial = new LocalWorker();
const floor = floorWorker();
const floorTrivial = floorWorker();
const all = [edgebin, trivial, floor, floorTrivial];

await runBench(
  { cleanup: () => Promise.all(all.map((w) => w.cleanup())), logTail: () => all.map((w) => w.logTail()).join("\n") },
  async () => {
    const loadBefore = loadAverage();
    console.log(
      `1-min load average at start ${loadBefore}; command: npm run bench:memory -- --requests ${requests} --reference-requests ${referenceRequests} --connections ${connections}\n`,
    );
    console.log(
      "| instance and route | requests | req/s | workerd RSS MiB (proxy + runtime), start → every 10% | peak MiB | proxy MiB | runtime MiB | the Worker's V8 heap used, MiB, start → every 10% | runtime restarts |",
    );
    console.log("| --- | ---: | ---: | --- | ---: | --- | --- | --- | ---: |");
    await edgebin.start();
    const { masterKey } = await createAccount(edgebin);
    const url = `${await freshBin(edgebin, masterKey)}/latest`;
    await curve("edgebin GET latest", edgebin, { url, headers: { "X-Master-Key": masterKey } }, requests);
    await edgebin.stop();
    await trivial.start();
    await curve("edgebin 404", trivial, { url: `${trivial.base}/v3/does-not-exist` }, referenceRequests);
    await trivial.stop();
    await floor.start();
    await curve("read floor GET", floor, { url: await floorBin(floor) }, referenceRequests);
    await floor.stop();
    await floorTrivial.start();
    await curve(
      "read floor 404 (no code of ours)",
      floorTrivial,
      { url: `${floorTrivial.base}/nothing` },
      referenceRequests,
    );
    console.log(`\nsource: ${[edgebin, floor].map((w) => w.source).join("; ")}`);
    console.log(`1-min load average at the end ${loadAverage()}`);
  },
);
