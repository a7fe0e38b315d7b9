// The kill -9 recovery property (architecture.md, "Why this order is safe"): concurrent writers on
// a real local instance, SIGKILL of wrangler and workerd at a random moment, a restart on the same
// state, then every write that was acknowledged with a 2xx must be readable at its version with
// its body, with no gaps in any bin's versions. Shared by bench/crash-recovery.mjs (figures) and
// test/e2e/crash-recovery.test.ts (the property in npm test).
import { performance } from "node:perf_hooks";

const TIMEOUT_MS = 30_000;
const OPS = ["put", "merge", "json-patch"];

const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function ok(url, init) {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), ...init });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${init?.method ?? "GET"} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

/**
 * Every record has the same members in the same order, so a merge patch of them yields exactly
 * the body sent, as a PUT or a JSON Patch replacing the root does: each write's stored text is known.
 */
const recordOf = (writer, seq, round, op, pad) => ({ writer, seq, round, op, pad: "x".repeat(pad) });

function writeRequest(op, record) {
  switch (op) {
    case "put":
      return { method: "PUT", type: "application/json", body: JSON.stringify(record) };
    case "merge":
      return { method: "PATCH", type: "application/merge-patch+json", body: JSON.stringify(record) };
    default:
      return {
        method: "PATCH",
        type: "application/json-patch+json",
        body: JSON.stringify([{ op: "replace", path: "", value: record }]),
      };
  }
}

/** Runs `tasks` (thunks) `concurrency` at a time. */
async function pool(tasks, concurrency) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tasks.length) await tasks[next++]();
    }),
  );
}

/**
 * `rounds` times: make `bins` private bins, run `writers` concurrent writers on them (versioned PUT,
 * merge PATCH, JSON Patch in turn, known bodies), SIGKILL the worker after a random time in
 * [minRunMs, maxRunMs], restart it, and verify every bin made so far. `worker` must be started.
 */
export async function crashRounds(worker, { rounds, writers, bins, minRunMs, maxRunMs, pad = 64, log = () => {} }) {
  const account = JSON.parse(
    await ok(`${worker.base}/v3/admin/accounts`, {
      method: "POST",
      headers: { "X-Admin-Key": worker.adminKey, "Content-Type": "application/json" },
      body: "{}",
    }),
  );
  const auth = { "X-Master-Key": account.masterKey };
  /** Per bin: the acknowledged writes (version → text) and the bodies whose fate is unknown (in flight at the kill). */
  const allBins = [];
  const results = [];

  for (let round = 1; round <= rounds; round++) {
    const roundBins = [];
    for (let b = 0; b < bins; b++) {
      const base = recordOf(-1, 0, round, "create", pad);
      const created = JSON.parse(
        await ok(`${worker.base}/v3/b`, {
          method: "POST",
          headers: { ...auth, "Content-Type": "application/json", "X-Bin-Private": "true" },
          body: JSON.stringify(base),
        }),
      );
      roundBins.push({ id: created.metadata.id, acked: new Map([[0, JSON.stringify(base)]]), inFlight: new Set() });
    }
    allBins.push(...roundBins);

    let killed = false;
    let pending = 0;
    const figures = { round, acknowledged: 0, errors: 0, duplicates: 0, firstErrors: [] };
    const writer = async (w) => {
      const bin = roundBins[w % roundBins.length];
      for (let seq = 1; !killed; seq++) {
        const op = OPS[(w + seq) % OPS.length];
        const record = recordOf(w, seq, round, op, pad);
        const text = JSON.stringify(record);
        const request = writeRequest(op, record);
        pending++;
        bin.inFlight.add(text);
        try {
          const res = await fetch(`${worker.base}/v3/b/${bin.id}`, {
            method: request.method,
            headers: { ...auth, "Content-Type": request.type, "X-Bin-Versioning": "true" },
            body: request.body,
            signal: AbortSignal.timeout(TIMEOUT_MS),
          });
          const answer = await res.text();
          if (res.status !== 200) {
            figures.errors++;
            if (figures.firstErrors.length < 3) figures.firstErrors.push(`${res.status} ${answer.slice(0, 200)}`);
            // A 4xx wrote nothing; after a 5xx the write may have landed (architecture.md), so it stays uncertain.
            if (res.status < 500) bin.inFlight.delete(text);
            continue;
          }
          const { metadata } = JSON.parse(answer);
          if (bin.acked.has(metadata.version)) figures.duplicates++;
          bin.acked.set(metadata.version, text);
          figures.acknowledged++;
          bin.inFlight.delete(text);
        } catch (err) {
          // No answer: the write may or may not have committed, so it stays uncertain. After the
          // kill that is expected (a request in flight); before it, it is an error.
          if (!killed) {
            figures.errors++;
            if (figures.firstErrors.length < 3) figures.firstErrors.push(String(err));
          }
        } finally {
          pending--;
        }
      }
    };

    const runMs = Math.round(minRunMs + Math.random() * (maxRunMs - minRunMs));
    const running = Array.from({ length: writers }, (_, w) => writer(w));
    await sleep(runMs);
    killed = true;
    figures.inFlightAtKill = pending;
    await worker.kill();
    await Promise.all(running);
    figures.runMs = runMs;

    const restart = now();
    await worker.start();
    figures.recoverMs = Math.round(now() - restart);
    log(
      `round ${round}: killed after ${runMs} ms with ${figures.inFlightAtKill} writes in flight, ${figures.acknowledged} acknowledged; restarted in ${figures.recoverMs} ms`,
    );

    Object.assign(figures, await verify(worker, auth, allBins));
    results.push(figures);
    // What was in flight and did not commit is gone for good; what did is now a known version.
    for (const bin of roundBins) bin.inFlight.clear();
  }
  return results;
}

