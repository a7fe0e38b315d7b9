import { AppError } from "../errors/app-error";
import { isBlank, isMediaType, isPlainObject, parseJson } from "../values";
import { compileSchema, InvalidSchemaError } from "./validator";

export const MAX_SCHEMA_BYTES = 1_048_576;

/** §5.1 body rules and §5.4 validity, returning the schema as compact JSON text. */
export function parseSchemaDocument(contentType: string | undefined, text: string): string {
  if (!isMediaType(contentType)) throw new AppError("contentTypeNotJson");
  if (isBlank(text)) throw new AppError("schemaInvalid");
  const parsed = parseJson(text);
  if (!parsed.ok) throw new AppError("invalidJson");
  return checkSchemaValue(parsed.value);
}

/** §5.4 validity and the size bound on an already parsed schema, returning it as compact JSON text. */
export function checkSchemaValue(value: unknown): string {
  // Schema text lives in a D1 row (2 MB at most) and is compiled on writes: keep it well below that.
  // Checked first: a document too large to keep is that, whatever else it is.
  const compact = JSON.stringify(value);
  if (new TextEncoder().encode(compact).byteLength > MAX_SCHEMA_BYTES) throw new AppError("bodyTooLarge");
  try {
    compileSchema(value);
  } catch (err) {
    if (err instanceof InvalidSchemaError) throw new AppError("schemaInvalid");
    throw err;
  }
  return compact;
}

/** Empty, whitespace or `{}`: with a name header, an update body like this only renames (§5.3). */
export function isEmptySchemaBody(text: string): boolean {
  if (isBlank(text)) return true;
  const parsed = parseJson(text);
  return parsed.ok && isPlainObject(parsed.value) && Object.keys(parsed.value).length === 0;
}
