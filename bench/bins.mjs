#!/usr/bin/env node
// `npm run bench [-- --duration N --connections N --rounds N --before <commit>]`: the hot path of a
// bin against two references measured in the same run: the Worker's own 404 (no storage) and the
// bench-only read floor (bench/floor/: the one D1 query and the one R2 get a read cannot avoid).
// With `--before <commit>` the same GET and PUT also run against the Worker as it was at that commit.
import {
  allOf,
  benchOptions,
  createAccount,
  failOnErrors,
  floorBin,
  floorWorker,
  freshBin,
  kilobyteRecord,
  LocalWorker,
  loadAverage,
  measureInterleaved,
  printResults,
  runBench,
  workerAt,
} from "./lib.mjs";

const options = benchOptions(process.argv.slice(2), { duration: 10, rounds: 5 });
const { before } = options;

const current = new LocalWorker();
const floor = floorWorker();
const old = before ? workerAt(before) : null;
const workers = [current, floor, ...(old ? [old] : [])];

/** GET latest of one bin for the whole run; a fresh bin for every round of versioned PUTs (never at the cap). */
async function binScenarios(worker, label) {
  const { masterKey } = await createAccount(worker);
  const auth = { "X-Master-Key": masterKey, "Content-Type": "application/json" };
  const readUrl = await freshBin(worker, masterKey);
  let n = 0;
  return [
    { name: `GET latest${label}`, opts: { url: readUrl, headers: auth } },
    {
      name: `versioned PUT${label}`,
      // A ~1 KB body, like the record read; each round gets its own bin, so no write is an overwrite at the cap.
      opts: async () => ({
        url: await freshBin(worker, masterKey),
        method: "PUT",
        headers: { ...auth, "X-Bin-Versioning": "true" },
        body: JSON.stringify(kilobyteRecord(++n)),
      }),
    },
  ];
}

await runBench(allOf(workers), async () => {
  const loadBefore = loadAverage();
  await Promise.all(workers.map((w) => w.start()));
  const ours = await binScenarios(current, "");
  const theirs = old ? await binScenarios(old, ` (${before})`) : [];
  const floorUrl = await floorBin(floor);
  const scenarios = [
    { name: "404 of the Worker", opts: { url: `${current.base}/v3/does-not-exist` } },
    { name: "read floor", opts: { url: floorUrl } },
    ...ours,
    ...theirs,
  ];
  // One request each first, so no first-request script load is measured.
  for (const s of scenarios) if (typeof s.opts !== "function") await fetch(s.opts.url, { headers: s.opts.headers });

  const results = await measureInterleaved(scenarios, options);
  const byName = new Map(results.map((r) => [r.name, r]));
  printResults(results, {
    script: "bench",
    options,
    loadBefore,
    source: workers.map((w) => w.source).join("; "),
    baselineOf: (r) => byName.get(r.name.startsWith("GET latest") ? "read floor" : "404 of the Worker"),
  });
  if (old) {
    for (const [a, b] of [
      ["GET latest", `GET latest (${before})`],
      ["versioned PUT", `versioned PUT (${before})`],
    ]) {
      console.log(`${a}: ${(byName.get(a).rps / byName.get(b).rps).toFixed(2)}× the req/s at ${before}`);
    }
  }
  failOnErrors(results);
});
