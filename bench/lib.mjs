// Shared parts of the load tests in bench/: a throwaway local `wrangler dev`, one autocannon run
// with exact percentiles, and the results table with ratios to a baseline scenario.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { LocalWorker, root, wranglerVersion } from "../scripts/lib/local-worker.mjs";

export { LocalWorker, root };

/**
 * `--duration N` (seconds per scenario, default 10), `--connections N` (default 10), `--rounds N`
 * (default 1) and `--before <commit>`. With several rounds each scenario runs N times for
 * duration/N seconds, the scenarios taking turns, so a change in the machine's load falls on all of
 * them alike.
 */
export function benchOptions(argv = process.argv.slice(2), defaults = {}) {
  const option = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    const value = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
    return value;
  };
  const at = argv.indexOf("--before");
  return {
    duration: option("duration", defaults.duration ?? 10),
    connections: option("connections", defaults.connections ?? 10),
    rounds: option("rounds", defaults.rounds ?? 1),
    /** `--before <commit>`: the commit to run beside the current code, or the bench's default. */
    before: at >= 0 ? argv[at + 1] : (defaults.before ?? null),
  };
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

/** One autocannon run: the exact time of every response, the counts, and how long it really ran. */
async function runOnce(opts, { duration, connections }) {
  // autocannon's histogram keeps whole milliseconds; on an idle machine loopback latencies are a
  // few ms, so keep the exact per-response times to get percentiles precise enough for ratios.
  const times = [];
  const run = autocannon({ connections, duration, ...opts });
  run.on("response", (_client, _status, _bytes, ms) => times.push(ms));
  const result = await run;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    times,
    total: result.requests.total,
    seconds: (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses,
  };
}

/** Several runs of one scenario as one result: req/s = all requests ÷ all the time they took. */
function combine(name, runs) {
  const times = runs.flatMap((r) => r.times).sort((a, b) => a - b);
  const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN;
  const statuses = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  const total = runs.reduce((n, r) => n + r.total, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  return {
    name,
    rps: total / seconds,
    p50: pct(50),
    p99: pct(99),
    total,
    seconds,
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    statuses: Object.entries(statuses)
      .map(([code, n]) => `${code}×${n}`)
      .join(" "),
  };
}

/** One autocannon run of `opts` (url, method, headers, body) for `duration` seconds over `connections` connections. */
export async function measure(name, opts, { duration, connections }) {
  return combine(name, [await runOnce(opts, { duration, connections })]);
}

/**
 * Interleaved rounds: each scenario `{ name, opts, connections? }` (`opts` an object, or an async
 * function called before each of its runs, e.g. to make a fresh bin) runs `rounds` times for
 * duration/rounds seconds, the scenarios taking turns in each round.
 */
export async function measureInterleaved(scenarios, { duration, connections, rounds }) {
  const runs = scenarios.map(() => []);
  const slice = Math.max(1, Math.round(duration / rounds));
  for (let round = 0; round < rounds; round++) {
    for (const [i, scenario] of scenarios.entries()) {
      const opts = typeof scenario.opts === "function" ? await scenario.opts() : scenario.opts;
      runs[i].push(await runOnce(opts, { duration: slice, connections: scenario.connections ?? connections }));
    }
  }
  return scenarios.map((s, i) => combine(s.name, runs[i]));
}

/** A ~1 KB JSON record (about 980 bytes), the size of a typical small config blob; `n` varies it. */
export function kilobyteRecord(n = 0) {
  const items = Array.from({ length: 25 }, (_, i) => ({ id: i, label: `item-${i}`, on: (i + n) % 2 === 0 }));
  return { name: "bench", n, tags: ["a", "b", "c"], items };
}

export const fmt = (n, d = 2) => n.toFixed(d);

/**
 * Prints the run's context (machine, load average, the code measured if `source` is given, the
 * command that reproduces it) and the table; the first result is the baseline every other row is
 * divided by.
 */
export function printResults(
  results,
  { script, options: { duration, connections, rounds = 1 }, loadBefore, source, baselineOf = () => results[0] },
) {
  console.log(
    `\nnode ${process.version}, ${availableParallelism()} CPUs, wrangler ${wranglerVersion} dev (local), loopback, 1-min load average at start ${loadBefore}`,
  );
  if (source) console.log(`source: ${source}`);
  console.log(
    `command: npm run ${script} -- --duration ${duration} --connections ${connections}${rounds > 1 ? ` --rounds ${rounds}` : ""}`,
  );
  console.log(
    `${duration} s per scenario${rounds > 1 ? ` in ${rounds} interleaved rounds` : ""}, ${connections} connections unless named; req/s = requests ÷ seconds run\n`,
  );
  console.log(
    "| scenario | req/s | p50 ms | p99 ms | requests | seconds | non-2xx | errors | vs | req/s ratio | p50 ratio |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
  for (const r of results) {
    const baseline = baselineOf(r);
    const ratios =
      r === baseline
        ? ["—", "1.00×", "1.00×"]
        : [baseline.name, `${fmt(r.rps / baseline.rps)}×`, `${fmt(r.p50 / baseline.p50)}×`];
    console.log(
      `| ${r.name} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.total} | ${fmt(r.seconds, 1)} | ${r.non2xx} | ${r.errors} | ${ratios.join(" | ")} |`,
    );
  }
  console.log();
  console.log(`status codes: ${results.map((r) => `${r.name}: ${r.statuses}`).join("; ")}`);
}

/** Sets a non-zero exit code if any scenario but the 404 baselines (named "… 404 …" on purpose) saw a non-2xx or an error. */
export function failOnErrors(results) {
  const failed = results.filter((r) => (r.non2xx > 0 && !r.name.includes("404")) || r.errors > 0);
  if (failed.length) {
    console.error(`non-2xx or errors in: ${failed.map((r) => r.name).join(", ")}`);
    process.exitCode = 1;
  }
}

/**
 * The Worker as it was at `commit`, for before/after figures in one run: its src/, migrations/ and
 * config exported with `git archive` into a temp dir (the repo's own files and history untouched),
 * run by a LocalWorker like the current code. Returns the worker; `cleanup()` removes both dirs.
 */
export function workerAt(commit, { change = null, label = `commit ${commit}`, ...options } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `edgebin-${commit}-`));
  const archive = spawnSync("sh", ["-c", `git -C "${root}" archive --format=tar "${commit}" | tar -x -C "${dir}"`], {
    encoding: "utf8",
  });
  if (archive.status !== 0) throw new Error(`git archive ${commit} failed: ${archive.stderr}`);
  // `change(dir)`: edits the exported files, for an A/B of one step (e.g. without the body cache).
  change?.(dir);
  const worker = new LocalWorker({ ...options, sourceDir: dir, label });
  const cleanup = worker.cleanup.bind(worker);
  worker.cleanup = async () => {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  };
  return worker;
}

