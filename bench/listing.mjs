#!/usr/bin/env node
// `npm run bench:listing [-- --duration N --connections N]`: is one listing page as cheap in a
// collection of 10,000 bins as in one of 10? Measures both (and a page ~5,000 bins deep) in the
// same run against the same worker, with a no-storage baseline route.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
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

const SMALL = 10;
const LARGE = 10_000;
const UNCATEGORIZED = 10_000;
const CURSOR_DEPTH = 5_000;
const GOAL = 1.5;

const options = benchOptions();
const worker = new LocalWorker();

/**
 * `count` bins for one listing scope (a collection, or null for uncategorized), each with the
 * version-0 records row the API would have written. created_at values are distinct and spread
 * over the past year, so the listing order is by time as in real use, not by insertion order
 * (that they predate the collections' own created_at does not matter: nothing compares the two).
 */
function seedBins(accountId, collectionId, count) {
  const year = 365 * 86_400_000;
  const from = Date.now() - year;
  const step = year / count;
  // The body is never read by a listing, so body_key points at no R2 object; hash and size are
  // those of `{}` to keep the row self-consistent.
  const hash = createHash("sha256").update("{}").digest("hex").slice(0, 16);
  return Array.from({ length: count }, (_, i) => {
    const createdAt = new Date(from + Math.floor((i + Math.random() * 0.9) * step)).toISOString();
    const id = randomBytes(12).toString("hex");
    return {
      id,
      accountId,
      collectionId,
      createdAt,
      private: i % 3 === 0 ? 1 : 0,
      name: i % 2 ? `seed ${i}` : null,
      record: { bodyKey: `${id}/${randomUUID()}`, hash, size: 2 },
    };
  });
}

const sql = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`);

function seedSql(bins) {
  const statements = [];
  // Multi-row INSERTs in chunks: one statement per row would make the file 40,000 statements,
  // one statement for all would be megabytes of SQL.
  for (let i = 0; i < bins.length; i += 250) {
    const chunk = bins.slice(i, i + 250);
    statements.push(
      `INSERT INTO bins (id, account_id, private, name, collection_id, created_at, version_count, write_token) VALUES\n${chunk
        .map(
          (b) =>
            `(${[b.id, b.accountId, b.private, b.name, b.collectionId, b.createdAt, 0, randomUUID()].map(sql).join(", ")})`,
        )
        .join(",\n")};`,
      `INSERT INTO records (bin_id, version, body_key, hash, size, updated_at) VALUES\n${chunk
        .map((b) => `(${[b.id, 0, b.record.bodyKey, b.record.hash, b.record.size, b.createdAt].map(sql).join(", ")})`)
        .join(",\n")};`,
    );
  }
  return `${statements.join("\n")}\n`;
}

/** Newest first, as the API lists by default (`X-Sort-Order: descending`). */
const descending = (bins) =>
  [...bins].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));

await runBench(worker, async () => {
  const loadBefore = loadAverage();

  // The account and the collections go through the API, so their rows are exactly what the
  // Worker writes; the 20,010 bins are seeded straight into D1 with the worker stopped, since
  // creating each through the API (Durable Object, R2 put, D1 batch) would take far too long.
  let base = await worker.start();
  const { accountId, masterKey } = await createAccount(worker);
  const auth = { "X-Master-Key": masterKey };
  const newCollection = async (name) =>
    (await call(`${base}/v3/c`, { method: "POST", headers: { ...auth, "X-Collection-Name": name } })).record;
  const small = await newCollection("small");
  const large = await newCollection("large");
  await worker.stop();

  const smallBins = seedBins(accountId, small, SMALL);
  const largeBins = seedBins(accountId, large, LARGE);
  // Uncategorized bins of the same account share the index prefix (account_id): a page of a
  // collection must skip them by the collection_id column, not by luck of being alone.
  const uncategorized = seedBins(accountId, null, UNCATEGORIZED);
  const seedFile = join(worker.dir, "seed.sql"); // removed with the worker's temp dir
  writeFileSync(seedFile, seedSql([...smallBins, ...largeBins, ...uncategorized]));
  const seedStart = Date.now();
  await worker.d1Execute(seedFile);
  const seedSeconds = (Date.now() - seedStart) / 1000;
  base = await worker.start();

  const largeDesc = descending(largeBins);
  const cursor = largeDesc[CURSOR_DEPTH - 1].id;
  const scenarios = [
    {
      name: "small collection, first page",
      url: `${base}/v3/c/${small}/bins`,
      expect: descending(smallBins).slice(0, 10),
    },
    { name: "large collection, first page", url: `${base}/v3/c/${large}/bins`, expect: largeDesc.slice(0, 10) },
    {
      name: `large collection, page after bin ${CURSOR_DEPTH}`,
      url: `${base}/v3/c/${large}/bins/${cursor}`,
      expect: largeDesc.slice(CURSOR_DEPTH, CURSOR_DEPTH + 10),
    },
  ];

  // Check each page once before loading it: 200, 10 items, and exactly the bins the seed says
  // should be there (which also proves the seeded rows are what the Worker reads). This also
  // warms up the routes, so the first-request script load isn't measured.
  await fetch(`${base}/v3/does-not-exist`, { signal: AbortSignal.timeout(30_000) });
  for (const s of scenarios) {
    const page = await call(s.url, { headers: auth });
    const got = page.map((b) => b.record).join(",");
    if (page.length !== 10 || got !== s.expect.map((b) => b.id).join(",")) {
      throw new Error(
        `${s.name}: expected the 10 seeded bins ${s.expect.map((b) => b.id)}, got ${page.length} items: ${got}`,
      );
    }
  }

  const loadBeforeRuns = loadAverage();
  const results = [await measure("baseline (404)", { url: `${base}/v3/does-not-exist` }, options)];
  for (const s of scenarios) results.push(await measure(s.name, { url: s.url, headers: auth }, options));

  printResults(results, { script: "bench:listing", options, loadBefore, source: worker.source });
  console.log(
    `seeded ${SMALL} + ${LARGE} bins in two collections and ${UNCATEGORIZED} uncategorized for one account in ${fmt(seedSeconds, 1)} s; 1-min load average after seeding, before the first scenario ${loadBeforeRuns}`,
  );
  console.log(`each page checked once before its run: 200, 10 items, the expected bins`);
  const [, smallPage, ...largePages] = results;
  console.log();
  for (const r of largePages) {
    const p50 = r.p50 / smallPage.p50;
    const rps = r.rps / smallPage.rps;
    // Throughput falls as cost rises, so the comparable "how many times dearer" figure for req/s is small/large.
    const met = p50 < GOAL && 1 / rps < GOAL;
    console.log(
      `${r.name} vs small collection, first page: p50 ${fmt(p50)}× (large/small), req/s ${fmt(rps)}× (large/small; small/large ${fmt(1 / rps)}×); goal < ${GOAL}: ${met ? "met" : "NOT met"}`,
    );
  }
  failOnErrors(results);
});
