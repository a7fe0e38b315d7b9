#!/usr/bin/env node
// `npm run bench:streams [-- --duration N --connections N --writes N --idle N]`: §10.4 change streams
// against a throwaway local `wrangler dev`, in one run:
//   1. the bin's write throughput (autocannon PUTs) without subscribers;
//   2. write → event latency with 1, 100 and 1000 WebSocket subscribers on that bin (sequential
//      writes; each waits until every subscriber has its event);
//   3. the bin's write throughput with the 1000 subscribers connected;
//   4. workerd's memory while 1000 WebSocket and then 1000 SSE subscribers sit idle.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { availableParallelism } from "node:os";
import {
  benchOptions,
  call,
  createAccount,
  fmt,
  LocalWorker,
  loadAverage,
  measure,
  printResults,
  runBench,
} from "./lib.mjs";

const argv = process.argv.slice(2);
const extra = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
};
const options = benchOptions(
  argv.filter((a, i) => !["--writes", "--idle"].includes(a) && !["--writes", "--idle"].includes(argv[i - 1])),
);
const writes = extra("writes", 30);
const idleSeconds = extra("idle", 60);
const SUBSCRIBERS = [1, 100, 1000];
const MAX = Math.max(...SUBSCRIBERS);

const worker = new LocalWorker({
  vars: { MAX_STREAMS_PER_BIN: String(2 * MAX + 10), MAX_STREAMS_PER_ACCOUNT: String(4 * MAX) },
});

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A WebSocket subscriber with key headers; resolves once `ready` arrived. `onEvent(event, atMs, ws)` sees every later event. */
function subscribe(url, masterKey, onEvent) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { "X-Master-Key": masterKey } });
    const timer = setTimeout(() => reject(new Error("no ready within 30 s")), 30_000);
    ws.onerror = (e) => reject(new Error(`subscriber failed: ${e.message ?? e.type}`));
    ws.onmessage = (e) => {
      const event = JSON.parse(String(e.data));
      if (event.event === "ready") {
        clearTimeout(timer);
        resolve(ws);
      } else onEvent(event, performance.now(), ws);
    };
  });
}

/** Opens `n` subscribers, 50 at a time (so connects do not all queue at once). */
async function subscribeMany(n, url, masterKey, onEvent) {
  const sockets = [];
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from({ length: Math.min(50, n - i) }, () => subscribe(url, masterKey, onEvent));
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** The RSS of every workerd process of this worker (found by its working directory), in MiB. */
function workerdRssMiB() {
  let kib = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readlinkSync(`/proc/${pid}/cwd`).startsWith(worker.dir)) continue;
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      if (!/^Name:\s+workerd/m.test(status)) continue;
      kib += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // Gone meanwhile.
    }
  }
  return kib / 1024;
}

async function idleMemory(label, seconds) {
  const samples = [];
  for (let t = 0; t <= seconds; t += 5) {
    samples.push(workerdRssMiB());
    if (t < seconds) await sleep(5000);
  }
  console.log(
    `${label}: workerd RSS every 5 s for ${seconds} s (MiB): ${samples.map((s) => fmt(s, 0)).join(", ")}; first ${fmt(samples[0], 0)}, max ${fmt(Math.max(...samples), 0)}, last ${fmt(samples.at(-1), 0)}`,
  );
}

