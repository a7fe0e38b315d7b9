import { DurableObject } from "cloudflare:workers";
import type { Credentials, KeyFacts } from "../auth/credentials";
import { AppError } from "../errors/app-error";
import type { ErrorCode } from "../errors/codes";
import { settle } from "../errors/rpc";
import { findRecords, type NewBinRow, type RecordRef, type SchemaRef } from "../storage/bin-reads";
import {
  advanceHeadStatement,
  type CommitGuards,
  deleteBinStatements,
  deleteVersionsStatement,
  insertBinStatements,
  listRecordKeys,
  loadBinSchema,
  loadKeyFacts,
  loadWriterHead,
  privacyStatement,
  renameStatement,
  upsertRecordStatement,
  type WriterHead,
} from "../storage/bin-writes";
import { deleteAllBodies, deleteBodies, getBody, newBodyKey, putBody } from "../storage/bodies";
import { decideUpdate } from "./authority";
import { ifMatchPasses } from "./conditional";
import { applyPatch, type ParsedPatch, PatchConflict } from "./patch/engine";
import { checkRecord } from "./record-checks";
import { etagOf, type StoredRecord } from "./records";
import type { CommittedWrite } from "./streams/events";
import { BinStreams, type StreamHead } from "./streams/subscribers";
import {
  type CreateResult,
  type ImportVersionRequest,
  type ImportVersionResult,
  MAX_GROUP,
  MAX_VERSIONS,
  type MetaChange,
  type WriteRequest,
  type WriteResult,
  type WriterCall,
} from "./writer-protocol";

const RETIRED = "retired:";
const DEFAULT_BODY_GRACE_SECONDS = 60;
/** How often a guarded commit is retried after finding the head moved by someone else. */
const COMMIT_ATTEMPTS = 3;

/** How long a superseded body outlives the head that stopped pointing to it. */
function bodyGraceMs(env: Env): number {
  const seconds = Number(env.BODY_GRACE_SECONDS || DEFAULT_BODY_GRACE_SECONDS);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_BODY_GRACE_SECONDS) * 1000;
}

const newToken = (): string => crypto.randomUUID();

/** One guarded commit: the statements (the first advances the head token), the bodies they point to, and what follows. */
interface Commit<T> {
  statements: D1PreparedStatement[];
  newBodies: string[];
  after: () => Promise<T>;
}

interface PendingWrite {
  req: WriteRequest;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: WriteResult } | { ok: false; error: AppError };

const credsKey = (creds: Credentials): string => `${creds.masterHash ?? ""}/${creds.accessHash ?? ""}`;

const streamHead = (head: WriterHead): StreamHead => ({
  version: head.latest.version,
  etag: etagOf(head.latest.version, head.latest.hash),
  private: head.private,
  ownerId: head.ownerId,
});

/** What subscribers hear of a record just committed (an `update` event). */
const committedWrite = (rec: RecordRef, versioned: boolean): CommittedWrite => ({
  version: rec.version,
  etag: etagOf(rec.version, rec.hash),
  versioned,
  at: rec.updatedAt,
});

const sameSchema = (a: SchemaRef | null, b: SchemaRef | null): boolean =>
  a === b || (a !== null && b !== null && a.id === b.id && a.revision === b.revision);

/**
 * One instance per bin (named by the bin id) and the only writer of that bin's rows and bodies.
 *
 * A Durable Object's input gate does not hold while it awaits D1 or R2, so without the explicit
 * queue below concurrent writes would interleave their read-modify-write and reuse version numbers.
 * Every write runs alone, in arrival order.
 *
 * Write order, for every mutation: put the new body under a fresh R2 key, then commit the D1 batch
 * that points the head at it, then delete bodies nobody points to any more. A crash before the
 * commit leaves an unreachable body and the old state intact; a crash after it leaves garbage only.
 */
