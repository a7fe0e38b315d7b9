export interface CollectionRow {
  id: string;
  account_id: string;
  name: string;
  schema_doc_id: string | null;
  created_at: string;
}

export const findCollection = (db: D1Database, accountId: string, id: string): Promise<CollectionRow | null> =>
  db.prepare("SELECT * FROM collections WHERE id = ? AND account_id = ?").bind(id, accountId).first<CollectionRow>();

export async function listCollections(db: D1Database, accountId: string): Promise<CollectionRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM collections WHERE account_id = ? ORDER BY created_at, rowid")
    .bind(accountId)
    .all<CollectionRow>();
  return results;
}

/** The count check and the insert are one statement, so parallel creates cannot pass the limit. */
export async function insertCollection(db: D1Database, row: CollectionRow, limit: number): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO collections (id, account_id, name, schema_doc_id, created_at)
       SELECT ?1, ?2, ?3, NULL, ?4 WHERE (SELECT COUNT(*) FROM collections WHERE account_id = ?2) < ?5`,
    )
    .bind(row.id, row.account_id, row.name, row.created_at, limit)
    .run();
  return result.meta.changes === 1;
}

export async function renameCollection(db: D1Database, id: string, name: string): Promise<void> {
  await db.prepare("UPDATE collections SET name = ? WHERE id = ?").bind(name, id).run();
}

export async function setCollectionSchema(db: D1Database, id: string, schemaId: string | null): Promise<void> {
  await db.prepare("UPDATE collections SET schema_doc_id = ? WHERE id = ?").bind(schemaId, id).run();
}

/** Deletes only an empty collection, atomically with the emptiness check. */
export async function deleteEmptyCollection(db: D1Database, accountId: string, id: string): Promise<boolean> {
  // account_id lets the emptiness check use the listing index instead of scanning every bin.
  const result = await db
    .prepare(
      "DELETE FROM collections WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM bins WHERE account_id = ?2 AND collection_id = ?1)",
    )
    .bind(id, accountId)
    .run();
  return result.meta.changes === 1;
}

export interface ListedBin {
  id: string;
  private: number;
  name: string | null;
  created_at: string;
}

export const PAGE_SIZE = 10;

export type BinsPage = { found: true; bins: ListedBin[] } | { found: false; missing: "collection" | "cursor" };

/**
 * One page of a collection (or of the account's uncategorized bins when `collectionId` is null),
 * by keyset on the (account_id, collection_id, created_at, id) index: the cost of a page does not
 * grow with the collection. The collection and the cursor are looked up in the same round trip as
 * the page; `missing` says which one is not in this account's listing.
 */
export async function listBinsPage(
  db: D1Database,
  accountId: string,
  collectionId: string | null,
  order: "ascending" | "descending",
  cursorId: string | null,
): Promise<BinsPage> {
  const [cmp, dir] = order === "ascending" ? [">", "ASC"] : ["<", "DESC"];
  const scope = "account_id = ?1 AND collection_id IS ?2";
  const page = db
    .prepare(
      `SELECT id, private, name, created_at FROM bins WHERE ${scope}
       ${cursorId ? `AND (created_at, id) ${cmp} (SELECT created_at, id FROM bins WHERE id = ?3 AND ${scope})` : ""}
       ORDER BY created_at ${dir}, id ${dir} LIMIT ${PAGE_SIZE}`,
    )
    .bind(accountId, collectionId, ...(cursorId ? [cursorId] : []));
  const checks: { missing: "collection" | "cursor"; stmt: D1PreparedStatement }[] = [];
  if (collectionId !== null) {
    const stmt = db.prepare("SELECT id FROM collections WHERE id = ? AND account_id = ?").bind(collectionId, accountId);
    checks.push({ missing: "collection", stmt });
  }
  if (cursorId) {
    const stmt = db.prepare(`SELECT id FROM bins WHERE id = ?3 AND ${scope}`).bind(accountId, collectionId, cursorId);
    checks.push({ missing: "cursor", stmt });
  }
  if (checks.length === 0) return { found: true, bins: (await page.all<ListedBin>()).results };
  const results = await db.batch<unknown>([...checks.map((c) => c.stmt), page]);
  // Checked in order, so an unknown collection is reported before an unknown cursor.
  const failed = checks.find((_, i) => results[i]!.results.length === 0);
  if (failed) return { found: false, missing: failed.missing };
  return { found: true, bins: results[checks.length]!.results as ListedBin[] };
}
