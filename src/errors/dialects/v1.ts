import type { ErrorCode, V1OnlyCode } from "../codes";
import type { ErrorSpec, Table } from "../spec";

const e = (status: ErrorSpec["status"], message: string): ErrorSpec => ({ status, message });

const SNIPPET_NOT_FOUND = e(422, "Snippet not found");
const INVALID_SNIPPET = e(422, "Invalid snippet");

/**
 * API v1 (§9): v2's wording except where v1 speaks of snippets. A private bin is invisible to v1
 * without its owner's key, so every "not found" is `Snippet not found`; every body rule is
 * `Invalid snippet`.
 */
export const V1: Table<V1OnlyCode> & Partial<Table<ErrorCode>> = {
  snippetInvalid: INVALID_SNIPPET,
  contentTypeNotJson: INVALID_SNIPPET,
  invalidJson: INVALID_SNIPPET,
  recordBlank: INVALID_SNIPPET,
  recordNotContainer: INVALID_SNIPPET,
  invalidBinId: e(422, "Invalid snippet ID"),
  binNotFound: SNIPPET_NOT_FOUND,
  binNotFoundForUpdate: SNIPPET_NOT_FOUND,
  binVersionNotFound: SNIPPET_NOT_FOUND,
  schemaMismatch: ({ detail }) => e(422, `Schema Doc Validation Mismatch:  ${detail}`),
};
