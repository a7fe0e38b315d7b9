/** How long counts and log rows wait in an isolate before one D1 batch writes them. */
const DEFAULT_FLUSH_MS = 1000;
/**
 * Log rows held at most: past this a flush starts at once, and while one is under way further rows
 * are dropped (and reported) rather than growing the isolate without bound. About 1–2 MB of memory.
 */
export const MAX_BUFFERED_LOGS = 5000;
/** Rows per D1 statement: each statement carries its rows as one JSON parameter (D1 allows 100 parameters). */
const LOGS_PER_STATEMENT = 1000;

/** An access log row as buffered until its flush. */
export interface AccessLogEntry {
  accountId: string;
  /** ISO time; its first ten characters are the UTC day. */
  time: string;
  method: string;
  path: string;
  binId: string | null;
  status: number;
  ip: string | null;
  userAgent: string | null;
}

export function flushDelayMs(env: Env): number {
  const ms = Number(env.USAGE_FLUSH_MILLISECONDS || DEFAULT_FLUSH_MS);
  return Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_FLUSH_MS;
}

interface BufferedCount {
  accountId: string;
  epoch: number;
  n: number;
}

const countKey = (accountId: string, epoch: number) => `${epoch}:${accountId}`;

/**
 * Requests counted and logged in this isolate, not yet in D1. Charging adds to it in memory; the
 * first request after a flush schedules the next one (with `waitUntil`, after `flushDelayMs`), which
 * writes every buffered count and log row in one D1 batch of two statements. So a read of a bin
 * costs no D1 write of its own, and D1 sees one write per isolate per interval however many
 * requests that interval served.
 *
 * Lost if the isolate dies before its flush: at most one interval of counts and log rows (§ Counting
 * in docs/architecture.md). A failed flush puts its work back for the next one.
 */
export class UsageTally {
  /** Counts not yet sent, by epoch and account. */
  #counts = new Map<string, BufferedCount>();
  /** Counts in the flush under way: not in D1 until it settles, so still added to what reads see. */
  #inFlight = new Map<string, number>();
  #logs: AccessLogEntry[] = [];
  #scheduled = false;
  #scheduledAt = 0;
  #flushing: Promise<void> | null = null;
  #dropped = 0;

  /** Counts one request; returns how many of this account's requests (this epoch) are not in D1 yet, this one included. */
  count(accountId: string, epoch: number): number {
    const key = countKey(accountId, epoch);
    const entry = this.#counts.get(key);
    if (entry) entry.n++;
    else this.#counts.set(key, { accountId, epoch, n: 1 });
    return this.pending(accountId, epoch);
  }

