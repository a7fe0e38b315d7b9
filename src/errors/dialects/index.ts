import type { ErrorCode, ErrorParams } from "../codes";
import type { Dialect, Entry, ErrorSpec } from "../spec";
import { V1 } from "./v1";
import { V2 } from "./v2";
import { V3 } from "./v3";

type AnyTable = Partial<Record<ErrorCode, Entry<ErrorCode>>>;

function lookup(table: AnyTable, code: ErrorCode, params: unknown): ErrorSpec | undefined {
  const entry = table[code];
  if (entry === undefined) return undefined;
  return typeof entry === "function" ? entry(params as ErrorParams[ErrorCode]) : entry;
}

/**
 * The status and wording of `code` in `dialect`. v1 falls back to v2, and both to v3, where v3's
 * 400 for invalid input becomes the legacy APIs' 422 (§1.5). Undefined only for a code the dialect
 * cannot word (a legacy-only code raised on a v3 route): a bug, which the renderer answers with 500.
 */
export function describe(code: ErrorCode, params: unknown, dialect: Dialect): ErrorSpec | undefined {
  const own =
    (dialect === "v1" ? lookup(V1 as AnyTable, code, params) : undefined) ??
    (dialect !== "v3" ? lookup(V2 as AnyTable, code, params) : undefined);
  if (own) return own;
  const inherited = lookup(V3 as AnyTable, code, params);
  if (inherited && dialect !== "v3" && inherited.status === 400) return { ...inherited, status: 422 };
  return inherited;
}
