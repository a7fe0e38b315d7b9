#!/usr/bin/env node
// `npm run bench:crash [-- --rounds 3 --writers 55 --bins 11 --min-ms 5000 --max-ms 10000]`: the kill -9
// recovery property with figures. Each round makes fresh private bins, runs concurrent versioned
// writers on them, SIGKILLs wrangler and workerd at a random moment, restarts on the same state and
// checks every bin made so far (scripts/lib/crash-recovery.mjs). The baseline is a graceful restart
// (stop, start) of the same worker on the same state: recovery time is shown as a ratio to it.
import { performance } from "node:perf_hooks";
import { crashRounds } from "../scripts/lib/crash-recovery.mjs";
import { fmt, LocalWorker, loadAverage, runBench } from "./lib.mjs";

function options(argv = process.argv.slice(2)) {
  const option = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    const value = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
    return value;
  };
  const chosen = {
    rounds: option("rounds", 3),
    writers: option("writers", 55),
    bins: option("bins", 11),
    minRunMs: option("min-ms", 5000),
    maxRunMs: option("max-ms", 10000),
  };
  if (chosen.maxRunMs < chosen.minRunMs) throw new Error("--max-ms must be at least --min-ms");
  return chosen;
}

const chosen = options();
const worker = new LocalWorker();

await runBench(worker, async () => {
  const loadBefore = loadAverage();
  await worker.start();
  await worker.stop();
  const gracefulStart = performance.now();
  await worker.start();
  const baselineMs = Math.round(performance.now() - gracefulStart);

  const rounds = await crashRounds(worker, { ...chosen, log: (line) => console.log(line) });

  console.log(
    `\nnode ${process.version}, wrangler dev (local), 1-min load average at start ${loadBefore}, at end ${loadAverage()}`,
  );
  console.log(`source: ${worker.source}`);
  console.log(
    `command: npm run bench:crash -- --rounds ${chosen.rounds} --writers ${chosen.writers} --bins ${chosen.bins} --min-ms ${chosen.minRunMs} --max-ms ${chosen.maxRunMs}`,
  );
  console.log(`baseline: restart after a graceful stop ${baselineMs} ms\n`);
  console.log(
    "| round | killed after ms | acknowledged | in flight at kill | committed, unacknowledged | lost | gaps | phantoms | duplicate versions | errors before kill | recover ms | recover vs baseline | records verified | verify ms |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rounds) {
    console.log(
      `| ${r.round} | ${r.runMs} | ${r.acknowledged} | ${r.inFlightAtKill} | ${r.committedUnacknowledged} | ${r.lost} | ${r.gaps} | ${r.phantoms} | ${r.duplicates} | ${r.errors} | ${r.recoverMs} | ${fmt(r.recoverMs / baselineMs)}× | ${r.verifiedRecords} | ${r.verifyMs} |`,
    );
  }
  const sum = (key) => rounds.reduce((n, r) => n + r[key], 0);
  console.log(
    `\ntotal: ${sum("acknowledged")} acknowledged writes, ${sum("lost")} lost, ${sum("inFlightAtKill")} in flight at a kill (${sum("committedUnacknowledged")} of them committed), ${sum("gaps")} bins with gaps, ${sum("phantoms")} phantom versions, ${sum("duplicates")} duplicate versions, ${sum("errors")} errors before a kill`,
  );
  for (const r of rounds) {
    for (const line of [...r.problems, ...r.firstErrors]) console.log(`round ${r.round}: ${line}`);
  }
  if (sum("lost") + sum("gaps") + sum("phantoms") + sum("duplicates") > 0) {
    console.error("the recovery property does not hold");
    process.exitCode = 1;
  }
});
