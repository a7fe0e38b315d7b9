import { effectiveLimits, type LimitOverrides, planDefaults } from "../accounts/limits";
import { AppError } from "../errors/app-error";
import { compileSchema, InvalidSchemaError, type SchemaCheck } from "../schemas/validator";
import { SizedCache } from "../sized-cache";
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

/**
 * Compiled schemas, once per isolate per schema revision (a schema doc's text changes only with its
 * revision), least recently used first out. Bounded by the total length of their texts, which their
 * compiled size follows (the validator bounds patterns, values and depth per schema), so no mix of
 * large schemas can pile up in an isolate's memory; a schema larger than the whole budget is still
 * compiled, just not kept.
 */
const CACHE_CHARS = 4_194_304;
const compiled = new SizedCache<{ check: SchemaCheck | InvalidSchemaError; chars: number }>(
  CACHE_CHARS,
  CACHE_CHARS,
  (entry) => entry.chars,
);

function schemaCheck(schema: SchemaRef): SchemaCheck | InvalidSchemaError {
  const key = `${schema.id}:${schema.revision}`;
  const hit = compiled.get(key);
  if (hit) return hit.check;
  let check: SchemaCheck | InvalidSchemaError;
  try {
    check = compileSchema(JSON.parse(schema.text));
  } catch (err) {
    if (!(err instanceof InvalidSchemaError)) throw err;
    check = err;
  }
  compiled.set(key, { check, chars: schema.text.length });
  return check;
}

const SCHEMA_NOT_APPLICABLE = "Schema can no longer be applied: update the schema doc";

/** §5.4: the first error, in the words of the dialect that renders it. */
function enforceSchema(schema: SchemaRef | null, value: unknown): void {
  if (!schema) return;
  const check = schemaCheck(schema);
  // Stored before the validator refused what it holds (e.g. a backreference in a pattern): it can no
  // longer be applied, and a write it cannot check must not be stored as if it had passed.
  const detail = check instanceof InvalidSchemaError ? SCHEMA_NOT_APPLICABLE : check.validate(value);
  if (detail === null) return;
  throw new AppError("schemaMismatch", { detail, schemaId: schema.id, schemaName: schema.name });
}
