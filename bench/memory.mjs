#!/usr/bin/env node
// `npm run bench:memory [-- --requests N --connections N]`: workerd's resident memory while one
// instance serves N requests (default 100,000) of one route, sampled every tenth of the way. Three
// instances, one after the other: edgebin's GET latest, edgebin's 404 (no storage: the runtime and
// the app alone) and the bench-only read floor (the same storage calls without any of our code),
// so growth that the floor shows too belongs to the local emulation, not to edgebin.
import autocannon from "autocannon";
import { createAccount, floorBin, floorWorker, freshBin, LocalWorker, loadAverage, runBench } from "./lib.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const requests = arg("requests", 100_000);
const connections = arg("connections", 10);
const STEPS = 10;

const mib = (kb) => (kb / 1024).toFixed(0);

async function curve(name, worker, target) {
  const samples = [worker.rssKb()];
  let done = 0;
  const started = Date.now();
  for (let step = 0; step < STEPS; step++) {
    const result = await autocannon({ connections, amount: requests / STEPS, ...target });
    done += result.requests.total;
    if (result.errors + result.timeouts > 0)
      throw new Error(`${name}: ${result.errors} errors, ${result.timeouts} timeouts`);
    samples.push(worker.rssKb());
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `| ${name} | ${done} | ${(done / seconds).toFixed(0)} | ${samples.map(mib).join(" → ")} | ${mib(Math.max(...samples))} |`,
  );
}

const edgebin = new LocalWorker();
const trivial = new LocalWorker();
const floor = floorWorker();

await runBench(
  {
    cleanup: () => Promise.all([edgebin, trivial, floor].map((w) => w.cleanup())),
    logTail: () => edgebin.logTail(),
  },
  async () => {
    const loadBefore = loadAverage();
    console.log(
      `1-min load average at start ${loadBefore}; command: npm run bench:memory -- --requests ${requests} --connections ${connections}`,
    );
    console.log();
    console.log("| instance and route | requests | req/s | workerd RSS MiB, start → every 10% | peak MiB |");
    console.log("| --- | ---: | ---: | --- | ---: |");
    await edgebin.start();
    const { masterKey } = await createAccount(edgebin);
    const url = `${await freshBin(edgebin, masterKey)}/latest`;
    await curve("edgebin GET latest", edgebin, { url, headers: { "X-Master-Key": masterKey } });
    await edgebin.stop();
    await trivial.start();
    await curve("edgebin 404", trivial, { url: `${trivial.base}/v3/does-not-exist` });
    await trivial.stop();
    await floor.start();
    await curve("read floor", floor, { url: await floorBin(floor) });
    console.log(`\nsource: ${[edgebin, floor].map((w) => w.source).join("; ")}`);
    console.log(`1-min load average at the end ${loadAverage()}`);
  },
);