  /** Requests of this account and epoch counted here and not yet in D1. */
  pending(accountId: string, epoch: number): number {
    const key = countKey(accountId, epoch);
    return (this.#counts.get(key)?.n ?? 0) + (this.#inFlight.get(key) ?? 0);
  }

  log(entry: AccessLogEntry): void {
    if (this.#logs.length >= 2 * MAX_BUFFERED_LOGS) {
      this.#dropped++;
      return;
    }
    this.#logs.push(entry);
  }

  get buffered(): { counts: number; logs: number } {
    return { counts: this.#counts.size, logs: this.#logs.length };
  }

  /**
   * Makes sure a flush will run: the first request after one schedules the next, a full buffer
   * flushes at once. `waitUntil` keeps the scheduling request alive until its flush is done.
   */
  schedule(db: D1Database, delayMs: number, waitUntil: (p: Promise<unknown>) => void): void {
    if (this.#counts.size === 0 && this.#logs.length === 0) return;
    const full = this.#logs.length >= MAX_BUFFERED_LOGS && this.#flushing === null;
    // A scheduled flush whose request context was cancelled before its timer fired never runs:
    // past a few intervals without one, the next request schedules another.
    const overdue = Date.now() - this.#scheduledAt > Math.max(5 * delayMs, 5000);
    if (this.#scheduled && !full && !overdue) return;
    this.#scheduled = true;
    this.#scheduledAt = Date.now();
    const wait = full || delayMs === 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, delayMs));
    waitUntil(wait.then(() => this.flush(db)));
  }

  /**
   * Writes what is buffered, after the flush under way if there is one; on failure keeps it for the
   * next flush. Also what a log listing awaits first, so a client sees its own requests logged.
   */
  flush(db: D1Database): Promise<void> {
    this.#scheduled = false;
    if (this.#flushing) return this.#flushing.then(() => this.flush(db));
    if (this.#counts.size === 0 && this.#logs.length === 0) return Promise.resolve();
    const counts = [...this.#counts.values()];
    const logs = this.#logs;
    this.#counts = new Map();
    this.#logs = [];
    for (const c of counts) this.#inFlight.set(countKey(c.accountId, c.epoch), c.n);
    if (this.#dropped > 0) {
      console.error(`usage: ${this.#dropped} access log rows dropped, the buffer was full while a flush ran`);
      this.#dropped = 0;
    }
    this.#flushing = this.#write(db, counts, logs).finally(() => {
      this.#inFlight.clear();
      this.#flushing = null;
    });
    return this.#flushing;
  }

  async #write(db: D1Database, counts: BufferedCount[], logs: AccessLogEntry[]): Promise<void> {
    try {
      await db.batch(flushStatements(db, counts, logs));
    } catch (err) {
      console.error("failed to record usage, kept for the next flush", err);
      for (const c of counts) {
        const entry = this.#counts.get(countKey(c.accountId, c.epoch));
        if (entry) entry.n += c.n;
        else this.#counts.set(countKey(c.accountId, c.epoch), c);
      }
      this.#logs = [...logs, ...this.#logs].slice(0, 2 * MAX_BUFFERED_LOGS);
    }
  }
}

/**
 * The counts as one UPDATE … FROM json_each, the log rows as INSERT … SELECT FROM json_each, in
 * buffer order (their ids keep arrival order among rows with the same time). An increment only
 * lands in the epoch it was counted in: counts from before an admin reset are dropped.
 */
function flushStatements(db: D1Database, counts: BufferedCount[], logs: AccessLogEntry[]): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  if (counts.length > 0) {
    statements.push(
      db
        .prepare(
          `UPDATE accounts SET requests_used = requests_used + d.n
           FROM (SELECT value ->> 0 AS id, value ->> 1 AS epoch, value ->> 2 AS n FROM json_each(?1)) AS d
           WHERE accounts.id = d.id AND accounts.requests_epoch = d.epoch`,
        )
        .bind(JSON.stringify(counts.map((c) => [c.accountId, c.epoch, c.n]))),
    );
  }
  for (let i = 0; i < logs.length; i += LOGS_PER_STATEMENT) {
    const rows = logs
      .slice(i, i + LOGS_PER_STATEMENT)
      .map((l) => [l.accountId, l.time, l.method, l.path, l.binId, l.status, l.ip, l.userAgent]);
    statements.push(
      db
        .prepare(
          `INSERT INTO access_logs (account_id, day, time, method, path, bin_id, status, ip, user_agent)
           SELECT value ->> 0, substr(value ->> 1, 1, 10), value ->> 1, value ->> 2, value ->> 3, value ->> 4,
                  value ->> 5, value ->> 6, value ->> 7
           FROM json_each(?1) ORDER BY key`,
        )
        .bind(JSON.stringify(rows)),
    );
  }
  return statements;
}

/**
 * One tally per D1 binding object: in production that is one per isolate; a test that hands the
 * Worker bindings of its own (counting or failing D1) gets a tally of its own, flushed through them.
 */
const tallies = new WeakMap<D1Database, UsageTally>();

export function tallyOf(db: D1Database): UsageTally {
  let tally = tallies.get(db);
  if (!tally) {
    tally = new UsageTally();
    tallies.set(db, tally);
  }
  return tally;
}
