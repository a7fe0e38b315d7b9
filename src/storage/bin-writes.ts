import type { KeyFacts } from "../auth/credentials";
import {
  type KeyColumns,
  keyFactsFrom,
  type NewBinRow,
  type RecordColumns,
  type RecordRef,
  recordRefFrom,
  type SchemaRef,
} from "./bin-reads";

// Statements only the bin's writer (its Durable Object) runs: it is the one writer of `bins` and
// `records` rows, so these never run anywhere else (scripts/check-imports.mjs enforces it).

/**
 * The head as the writer needs it: version count, guard token and the latest record, and the
 * privacy and owner its decisions rest on (privacy changes go through the writer, so its copy is current).
 */
export interface WriterHead {
  versionCount: number;
  writeToken: string;
  latest: RecordRef;
  private: boolean;
  ownerId: string | null;
}

export async function loadWriterHead(db: D1Database, binId: string): Promise<WriterHead | null> {
  const row = await db
    .prepare(
      `SELECT b.version_count, b.write_token, b.private, b.account_id, r.version, r.body_key, r.hash, r.size, r.updated_at
       FROM bins b JOIN records r ON r.bin_id = b.id AND r.version = b.version_count WHERE b.id = ?`,
    )
    .bind(binId)
    .first<
      RecordColumns & { version_count: number; write_token: string; private: number; account_id: string | null }
    >();
  if (!row) return null;
  return {
    versionCount: row.version_count,
    writeToken: row.write_token,
    latest: recordRefFrom(row),
    private: row.private === 1,
    ownerId: row.account_id,
  };
}

/**
 * What the writes of one commit were decided on, re-checked by the commit itself: the keys they
 * rested on still exist (with `update` for access keys), and the bin's collection still has the
 * schema, at the revision, they were validated against (`null` = none).
 */
export interface CommitGuards {
  masterHashes: string[];
  accessHashes: string[];
  schema: { id: string; revision: number } | null;
}

function guardSql(guards: CommitGuards): { sql: string; values: unknown[] } {
  const clauses: string[] = [];
  const values: unknown[] = [];
  for (const hash of guards.masterHashes) {
    clauses.push("EXISTS (SELECT 1 FROM accounts a WHERE a.id = bins.account_id AND a.master_key_hash = ?)");
    values.push(hash);
  }
  for (const hash of guards.accessHashes) {
    clauses.push(
      "EXISTS (SELECT 1 FROM access_keys k WHERE k.key_hash = ? AND k.account_id = bins.account_id AND k.can_update = 1)",
    );
    values.push(hash);
  }
  clauses.push(
    `(SELECT s.id || ':' || s.revision FROM collections c JOIN schema_docs s ON s.id = c.schema_doc_id
      WHERE c.id = bins.collection_id) IS ?`,
  );
  values.push(guards.schema ? `${guards.schema.id}:${guards.schema.revision}` : null);
  return { sql: clauses.map((c) => ` AND ${c}`).join(""), values };
}

export function insertBinStatements(
  db: D1Database,
  bin: NewBinRow,
  base: RecordRef,
  token: string,
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        "INSERT INTO bins (id, account_id, private, name, collection_id, created_at, version_count, write_token) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
      )
      .bind(bin.id, bin.ownerId, bin.private ? 1 : 0, bin.name, bin.collectionId, bin.createdAt, token),
    db
      .prepare("INSERT INTO records (bin_id, version, body_key, hash, size, updated_at) VALUES (?, 0, ?, ?, ?, ?)")
      .bind(bin.id, base.bodyKey, base.hash, base.size, base.updatedAt),
  ];
}

/**
 * Moves the head from `expectedToken` to `newToken`. The statements that follow it in the same
 * batch are guarded by `newToken`, so if the head moved on (a stale writer) nothing is applied:
 * the head update changes no row and the guarded statements match none.
 */
