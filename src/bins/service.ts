import type { LimitOverrides } from "../accounts/limits";
import type { Credentials } from "../auth/credentials";
import { unwrap } from "../errors/rpc";
import { newId } from "../ids";
import { type BinView, loadBinView, type NewBinRow, type RecordRef, type SchemaRef } from "../storage/bin-reads";
import { getBody } from "../storage/bodies";
import type { UpdateAuthority } from "./authority";
import { checkRecord } from "./record-checks";
import type { StoredRecord } from "./records";
import { type WriteRequest, type WriteResult, writerFor } from "./writer-protocol";

// The Worker's side of a bin: creating it, reading its records, and handing writes to its writer.

/** What the caller decides about a new bin; its id and creation time are assigned here. */
export type NewBin = Omit<NewBinRow, "id" | "createdAt">;

/** Creates the bin through its own writer; a (96-bit, so theoretical) id collision retries with a new id. */
async function createBin(env: Env, bin: NewBin, record: StoredRecord) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const row: NewBinRow = { ...bin, id: newId(), createdAt: new Date().toISOString() };
    const result = unwrap(await writerFor(env, row.id).create(row, record));
    if ("etag" in result) return { ...row, etag: result.etag };
  }
  throw new Error("could not allocate a bin id");
}

/** A create, once the body rules passed: the record checks against the owner and collection, then the writer. */
export async function checkAndCreateBin(
  env: Env,
  bin: NewBin,
  value: unknown,
  rules: { owner: LimitOverrides | null; schema: SchemaRef | null },
) {
  const record = await checkRecord(env, value, { ...rules, operation: "create" });
  return { bin: await createBin(env, bin, record), record };
}

/**
 * The update counterpart: the same checks against the bin's owner and collection, then the write,
 * which the writer decides again (authorisation, versioning) against the head it holds.
 */
export async function checkAndWriteRecord(
  env: Env,
  view: BinView,
  value: unknown,
  options: { authority: UpdateAuthority; ifMatch?: string | undefined },
): Promise<{ record: StoredRecord; result: WriteResult }> {
  const record = await checkRecord(env, value, { owner: view.owner, schema: view.schema, operation: "update" });
  const result = await writeRecord(env, {
    binId: view.id,
    authority: options.authority,
    ifMatch: options.ifMatch,
    owner: view.owner,
    schema: view.schema,
    change: { record },
  });
  return { record, result };
}

export async function writeRecord(env: Env, request: WriteRequest): Promise<WriteResult> {
  return unwrap(await writerFor(env, request.binId).write(request));
}

const READ_ATTEMPTS = 3;

/**
 * The body of `view.record`. If it vanished between the D1 read and the R2 get (overwritten in
 * place or deleted by a concurrent writer), the view is read again, at most twice, and authorised
 * again (the bin may have turned private meanwhile). Null = gone.
 */
export async function readRecordText(
  env: Env,
  view: BinView,
  creds: Credentials,
  version: number | null,
  authorize: (view: BinView) => void,
): Promise<{ view: BinView; record: RecordRef; text: string } | null> {
  let current: BinView | null = view;
  for (let attempt = 1; current?.record; attempt++) {
    const text = await getBody(env.BODIES, current.record.bodyKey);
    if (text !== null) return { view: current, record: current.record, text };
    if (attempt === READ_ATTEMPTS) break;
    current = await loadBinView(env.DB, view.id, creds, version, false);
    if (current) authorize(current);
  }
  return null;
}
