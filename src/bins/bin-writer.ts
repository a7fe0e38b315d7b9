import { DurableObject } from "cloudflare:workers";
import { AppError } from "../errors/app-error";
import type { ErrorCode } from "../errors/codes";
import { settle } from "../errors/rpc";
import type { NewBinRow, RecordRef } from "../storage/bin-reads";
import {
  advanceHeadStatement,
  deleteBinStatements,
  deleteVersionsStatement,
  insertBinStatements,
  listRecordKeys,
  loadWriterHead,
  privacyStatement,
  recordHashAt,
  renameStatement,
  upsertRecordStatement,
  type WriterHead,
} from "../storage/bin-writes";
import { deleteAllBodies, deleteBodies, getBody, newBodyKey, putBody } from "../storage/bodies";
import { ifMatchPasses } from "./conditional";
import { applyPatch, PatchConflict } from "./patch/engine";
import { checkRecord } from "./record-checks";
import { etagOf, type StoredRecord } from "./records";
import {
  type CreateResult,
  type ImportVersionRequest,
  type ImportVersionResult,
  MAX_VERSIONS,
  type MetaChange,
  type PatchChange,
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
  /** The committed head as this writer last saw it; undefined = read it from D1 before use. */
  private head: WriterHead | undefined;

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
   * Plans a change against the current head and commits it, guarded by the head's token. When the
   * head had moved on (a stale writer), nothing was applied: the new bodies are removed, the head is
   * re-read and the change planned again. When D1 throws we cannot know whether the batch landed, so
   * the new bodies are kept (at worst orphans) and the head is re-read before the next write.
   */
  private async guarded<T>(
    binId: string,
    notFound: ErrorCode,
    plan: (head: WriterHead, token: string) => Promise<Commit<T> | { unchanged: T }>,
  ): Promise<T> {
    for (let attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
      const head = await this.currentHead(binId, notFound);
      const token = newToken();
      const change = await plan(head, token);
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

  /** Deletes retired bodies whose grace has passed; a failure throws, and the platform retries the alarm. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const queued = await this.ctx.storage.list<number>({ prefix: RETIRED });
    const due = [...queued].filter(([, at]) => at <= now).map(([name]) => name);
    await deleteBodies(
      this.env.BODIES,
      due.map((name) => name.slice(RETIRED.length)),
    );
    await this.ctx.storage.delete(due);
    const later = [...queued].filter(([, at]) => at > now).map(([, at]) => at);
    if (later.length > 0) await this.ctx.storage.setAlarm(Math.min(...later));
  }

  create(bin: NewBinRow, record: StoredRecord): WriterCall<CreateResult> {
    return settle(() =>
      this.exclusive(async () => {
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
          throw err;
        }
        this.head = { versionCount: 0, writeToken: token, latest: base };
        return { etag: etagOf(0, base.hash) };
      }),
    );
  }

  write(req: WriteRequest): WriterCall<WriteResult> {
    return settle(() =>
      this.exclusive(() =>
        this.guarded(req.binId, "binNotFoundForUpdate", async (head, token) => {
          const current = etagOf(head.latest.version, head.latest.hash);
          if (!ifMatchPasses(req.ifMatch, current)) throw new AppError("preconditionFailed", { etag: current });
          const record = "record" in req ? req.record : await this.patched(head, req.patch);
          const n = head.versionCount;
          const appended = req.versioned && n < MAX_VERSIONS;
          const rec: RecordRef = {
            version: appended ? n + 1 : n,
            bodyKey: newBodyKey(req.binId),
            hash: record.hash,
            size: record.size,
            updatedAt: new Date().toISOString(),
          };
          await putBody(this.env.BODIES, rec.bodyKey, record.text);
          const db = this.env.DB;
          return {
            statements: [
              advanceHeadStatement(db, req.binId, rec.version, head.writeToken, token),
              upsertRecordStatement(db, req.binId, rec, token),
            ],
            newBodies: [rec.bodyKey],
            after: async () => {
              this.head = { versionCount: rec.version, writeToken: token, latest: rec };
              if (!appended) await this.retire([head.latest.bodyKey]);
              return {
                version: rec.version,
                appended,
                capReached: req.versioned && !appended,
                etag: etagOf(rec.version, rec.hash),
                ...("patch" in req ? { patched: record } : {}),
              };
            },
          };
        }),
      ),
    );
  }

  /** Applies a patch to the latest record and runs the checks a PUT body gets (§10.1). */
  private async patched(head: WriterHead, change: PatchChange): Promise<StoredRecord> {
    const text = await getBody(this.env.BODIES, head.latest.bodyKey);
    if (text === null) throw new Error("the latest body is missing under a committed head");
    let value: unknown;
    try {
      value = applyPatch(JSON.parse(text), change.patch);
    } catch (err) {
      if (err instanceof PatchConflict) throw new AppError("patchConflict");
      throw err;
    }
    return checkRecord(this.env, value, { owner: change.owner, schema: change.schema, operation: "update" });
  }

  remove(binId: string, ifMatch?: string): WriterCall<{ versionsDeleted: number }> {
    return settle(() =>
      this.exclusive(() =>
        this.guarded(binId, "binNotFound", async (head) => {
          const current = etagOf(head.latest.version, head.latest.hash);
          if (!ifMatchPasses(ifMatch, current)) throw new AppError("preconditionFailed", { etag: current });
          return {
            statements: deleteBinStatements(this.env.DB, binId, head.writeToken),
            newBodies: [],
            after: async () => {
              this.head = undefined;
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
      this.exclusive(() =>
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
                ? { versionCount: 0, writeToken: token, latest: { ...head.latest, version: 0 } }
                : undefined;
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
      this.exclusive(async () => {
        const db = this.env.DB;
        const statement =
          "name" in change ? renameStatement(db, binId, change.name) : privacyStatement(db, binId, change.private);
        const result = await statement.run();
        if (result.meta.changes !== 1) throw new AppError("binNotFound");
        return null;
      }),
    );
  }

  /**
   * A version of an imported bin (§2.5), queued and guarded like every other write: an ordinary
   * write arriving during an import takes the next number itself, and the imported version that
   * wanted it is then refused, so numbering stays gapless and nothing is overwritten.
   */
  importVersion(req: ImportVersionRequest): WriterCall<ImportVersionResult> {
    return settle(() =>
      this.exclusive(() =>
        this.guarded<ImportVersionResult>(req.binId, "binNotFound", async (head, token) => {
          const n = head.versionCount;
          if (req.version > n + 1) throw new AppError("importVersionOutOfOrder");
          if (req.version <= n) {
            const stored =
              req.version === n ? head.latest.hash : await recordHashAt(this.env.DB, req.binId, req.version);
            if (stored !== req.record.hash) throw new AppError("importConflict");
            return { unchanged: { version: req.version, versionCount: n, appended: false } };
          }
          if (req.version > MAX_VERSIONS) throw new AppError("binVersionInvalid");
          const rec: RecordRef = {
            version: req.version,
            bodyKey: newBodyKey(req.binId),
            hash: req.record.hash,
            size: req.record.size,
            updatedAt: req.updatedAt,
          };
          await putBody(this.env.BODIES, rec.bodyKey, req.record.text);
          const db = this.env.DB;
          return {
            statements: [
              advanceHeadStatement(db, req.binId, rec.version, head.writeToken, token),
              upsertRecordStatement(db, req.binId, rec, token),
            ],
            newBodies: [rec.bodyKey],
            after: async () => {
              this.head = { versionCount: rec.version, writeToken: token, latest: rec };
              return { version: rec.version, versionCount: rec.version, appended: true };
            },
          };
        }),
      ),
    );
  }
}
