import { getAccount } from "../accounts/service";
import { toStoredRecord } from "../bins/records";
import { type ImportVersionResult, writerFor } from "../bins/writer-protocol";
import { findCollection } from "../collections/store";
import { AppError } from "../errors/app-error";
import { unwrap } from "../errors/rpc";
import { findSchemaDoc } from "../schemas/store";
import type { NewBinRow } from "../storage/bin-reads";
import type { BinItem, CollectionItem, SchemaItem, VersionItem } from "./items";
import { findStoredBin, insertCollectionIfAbsent, insertSchemaDocIfAbsent, type StoredBin } from "./store";

// Moving in (§2.5): each item keeps its id, and sending it again changes nothing. The caller has
// checked the admin key and that the account exists. Plan limits and schema validation do not
// apply: the data was valid where it came from.

const conflict = () => new AppError("importConflict");

/** A time the item did not bring is not compared: "now" on the first send is not "now" on the second. */
const sameTime = (stored: string, given: string | null) => given === null || stored === given;

export async function importSchemaDoc(env: Env, accountId: string, id: string, item: SchemaItem) {
  const row = await insertSchemaDocIfAbsent(env.DB, {
    id,
    account_id: accountId,
    name: item.name,
    schema: item.schema,
    created_at: item.createdAt ?? new Date().toISOString(),
  });
  const same =
    row.account_id === accountId &&
    row.name === item.name &&
    row.schema === item.schema &&
    sameTime(row.created_at, item.createdAt);
  if (!same) throw conflict();
  return { id, name: row.name, createdAt: row.created_at };
}

export async function importCollection(env: Env, accountId: string, id: string, item: CollectionItem) {
  if (item.schemaDocId !== null && !(await findSchemaDoc(env.DB, accountId, item.schemaDocId))) {
    throw new AppError("schemaDocNotFound");
  }
  const row = await insertCollectionIfAbsent(env.DB, {
    id,
    account_id: accountId,
    name: item.name,
    schema_doc_id: item.schemaDocId,
    created_at: item.createdAt ?? new Date().toISOString(),
  });
  const same =
    row.account_id === accountId &&
    row.name === item.name &&
    row.schema_doc_id === item.schemaDocId &&
    sameTime(row.created_at, item.createdAt);
  if (!same) throw conflict();
  return {
    id,
    name: row.name,
    ...(row.schema_doc_id !== null ? { schemaDocId: row.schema_doc_id } : {}),
    createdAt: row.created_at,
  };
}

/**
 * Creates the bin with its base record through the bin's writer, under the given id. A bin already
 * there must be this very item (same account, metadata and base record); its versions are left
 * alone and its current count is answered, which tells a resumed import where to continue.
 */
export async function importBin(env: Env, accountId: string, id: string, item: BinItem) {
  if (item.collectionId !== null && !(await findCollection(env.DB, accountId, item.collectionId))) {
    throw new AppError("collectionNotFound");
  }
  const record = await toStoredRecord(item.record);
  const existing = await findStoredBin(env.DB, id);
  if (existing) return answer(id, sameBin(existing, accountId, item, record.hash));
  const row: NewBinRow = {
    id,
    ownerId: accountId,
    private: item.private,
    name: item.name,
    collectionId: item.collectionId,
    createdAt: item.createdAt ?? new Date().toISOString(),
  };
  const created = unwrap(await writerFor(env, id).create(row, record));
  if ("etag" in created) return { id, private: row.private, versionCount: 0, createdAt: row.createdAt };
  // Created meanwhile by a concurrent send of the same id: compare with what won.
  const winner = await findStoredBin(env.DB, id);
  if (!winner) throw conflict();
  return answer(id, sameBin(winner, accountId, item, record.hash));
}

function sameBin(bin: StoredBin, accountId: string, item: BinItem, hash: string): StoredBin {
  const same =
    bin.account_id === accountId &&
    (bin.private === 1) === item.private &&
    bin.name === item.name &&
    bin.collection_id === item.collectionId &&
    sameTime(bin.created_at, item.createdAt) &&
    bin.base_hash === hash;
  if (!same) throw conflict();
  return bin;
}

const answer = (id: string, bin: StoredBin) => ({
  id,
  private: bin.private === 1,
  versionCount: bin.version_count,
  createdAt: bin.created_at,
});

/**
 * The bin a version is imported into, which must be the account's (another account's bin is not
 * found). A bin of the account proves the account exists; only a miss looks the account up, so
 * that an unknown account is still reported first.
 */
export async function requireAccountBin(env: Env, accountId: string, binId: string): Promise<void> {
  const bin = await findStoredBin(env.DB, binId);
  if (bin?.account_id === accountId) return;
  await getAccount(env, accountId);
  throw new AppError("binNotFound");
}

/** Version n of an imported bin, appended (n = N+1) or recognised (n ≤ N) by the bin's writer. */
export async function importVersion(
  env: Env,
  binId: string,
  version: number,
  item: VersionItem,
): Promise<{ id: string; version: number; versionCount: number }> {
  const result: ImportVersionResult = unwrap(
    await writerFor(env, binId).importVersion({
      binId,
      version,
      record: await toStoredRecord(item.record),
      updatedAt: item.createdAt ?? new Date().toISOString(),
    }),
  );
  return { id: binId, version: result.version, versionCount: result.versionCount };
}
