#!/usr/bin/env node
// `npm run bench:cache [-- --duration N --rounds N]`: does the isolate's body cache pay? GET latest
// of the current commit beside the same commit with the cache sized to nothing, and the read floor,
// rounds interleaved.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  allOf,
  benchOptions,
  createAccount,
  failOnErrors,
  floorBin,
  floorWorker,
  freshBin,
  LocalWorker,
  loadAverage,
  measureInterleaved,
  printResults,
  runBench,
  workerAt,
} from "./lib.mjs";

const options = benchOptions(process.argv.slice(2), { duration: 20, rounds: 4 });
const current = new LocalWorker();
const uncached = workerAt("HEAD", {
  label: "HEAD with the body cache sized to nothing",
  change: (dir) => {
    const file = join(dir, "src", "storage", "body-cache.ts");
    const text = readFileSync(file, "utf8");
    const off = text.replace(/new BodyCache\([^)]*\)/, "new BodyCache(0, 0)");
    if (off === text) throw new Error("body-cache.ts no longer has `new BodyCache(…)` to turn off");
    writeFileSync(file, off);
  },
});
const floor = floorWorker();

await runBench(allOf([current, uncached, floor]), async () => {
  const loadBefore = loadAverage();
  await Promise.all([current.start(), uncached.start(), floor.start()]);
  const scenarios = [{ name: "read floor", opts: { url: await floorBin(floor) } }];
  for (const [worker, label] of [
    [current, ""],
    [uncached, " (no body cache)"],
  ]) {
    const { masterKey } = await createAccount(worker);
    const url = `${await freshBin(worker, masterKey)}/latest`;
    scenarios.push({ name: `GET latest${label}`, opts: { url, headers: { "X-Master-Key": masterKey } } });
  }
  for (const s of scenarios) await fetch(s.opts.url, { headers: s.opts.headers });
  const results = await measureInterleaved(scenarios, options);
  printResults(results, {
    script: "bench:cache",
    options,
    loadBefore,
    source: [current, uncached, floor].map((w) => w.source).join("; "),
  });
  failOnErrors(results);
});