export function advanceHeadStatement(
  db: D1Database,
  binId: string,
  versionCount: number,
  expectedToken: string,
  newToken: string,
  guards?: CommitGuards,
): D1PreparedStatement {
  const guard = guards ? guardSql(guards) : { sql: "", values: [] };
  return db
    .prepare(`UPDATE bins SET version_count = ?, write_token = ? WHERE id = ? AND write_token = ?${guard.sql}`)
    .bind(versionCount, newToken, binId, expectedToken, ...guard.values);
}

export function upsertRecordStatement(
  db: D1Database,
  binId: string,
  rec: RecordRef,
  guardToken: string,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO records (bin_id, version, body_key, hash, size, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM bins WHERE id = ?1 AND write_token = ?7)
       ON CONFLICT (bin_id, version) DO UPDATE SET
         body_key = excluded.body_key, hash = excluded.hash, size = excluded.size, updated_at = excluded.updated_at`,
    )
    .bind(binId, rec.version, rec.bodyKey, rec.hash, rec.size, rec.updatedAt, guardToken);
}

export function deleteVersionsStatement(db: D1Database, binId: string, guardToken: string): D1PreparedStatement {
  return db
    .prepare(
      "DELETE FROM records WHERE bin_id = ?1 AND version >= 1 AND EXISTS (SELECT 1 FROM bins WHERE id = ?1 AND write_token = ?2)",
    )
    .bind(binId, guardToken);
}

export async function listRecordKeys(
  db: D1Database,
  binId: string,
): Promise<{ version: number; body_key: string; hash: string }[]> {
  const { results } = await db
    .prepare("SELECT version, body_key, hash FROM records WHERE bin_id = ? ORDER BY version")
    .bind(binId)
    .all<{ version: number; body_key: string; hash: string }>();
  return results;
}

/** Guarded like every write: the head row goes only if the token is current; its records only if it went. */
export function deleteBinStatements(db: D1Database, binId: string, expectedToken: string): D1PreparedStatement[] {
  return [
    db.prepare("DELETE FROM bins WHERE id = ? AND write_token = ?").bind(binId, expectedToken),
    db.prepare("DELETE FROM records WHERE bin_id = ?1 AND NOT EXISTS (SELECT 1 FROM bins WHERE id = ?1)").bind(binId),
  ];
}

export function renameStatement(db: D1Database, binId: string, name: string): D1PreparedStatement {
  return db.prepare("UPDATE bins SET name = ? WHERE id = ?").bind(name, binId);
}

export function privacyStatement(db: D1Database, binId: string, isPrivate: boolean): D1PreparedStatement {
  return db.prepare("UPDATE bins SET private = ? WHERE id = ?").bind(isPrivate ? 1 : 0, binId);
}

/** What the given key hashes are now: a writer's commit guard failed, so its writes are decided again. */
export async function loadKeyFacts(
  db: D1Database,
  keys: { masterHash?: string | undefined; accessHash?: string | undefined },
): Promise<KeyFacts> {
  const row = await db
    .prepare(
      `SELECT (SELECT a.id FROM accounts a WHERE a.master_key_hash = ?1) AS master_account_id,
              k.id AS ak_id, k.account_id AS ak_account_id, k.can_create AS ak_create, k.can_read AS ak_read,
              k.can_update AS ak_update, k.can_delete AS ak_delete
       FROM (SELECT 1) LEFT JOIN access_keys k ON k.key_hash = ?2`,
    )
    .bind(keys.masterHash ?? null, keys.accessHash ?? null)
    .first<KeyColumns>();
  return row ? keyFactsFrom(row) : { masterAccountId: null, accessKey: null };
}

/** The schema attached to the bin's collection now, for writes whose schema guard failed. */
export async function loadBinSchema(db: D1Database, binId: string): Promise<SchemaRef | null> {
  const row = await db
    .prepare(
      `SELECT s.id, s.name, s.schema, s.revision FROM bins b JOIN collections c ON c.id = b.collection_id
       JOIN schema_docs s ON s.id = c.schema_doc_id WHERE b.id = ?`,
    )
    .bind(binId)
    .first<{ id: string; name: string; schema: string; revision: number }>();
  return row ? { id: row.id, name: row.name, text: row.schema, revision: row.revision } : null;
}
