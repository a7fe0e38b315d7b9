import type { LimitOverrides } from "./limits";

export interface AccountRow extends LimitOverrides {
  id: string;
  name: string | null;
  master_key_hash: string;
  created_at: string;
  requests_used: number;
  requests_epoch: number;
}

export const findAccount = (db: D1Database, id: string): Promise<AccountRow | null> =>
  db.prepare("SELECT * FROM accounts WHERE id = ?").bind(id).first<AccountRow>();

export const findAccountByMasterHash = (db: D1Database, hash: string): Promise<AccountRow | null> =>
  db.prepare("SELECT * FROM accounts WHERE master_key_hash = ?").bind(hash).first<AccountRow>();

export interface AccountUsage {
  bins: number;
  storageBytes: number;
}

/** Bins owned and the summed size of every stored record (base and versions). */
export async function accountUsage(db: D1Database, accountId: string): Promise<AccountUsage> {
  const row = await db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM bins WHERE account_id = ?1) AS bins,
              (SELECT COALESCE(SUM(r.size), 0) FROM records r JOIN bins b ON b.id = r.bin_id
                WHERE b.account_id = ?1) AS storage_bytes`,
    )
    .bind(accountId)
    .first<{ bins: number; storage_bytes: number }>();
  return { bins: row?.bins ?? 0, storageBytes: row?.storage_bytes ?? 0 };
}
