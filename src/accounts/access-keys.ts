import type { Permissions } from "../auth/credentials";

export interface AccessKeyRow {
  id: string;
  account_id: string;
  key_hash: string;
  name: string;
  can_create: number;
  can_read: number;
  can_update: number;
  can_delete: number;
  created_at: string;
}

export const permissionsOf = (row: AccessKeyRow): Permissions => ({
  create: row.can_create === 1,
  read: row.can_read === 1,
  update: row.can_update === 1,
  delete: row.can_delete === 1,
});

/** The count check and the insert are one statement, so parallel creates cannot pass the limit. */
export async function insertAccessKey(db: D1Database, row: AccessKeyRow, limit: number): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO access_keys (id, account_id, key_hash, name, can_create, can_read, can_update, can_delete, created_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE (SELECT COUNT(*) FROM access_keys WHERE account_id = ?2) < ?10`,
    )
    .bind(
      row.id,
      row.account_id,
      row.key_hash,
      row.name,
      row.can_create,
      row.can_read,
      row.can_update,
      row.can_delete,
      row.created_at,
      limit,
    )
    .run();
  return result.meta.changes === 1;
}

export async function listAccessKeys(db: D1Database, accountId: string): Promise<AccessKeyRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM access_keys WHERE account_id = ? ORDER BY created_at, rowid")
    .bind(accountId)
    .all<AccessKeyRow>();
  return results;
}

export const findAccessKey = (db: D1Database, accountId: string, id: string): Promise<AccessKeyRow | null> =>
  db.prepare("SELECT * FROM access_keys WHERE id = ? AND account_id = ?").bind(id, accountId).first<AccessKeyRow>();

/** Keys are looked up by hash on every request, so a deleted key is refused from the next request on. */
export async function deleteAccessKey(db: D1Database, id: string): Promise<void> {
  await db.prepare("DELETE FROM access_keys WHERE id = ?").bind(id).run();
}
