import { effectiveLimits, type LimitOverrides, planDefaults, recordTooLargeMessage } from "../accounts/limits";
import { isOwnerMaster } from "../auth/bin-access";
import type { Credentials, KeyFacts } from "../auth/credentials";
import type { Env } from "../env";
import { AppError, type ErrorPayload, fromPayload } from "../errors";
import { newId } from "../http/ids";
import { compileSchema, type SchemaCheck } from "../schemas/validator";
import { type BinView, loadBinView, type NewBinRow, type RecordRef, type SchemaRef } from "../storage/bins";
import { getBody } from "../storage/bodies";
import type { Outcome, WriteRequest, WriteResult } from "./bin-writer";
import { type StoredRecord, toStoredRecord } from "./records";

export const writerFor = (env: Env, binId: string) => env.BIN_WRITER.get(env.BIN_WRITER.idFromName(binId));

/**
 * Versioning table of §3.0. Private bins follow the header (`privateDefault` when absent: false on
 * v3, true on v2); public bins are always versioned unless the owner's master key says `false`.
 */
export function decideVersioning(
  bin: Pick<BinView, "private" | "ownerId">,
  keys: KeyFacts,
  requested: boolean | undefined,
  privateDefault = false,
): boolean {
  if (bin.private) return requested ?? privateDefault;
  return !(requested === false && isOwnerMaster(bin, keys));
}

/** Size limit of the owner's plan; anonymous bins get the free plan's. */
export function enforceRecordSize(
  env: Env,
  owner: LimitOverrides | null,
  record: StoredRecord,
  operation: "create" | "update",
): void {
  const plan = owner?.plan ?? "free";
  const limit = owner ? effectiveLimits(env, owner).maxRecordBytes : planDefaults(env, "free").maxRecordBytes;
  if (record.size > limit) throw new AppError(403, recordTooLargeMessage(plan, operation, limit));
}

// Schemas are compiled once per isolate per distinct text; writes to a collection reuse them.
// Bounded in entries and entry size, so large schemas cannot pile up in an isolate's memory.
const compiled = new Map<string, SchemaCheck>();
const CACHE_ENTRIES = 64;
const CACHEABLE_CHARS = 65_536;

function schemaCheck(schema: SchemaRef): SchemaCheck {
  const cached = compiled.get(schema.text);
  if (cached) return cached;
  const check = compileSchema(JSON.parse(schema.text));
  if (schema.text.length <= CACHEABLE_CHARS) {
    if (compiled.size >= CACHE_ENTRIES) compiled.delete(compiled.keys().next().value!);
    compiled.set(schema.text, check);
  }
  return check;
}

/** §5.4. v3 answers 400 with the schema's id and name; v2 401 and v1 422 with the message only. */
export function enforceSchema(schema: SchemaRef | null, value: unknown, status: 400 | 401 | 422 = 400): void {
  if (!schema) return;
  const message = schemaCheck(schema).validate(value);
  if (message === null) return;
  const extra = status === 400 ? { schemaDocID: schema.id, schemaDocName: schema.name } : undefined;
  throw new AppError(status, `Schema Doc Validation Mismatch:  ${message}`, extra);
}

/** What the caller decides about a new bin; its id and creation time are assigned here. */
export type NewBin = Omit<NewBinRow, "id" | "createdAt">;

/** Creates the bin through its own writer; a (96-bit, so theoretical) id collision retries with a new id. */
export async function createBin(env: Env, bin: NewBin, record: StoredRecord) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const row: NewBinRow = { ...bin, id: newId(), createdAt: new Date().toISOString() };
    const result = await writerFor(env, row.id).create(row, record);
    if ("etag" in result) return { ...row, etag: result.etag };
  }
  throw new Error("could not allocate a bin id");
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

/** Maps a writer's refusal onto the caller's API wording. */
export function unwrap<T>(outcome: Outcome<T>, notFound: ErrorPayload): T {
  if (outcome.ok) return outcome.value;
  if (outcome.reason === "not_found") throw new AppError(notFound.status, notFound.message);
  if (outcome.reason === "rejected") throw fromPayload(outcome.error);
  throw new AppError(412, "Precondition failed: bin has changed", undefined, { ETag: outcome.etag });
}

export async function writeRecord(env: Env, request: WriteRequest, notFound: ErrorPayload): Promise<WriteResult> {
  return unwrap(await writerFor(env, request.binId).write(request), notFound);
}

/** What a create checks once the body rules passed: record size (§3.0), then the schema (§5.4). */
export async function checkAndCreateBin(
  env: Env,
  bin: NewBin,
  value: unknown,
  checks: { owner: LimitOverrides | null; schema: SchemaRef | null; schemaStatus: 400 | 401 | 422 },
) {
  const record = await toStoredRecord(value);
  enforceRecordSize(env, checks.owner, record, "create");
  enforceSchema(checks.schema, value, checks.schemaStatus);
  return { bin: await createBin(env, bin, record), record };
}

/** The update counterpart: size and schema checks against the bin's owner and collection, then the write. */
export async function checkAndWriteRecord(
  env: Env,
  view: BinView,
  value: unknown,
  options: { versioned: boolean; schemaStatus: 400 | 401 | 422; notFound: ErrorPayload; ifMatch?: string },
): Promise<{ record: StoredRecord; result: WriteResult }> {
  const record = await toStoredRecord(value);
  enforceRecordSize(env, view.owner, record, "update");
  enforceSchema(view.schema, value, options.schemaStatus);
  const request: WriteRequest = { binId: view.id, record, versioned: options.versioned };
  if (options.ifMatch) request.ifMatch = options.ifMatch;
  return { record, result: await writeRecord(env, request, options.notFound) };
}