/**
 * Every bin: its versions are 0..N with no gap; every acknowledged version holds its body; every
 * other version holds a body that was in flight at the kill (committed, answer lost), never
 * anything else. Such versions become known ones for later rounds.
 */
async function verify(worker, auth, bins) {
  const started = now();
  const figures = { lost: 0, gaps: 0, phantoms: 0, committedUnacknowledged: 0, problems: [] };
  const problem = (text) => figures.problems.length < 10 && figures.problems.push(text);
  const tasks = [];
  for (const bin of bins) {
    const listed = [];
    let versionCount = null;
    for (let before = ""; ; ) {
      const page = JSON.parse(await ok(`${worker.base}/v3/b/${bin.id}/versions?limit=100${before}`, { headers: auth }));
      versionCount ??= page.metadata.versionCount;
      listed.push(...page.versions.map((v) => v.version));
      if (page.metadata.nextBefore === null) break;
      before = `&before=${page.metadata.nextBefore}`;
    }
    const expected = Array.from({ length: versionCount + 1 }, (_, i) => versionCount - i);
    if (listed.join(",") !== expected.join(",")) {
      figures.gaps++;
      problem(`bin ${bin.id}: versions ${listed.join(",")} for a count of ${versionCount}`);
    }
    for (const version of bin.acked.keys()) {
      if (version > versionCount) {
        figures.lost++;
        problem(`bin ${bin.id}: acknowledged version ${version} is past the count ${versionCount}`);
      }
    }
    for (let version = 0; version <= versionCount; version++) {
      tasks.push(async () => {
        const stored = await ok(`${worker.base}/v3/b/${bin.id}/${version}`, {
          headers: { ...auth, "X-Bin-Meta": "false" },
        });
        const acked = bin.acked.get(version);
        if (acked !== undefined) {
          if (stored !== acked) {
            figures.lost++;
            problem(`bin ${bin.id} version ${version}: ${stored.slice(0, 80)} instead of ${acked.slice(0, 80)}`);
          }
        } else if (bin.inFlight.has(stored)) {
          figures.committedUnacknowledged++;
          bin.acked.set(version, stored);
        } else {
          figures.phantoms++;
          problem(`bin ${bin.id} version ${version}: ${stored.slice(0, 80)} was never sent`);
        }
      });
    }
  }
  await pool(tasks, 8);
  figures.verifiedRecords = tasks.length;
  figures.verifyMs = Math.round(now() - started);
  return figures;
}