await runBench(worker, async () => {
  const loadBefore = loadAverage();
  const base = await worker.start();
  const { masterKey } = await createAccount(worker);
  const auth = { "X-Master-Key": masterKey, "Content-Type": "application/json" };
  const created = await call(`${base}/v3/b`, { method: "POST", headers: auth, body: JSON.stringify({ n: 0 }) });
  const bin = `${base}/v3/b/${created.metadata.id}`;
  const streamUrl = `${bin.replace("http", "ws")}/stream`;
  await call(bin, { headers: auth });
  const rssAtStart = workerdRssMiB();

  // 1. Throughput without subscribers (the baseline of the table below).
  const put = { url: bin, method: "PUT", headers: auth, body: JSON.stringify({ counter: 1, note: "bench" }) };
  const results = [await measure("PUT, 0 subscribers", put, options)];
  await sleep(2000);

  // 2. Latency: sequential unversioned PUTs, each waiting for every subscriber's event.
  console.log(
    `\nwrite → event latency, ${writes} sequential PUTs per row (unversioned: the latest is overwritten in place)\n`,
  );
  console.log("| subscribers | PUT sent → event p50 ms | p99 ms | PUT sent → response p50 ms | p99 ms | events |");
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
  let sockets = [];
  let waiting = null;
  const onEvent = (event, at, ws) => waiting?.(event, at, ws);
  const rssAt = {};
  for (const n of SUBSCRIBERS) {
    sockets.push(...(await subscribeMany(n - sockets.length, streamUrl, masterKey, onEvent)));
    rssAt[n] = workerdRssMiB();
    const eventMs = [];
    const responseMs = [];
    for (let i = 0; i < writes; i++) {
      let left = n;
      const sent = performance.now();
      const all = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${n - left}/${n} events within 30 s`)), 30_000);
        waiting = (event, at) => {
          if (event.event !== "update") return;
          eventMs.push(at - sent);
          if (--left === 0) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      const res = await fetch(bin, { method: "PUT", headers: auth, body: JSON.stringify({ n: i }) });
      responseMs.push(performance.now() - sent);
      if (!res.ok) throw new Error(`PUT ${res.status}`);
      await res.arrayBuffer();
      await all;
    }
    waiting = null;
    eventMs.sort((a, b) => a - b);
    responseMs.sort((a, b) => a - b);
    console.log(
      `| ${n} | ${fmt(percentile(eventMs, 50))} | ${fmt(percentile(eventMs, 99))} | ${fmt(percentile(responseMs, 50))} | ${fmt(percentile(responseMs, 99))} | ${eventMs.length} |`,
    );
  }

  console.log(
    `\nworkerd RSS (MiB): ${fmt(rssAtStart, 0)} before any subscriber; ${SUBSCRIBERS.map((n) => `${fmt(rssAt[n], 0)} once ${n} had connected`).join(", ")}`,
  );

  // 3. Throughput with the 1000 subscribers of row 3 still connected; each counts its updates.
  const received = new Map(sockets.map((ws) => [ws, 0]));
  waiting = (event, _at, ws) => {
    if (event.event === "update") received.set(ws, received.get(ws) + 1);
  };
  results.push(await measure(`PUT, ${MAX} subscribers`, put, options));
  await sleep(3000);
  printResults(results, { script: "bench:streams", options, loadBefore, source: worker.source });
  console.log(`this run: npm run bench:streams -- ${argv.join(" ")} (--writes ${writes} --idle ${idleSeconds})`);
  const counted = results[1].total - results[1].non2xx;
  const perSubscriber = [...received.values()];
  console.log(
    `updates received by each of the ${MAX} subscribers during that run: min ${Math.min(...perSubscriber)}, max ${Math.max(...perSubscriber)}; autocannon counted ${counted} responses, and up to ${options.connections} more writes were in flight when it stopped`,
  );
  console.log(`workerd RSS after that run: ${fmt(workerdRssMiB(), 0)} MiB`);

  // 4. Memory while subscribers sit idle (pings every 30 s, the default).
  waiting = null;
  console.log();
  await idleMemory(`${MAX} idle WebSocket subscribers`, idleSeconds);
  for (const ws of sockets) ws.close();
  sockets = [];
  const controllers = [];
  for (let i = 0; i < MAX; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, MAX - i) }, async () => {
        const controller = new AbortController();
        controllers.push(controller);
        const res = await fetch(`${bin}/stream`, {
          headers: { Accept: "text/event-stream", "X-Master-Key": masterKey },
          signal: controller.signal,
        });
        const reader = res.body.getReader();
        await reader.read();
        void (async () => {
          try {
            for (;;) if ((await reader.read()).done) break;
          } catch {}
        })();
      }),
    );
  }
  await idleMemory(`${MAX} idle SSE subscribers`, idleSeconds);
  for (const c of controllers) c.abort();
  await sleep(5000);
  console.log(`workerd RSS 5 s after the last subscriber left: ${fmt(workerdRssMiB(), 0)} MiB`);
  console.log(`\n1-min load average at the end ${loadAverage()}, ${availableParallelism()} CPUs`);
});
