// What an import has done so far, on disk, so that running the same command again after an
// interruption continues where it stopped. A directory per import:
//   plan.json      what the discovery found (so a resumed run does not spend source requests on it again)
//   account.json   the target account, with its master key when the import created it (mode 0600)
//   journal.ndjson one line per item the target confirmed, appended as it happens
// The target's import routes are idempotent, so an item done but not yet journaled when the
// process died is simply sent again and answered 200; the journal only saves the work.

import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A directory name that is the same for the same source, target and account choice. */
export function stateKey(parts) {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

export class ImportState {
  constructor(dir) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.journalFile = join(dir, "journal.ndjson");
    this.items = new Set();
    /** binId → Map(version → hash) of records the target holds. */
    this.records = new Map();
    /** binId → { version: createdAt } from the source. */
    this.times = new Map();
    this.binsDone = new Set();
    if (existsSync(this.journalFile)) this.#replay();
  }

  #replay() {
    const text = readFileSync(this.journalFile, "utf8");
    for (const line of text.split("\n")) {
      if (!line) continue;
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // a line cut short by the interruption: its item is simply done again
      }
      this.#apply(entry);
    }
  }

  #apply(entry) {
    if (entry.t === "item") this.items.add(entry.key);
    if (entry.t === "record") this.recordsOf(entry.bin).set(entry.v, entry.h);
    if (entry.t === "times") this.times.set(entry.bin, entry.times);
    if (entry.t === "bin") this.binsDone.add(entry.id);
  }

  #append(entry) {
    appendFileSync(this.journalFile, `${JSON.stringify(entry)}\n`);
    this.#apply(entry);
  }

  recordsOf(binId) {
    if (!this.records.has(binId)) this.records.set(binId, new Map());
    return this.records.get(binId);
  }

  itemDone(key) {
    this.#append({ t: "item", key });
  }

  recordDone(binId, version, hash) {
    this.#append({ t: "record", bin: binId, v: version, h: hash });
  }

  timesFound(binId, times) {
    this.#append({ t: "times", bin: binId, times });
  }

  binDone(binId) {
    this.#append({ t: "bin", id: binId });
  }

  #read(name) {
    const file = join(this.dir, name);
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
  }

  #write(name, value) {
    writeFileSync(join(this.dir, name), `${JSON.stringify(value, null, 1)}\n`, { mode: 0o600 });
  }

  get plan() {
    return this.#read("plan.json");
  }

  set plan(value) {
    this.#write("plan.json", value);
  }

  get account() {
    return this.#read("account.json");
  }

  set account(value) {
    this.#write("account.json", value);
  }
}
