// Request-time reads of bins: what the Worker looks up before answering or handing a write to the
// bin's writer. The writer's own statements are in bin-writes.ts.
import type { Payer, Plan } from "../accounts/limits";
import type { Credentials, KeyFacts } from "../auth/credentials";

/** One stored record's index row: the base (version 0) or a version. */
export interface RecordRef {
  version: number;
  bodyKey: string;
  hash: string;
  size: number;
  updatedAt: string;
}

/** A `records` row as selected, for the queries that read whole index rows. */
export interface RecordColumns {
  version: number;
  body_key: string;
  hash: string;
  size: number;
  updated_at: string;
}

export const recordRefFrom = (r: RecordColumns): RecordRef => ({
  version: r.version,
  bodyKey: r.body_key,
  hash: r.hash,
  size: r.size,
  updatedAt: r.updated_at,
});

export interface SchemaRef {
  id: string;
  name: string;
  text: string;
  /** Moves on every change of the text: the writer commits only against the revision that was checked. */
  revision: number;
}

/** A bin's own metadata, as created and as read back. */
export interface NewBinRow {
  id: string;
  ownerId: string | null;
  private: boolean;
  name: string | null;
  collectionId: string | null;
  createdAt: string;
}

/** Everything a request needs about a bin, read in a single D1 query. */
export interface BinView extends NewBinRow {
  versionCount: number;
  /** The record asked for (latest unless a version was named); null when that version does not exist. */
  record: RecordRef | null;
  keys: KeyFacts;
  /** The owner's plan, limit overrides and request counter; null for an anonymous bin. */
  owner: Payer | null;
  /** The schema attached to the bin's collection, if any; always null on views loaded for a read. */
  schema: SchemaRef | null;
}

interface BinViewRow extends KeyColumns {
  id: string;
  account_id: string | null;
  private: number;
  name: string | null;
  collection_id: string | null;
  created_at: string;
  version_count: number;
  r_version: number | null;
  body_key: string | null;
  hash: string | null;
  size: number | null;
  updated_at: string | null;
  plan: Plan | null;
  max_record_bytes: number | null;
  max_collections: number | null;
  max_access_keys: number | null;
  request_quota: number | null;
  requests_used: number | null;
  requests_epoch: number | null;
  schema_id: string | null;
  schema_name: string | null;
  schema_text: string | null;
  schema_revision: number | null;
}

// Head, requested record, presented keys, owner limits and collection schema in one round trip:
// a read of the latest costs exactly this query and one R2 get.
const BIN_VIEW_SQL = `
SELECT b.id, b.account_id, b.private, b.name, b.collection_id, b.created_at, b.version_count,
       r.version AS r_version, r.body_key, r.hash, r.size, r.updated_at,
       (SELECT a.id FROM accounts a WHERE a.master_key_hash = ?2) AS master_account_id,
       k.id AS ak_id, k.account_id AS ak_account_id, k.can_create AS ak_create, k.can_read AS ak_read,
       k.can_update AS ak_update, k.can_delete AS ak_delete,
       o.plan, o.max_record_bytes, o.max_collections, o.max_access_keys, o.request_quota, o.requests_used,
       o.requests_epoch,
       s.id AS schema_id, s.name AS schema_name, CASE WHEN ?5 THEN s.schema END AS schema_text,
       s.revision AS schema_revision
FROM bins b
LEFT JOIN records r ON r.bin_id = b.id AND r.version = COALESCE(?4, b.version_count)
LEFT JOIN access_keys k ON k.key_hash = ?3
LEFT JOIN accounts o ON o.id = b.account_id
LEFT JOIN collections c ON c.id = b.collection_id
LEFT JOIN schema_docs s ON s.id = c.schema_doc_id
WHERE b.id = ?1`;

/**
 * `version` null = the latest. Reads pass `withSchema: false`: they never validate, so the schema
 * text is not worth transferring (the view's `schema` is then null).
 */
