import { effectiveLimits, type LimitOverrides, planDefaults } from "../accounts/limits";
import { AppError } from "../errors/app-error";
import { compileSchema, type SchemaCheck } from "../schemas/validator";
import type { SchemaRef } from "../storage/bin-reads";
import { checkRecordShape, type StoredRecord, toStoredRecord } from "./records";

/** What a record is checked against: its owner's plan (null = anonymous) and its collection's schema. */
export interface RecordRules {
  owner: LimitOverrides | null;
  schema: SchemaRef | null;
  operation: "create" | "update";
}

/**
 * The checks every record passes before it is stored, after its body parsed (§1.6 steps 8–10):
 * shape (R4–R5), the owner's size limit, the collection's schema. Creates and PUTs run this in the
 * Worker; a PATCH runs it in the bin's writer on the patched result. One function for all of them.
 */
export async function checkRecord(env: Env, value: unknown, rules: RecordRules): Promise<StoredRecord> {
  checkRecordShape(value);
  const record = await toStoredRecord(value);
  enforceRecordSize(env, rules.owner, record, rules.operation);
  enforceSchema(rules.schema, value);
  return record;
}

/** Size limit of the owner's plan; anonymous bins get the free plan's. */
function enforceRecordSize(
  env: Env,
  owner: LimitOverrides | null,
  record: StoredRecord,
  operation: "create" | "update",
): void {
  const plan = owner?.plan ?? "free";
  const limitBytes = owner ? effectiveLimits(env, owner).maxRecordBytes : planDefaults(env, "free").maxRecordBytes;
  if (record.size > limitBytes) throw new AppError("recordTooLarge", { plan, operation, limitBytes });
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

/** §5.4: the first error, in the words of the dialect that renders it. */
function enforceSchema(schema: SchemaRef | null, value: unknown): void {
  if (!schema) return;
  const detail = schemaCheck(schema).validate(value);
  if (detail === null) return;
  throw new AppError("schemaMismatch", { detail, schemaId: schema.id, schemaName: schema.name });
}
