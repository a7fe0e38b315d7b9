#!/usr/bin/env node
// `npm run bench:writer [-- --duration N --rounds N --before <commit>]`: one bin's versioned PUT/s
// at 1, 10 and 50 connections, the current Worker beside the Worker at `--before` (default 4eaa34b,
// the last commit before group commit) in the same run, rounds interleaved, a fresh bin per round.
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
  runBench,
  workerAt,
} from "./lib.mjs";

const CONNECTIONS = [1, 10, 50];
const options = benchOptions(process.argv.slice(2), { duration: 10, rounds: 5, before: "4eaa34b" });
const { before } = options;

const current = new LocalWorker();
const old = workerAt(before);

async function putScenarios(worker, label) {
  const { masterKey } = await createAccount(worker);
  const auth = { "X-Master-Key": masterKey, "Content-Type": "application/json", "X-Bin-Versioning": "true" };
  let n = 0;
  return CONNECTIONS.map((connections) => ({
    name: `PUT ×${connections}${label}`,
    connections,
    opts: async () => ({
      url: await freshBin(worker, masterKey),
      method: "PUT",
      headers: auth,
      body: JSON.stringify(kilobyteRecord(++n)),
    }),
  }));
}

await runBench(allOf([current, old]), async () => {
  const loadBefore = loadAverage();
  await Promise.all([current.start(), old.start()]);
  const ours = await putScenarios(current, "");
  const theirs = await putScenarios(old, ` (${before})`);
  // Interleave: each connection count, now and before, side by side in every round.
  const scenarios = CONNECTIONS.flatMap((_, k) => [ours[k], theirs[k]]);
  const results = await measureInterleaved(scenarios, options);
  printResults(results, {
    script: "bench:writer",
    options,
    loadBefore,
    source: `${current.source}; ${old.source}`,
    baselineOf: (r) => (r.name.includes("(") ? r : results[results.indexOf(r) + 1]),
  });
  console.log(`(ratios: the current Worker's req/s and p50 over those at ${before}, same connections)`);
  failOnErrors(results);
});