export async function loadBinView(
  db: D1Database,
  binId: string,
  creds: Credentials,
  version: number | null = null,
  withSchema = true,
): Promise<BinView | null> {
  const row = await db
    .prepare(BIN_VIEW_SQL)
    .bind(binId, creds.masterHash ?? null, creds.accessHash ?? null, version, withSchema ? 1 : 0)
    .first<BinViewRow>();
  if (!row) return null;
  return {
    id: row.id,
    ownerId: row.account_id,
    private: row.private === 1,
    name: row.name,
    collectionId: row.collection_id,
    createdAt: row.created_at,
    versionCount: row.version_count,
    record:
      row.r_version === null
        ? null
        : {
            version: row.r_version,
            bodyKey: row.body_key!,
            hash: row.hash!,
            size: row.size!,
            updatedAt: row.updated_at!,
          },
    keys: keyFactsFrom(row),
    owner:
      row.plan === null
        ? null
        : {
            plan: row.plan,
            max_record_bytes: row.max_record_bytes,
            max_collections: row.max_collections,
            max_access_keys: row.max_access_keys,
            request_quota: row.request_quota,
            requests_used: row.requests_used ?? 0,
            requests_epoch: row.requests_epoch ?? 0,
            id: row.account_id!,
          },
    schema:
      row.schema_text === null
        ? null
        : { id: row.schema_id!, name: row.schema_name!, text: row.schema_text, revision: row.schema_revision! },
  };
}

/** The presented keys' columns of a query, as `keyFactsFrom` reads them. */
export interface KeyColumns {
  master_account_id: string | null;
  ak_id: string | null;
  ak_account_id: string | null;
  ak_create: number | null;
  ak_read: number | null;
  ak_update: number | null;
  ak_delete: number | null;
}

export function keyFactsFrom(row: KeyColumns): KeyFacts {
  return {
    masterAccountId: row.master_account_id,
    accessKey:
      row.ak_id === null
        ? null
        : {
            id: row.ak_id,
            accountId: row.ak_account_id!,
            permissions: {
              create: row.ak_create === 1,
              read: row.ak_read === 1,
              update: row.ak_update === 1,
              delete: row.ak_delete === 1,
            },
          },
  };
}

const PAYER_COLUMNS = [
  "id",
  "plan",
  "max_record_bytes",
  "max_collections",
  "max_access_keys",
  "request_quota",
  "requests_used",
  "requests_epoch",
] as const;

export interface CreateContext {
  keys: KeyFacts;
  /** Limits and counter of each account a presented key belongs to; the authorised one owns the bin. */
  payer: (accountId: string) => Payer | null;
  /** The `X-Collection-Id` collection, if it exists (any account; the caller checks ownership). */
  collection: { id: string; accountId: string; schema: SchemaRef | null } | null;
}

// Plus the m_* and k_* payer columns, read through payerFrom().
type CreateRow = KeyColumns & {
  c_id: string | null;
  c_account_id: string | null;
  schema_id: string | null;
  schema_name: string | null;
  schema_text: string | null;
  schema_revision: number | null;
} & Record<string, unknown>;

function payerFrom(row: Record<string, unknown>, prefix: "m_" | "k_"): Payer | null {
  if (row[`${prefix}id`] === null) return null;
  return Object.fromEntries(PAYER_COLUMNS.map((col) => [col, row[`${prefix}${col}`]])) as unknown as Payer;
}