/** The bench-only read floor (bench/floor/): the same bindings, only the bin-view query and the R2 get. */
export const floorWorker = () =>
  new LocalWorker({ config: "bench/floor/wrangler.toml", extra: ["bench/floor"], label: "bench/floor" });

/** Cleans up every worker on every exit path, like runBench for one. */
export function allOf(workers) {
  return {
    cleanup: () => Promise.all(workers.map((w) => w.cleanup())),
    logTail: () => workers.map((w) => w.logTail()).join("\n"),
  };
}

/** A fresh private bin holding `record`, created through the API; returns its URL. */
export async function freshBin(worker, masterKey, record = kilobyteRecord()) {
  const created = await call(`${worker.base}/v3/b`, {
    method: "POST",
    headers: { "X-Master-Key": masterKey, "Content-Type": "application/json", "X-Bin-Private": "true" },
    body: JSON.stringify(record),
  });
  return `${worker.base}/v3/b/${created.metadata.id}`;
}

/** Seeds one bin in the floor worker; returns the URL of its latest record. */
export async function floorBin(floor, record = kilobyteRecord()) {
  const { id } = await call(`${floor.base}/seed`, { method: "POST", body: JSON.stringify(record) });
  return `${floor.base}/b/${id}/latest`;
}

/**
 * The V8 heap of a running local Worker's isolate, read through wrangler dev's inspector (the
 * DevTools protocol): what our code and its caches can hold, apart from the runtime's own memory.
 * The inspector proxy refuses a DevTools connection without an allowed `Origin`.
 */
export async function heapProbe(worker) {
  const targets = `http://127.0.0.1:${worker.inspectorPort}/json`;
  let list = [];
  for (let tries = 0; list.length === 0 && tries < 50; tries++) {
    list = await (await fetch(targets)).json();
    if (list.length === 0) await new Promise((r) => setTimeout(r, 200));
  }
  if (list.length === 0) throw new Error(`no inspector target at ${targets}`);
  const socket = new WebSocket(list[0].webSocketDebuggerUrl, { headers: { Origin: "http://localhost" } });
  await new Promise((resolveOpen, rejectOpen) => {
    socket.onopen = resolveOpen;
    socket.onerror = () => rejectOpen(new Error("the inspector refused the connection"));
  });
  const replies = new Map();
  let nextId = 0;
  socket.onmessage = (message) => {
    const reply = JSON.parse(String(message.data));
    replies.get(reply.id)?.(reply);
    replies.delete(reply.id);
  };
  const send = (method) =>
    new Promise((resolveReply, rejectReply) => {
      const id = ++nextId;
      const timer = setTimeout(() => rejectReply(new Error(`${method}: no answer from the inspector`)), 10_000);
      replies.set(id, (reply) => {
        clearTimeout(timer);
        resolveReply(reply.result);
      });
      socket.send(JSON.stringify({ id, method }));
    });
  // Without Runtime.enable the isolate does not answer Runtime.getHeapUsage.
  await send("Runtime.enable");
  return {
    /** Used and total V8 heap in bytes. */
    usage: async () => {
      const { usedSize, totalSize } = await send("Runtime.getHeapUsage");
      return { used: usedSize, total: totalSize };
    },
    close: () => socket.close(),
  };
}
