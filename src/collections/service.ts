import { effectiveLimits } from "../accounts/limits";
import type { AccountRow } from "../accounts/store";
import { AppError } from "../errors/app-error";
import { newId } from "../ids";
import { type CollectionRow, insertCollection } from "./store";

/** Creates a collection within the account's plan limit; the 403 wording is the same on v3 and v2. */
export async function createCollection(env: Env, account: AccountRow, name: string): Promise<CollectionRow> {
  const row: CollectionRow = {
    id: newId(),
    account_id: account.id,
    name,
    schema_doc_id: null,
    created_at: new Date().toISOString(),
  };
  if (!(await insertCollection(env.DB, row, effectiveLimits(env, account).maxCollections))) {
    throw new AppError("collectionLimit");
  }
  return row;
}