/** Keys, their accounts' limits and the target collection for a bin create, in one query. */
export async function loadCreateContext(
  db: D1Database,
  creds: Credentials,
  collectionId: string | null,
): Promise<CreateContext> {
  const columns = (alias: string, prefix: string) =>
    PAYER_COLUMNS.map((col) => `${alias}.${col} AS ${prefix}${col}`).join(", ");
  const row = await db
    .prepare(
      `SELECT m.id AS master_account_id, ${columns("m", "m_")},
              k.id AS ak_id, k.account_id AS ak_account_id, k.can_create AS ak_create, k.can_read AS ak_read,
              k.can_update AS ak_update, k.can_delete AS ak_delete, ${columns("ka", "k_")},
              c.id AS c_id, c.account_id AS c_account_id,
              s.id AS schema_id, s.name AS schema_name, s.schema AS schema_text, s.revision AS schema_revision
       FROM (SELECT 1) AS one
       LEFT JOIN accounts m ON m.master_key_hash = ?1
       LEFT JOIN access_keys k ON k.key_hash = ?2
       LEFT JOIN accounts ka ON ka.id = k.account_id
       LEFT JOIN collections c ON c.id = ?3
       LEFT JOIN schema_docs s ON s.id = c.schema_doc_id`,
    )
    .bind(creds.masterHash ?? null, creds.accessHash ?? null, collectionId)
    .first<CreateRow>();
  if (!row) throw new Error("create context query returned no row");
  const keys = keyFactsFrom(row);
  const byAccount = new Map<string, Payer | null>();
  if (keys.accessKey) byAccount.set(keys.accessKey.accountId, payerFrom(row, "k_"));
  if (keys.masterAccountId) byAccount.set(keys.masterAccountId, payerFrom(row, "m_"));
  return {
    keys,
    payer: (accountId) => byAccount.get(accountId) ?? null,
    collection:
      row.c_id === null
        ? null
        : {
            id: row.c_id,
            accountId: row.c_account_id!,
            schema:
              row.schema_id === null
                ? null
                : { id: row.schema_id, name: row.schema_name!, text: row.schema_text!, revision: row.schema_revision! },
          },
  };
}

/** Versions 1..N of a bin (the base excluded), ascending, with each one's last write time. */
export async function listVersions(db: D1Database, binId: string): Promise<{ version: number; updatedAt: string }[]> {
  const { results } = await db
    .prepare("SELECT version, updated_at FROM records WHERE bin_id = ? AND version >= 1 ORDER BY version")
    .bind(binId)
    .all<{ version: number; updated_at: string }>();
  return results.map((r) => ({ version: r.version, updatedAt: r.updated_at }));
}

/** A page of stored records, newest first, numbered below `before`; one extra row tells if more remain. */
export async function listRecordsPage(
  db: D1Database,
  binId: string,
  before: number | null,
  limit: number,
): Promise<{ records: { version: number; updatedAt: string; size: number }[]; more: boolean }> {
  const { results } = await db
    .prepare(
      "SELECT version, updated_at, size FROM records WHERE bin_id = ? AND version < ? ORDER BY version DESC LIMIT ?",
    )
    .bind(binId, before ?? Number.MAX_SAFE_INTEGER, limit + 1)
    .all<{ version: number; updated_at: string; size: number }>();
  return {
    records: results.slice(0, limit).map((r) => ({ version: r.version, updatedAt: r.updated_at, size: r.size })),
    more: results.length > limit,
  };
}

/** Versions named in one statement: D1 binds at most 100 parameters, and the bin id is one. */
const VERSIONS_PER_QUERY = 90;

/** The index rows of the named records of a bin (any that exist), by version. */
export async function findRecords(db: D1Database, binId: string, versions: number[]): Promise<Map<number, RecordRef>> {
  const found = new Map<number, RecordRef>();
  for (let i = 0; i < versions.length; i += VERSIONS_PER_QUERY) {
    const chunk = versions.slice(i, i + VERSIONS_PER_QUERY);
    const { results } = await db
      .prepare(
        `SELECT version, body_key, hash, size, updated_at FROM records
         WHERE bin_id = ? AND version IN (${chunk.map(() => "?").join(", ")})`,
      )
      .bind(binId, ...chunk)
      .all<RecordColumns>();
    for (const r of results) found.set(r.version, recordRefFrom(r));
  }
  return found;
}
