import { checkRecordShape } from "../bins/records";
import { AppError } from "../errors/app-error";
import { normalizeId } from "../ids";
import { checkSchemaValue } from "../schemas/body";
import { codePointLength, isPlainObject, parseJson } from "../values";

// The bodies of the import routes (§2.5), checked and reduced to plain values. A body may be the
// export line itself (it maps one to one onto its route): the line's `type`, `versionCount` and
// the like are ignored, and an `id`, `binId` or `version` it carries must name the path's item.

export interface SchemaItem {
  name: string;
  /** Compact JSON text of a valid schema (§5.4). */
  schema: string;
  /** Null: not given, so the existing item's time is whatever it is, and a new one gets now. */
  createdAt: string | null;
}

export interface CollectionItem {
  name: string;
  schemaDocId: string | null;
  createdAt: string | null;
}

export interface BinItem {
  private: boolean;
  name: string | null;
  collectionId: string | null;
  createdAt: string | null;
  /** The base record (version 0), R4–R5 checked. */
  record: unknown;
}

export interface VersionItem {
  record: unknown;
  createdAt: string | null;
}

type Body = Record<string, unknown>;

const invalid = (field: string) => new AppError("importItemInvalid", { field });

/** A JSON object, else `Invalid JSON. Please try again` (as the other admin routes). */
export function parseItemBody(text: string): Body {
  const parsed = parseJson(text);
  if (!parsed.ok || !isPlainObject(parsed.value)) throw new AppError("invalidJson");
  return parsed.value;
}

/** Optional keys may be omitted or null. */
const given = (body: Body, field: string): unknown => (body[field] === null ? undefined : body[field]);

function echoes(body: Body, field: string, expected: string | number): void {
  const value = given(body, field);
  if (value === undefined) return;
  const same =
    typeof expected === "string" ? typeof value === "string" && normalizeId(value) === expected : value === expected;
  if (!same) throw invalid(field);
}

/** Trimmed and counted in code points, as the name headers are (§1.3). */
function name(body: Body, max: number): string | null {
  const value = given(body, "name");
  if (value === undefined) return null;
  if (typeof value !== "string") throw invalid("name");
  const trimmed = value.trim();
  const length = codePointLength(trimmed);
  if (length < 1 || length > max) throw invalid("name");
  return trimmed;
}

function requiredName(body: Body, max: number): string {
  const value = name(body, max);
  if (value === null) throw invalid("name");
  return value;
}

// An ISO-8601 instant with a time zone; stored in the contract's form (UTC, milliseconds, §1.5).
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function timestamp(body: Body): string | null {
  const value = given(body, "createdAt");
  if (value === undefined) return null;
  if (typeof value !== "string" || !ISO_INSTANT.test(value)) throw invalid("createdAt");
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid("createdAt");
  return new Date(ms).toISOString();
}

/** A referenced id: malformed is the §1.4 message of its kind, a non-string an invalid field. */
function reference(body: Body, field: string, malformed: "invalidSchemaId" | "invalidCollectionId"): string | null {
  const value = given(body, field);
  if (value === undefined) return null;
  if (typeof value !== "string") throw invalid(field);
  const id = normalizeId(value);
  if (id === null) throw new AppError(malformed);
  return id;
}

/** R4–R5 apply: every record a bin can hold is a non-empty object or an array. */
function record(body: Body): unknown {
  if (!("record" in body) || body.record === undefined) throw invalid("record");
  checkRecordShape(body.record);
  return body.record;
}

export function schemaItem(body: Body, id: string): SchemaItem {
  echoes(body, "id", id);
  const itemName = requiredName(body, 32);
  if (!("schema" in body)) throw invalid("schema");
  return { name: itemName, schema: checkSchemaValue(body.schema), createdAt: timestamp(body) };
}

export function collectionItem(body: Body, id: string): CollectionItem {
  echoes(body, "id", id);
  return {
    name: requiredName(body, 32),
    schemaDocId: reference(body, "schemaDocId", "invalidSchemaId"),
    createdAt: timestamp(body),
  };
}

export function binItem(body: Body, id: string): BinItem {
  echoes(body, "id", id);
  if (typeof body.private !== "boolean") throw invalid("private");
  return {
    private: body.private,
    name: name(body, 128),
    collectionId: reference(body, "collectionId", "invalidCollectionId"),
    createdAt: timestamp(body),
    record: record(body),
  };
}

export function versionItem(body: Body, binId: string, version: number): VersionItem {
  echoes(body, "binId", binId);
  echoes(body, "version", version);
  return { record: record(body), createdAt: timestamp(body) };
}
