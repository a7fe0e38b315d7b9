// Shared parts of the load tests in bench/: a throwaway local `wrangler dev`, one autocannon run
// with exact percentiles, and the results table with ratios to a baseline scenario.
import { availableParallelism, loadavg } from "node:os";
import autocannon from "autocannon";
import { LocalWorker, root, wranglerVersion } from "../scripts/lib/local-worker.mjs";

export { LocalWorker, root };

/** `--duration N` (seconds per scenario, default 10) and `--connections N` (default 10). */
export function benchOptions(argv = process.argv.slice(2)) {
  const option = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    const value = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
    return value;
  };
  return { duration: option("duration", 10), connections: option("connections", 10) };
}

/** The 1-minute load average, as text. Other processes on the box skew every figure, so each run records it. */
export const loadAverage = () => loadavg()[0].toFixed(2);

/**
 * Runs a benchmark's main function with cleanup on every exit path: normal end, error, SIGINT/SIGTERM.
 * On error it prints the tail of the wrangler dev output and sets a non-zero exit code.
 */
export async function runBench(worker, main) {
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, async () => {
      interrupted = true;
      await worker.cleanup();
      process.exit(130);
    });
  }
  // Output piped into e.g. `head` can close early; the write error must not end the process
  // before cleanup, and nor may any other stray error.
  process.stdout.on("error", () => {});
  process.on("uncaughtException", async (err) => {
    console.error(err);
    await worker.cleanup();
    process.exit(1);
  });
  try {
    await main();
  } catch (err) {
    // Cleanup after a signal makes the step in progress fail; that is not an error worth showing.
    if (interrupted) return;
    console.error(err);
    const tail = worker.logTail();
    if (tail) console.error(`--- wrangler dev output (tail) ---\n${tail}`);
    process.exitCode = 1;
  } finally {
    await worker.cleanup();
  }
}

/** fetch + JSON body; throws on a non-2xx status with the body in the message, or after 30 s without an answer. */
export async function call(url, init) {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000), ...init });
  const body = await res.json();
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** A new account through the admin API; returns `{ accountId, masterKey, ... }`. */
export const createAccount = (worker) =>
  call(`${worker.base}/v3/admin/accounts`, {
    method: "POST",
    headers: { "X-Admin-Key": worker.adminKey, "Content-Type": "application/json" },
    body: "{}",
  });

/** One autocannon run of `opts` (url, method, headers, body) for `duration` seconds over `connections` connections. */
export async function measure(name, opts, { duration, connections }) {
  // autocannon's histogram keeps whole milliseconds; on an idle machine loopback latencies are a
  // few ms, so keep the exact per-response times to get percentiles precise enough for ratios.
  const times = [];
  const run = autocannon({ connections, duration, ...opts });
  run.on("response", (_client, _status, _bytes, ms) => times.push(ms));
  const result = await run;
  times.sort((a, b) => a - b);
  const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN;
  const statuses = Object.entries(result.statusCodeStats)
    .map(([code, { count }]) => `${code}×${count}`)
    .join(" ");
  return {
    name,
    rps: result.requests.average,
    p50: pct(50),
    p99: pct(99),
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses,
  };
}

export const fmt = (n, d = 2) => n.toFixed(d);

/**
 * Prints the run's context (machine, load average, the code measured if `source` is given, the
 * command that reproduces it) and the table; the first result is the baseline every other row is
 * divided by.
 */
export function printResults(results, { script, options: { duration, connections }, loadBefore, source }) {
  const [baseline] = results;
  console.log(
    `\nnode ${process.version}, ${availableParallelism()} CPUs, wrangler ${wranglerVersion} dev (local), loopback, 1-min load average at start ${loadBefore}`,
  );
  if (source) console.log(`source: ${source}`);
  console.log(`command: npm run ${script} -- --duration ${duration} --connections ${connections}`);
  console.log(`${duration} s per scenario, ${connections} connections\n`);
  console.log(
    "| scenario | req/s (avg) | p50 ms | p99 ms | requests | non-2xx | errors | req/s vs baseline | p50 vs baseline |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    const ratios =
      r === baseline ? ["1.00×", "1.00×"] : [`${fmt(r.rps / baseline.rps)}×`, `${fmt(r.p50 / baseline.p50)}×`];
    console.log(
      `| ${r.name} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.total} | ${r.non2xx} | ${r.errors} | ${ratios.join(" | ")} |`,
    );
  }
  console.log();
  for (const r of results.slice(1)) {
    console.log(`${r.name}: ${fmt(r.rps / baseline.rps)}× baseline req/s, p50 ${fmt(r.p50 / baseline.p50)}× baseline`);
  }
  console.log(`status codes: ${results.map((r) => `${r.name}: ${r.statuses}`).join("; ")}`);
}

/** Sets a non-zero exit code if any scenario after the baseline (which is a 404 on purpose) saw a non-2xx or an error. */
export function failOnErrors(results) {
  const failed = results.slice(1).filter((r) => r.non2xx > 0 || r.errors > 0);
  if (failed.length) {
    console.error(`non-2xx or errors in: ${failed.map((r) => r.name).join(", ")}`);
    process.exitCode = 1;
  }
}
