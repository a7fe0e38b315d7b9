// The import: discover (or read the plan of an interrupted run), say what it will cost, copy in
// dependency order (schema docs, collections, bins, each bin's versions in order), then verify the
// target against what was copied and summarise. Every step is resumable: see state.mjs.

import { HttpError, QuotaExhausted } from "../http.mjs";
import { Progress } from "../progress.mjs";
import { compact, recordHash } from "../records.mjs";
import { exportLines } from "./edgebin-target.mjs";
import { FileSource } from "./file-source.mjs";

/**
 * How many versions of one bin are sent to the target before the first of them is answered (the
 * bin's writer commits those that are all there together). Records over BIG_RECORD go alone, so
 * the writer never holds more than a few megabytes of them.
 */
const WINDOW = 16;
const BIG_RECORD = 1_048_576;
/** How many records of one bin are fetched from the source ahead of the one being sent. */
const PREFETCH = 8;

export const EXIT = { ok: 0, failed: 1, usage: 2, quota: 3 };

const iso = (t) => (t ? new Date(t).toISOString() : t);

export class Importer {
  /**
   * `source`: a JsonbinSource or a FileSource; `target`: an EdgebinTarget; `state`: an ImportState;
   * `verifyApi(masterKey)`: an Api on the target with that master key, for reading the export back.
   */
  constructor({ source, target, state, verifyApi, options, out = process.stdout }) {
    this.source = source;
    this.target = target;
    this.state = state;
    this.verifyApi = verifyApi;
    this.options = options;
    this.progress = new Progress({ stream: out, unit: "versions" });
    this.log = (message) => this.progress.log(message);
    this.failures = [];
    this.copied = { items: 0, records: 0 };
    this.stopping = null;
  }

  async run() {
    const started = Date.now();
    const plan = await this.#plan();
    const { cost, remaining } = this.#announce(plan);
    if (remaining !== null && cost > remaining) {
      this.log(
        "That is more than remain: the import will stop cleanly when they run out; run the same command again after they are reset.",
      );
    }
    if (this.options.dryRun) {
      this.log("Dry run: stopping before anything is copied.");
      return EXIT.ok;
    }
    const account = await this.#account();
    this.log(`Importing into account ${account.accountId} on ${this.target.admin.base}`);
    this.#startProgress(plan);
    const copyStarted = Date.now();
    try {
      await this.#copy(plan, account.accountId);
    } catch (err) {
      this.progress.stop();
      if (err instanceof QuotaExhausted) {
        this.log(
          `Stopped: the source answered "${err.message}" after ${this.#sourceRequests()} requests. Nothing is lost: run the same command again once the source's requests are reset, and it continues where it stopped.`,
        );
        return EXIT.quota;
      }
      throw err;
    }
    this.progress.stop();
    this.copySeconds = (Date.now() - copyStarted) / 1000;
    const mismatches = await this.#verify(plan, account);
    this.#summary(plan, account, mismatches, Date.now() - started);
    return mismatches.length === 0 && this.failures.length === 0 ? EXIT.ok : EXIT.failed;
  }

