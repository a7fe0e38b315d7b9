import type { Context } from "hono";
import { AppError } from "../errors";
import { isBlank, isJsonContentType, isPlainObject, parseJson } from "../http/body";

/** A record as stored: compact JSON text, its UTF-8 size, and the hash its ETag is built from. */
export interface StoredRecord {
  text: string;
  size: number;
  hash: string;
}

/** The wording of the record body rules differs between v3 (400) and the legacy APIs (422). */
export interface RecordRules {
  status: 400 | 422;
  notJson: string;
  blank: string;
  invalidJson: string;
  emptyObject: string;
  scalar: string;
}

export const V3_RECORD_RULES: RecordRules = {
  status: 400,
  notJson: "You need to pass Content-Type set to application/json",
  blank: "Bin cannot be blank",
  invalidJson: "Invalid JSON. Please try again",
  emptyObject: "Bin cannot be blank",
  scalar: "Record must be a JSON object or array",
};

export const V2_RECORD_RULES: RecordRules = {
  status: 422,
  notJson: "Expected content type - application/json",
  blank: "JSON cannot be empty",
  invalidJson: "Invalid JSON. Please try again",
  emptyObject: "JSON cannot be empty",
  scalar: "Record must be a JSON object or array",
};

/** R1–R5 of §1.2, in order, on a request body. */
export function parseRecordBody(c: Context, text: string, rules: RecordRules): unknown {
  if (!isJsonContentType(c)) throw new AppError(rules.status, rules.notJson);
  return parseRecordText(text, rules);
}

/** R2–R5 on JSON text (v1's stringified `snippet` reuses this). */
export function parseRecordText(text: string, rules: RecordRules): unknown {
  if (isBlank(text)) throw new AppError(rules.status, rules.blank);
  const parsed = parseJson(text);
  if (!parsed.ok) throw new AppError(rules.status, rules.invalidJson);
  checkRecordShape(parsed.value, rules);
  return parsed.value;
}

/** Also applied to the result of a patch, so a patch cannot produce what a PUT may not store. */
export function checkRecordShape(value: unknown, rules: RecordRules): void {
  if (isPlainObject(value)) {
    if (Object.keys(value).length === 0) throw new AppError(rules.status, rules.emptyObject);
  } else if (!Array.isArray(value)) {
    throw new AppError(rules.status, rules.scalar);
  }
}

const encoder = new TextEncoder();

export async function toStoredRecord(value: unknown): Promise<StoredRecord> {
  const text = JSON.stringify(value);
  const bytes = encoder.encode(text);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hash = Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  return { text, size: bytes.byteLength, hash };
}

/** `"<version>-<first 16 hex of SHA-256>"` (§3.0). */
export const etagOf = (version: number, hash: string): string => `"${version}-${hash}"`;
