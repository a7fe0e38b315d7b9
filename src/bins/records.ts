import { AppError } from "../errors/app-error";
import { compactJson, isBlank, isMediaType, isPlainObject, parseJson } from "../values";

/** A record as stored: compact JSON text, its UTF-8 size, and the hash its ETag is built from. */
export interface StoredRecord {
  text: string;
  size: number;
  hash: string;
}

/** R1–R5 of §1.2, in order, on a request body. Each API words the codes its own way. */
export function parseRecord(contentType: string | undefined, text: string): unknown {
  if (!isMediaType(contentType)) throw new AppError("contentTypeNotJson");
  return parseRecordText(text);
}

/** R2–R5 on JSON text (v1's stringified `snippet` reuses this). */
export function parseRecordText(text: string): unknown {
  if (isBlank(text)) throw new AppError("recordBlank");
  const parsed = parseJson(text);
  if (!parsed.ok) throw new AppError("invalidJson");
  checkRecordShape(parsed.value);
  return parsed.value;
}

/** R4–R5. Also applied to the result of a patch, so a patch cannot produce what a PUT may not store. */
export function checkRecordShape(value: unknown): void {
  if (isPlainObject(value)) {
    if (Object.keys(value).length === 0) throw new AppError("recordBlank");
  } else if (!Array.isArray(value)) {
    throw new AppError("recordNotContainer");
  }
}

const encoder = new TextEncoder();

export async function toStoredRecord(value: unknown): Promise<StoredRecord> {
  const text = compactJson(value);
  const bytes = encoder.encode(text);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hash = Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  return { text, size: bytes.byteLength, hash };
}

/** `"<version>-<first 16 hex of SHA-256>"` (§3.0). */
export const etagOf = (version: number, hash: string): string => `"${version}-${hash}"`;