  #sourceRequests() {
    return this.source.api?.stats.requests ?? 0;
  }

  async #plan() {
    const saved = this.state.plan;
    if (saved) {
      this.log(`Resuming: the plan of an earlier run is in ${this.state.dir} (no discovery requests needed).`);
      return saved;
    }
    const what = this.source instanceof FileSource ? `Reading ${this.source.path}` : "Discovering the source account";
    this.log(`${what}...`);
    let found = 0;
    const plan = await this.source.discover({
      latestOnly: this.options.latestOnly,
      onBin: () => {
        if (++found % 50 === 0) this.log(`  ${found} bins found`);
      },
    });
    plan.discoveryRequests = this.#sourceRequests();
    this.state.plan = plan;
    return plan;
  }

  /** Prints what was found and how many source requests the copy will make, and how many the source has left. */
  #announce(plan) {
    const records = plan.bins.reduce((n, b) => n + (this.options.latestOnly ? 1 : b.versionCount + 1), 0);
    this.log(
      `Found ${plan.schemas.length} schema docs, ${plan.collections.length} collections, ${plan.bins.length} bins, ${records} records${this.options.latestOnly ? " (latest only)" : ""}.`,
    );
    if (this.source instanceof FileSource) return { cost: 0, remaining: null };
    const left = plan.bins.filter((b) => !this.state.binsDone.has(b.id));
    const copied = [...this.state.records.values()].reduce((n, m) => n + m.size, 0);
    const cost = left.reduce((n, b) => n + this.source.copyCost(b, this.options), 0) - copied;
    this.log(`Discovery used ${plan.discoveryRequests} source requests.`);
    this.log(
      `The copy will make about ${Math.max(0, cost)} more requests to the source${copied ? ` (${copied} records were copied by an earlier run)` : ""}.`,
    );
    const remaining = this.source.api.stats.remaining;
    if (remaining !== null) this.log(`The source reports ${remaining} requests remaining for this account.`);
    return { cost, remaining };
  }

  async #account() {
    if (this.options.accountId) {
      if (!(await this.target.hasAccount(this.options.accountId))) {
        throw new Error(`account ${this.options.accountId} does not exist on ${this.target.admin.base}`);
      }
      return { accountId: this.options.accountId, masterKey: this.options.targetMasterKey };
    }
    const saved = this.state.account;
    if (saved) return saved;
    const created = await this.target.createAccount({ name: this.options.accountName, plan: this.options.plan });
    this.state.account = { accountId: created.accountId, masterKey: created.masterKey };
    this.log(`Created account ${created.accountId} (its master key is printed at the end).`);
    return this.state.account;
  }

  #startProgress(plan) {
    const versions = plan.bins.reduce((n, b) => n + (this.options.latestOnly ? 1 : b.versionCount + 1), 0);
    this.progress.start({ items: plan.schemas.length + plan.collections.length + plan.bins.length, versions });
    const done = (key) => this.state.items.has(key);
    this.progress.item(plan.schemas.filter((s) => done(`schema:${s.id}`)).length);
    this.progress.item(plan.collections.filter((c) => done(`collection:${c.id}`)).length);
    this.progress.item(plan.bins.filter((b) => this.state.binsDone.has(b.id)).length);
    this.progress.version([...this.state.records.values()].reduce((n, m) => n + m.size, 0));
    this.progress.samples = [{ at: Date.now(), done: this.progress.versions.done }];
  }

  async #item(key, send) {
    if (this.state.items.has(key)) return;
    await send();
    this.state.itemDone(key);
    this.progress.item();
    this.copied.items++;
  }

  async #copy(plan, accountId) {
    for (const s of plan.schemas) await this.#item(`schema:${s.id}`, () => this.target.importSchema(accountId, s));
    for (const c of plan.collections) {
      await this.#item(`collection:${c.id}`, () => this.target.importCollection(accountId, c));
    }
    if (this.source instanceof FileSource) await this.#copyFromFile(accountId);
    else await this.#copyFromApi(plan, accountId);
  }

  /** Bins in parallel, each bin's versions in order. The first quota stop ends every worker. */
  async #copyFromApi(plan, accountId) {
    const queue = plan.bins.filter((b) => !this.state.binsDone.has(b.id));
    const worker = async () => {
      for (let bin = queue.shift(); bin && !this.stopping; bin = queue.shift()) {
        try {
          await this.#copyBin(accountId, bin);
        } catch (err) {
          if (err instanceof QuotaExhausted) this.stopping ??= err;
          else this.#fail(bin.id, err);
        }
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, worker));
    if (this.stopping) throw this.stopping;
  }

  #fail(binId, err) {
    if (!(err instanceof HttpError)) throw err;
    this.failures.push(`bin ${binId}: ${err.serverMessage} (${err.status})`);
    this.log(`Could not import bin ${binId}: ${err.serverMessage}`);
  }

  async #copyBin(accountId, bin) {
    const { latestOnly } = this.options;
    const known = this.state.recordsOf(bin.id);
    let times = this.state.times.get(bin.id);
    if (!times && !latestOnly) {
      times = Object.fromEntries(await this.source.versionTimes(bin.id));
      this.state.timesFound(bin.id, times);
    }
    if (!known.has(0)) {
      const text = await this.source.record(bin.id, latestOnly ? "latest" : 0);
      await this.target.importBin(accountId, bin, text);
      this.#recorded(bin.id, 0, text);
    }
    if (!latestOnly) await this.#copyVersions(accountId, bin, known, times);
    this.state.binDone(bin.id);
    this.progress.item();
    this.copied.items++;
  }

  /**
   * Versions 1..N not copied yet, in order. Records are fetched from the source a little ahead,
   * and up to WINDOW versions are sent before the first is answered: the bin's writer commits
   * them in their order (a version that overtook its predecessor on the way waits for it there).
   */
  async #copyVersions(accountId, bin, known, times) {
    const todo = [];
    for (let v = 1; v <= bin.versionCount; v++) if (!known.has(v)) todo.push(v);
    const fetched = new Map();
    let nextFetch = 0;
    const fetchAhead = () => {
      while (nextFetch < todo.length && fetched.size < PREFETCH && !this.stopping) {
        const v = todo[nextFetch++];
        const pending = this.source.record(bin.id, v);
        pending.catch(() => {}); // awaited below, in order; this only keeps Node from calling it unhandled
        fetched.set(v, pending);
      }
    };
    const sending = new Map();
    let failure = null;
    try {
      for (const v of todo) {
        fetchAhead();
        // Once stopping, no new record is read; those already read (and paid for) are still sent.
        if (failure || !fetched.has(v)) break;
        const text = await fetched.get(v);
        fetched.delete(v);
        const limit = text.length > BIG_RECORD ? 1 : WINDOW;
        while (sending.size >= limit && !failure) await Promise.race(sending.values());
        if (failure) break;
        const send = this.#sendVersion(accountId, bin.id, v, text, iso(times?.[v]), sending)
          .catch((err) => {
            failure ??= err;
          })
          .finally(() => sending.delete(v));
        sending.set(v, send);
      }
    } finally {
      await Promise.all(sending.values());
    }
    if (failure) throw failure;
    // Stopped before the end: the bin is not done, and the next run picks it up where it is.
    if (this.stopping) throw this.stopping;
  }

  /** One version; refused as out of order only when its predecessor failed or was too slow: then it waits and tries again. */
  async #sendVersion(accountId, binId, v, text, createdAt, sending) {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.target.importVersion(accountId, binId, v, text, createdAt);
        this.#recorded(binId, v, text);
        return;
      } catch (err) {
        const outOfOrder = err instanceof HttpError && err.status === 409 && /out of order/i.test(err.serverMessage);
        if (!outOfOrder || attempt >= 3) throw err;
        await sending.get(v - 1);
      }
    }
  }

  #recorded(binId, version, text) {
    this.state.recordDone(binId, version, recordHash(text));
    this.progress.version();
    this.copied.records++;
  }

  /**
   * The file in order. A bin line is sent with the record line after it (its base); its versions
   * follow, up to WINDOW at a time as from an API source; the next bin starts once they are answered.
   */
  async #copyFromFile(accountId) {
    let bin = null;
    let sending = new Map();
    let failure = null;
    const finish = async () => {
      await Promise.all(sending.values());
      if (bin && failure) this.#fail(bin.id, failure);
      else if (bin && !this.state.binsDone.has(bin.id)) {
        this.state.binDone(bin.id);
        this.progress.item();
        this.copied.items++;
      }
      bin = null;
    };
    for await (const line of this.source.lines()) {
      if (line.type === "bin" || line.type === "end") await finish();
      if (line.type === "bin") {
        bin = line;
        sending = new Map();
        failure = null;
      }
      if (line.type !== "record" || failure || this.state.binsDone.has(line.binId)) continue;
      if (this.state.recordsOf(line.binId).has(line.version)) continue;
      const text = JSON.stringify(line.record);
      if (line.version === 0) {
        try {
          await this.target.importBin(accountId, bin, text);
          this.#recorded(line.binId, 0, text);
        } catch (err) {
          failure = err;
        }
        continue;
      }
      const limit = text.length > BIG_RECORD ? 1 : WINDOW;
      while (sending.size >= limit) await Promise.race(sending.values());
      const v = line.version;
      const send = this.#sendVersion(accountId, line.binId, v, text, line.createdAt, sending)
        .catch((err) => {
          failure ??= err;
        })
        .finally(() => sending.delete(v));
      sending.set(v, send);
    }
    await finish();
  }

  /**
   * Reads the account back through its export and compares, per bin, its metadata, its version
   * count and the hash of every record with what the source gave. Returns the differences.
   */
  async #verify(plan, account) {
    this.log("Verifying: reading the account back from the target...");
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#compare(plan, account);
      } catch (err) {
        // The export is one long response: a connection cut in the middle is read again, whole.
        if (attempt >= 3) return [`the target's export could not be read: ${err.message}`];
        this.log(`Reading the export failed (${err.message}); reading it again.`);
      }
    }
  }

  async #compare(plan, account) {
    const mismatches = [];
    const differ = (what) => mismatches.push(what);
    const schemas = new Map(plan.schemas.map((s) => [s.id, s]));
    const collections = new Map(plan.collections.map((c) => [c.id, c]));
    const bins = new Map(plan.bins.map((b) => [b.id, b]));
    const seen = new Set();
    let current = null;
    let ended = false;
    const api = this.verifyApi(account.masterKey);
    for await (const line of exportLines(api)) {
      if (line.type === "end") ended = true;
      if (line.type === "schema" && schemas.has(line.id)) {
        seen.add(line.id);
        const s = schemas.get(line.id);
        if (line.name !== s.name || JSON.stringify(line.schema) !== JSON.stringify(s.schema))
          differ(`schema doc ${line.id}: content`);
        if (line.createdAt !== iso(s.createdAt)) differ(`schema doc ${line.id}: createdAt`);
      }
      if (line.type === "collection" && collections.has(line.id)) {
        seen.add(line.id);
        const c = collections.get(line.id);
        if (line.name !== c.name || line.schemaDocId !== c.schemaDocId || line.createdAt !== iso(c.createdAt)) {
          differ(`collection ${line.id}: metadata`);
        }
      }
      if (line.type === "bin") {
        current = bins.get(line.id) ?? null;
        if (!current) continue;
        seen.add(line.id);
        const expected = this.options.latestOnly ? 0 : current.versionCount;
        if (line.versionCount !== expected)
          differ(`bin ${line.id}: ${line.versionCount} versions, expected ${expected}`);
        const meta = ["private", "name", "collectionId"].filter((k) => line[k] !== current[k]);
        if (line.createdAt !== iso(current.createdAt)) meta.push("createdAt");
        if (meta.length) differ(`bin ${line.id}: ${meta.join(", ")} differ`);
      }
      if (line.type === "record" && current && line.binId === current.id) {
        const expected = this.state.recordsOf(line.binId).get(line.version);
        const actual = recordHash(compact(JSON.stringify(line.record)));
        if (expected === undefined) differ(`bin ${line.binId} version ${line.version}: not copied`);
        else if (actual !== expected)
          differ(`bin ${line.binId} version ${line.version}: hash ${actual}, expected ${expected}`);
      }
    }
    if (!ended) differ("the target's export ended early");
    for (const id of [...schemas.keys(), ...collections.keys(), ...bins.keys()]) {
      if (!seen.has(id)) differ(`${id}: missing from the target`);
    }
    return mismatches;
  }

  #summary(plan, account, mismatches, ms) {
    const records = plan.bins.reduce((n, b) => n + (this.options.latestOnly ? 1 : b.versionCount + 1), 0);
    const seconds = ms / 1000;
    this.log("");
    this.log(`Summary (${seconds.toFixed(1)} s):`);
    this.log(
      `  ${plan.schemas.length} schema docs, ${plan.collections.length} collections, ${plan.bins.length} bins, ${records} records in the plan`,
    );
    this.log(
      `  copied now: ${this.copied.items} items and ${this.copied.records} records in ${this.copySeconds.toFixed(1)} s (${(this.copied.records / this.copySeconds).toFixed(1)} records/s)`,
    );
    if (!(this.source instanceof FileSource)) {
      const s = this.source.api.stats;
      this.log(
        `  source requests this run: ${s.requests} (${s.throttled} answered 429 and were retried)${s.remaining !== null ? `; ${s.remaining} remaining` : ""}`,
      );
    }
    for (const f of this.failures) this.log(`  failed: ${f}`);
    this.log(`  verification: ${mismatches.length} mismatches`);
    for (const m of mismatches.slice(0, 20)) this.log(`    ${m}`);
    if (mismatches.length > 20) this.log(`    … and ${mismatches.length - 20} more`);
    this.log(`  account: ${account.accountId} on ${this.target.admin.base}`);
    if (account.masterKey && !this.options.accountId) {
      this.log(`  master key: ${account.masterKey}   (also in ${this.state.dir}/account.json)`);
    }
  }
}
