import { AppError } from "./errors/app-error";
import type { ErrorCode } from "./errors/codes";

const ID_PATTERN = /^[0-9a-f]{24}$/;

/** 24 lowercase hex characters: 96 bits from the platform's CSPRNG. */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Ids are accepted in any case and looked up lowercased (§1.4). Never trimmed: a path segment with
 * white space around the id is not 24 hex characters (header values arrive trimmed by `header()`).
 */
export function normalizeId(raw: string | undefined): string | null {
  const id = raw?.toLowerCase();
  return id !== undefined && ID_PATTERN.test(id) ? id : null;
}

/** The codes of a malformed id, one per kind of id (and per legacy wording). */
export type InvalidIdCode = Extract<
  ErrorCode,
  | "invalidBinId"
  | "invalidBinIdOfVersions"
  | "invalidCollectionId"
  | "invalidSchemaId"
  | "invalidSchemaDocIdHeader"
  | "invalidAccessKeyId"
  | "invalidAccountId"
>;

export function parseId(raw: string | undefined, invalid: InvalidIdCode): string {
  const id = normalizeId(raw);
  if (id === null) throw new AppError(invalid);
  return id;
}
