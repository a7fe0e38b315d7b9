import type { CollectionRow } from "../collections/store";
import type { SchemaDocRow } from "../schemas/store";

// D1 statements of moving in and out. Imports look items up by id whatever their account (ids are
// global, and another account's id is a conflict, not "not found"); the export pages through one
// account by the indexes the listings use, so it never holds more than a page of rows.

/** Inserts the row unless its id exists, and returns what is stored under that id either way. */
async function insertIfAbsent<T>(db: D1Database, insert: D1PreparedStatement, select: D1PreparedStatement): Promise<T> {
  const [, stored] = await db.batch<T>([insert, select]);
  const row = stored?.results[0];
  if (!row) throw new Error("an inserted row was not found again");
  return row;
}

export const insertSchemaDocIfAbsent = (db: D1Database, row: SchemaDocRow): Promise<SchemaDocRow> =>
  insertIfAbsent(
    db,
    db
      .prepare(
        "INSERT INTO schema_docs (id, account_id, name, schema, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
      )
      .bind(row.id, row.account_id, row.name, row.schema, row.created_at),
    db.prepare("SELECT * FROM schema_docs WHERE id = ?").bind(row.id),
  );

export const insertCollectionIfAbsent = (db: D1Database, row: CollectionRow): Promise<CollectionRow> =>
  insertIfAbsent(
    db,
    db
      .prepare(
        "INSERT INTO collections (id, account_id, name, schema_doc_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
      )
      .bind(row.id, row.account_id, row.name, row.schema_doc_id, row.created_at),
    db.prepare("SELECT * FROM collections WHERE id = ?").bind(row.id),
  );

/** A bin as an import compares it: its head and the hash of its base record. */
export interface StoredBin {
  account_id: string | null;
  private: number;
  name: string | null;
  collection_id: string | null;
  created_at: string;
  version_count: number;
  base_hash: string;
}

export const findStoredBin = (db: D1Database, id: string): Promise<StoredBin | null> =>
  db
    .prepare(
      `SELECT b.account_id, b.private, b.name, b.collection_id, b.created_at, b.version_count, r.hash AS base_hash
       FROM bins b JOIN records r ON r.bin_id = b.id AND r.version = 0 WHERE b.id = ?`,
    )
    .bind(id)
    .first<StoredBin>();

// ---- Export ----

export async function listSchemaDocIds(db: D1Database, accountId: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM schema_docs WHERE account_id = ? ORDER BY created_at, id")
    .bind(accountId)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

export interface ExportedBin {
  id: string;
  private: number;
  name: string | null;
  collection_id: string | null;
  created_at: string;
}

/**
 * The next page of the account's bins in one collection (null: uncategorized), oldest first,
 * after `after`, on the listing index (account_id, collection_id, created_at, id).
 */
export async function binsPage(
  db: D1Database,
  accountId: string,
  collectionId: string | null,
  after: { createdAt: string; id: string } | null,
  limit: number,
): Promise<ExportedBin[]> {
  const { results } = await db
    .prepare(
      `SELECT id, private, name, collection_id, created_at FROM bins
       WHERE account_id = ?1 AND collection_id IS ?2 ${after ? "AND (created_at, id) > (?3, ?4)" : ""}
       ORDER BY created_at, id LIMIT ${limit}`,
    )
    .bind(accountId, collectionId, ...(after ? [after.createdAt, after.id] : []))
    .all<ExportedBin>();
  return results;
}

export interface ExportedRecord {
  version: number;
  body_key: string;
  updated_at: string;
}

/** Every stored record of a bin, base first: at most 1001 small rows. */
export async function recordRows(db: D1Database, binId: string): Promise<ExportedRecord[]> {
  const { results } = await db
    .prepare("SELECT version, body_key, updated_at FROM records WHERE bin_id = ? ORDER BY version")
    .bind(binId)
    .all<ExportedRecord>();
  return results;
}
