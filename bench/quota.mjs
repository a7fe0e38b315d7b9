#!/usr/bin/env node
// `npm run bench:quota [-- --duration N --connections N]`: what does a request quota cost a read?
// GET latest for an account without a quota and for one with a (never reached) quota, in the same
// run against the same worker, with a no-storage baseline route.
import {
  benchOptions,
  call,
  createAccount,
  failOnErrors,
  fmt,
  LocalWorker,
  loadAverage,
  measure,
  printResults,
  runBench,
} from "./lib.mjs";

const QUOTA = 100_000_000;

const options = benchOptions();
const worker = new LocalWorker();

await runBench(worker, async () => {
  const loadBefore = loadAverage();
  const base = await worker.start();
  const admin = { "X-Admin-Key": worker.adminKey, "Content-Type": "application/json" };

  // The same ~1 KB private record as bench/bins.mjs, so "quota off" here is that GET latest.
  const items = Array.from({ length: 25 }, (_, i) => ({ id: i, label: `item-${i}`, on: i % 2 === 0 }));
  const record = JSON.stringify({ name: "bench", tags: ["a", "b", "c"], items });
  async function setUp(name, quota) {
    const { accountId, masterKey } = await createAccount(worker);
    const limits =
      quota === null
        ? (await call(`${base}/v3/admin/accounts/${accountId}`, { headers: admin })).limits
        : (
            await call(`${base}/v3/admin/accounts/${accountId}`, {
              method: "PATCH",
              headers: admin,
              body: JSON.stringify({ limits: { requestQuota: quota } }),
            })
          ).limits;
    // Effective limits, so a FREE_REQUEST_QUOTA in the environment (e.g. a .dev.vars) cannot
    // silently turn "quota off" into "quota on".
    if (limits.requestQuota !== quota)
      throw new Error(`${name}: effective requestQuota is ${limits.requestQuota}, expected ${quota}`);
    const auth = { "X-Master-Key": masterKey };
    const created = await call(`${base}/v3/b`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json", "X-Bin-Private": "true" },
      body: record,
    });
    return { name, accountId, auth, url: `${base}/v3/b/${created.metadata.id}/latest`, responses: 1 };
  }
  const off = await setUp("GET latest (quota off)", null);
  const on = await setUp("GET latest (quota on)", QUOTA);

  // One request each first, so the first-request script load isn't measured; check that the
  // quota shows in the headers only where it should and that no rate limit would throttle the run.
  await fetch(`${base}/v3/does-not-exist`, { signal: AbortSignal.timeout(30_000) });
  for (const a of [off, on]) {
    const res = await fetch(a.url, { headers: a.auth, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    a.responses++;
    if (res.status !== 200) throw new Error(`${a.name}: warm-up GET answered ${res.status}`);
    if (res.headers.has("X-RateLimit-Limit"))
      throw new Error("RATE_LIMIT_PER_MINUTE is set: the run would measure 429s");
    if (res.headers.has("X-Requests-Limit") !== (a === on))
      throw new Error(`${a.name}: X-Requests-Limit header is ${res.headers.get("X-Requests-Limit")}`);
  }

  const results = [await measure("baseline (404)", { url: `${base}/v3/does-not-exist` }, options)];
  for (const a of [off, on]) {
    const r = await measure(a.name, { url: a.url, headers: a.auth }, options);
    a.responses += r.total;
    results.push(r);
  }

  printResults(results, { script: "bench:quota", options, loadBefore, source: worker.source });
  const [, offRun, onRun] = results;
  console.log();
  console.log(
    `quota on / quota off: req/s ${fmt(onRun.rps / offRun.rps)}×, p50 ${fmt(onRun.p50 / offRun.p50)}×, p99 ${fmt(onRun.p99 / offRun.p99)}×`,
  );

  // Without a quota the counter is incremented after the response (waitUntil); give the last of
  // those writes a moment so the figure below is settled rather than racing them.
  await new Promise((r) => setTimeout(r, 2000));
  for (const a of [off, on]) {
    const res = await fetch(a.url, { headers: a.auth, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    a.responses++;
    const headers = ["X-Requests-Used", "X-Requests-Limit", "X-Requests-Remaining"]
      .filter((h) => res.headers.has(h))
      .map((h) => `${h}: ${res.headers.get(h)}`)
      .join(", ");
    console.log(
      `final GET, ${a.name}: ${res.status}, ${headers} (responses this script saw for the account, this one included: ${a.responses})`,
    );
  }
  console.log(
    `(the server can count up to ${options.connections} more: requests still in flight when autocannon stops are served but not seen)`,
  );
  failOnErrors(results);
});
