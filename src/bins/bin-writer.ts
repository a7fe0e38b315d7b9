import { DurableObject } from "cloudflare:workers";
import type { Payer } from "../accounts/limits";
import type { Env } from "../env";
import { AppError, type ErrorPayload } from "../errors";
import {
  advanceHeadStatement,
  deleteBinStatements,
  deleteVersionsStatement,
  insertBinStatements,
  listRecordKeys,
  loadWriterHead,
  type NewBinRow,
  type RecordRef,
  type SchemaRef,
  upsertRecordStatement,
  type WriterHead,
} from "../storage/bins";
import { deleteAllBodies, deleteBodies, getBody, newBodyKey, putBody } from "../storage/bodies";
import { ifMatchPasses } from "./conditional";
import { applyPatch, type ParsedPatch, PatchConflict } from "./patch";
import { checkRecordShape, etagOf, type StoredRecord, toStoredRecord, V3_RECORD_RULES } from "./records";
import { enforceRecordSize, enforceSchema } from "./service";

export const MAX_VERSIONS = 1000;

const RETIRED = "retired:";
const DEFAULT_BODY_GRACE_SECONDS = 60;

/** How long a superseded body outlives the head that stopped pointing to it. */
function bodyGraceMs(env: Env): number {
  const seconds = Number(env.BODY_GRACE_SECONDS ?? DEFAULT_BODY_GRACE_SECONDS);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_BODY_GRACE_SECONDS) * 1000;
}

/** Failures are returned, not thrown: error classes do not survive the RPC boundary. */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "precondition_failed"; etag: string }
  | { ok: false; reason: "rejected"; error: ErrorPayload };

/** A patch is applied to the latest record here, under the bin's lock, then checked like a PUT body. */
export interface PatchChange {
  patch: ParsedPatch;
  owner: Payer | null;
  schema: SchemaRef | null;
}

export type WriteRequest = {
  binId: string;
  versioned: boolean;
  ifMatch?: string;
} & ({ record: StoredRecord } | { patch: PatchChange });

export interface WriteResult {
  version: number;
  /** True when the write appended a version (the response then carries `metadata.version`). */
  appended: boolean;
  capReached: boolean;
  etag: string;
  /** The record a patch produced (a replace already knows its record). */
  patched?: StoredRecord;
}

