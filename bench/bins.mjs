#!/usr/bin/env node
// `npm run bench [-- --duration N --connections N]`: load-tests a few bin routes against a
// throwaway local `wrangler dev` and compares each to a no-storage baseline route of the same worker.
import {
  benchOptions,
  call,
  createAccount,
  failOnErrors,
  LocalWorker,
  loadAverage,
  measure,
  printResults,
  runBench,
} from "./lib.mjs";

const options = benchOptions();
const worker = new LocalWorker();

await runBench(worker, async () => {
  const loadBefore = loadAverage();
  const base = await worker.start();
  const { masterKey } = await createAccount(worker);
  const auth = { "X-Master-Key": masterKey, "Content-Type": "application/json" };
  // ~1 KB record (about 980 bytes), the size of a typical small config blob.
  const items = Array.from({ length: 25 }, (_, i) => ({ id: i, label: `item-${i}`, on: i % 2 === 0 }));
  const record = { name: "bench", tags: ["a", "b", "c"], items };
  const created = await call(`${base}/v3/b`, {
    method: "POST",
    headers: { ...auth, "X-Bin-Private": "true" },
    body: JSON.stringify(record),
  });
  const id = created.metadata.id;
  const bin = `${base}/v3/b/${id}`;

  // One request each first, so the first-request script load isn't measured (the create above
  // already woke the bin's Durable Object).
  await fetch(`${base}/v3/does-not-exist`, { signal: AbortSignal.timeout(30_000) });
  await call(`${bin}/latest`, { headers: auth });

  const results = [];
  results.push(await measure("baseline (404)", { url: `${base}/v3/does-not-exist` }, options));
  results.push(await measure("GET latest", { url: `${bin}/latest`, headers: auth }, options));
  results.push(
    await measure(
      "versioned PUT",
      {
        url: bin,
        method: "PUT",
        headers: { ...auth, "X-Bin-Versioning": "true" },
        body: JSON.stringify({ counter: 1, note: "bench" }),
      },
      options,
    ),
  );
  const { metadata } = await call(`${bin}/versions/count`, { headers: auth });

  printResults(results, { script: "bench", options, loadBefore });
  console.log(`versions at the end: ${metadata.versionCount} (cap 1000; writes past it overwrite version 1000)`);
  failOnErrors(results);
});