export class BinWriter extends DurableObject<Env> {
  private queue: Promise<unknown> = Promise.resolve();
  /** Writes waiting for the commit in flight; they are committed together when it is done. */
  private openGroup: PendingWrite[] | null = null;
  /** The committed head as this writer last saw it; undefined = read it from D1 before use. */
  private head: WriterHead | undefined;
  /** The bin's change streams (§10.4): told of every commit below, after it landed. */
  private readonly streams = new BinStreams({
    ctx: this.ctx,
    env: () => this.env,
    withHead: (binId, admit) =>
      this.exclusive(async () => admit(streamHead(await this.currentHead(binId, "binNotFound")))),
    keyFacts: (creds) => loadKeyFacts(this.env.DB, creds),
  });

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async currentHead(binId: string, notFound: ErrorCode): Promise<WriterHead> {
    this.head ??= (await loadWriterHead(this.env.DB, binId)) ?? undefined;
    if (!this.head) throw new AppError(notFound);
    return this.head;
  }

  /**
   * Plans a change against the current head and commits it, guarded by the head's token (and the
   * plan's own guards). When the head had moved on (a stale writer) or a guard failed, nothing was
   * applied: the new bodies are removed, the head is re-read and the change planned again. When D1 throws we cannot know whether the batch landed, so
   * the new bodies are kept (at worst orphans) and the head is re-read before the next write.
   */
  private async guarded<T>(
    binId: string,
    notFound: ErrorCode,
    plan: (head: WriterHead, token: string, attempt: number) => Promise<Commit<T> | { unchanged: T }>,
  ): Promise<T> {
    for (let attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
      const head = await this.currentHead(binId, notFound);
      const token = newToken();
      const change = await plan(head, token, attempt);
      if ("unchanged" in change) return change.unchanged;
      let changed: number;
      try {
        const [headUpdate] = await this.env.DB.batch(change.statements);
        changed = headUpdate?.meta.changes ?? 0;
      } catch (err) {
        this.head = undefined;
        throw err;
      }
      if (changed === 1) return change.after();
      this.head = undefined;
      this.discard(change.newBodies);
    }
    throw new Error(`bin ${binId}: head kept moving under the writer`);
  }

  /** Bodies no committed head ever pointed to: nobody can be reading them, delete now. */
  private discard(keys: string[]): void {
    if (keys.length === 0) return;
    this.ctx.waitUntil(
      deleteBodies(this.env.BODIES, keys).catch((err) => console.error("failed to delete unused bodies", err)),
    );
  }