const newToken = (): string => crypto.randomUUID();

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

  private async currentHead(binId: string): Promise<WriterHead | null> {
    this.head ??= (await loadWriterHead(this.env.DB, binId)) ?? undefined;
    return this.head ?? null;
  }

  /**
   * Commits a batch whose first statement advances the head token. Returns false when the head had
   * moved on (a stale writer): nothing was applied and the new bodies are removed. When D1 throws we
   * cannot know whether the batch landed, so the new body is kept (at worst an orphan) and the head
   * is re-read before the next write.
   */
  private async commit(statements: D1PreparedStatement[], newBodies: string[]): Promise<boolean> {
    let changed: number;
    try {
      const [headUpdate] = await this.env.DB.batch(statements);
      changed = headUpdate?.meta.changes ?? 0;
    } catch (err) {
      this.head = undefined;
      throw err;
    }
    if (changed === 1) return true;
    this.head = undefined;
    this.discard(newBodies);
    return false;
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

  async create(bin: NewBinRow, record: StoredRecord): Promise<{ etag: string } | { idTaken: true }> {
    return this.exclusive(async () => {
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
    });
  }

  async write(req: WriteRequest): Promise<Outcome<WriteResult>> {
    return this.exclusive(async () => {
      for (let attempt = 1; ; attempt++) {
        const head = await this.currentHead(req.binId);
        if (!head) return { ok: false, reason: "not_found" };
        const current = etagOf(head.latest.version, head.latest.hash);
        if (!ifMatchPasses(req.ifMatch, current)) return { ok: false, reason: "precondition_failed", etag: current };

        let record: StoredRecord;
        if ("record" in req) {
          record = req.record;
        } else {
          const patched = await this.patched(head, req.patch);
          if ("error" in patched) return { ok: false, reason: "rejected", error: patched.error };
          record = patched.record;
        }

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
        const token = newToken();
        const db = this.env.DB;
        const committed = await this.commit(
          [
            advanceHeadStatement(db, req.binId, rec.version, head.writeToken, token),
            upsertRecordStatement(db, req.binId, rec, token),
          ],
          [rec.bodyKey],
        );
        if (!committed) {
          if (attempt < 3) continue;
          throw new Error(`bin ${req.binId}: head kept moving under the writer`);
        }
        this.head = { versionCount: rec.version, writeToken: token, latest: rec };
        if (!appended) await this.retire([head.latest.bodyKey]);
        return {
          ok: true,
          value: {
            version: rec.version,
            appended,
            capReached: req.versioned && !appended,
            etag: etagOf(rec.version, rec.hash),
            ...("patch" in req ? { patched: record } : {}),
          },
        };
      }
    });
  }

  /** Applies a patch to the latest record and runs the checks a PUT body gets (§10.1). */
  private async patched(
    head: WriterHead,
    change: PatchChange,
  ): Promise<{ record: StoredRecord } | { error: ErrorPayload }> {
    const text = await getBody(this.env.BODIES, head.latest.bodyKey);
    if (text === null) throw new Error("the latest body is missing under a committed head");
    try {
      const value = applyPatch(JSON.parse(text), change.patch);
      checkRecordShape(value, V3_RECORD_RULES);
      const record = await toStoredRecord(value);
      enforceRecordSize(this.env, change.owner, record, "update");
      enforceSchema(change.schema, value);
      return { record };
    } catch (err) {
      if (err instanceof PatchConflict) return { error: { status: 409, message: "JSON Patch could not be applied" } };
      if (err instanceof AppError) {
        return { error: { status: err.status, message: err.message, ...(err.extra ? { extra: err.extra } : {}) } };
      }
      throw err;
    }
  }

  async remove(binId: string, ifMatch?: string): Promise<Outcome<{ versionsDeleted: number }>> {
    return this.exclusive(async () => {
      for (let attempt = 1; ; attempt++) {
        const head = await this.currentHead(binId);
        if (!head) return { ok: false, reason: "not_found" };
        const current = etagOf(head.latest.version, head.latest.hash);
        if (!ifMatchPasses(ifMatch, current)) return { ok: false, reason: "precondition_failed", etag: current };
        if (!(await this.commit(deleteBinStatements(this.env.DB, binId, head.writeToken), []))) {
          if (attempt < 3) continue;
          throw new Error(`bin ${binId}: head kept moving under the writer`);
        }
        this.head = undefined;
        // Sweeping the whole prefix also collects orphans left by failed writes. Nothing points
        // at these bodies any more, so the response need not wait.
        this.ctx.waitUntil(
          deleteAllBodies(this.env.BODIES, binId).catch((err) => console.error("failed to sweep bodies", err)),
        );
        return { ok: true, value: { versionsDeleted: head.versionCount } };
      }
    });
  }

  /** Deletes versions 1..N; with `preserveLatest` the latest first becomes the base. */
  async deleteVersions(binId: string, preserveLatest: boolean): Promise<Outcome<{ versionsDeleted: number }>> {
    return this.exclusive(async () => {
      for (let attempt = 1; ; attempt++) {
        const head = await this.currentHead(binId);
        if (!head) return { ok: false, reason: "not_found" };
        if (head.versionCount === 0) return { ok: true, value: { versionsDeleted: 0 } };
        const stored = await listRecordKeys(this.env.DB, binId);
        const db = this.env.DB;
        const token = newToken();
        const statements = [advanceHeadStatement(db, binId, 0, head.writeToken, token)];
        if (preserveLatest) statements.push(upsertRecordStatement(db, binId, { ...head.latest, version: 0 }, token));
        statements.push(deleteVersionsStatement(db, binId, token));
        if (!(await this.commit(statements, []))) {
          if (attempt < 3) continue;
          throw new Error(`bin ${binId}: head kept moving under the writer`);
        }
        const garbage = stored
          .filter((r) => (preserveLatest ? r.body_key !== head.latest.bodyKey : r.version >= 1))
          .map((r) => r.body_key);
        this.head = preserveLatest
          ? { versionCount: 0, writeToken: token, latest: { ...head.latest, version: 0 } }
          : undefined;
        await this.retire(garbage);
        return { ok: true, value: { versionsDeleted: head.versionCount } };
      }
    });
  }

  /** Metadata changes go through here too, so they are ordered with the bin's other writes. */
  async setMeta(binId: string, change: { name: string } | { private: boolean }): Promise<Outcome<null>> {
    return this.exclusive(async () => {
      const statement =
        "name" in change
          ? this.env.DB.prepare("UPDATE bins SET name = ? WHERE id = ?").bind(change.name, binId)
          : this.env.DB.prepare("UPDATE bins SET private = ? WHERE id = ?").bind(change.private ? 1 : 0, binId);
      const result = await statement.run();
      return result.meta.changes === 1 ? { ok: true, value: null } : { ok: false, reason: "not_found" };
    });
  }
}
