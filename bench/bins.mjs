#!/usr/bin/env node
// `npm run bench [-- --duration N --connections N]`: load-tests a few bin routes against a
// throwaway local `wrangler dev` and compares each to a no-storage baseline route of the same worker.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";

const root = resolve(import.meta.dirname, "..");
const wrangler = resolve(root, "node_modules", ".bin", "wrangler");
const wranglerVersion = JSON.parse(readFileSync(resolve(root, "node_modules", "wrangler", "package.json"), "utf8")).version;
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
};
const duration = option("duration", 10);
const connections = option("connections", 10);

// Own persistence dir so the developer's .wrangler/state is never read or written.
const persistDir = mkdtempSync(join(tmpdir(), "edgebin-bench-"));
const adminKey = randomBytes(32).toString("base64url");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
let dev;
const devLog = [];

async function cleanup() {
  if (dev && dev.exitCode === null && dev.signalCode === null) {
    const exited = new Promise((r) => dev.once("exit", r));
    // wrangler spawns workerd; killing only wrangler can orphan it, so signal the whole group.
    try { process.kill(-dev.pid, "SIGTERM"); } catch {}
    const timer = setTimeout(() => { try { process.kill(-dev.pid, "SIGKILL"); } catch {} }, 5000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(persistDir, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await cleanup();
    process.exit(130);
  });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function startWorker() {
  const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], {
    cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
  });
  if (migrate.status !== 0) {
    throw new Error(`migrations failed: ${migrate.error ?? ""}\n${migrate.stdout ?? ""}${migrate.stderr ?? ""}`);
  }

  const port = await freePort();
  const inspectorPort = await freePort(); // the default 9229 may be held by a developer's `npm start`
  dev = spawn(wrangler, [
    "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort),
    "--persist-to", persistDir, "--var", `ADMIN_KEY:${adminKey}`,
    // Per-request log lines would cost CPU that the load generator and workerd are competing for.
    "--log-level", "warn", "--show-interactive-dev-session=false",
  ], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [dev.stdout, dev.stderr]) {
    stream.on("data", (chunk) => devLog.push(String(chunk)) > 200 && devLog.shift());
  }
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (dev.exitCode !== null) break;
    try {
      await fetch(`${base}/v3/does-not-exist`);
      return base;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`wrangler dev did not answer on ${base} within 60 s:\n${devLog.join("")}`);
}

async function call(url, init) {
  const res = await fetch(url, init);
  const body = await res.json();
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function measure(name, opts) {
  // autocannon's histogram keeps whole milliseconds; on an idle machine loopback latencies are a
  // few ms, so keep the exact per-response times to get percentiles precise enough for ratios.
  const times = [];
  const run = autocannon({ connections, duration, ...opts });
  run.on("response", (_client, _status, _bytes, ms) => times.push(ms));
  const result = await run;
  times.sort((a, b) => a - b);
  const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN;
  const statuses = Object.entries(result.statusCodeStats).map(([code, { count }]) => `${code}×${count}`).join(" ");
  return {
    name, rps: result.requests.average, p50: pct(50), p99: pct(99), total: result.requests.total,
    non2xx: result.non2xx, errors: result.errors + result.timeouts, statuses,
  };
}

async function main() {
  // Other processes on the box skew every figure; record how busy it was when we started.
  const loadBefore = loadavg()[0].toFixed(2);
  const base = await startWorker();
  const { masterKey } = await call(`${base}/v3/admin/accounts`, {
    method: "POST", headers: { "X-Admin-Key": adminKey, "Content-Type": "application/json" }, body: "{}",
  });
  const auth = { "X-Master-Key": masterKey, "Content-Type": "application/json" };
  // ~1 KB record (about 980 bytes), the size of a typical small config blob.
  const items = Array.from({ length: 25 }, (_, i) => ({ id: i, label: `item-${i}`, on: i % 2 === 0 }));
  const record = { name: "bench", tags: ["a", "b", "c"], items };
  const created = await call(`${base}/v3/b`, {
    method: "POST", headers: { ...auth, "X-Bin-Private": "true" }, body: JSON.stringify(record),
  });
  const id = created.metadata.id;
  const bin = `${base}/v3/b/${id}`;

  // One request each first, so the first-request script load isn't measured (the create above
  // already woke the bin's Durable Object).
  await fetch(`${base}/v3/does-not-exist`);
  await call(`${bin}/latest`, { headers: auth });

  const results = [];
  results.push(await measure("baseline (404)", { url: `${base}/v3/does-not-exist` }));
  results.push(await measure("GET latest", { url: `${bin}/latest`, headers: auth }));
  results.push(await measure("versioned PUT", {
    url: bin, method: "PUT", headers: { ...auth, "X-Bin-Versioning": "true" },
    body: JSON.stringify({ counter: 1, note: "bench" }),
  }));
  const { metadata } = await call(`${bin}/versions/count`, { headers: auth });

  const [baseline] = results;
  const fmt = (n, d = 2) => n.toFixed(d);
  console.log(`\nnode ${process.version}, ${availableParallelism()} CPUs, wrangler ${wranglerVersion} dev (local), loopback, 1-min load average at start ${loadBefore}`);
  console.log(`command: npm run bench -- --duration ${duration} --connections ${connections}`);
  console.log(`${duration} s per scenario, ${connections} connections\n`);
  console.log("| scenario | req/s (avg) | p50 ms | p99 ms | requests | non-2xx | errors | req/s vs baseline | p50 vs baseline |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    const ratios = r === baseline ? ["1.00×", "1.00×"] : [`${fmt(r.rps / baseline.rps)}×`, `${fmt(r.p50 / baseline.p50)}×`];
    console.log(`| ${r.name} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.total} | ${r.non2xx} | ${r.errors} | ${ratios.join(" | ")} |`);
  }
  console.log();
  for (const r of results.slice(1)) {
    console.log(`${r.name}: ${fmt(r.rps / baseline.rps)}× baseline req/s, p50 ${fmt(r.p50 / baseline.p50)}× baseline`);
  }
  console.log(`status codes: ${results.map((r) => `${r.name}: ${r.statuses}`).join("; ")}`);
  console.log(`versions at the end: ${metadata.versionCount} (cap 1000; writes past it overwrite version 1000)`);
  const failed = results.slice(1).filter((r) => r.non2xx > 0 || r.errors > 0);
  if (failed.length) {
    console.error(`non-2xx or errors in: ${failed.map((r) => r.name).join(", ")}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (err) {
  console.error(err);
  // A 500 is explained only in the worker's own output (it logs the stack, never the client).
  if (devLog.length) console.error(`--- wrangler dev output (tail) ---\n${devLog.join("").slice(-4000)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
