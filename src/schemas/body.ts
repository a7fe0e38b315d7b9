import type { Context } from "hono";
import { AppError } from "../errors";
import { isBlank, isJsonContentType, isPlainObject, parseJson } from "../http/body";
import { compileSchema, InvalidSchemaError } from "./validator";

/** The schema-doc body rules (§5.1) differ between v3 (400) and v2 (422) in status and one wording. */
export interface SchemaBodyRules {
  status: 400 | 422;
  notJson: string;
}

export const V3_SCHEMA_BODY_RULES: SchemaBodyRules = {
  status: 400,
  notJson: "You need to pass Content-Type set to application/json",
};

export const V2_SCHEMA_BODY_RULES: SchemaBodyRules = {
  status: 422,
  notJson: "Expected content type - application/json",
};

/** §5.1 body rules and §5.4 validity, returning the schema as compact JSON text. */
export function parseSchemaDocument(c: Context, text: string, rules: SchemaBodyRules): string {
  if (!isJsonContentType(c)) throw new AppError(rules.status, rules.notJson);
  if (isBlank(text)) throw new AppError(rules.status, "Invalid JSON Schema");
  const parsed = parseJson(text);
  if (!parsed.ok) throw new AppError(rules.status, "Invalid JSON. Please try again");
  try {
    compileSchema(parsed.value);
  } catch (err) {
    if (err instanceof InvalidSchemaError) throw new AppError(rules.status, "Invalid JSON Schema");
    throw err;
  }
  const compact = JSON.stringify(parsed.value);
  // Schema text lives in a D1 row (2 MB at most) and is compiled on writes: keep it well below that.
  if (new TextEncoder().encode(compact).byteLength > MAX_SCHEMA_BYTES)
    throw new AppError(413, "Request body too large");
  return compact;
}

export const MAX_SCHEMA_BYTES = 1_048_576;

/** Empty, whitespace or `{}`: with a name header, an update body like this only renames (§5.3). */
export function isEmptySchemaBody(text: string): boolean {
  if (isBlank(text)) return true;
  const parsed = parseJson(text);
  return parsed.ok && isPlainObject(parsed.value) && Object.keys(parsed.value).length === 0;
}