  /**
   * Bodies a committed head pointed to until now. A reader may have looked that head up a moment
   * ago and still be on its way to R2, so they are queued in this object's own storage and deleted
   * by the alarm after a grace period. The queue is durable: an evicted object resumes it.
   */
  private async retire(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const due = Date.now() + bodyGraceMs(this.env);
    await this.ctx.storage.put(Object.fromEntries(keys.map((k) => [`${RETIRED}${k}`, due])));
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > due) await this.ctx.storage.setAlarm(due);
  }

  /**
   * Pings the bin's stream subscribers, then deletes retired bodies whose grace has passed; a
   * failure throws, and the platform retries the alarm. One alarm serves both: the next is the earlier.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const nextPing = this.streams.ping(now);
    const queued = await this.ctx.storage.list<number>({ prefix: RETIRED });
    const due = [...queued].filter(([, at]) => at <= now).map(([name]) => name);
    await deleteBodies(
      this.env.BODIES,
      due.map((name) => name.slice(RETIRED.length)),
    );
    await this.ctx.storage.delete(due);
    const later = [...queued].filter(([, at]) => at > now).map(([, at]) => at);
    if (nextPing !== null) later.push(nextPing);
    if (later.length > 0) await this.ctx.storage.setAlarm(Math.min(...later));
  }

  /** A stream connect (§10.4), forwarded by the Worker once it has authorised and charged it. */
  override fetch(request: Request): Promise<Response> {
    return this.streams.connect(request);
  }

  /** Subscribers' messages are ignored (§10.4). */
  override webSocketMessage(): void {}

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    await this.streams.gone(ws, code);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.streams.gone(ws);
  }

  /** From the owner's stream registry: `keyHash` was rotated or deleted. */
  closeStreamsOf(keyHash: string): number {
    return this.streams.closeKey(keyHash);
  }

  /** From the owner's stream registry, when it reaches its cap and suspects it counts streams that are gone. */
  liveStreams(): string[] {
    return this.streams.liveIds();
  }

  create(bin: NewBinRow, record: StoredRecord): WriterCall<CreateResult> {
    return settle(() =>
      this.serial(async () => {
        const base: RecordRef = {
          version: 0,
          bodyKey: newBodyKey(bin.id),
          hash: record.hash,
          size: record.size,
          updatedAt: bin.createdAt,
        };
        await putBody(this.env.BODIES, base.bodyKey, record.text);
        const token = newToken();
        try {
          await this.env.DB.batch(insertBinStatements(this.env.DB, bin, base, token));
        } catch (err) {
          if (String(err).includes("UNIQUE constraint failed")) {
            this.discard([base.bodyKey]);
            return { idTaken: true as const };
          }
          // The collection was deleted after the route found it: as if it had never existed.
          if (String(err).includes("FOREIGN KEY constraint failed")) {
            this.discard([base.bodyKey]);
            throw new AppError("invalidCollectionId");
          }
          throw err;
        }
        this.head = { versionCount: 0, writeToken: token, latest: base, private: bin.private, ownerId: bin.ownerId };
        return { etag: etagOf(0, base.hash) };
      }),
    );
  }

  /**
   * Writes queued while a commit is in flight are committed together next (group commit): their
   * bodies are put to R2 in parallel and one D1 batch points the head at the last of them. Each
   * still gets its own version number in arrival order, its own If-Match check against the state
   * left by the writes before it, the cap applied write by write, and its own answer.
   */
  write(req: WriteRequest): WriterCall<WriteResult> {
    return settle(
      () =>
        new Promise<WriteResult>((resolve, reject) => {
          if (!this.openGroup) {
            const group: PendingWrite[] = [];
            this.openGroup = group;
            void this.exclusive(async () => {
              if (this.openGroup === group) this.openGroup = null;
              await this.commitGroup(req.binId, group);
            });
          }
          this.openGroup.push({ req, resolve, reject });
          if (this.openGroup.length >= MAX_GROUP) this.openGroup = null;
        }),
    );
  }

  /** Anything but a write closes the open group, so a later write is never committed before it. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    this.openGroup = null;
    return this.exclusive(task);
  }

  private async commitGroup(binId: string, group: PendingWrite[]): Promise<void> {
    try {
      const outcomes = await this.guarded(binId, "binNotFoundForUpdate", (head, token, attempt) =>
        this.planGroup(head, token, attempt, group),
      );
      group.forEach((pending, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) pending.resolve(outcome.value);
        else pending.reject(outcome.error);
      });
    } catch (err) {
      // A storage failure fails the whole group; nothing of it was committed.
      for (const pending of group) pending.reject(err);
    }
  }

  /**
   * Each write in arrival order against the state the ones before it leave. A write refused (key,
   * If-Match, patch, size, schema) is answered alone and leaves the state as it was. After a failed
   * commit (`attempt` > 1) the keys and the schema are read again, since one of them may be what failed.
   */
  private async planGroup(
    head: WriterHead,
    token: string,
    attempt: number,
    group: PendingWrite[],
  ): Promise<Commit<Outcome[]> | { unchanged: Outcome[] }> {
    const binId = group[0]!.req.binId;
    const schema = attempt === 1 ? group[0]!.req.schema : await loadBinSchema(this.env.DB, binId);
    const facts = attempt === 1 ? null : await this.freshFacts(group);
    let versionCount = head.versionCount;
    let latest = head.latest;
    let latestText: string | undefined;
    const written = new Map<number, { rec: RecordRef; text: string }>();
    const guards: CommitGuards = { masterHashes: [], accessHashes: [], schema: schema && { ...schema } };
    const outcomes: Outcome[] = [];
    const committed: CommittedWrite[] = [];
    for (const { req } of group) {
      try {
        const authority = facts
          ? { ...req.authority, facts: facts.get(credsKey(req.authority.creds))! }
          : req.authority;
        const decision = decideUpdate(authority, head);
        const current = etagOf(latest.version, latest.hash);
        if (!ifMatchPasses(req.ifMatch, current)) throw new AppError("preconditionFailed", { etag: current });
        const rules = { owner: req.owner, schema, operation: "update" as const };
        let record: StoredRecord;
        if ("patch" in req.change) {
          latestText ??= await this.bodyOf(latest);
          record = await checkRecord(this.env, this.applied(latestText, req.change.patch), rules);
        } else {
          record = req.change.record;
          // Validated by the route against the schema it read; check again if that is not the one committed against.
          if (!sameSchema(req.schema, schema)) await checkRecord(this.env, JSON.parse(record.text), rules);
        }
        const appended = decision.versioned && versionCount < MAX_VERSIONS;
        const rec: RecordRef = {
          version: appended ? versionCount + 1 : versionCount,
          bodyKey: newBodyKey(binId),
          hash: record.hash,
          size: record.size,
          updatedAt: new Date().toISOString(),
        };
        written.set(rec.version, { rec, text: record.text });
        versionCount = rec.version;
        latest = rec;
        latestText = record.text;
        if (decision.relies.masterHash) guards.masterHashes.push(decision.relies.masterHash);
        if (decision.relies.accessHash) guards.accessHashes.push(decision.relies.accessHash);
        const write = committedWrite(rec, appended);
        committed.push(write);
        outcomes.push({
          ok: true,
          value: {
            version: rec.version,
            appended,
            capReached: decision.versioned && !appended,
            etag: write.etag,
            private: head.private,
            ...("patch" in req.change ? { patched: record } : {}),
          },
        });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        outcomes.push({ ok: false, error: err });
      }
    }
    if (written.size === 0) return { unchanged: outcomes };

    // A record overwritten later in the same group was never visible to anyone: it is not stored at all.
    const bodies = [...written.values()];
    await Promise.all(bodies.map(({ rec, text }) => putBody(this.env.BODIES, rec.bodyKey, text)));
    const db = this.env.DB;
    guards.masterHashes = [...new Set(guards.masterHashes)];
    guards.accessHashes = [...new Set(guards.accessHashes)];
    const overwritesLatest = written.has(head.versionCount);
    return {
      statements: [
        advanceHeadStatement(db, binId, versionCount, head.writeToken, token, guards),
        ...bodies.map(({ rec }) => upsertRecordStatement(db, binId, rec, token)),
      ],
      newBodies: bodies.map(({ rec }) => rec.bodyKey),
      after: async () => {
        this.head = { ...head, versionCount, writeToken: token, latest };
        this.streams.committed(committed);
        if (overwritesLatest) await this.retire([head.latest.bodyKey]);
        return outcomes;
      },
    };
  }

  /** The keys of a group as they are now, after a commit whose guard may have failed on one of them. */
  private async freshFacts(group: PendingWrite[]): Promise<Map<string, KeyFacts>> {
    const facts = new Map<string, KeyFacts>();
    for (const { req } of group) {
      const key = credsKey(req.authority.creds);
      if (!facts.has(key)) facts.set(key, await loadKeyFacts(this.env.DB, req.authority.creds));
    }
    return facts;
  }

  private async bodyOf(record: RecordRef): Promise<string> {
    const text = await getBody(this.env.BODIES, record.bodyKey);
    if (text === null) throw new Error("the latest body is missing under a committed head");
    return text;
  }

  /** A patch applied to the latest record (§10.1); a conflict is the API's 409. */
  private applied(latestText: string, patch: ParsedPatch): unknown {
    try {
      return applyPatch(JSON.parse(latestText), patch);
    } catch (err) {
      if (err instanceof PatchConflict) throw new AppError("patchConflict");
      throw err;
    }
  }

  remove(binId: string, ifMatch?: string): WriterCall<{ versionsDeleted: number }> {
    return settle(() =>
      this.serial(() =>
        this.guarded(binId, "binNotFound", async (head) => {
          const current = etagOf(head.latest.version, head.latest.hash);
          if (!ifMatchPasses(ifMatch, current)) throw new AppError("preconditionFailed", { etag: current });
          return {
            statements: deleteBinStatements(this.env.DB, binId, head.writeToken),
            newBodies: [],
            after: async () => {
              this.head = undefined;
              await this.streams.deleted();
              // Sweeping the whole prefix also collects orphans left by failed writes. Nothing points
              // at these bodies any more, so the response need not wait.
              this.ctx.waitUntil(
                deleteAllBodies(this.env.BODIES, binId).catch((err) => console.error("failed to sweep bodies", err)),
              );
              return { versionsDeleted: head.versionCount };
            },
          };
        }),
      ),
    );
  }

  /** Deletes versions 1..N; with `preserveLatest` the latest first becomes the base. */
  deleteVersions(binId: string, preserveLatest: boolean): WriterCall<{ versionsDeleted: number }> {
    return settle(() =>
      this.serial(() =>
        this.guarded<{ versionsDeleted: number }>(binId, "binNotFound", async (head, token) => {
          if (head.versionCount === 0) return { unchanged: { versionsDeleted: 0 } };
          const stored = await listRecordKeys(this.env.DB, binId);
          const db = this.env.DB;
          const statements = [advanceHeadStatement(db, binId, 0, head.writeToken, token)];
          if (preserveLatest) statements.push(upsertRecordStatement(db, binId, { ...head.latest, version: 0 }, token));
          statements.push(deleteVersionsStatement(db, binId, token));
          return {
            statements,
            newBodies: [],
            after: async () => {
              const garbage = stored
                .filter((r) => (preserveLatest ? r.body_key !== head.latest.bodyKey : r.version >= 1))
                .map((r) => r.body_key);
              this.head = preserveLatest
                ? { ...head, versionCount: 0, writeToken: token, latest: { ...head.latest, version: 0 } }
                : undefined;
              const baseHash = preserveLatest ? head.latest.hash : stored.find((r) => r.version === 0)!.hash;
              this.streams.versionsDeleted(etagOf(0, baseHash));
              await this.retire(garbage);
              return { versionsDeleted: head.versionCount };
            },
          };
        }),
      ),
    );
  }

  /** Metadata changes go through here too, so they are ordered with the bin's other writes. */
  setMeta(binId: string, change: MetaChange): WriterCall<null> {
    return settle(() =>
      this.serial(async () => {
        const db = this.env.DB;
        const statement =
          "name" in change ? renameStatement(db, binId, change.name) : privacyStatement(db, binId, change.private);
        const result = await statement.run();
        if (result.meta.changes !== 1) throw new AppError("binNotFound");
        if ("private" in change) {
          if (this.head) this.head = { ...this.head, private: change.private };
          await this.streams.privacyChanged(change.private);
        }
        return null;
      }),
    );
  }

  // ---- Import (§2.5) ----

  /** How long an imported version whose predecessor has not arrived yet waits for it. */
  private static readonly IMPORT_TURN_MS = 2000;
  /** At most this many versions, and about this many bytes of records, go into one commit. */
  private static readonly IMPORT_BATCH = 16;
  private static readonly IMPORT_BATCH_BYTES = 4_194_304;
  /** Imported versions received and not answered yet, by version number (a re-sent one may share a number). */
  private importsPending = new Map<number, PendingImport[]>();
  private importDrainQueued = false;

  /**
   * A version of an imported bin (§2.5). It is committed in the bin's queue like every other
   * write, so an ordinary write arriving during an import takes the next number itself and the
   * imported version that wanted it is then refused: numbering stays gapless, nothing is
   * overwritten, and the 1000 cap holds.
   *
   * An importer may send a bin's next versions without waiting for each answer. Versions that
   * overtook their predecessor on the way wait here (IMPORT_TURN_MS at most, then they are refused
   * as out of order), and consecutive versions that are all here are committed together: their
   * bodies put in parallel, then one guarded D1 batch.
   */
  importVersion(req: ImportVersionRequest): WriterCall<ImportVersionResult> {
    return settle(
      () =>
        new Promise<ImportVersionResult>((resolve, reject) => {
          const pending: PendingImport = { req, resolve, reject, claimed: false, timer: undefined };
          const expire = () => {
            // Being committed right now: its answer is on the way, so wait for it instead.
            if (pending.claimed) pending.timer = setTimeout(expire, BinWriter.IMPORT_TURN_MS);
            else {
              this.dropImport(pending);
              reject(new AppError("importVersionOutOfOrder"));
            }
          };
          pending.timer = setTimeout(expire, BinWriter.IMPORT_TURN_MS);
          const same = this.importsPending.get(req.version) ?? [];
          same.push(pending);
          this.importsPending.set(req.version, same);
          this.queueImportDrain(req.binId);
        }),
    );
  }

  private dropImport(pending: PendingImport): void {
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    const same = this.importsPending.get(pending.req.version)?.filter((p) => p !== pending) ?? [];
    if (same.length > 0) this.importsPending.set(pending.req.version, same);
    else this.importsPending.delete(pending.req.version);
  }

  /** One batch per turn of the bin's queue, so ordinary writes are not held up behind a long import. */
  private queueImportDrain(binId: string): void {
    if (this.importDrainQueued) return;
    this.importDrainQueued = true;
    void this.serial(() => this.drainImports(binId))
      .catch((err) => {
        // The bin is gone (or storage failed): everything waiting is answered with that.
        for (const same of [...this.importsPending.values()]) {
          for (const pending of same) {
            this.dropImport(pending);
            pending.reject(err);
          }
        }
      })
      .finally(() => {
        this.importDrainQueued = false;
        if (this.importsPending.size > 0 && this.importReady()) this.queueImportDrain(binId);
      });
  }

  /** Whether a pending version can be answered now: it is at or below N+1. */
  private importReady(): boolean {
    const n = this.head?.versionCount;
    return n === undefined || [...this.importsPending.keys()].some((v) => v <= n + 1);
  }

  private async drainImports(binId: string): Promise<void> {
    await this.guarded<null>(binId, "binNotFound", async (head, token) => {
      // Planned afresh on every attempt (a stale head is re-read and the batch planned again).
      for (const same of this.importsPending.values()) for (const p of same) p.claimed = false;
      await this.answerStoredImports(binId, head);
      const run = this.nextImportRun(head.versionCount);
      if (run.length === 0) return { unchanged: null };
      const records: RecordRef[] = run.map((p) => ({
        version: p.req.version,
        bodyKey: newBodyKey(binId),
        hash: p.req.record.hash,
        size: p.req.record.size,
        updatedAt: p.req.updatedAt,
      }));
      for (const p of run) p.claimed = true;
      await Promise.all(run.map((p, i) => putBody(this.env.BODIES, records[i]!.bodyKey, p.req.record.text)));
      const db = this.env.DB;
      const last = records[records.length - 1]!;
      return {
        statements: [
          advanceHeadStatement(db, binId, last.version, head.writeToken, token),
          ...records.map((rec) => upsertRecordStatement(db, binId, rec, token)),
        ],
        newBodies: records.map((r) => r.bodyKey),
        after: async () => {
          this.head = { ...head, versionCount: last.version, writeToken: token, latest: last };
          this.streams.committed(records.map((rec) => committedWrite(rec, true)));
          for (const p of run) {
            this.dropImport(p);
            p.resolve({ version: p.req.version, versionCount: last.version, appended: true });
          }
          return null;
        },
      };
    });
  }

  /** Versions at or below N are already stored: a re-sent equal record is a no-op, another is a conflict. */
  private async answerStoredImports(binId: string, head: WriterHead): Promise<void> {
    // Only those waiting now: a version arriving during the lookup is answered by the next drain.
    const stale = [...this.importsPending].filter(([version]) => version <= head.versionCount);
    const older = stale.map(([version]) => version).filter((version) => version < head.versionCount);
    const rows = older.length > 0 ? await findRecords(this.env.DB, binId, older) : new Map<number, RecordRef>();
    for (const [version, same] of stale) {
      const stored = version === head.versionCount ? head.latest.hash : (rows.get(version)?.hash ?? null);
      for (const p of same) {
        this.dropImport(p);
        if (stored === p.req.record.hash) p.resolve({ version, versionCount: head.versionCount, appended: false });
        else p.reject(new AppError("importConflict"));
      }
    }
  }

  /** The waiting versions N+1, N+2, … without a gap, within the batch bounds. */
  private nextImportRun(n: number): PendingImport[] {
    const run: PendingImport[] = [];
    let bytes = 0;
    for (let v = n + 1; v <= MAX_VERSIONS && run.length < BinWriter.IMPORT_BATCH; v++) {
      const pending = this.importsPending.get(v)?.[0];
      if (!pending) break;
      if (run.length > 0 && bytes + pending.req.record.size > BinWriter.IMPORT_BATCH_BYTES) break;
      run.push(pending);
      bytes += pending.req.record.size;
    }
    return run;
  }
}

/** An imported version waiting for its turn in the bin's queue (see BinWriter.importVersion). */
interface PendingImport {
  req: ImportVersionRequest;
  resolve: (result: ImportVersionResult) => void;
  reject: (err: unknown) => void;
  /** Set while its body is being put and its commit made, so its wait can no longer time out. */
  claimed: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}
