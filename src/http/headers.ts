import type { Context } from "hono";
import { AppError } from "../errors";

/** A header's trimmed value; empty counts as absent (§1.2). */
export function header(c: Context, name: string): string | undefined {
  const value = c.req.header(name)?.trim();
  return value ? value : undefined;
}

/**
 * Strict `true`/`false` (case-insensitive); `undefined` when absent.
 * `status` is 400 on v3 and 422 on the legacy APIs.
 */
export function booleanHeader(c: Context, name: string, message: string, status: 400 | 422 = 400): boolean | undefined {
  const value = header(c, name);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new AppError(status, message);
}

/** Names are counted in Unicode code points, not UTF-16 units (§1.3): an emoji is one character. */
export const codePointLength = (text: string): number => [...text].length;

/** Name headers distinguish absent from blank (§1.2); length is counted in code points. */
export type NameHeader = { kind: "absent" } | { kind: "blank" } | { kind: "value"; value: string; length: number };

export function nameHeader(c: Context, name: string): NameHeader {
  const raw = c.req.header(name);
  if (raw === undefined) return { kind: "absent" };
  const value = raw.trim();
  if (value === "") return { kind: "blank" };
  return { kind: "value", value, length: codePointLength(value) };
}

/** `X-Bin-Meta` / `?meta`: only `false` turns metadata off (compat). */
export function metadataWanted(c: Context): boolean {
  const fromHeader = header(c, "X-Bin-Meta")?.toLowerCase();
  const fromQuery = c.req.query("meta")?.trim().toLowerCase();
  return fromHeader !== "false" && fromQuery !== "false";
}

export interface NameRules {
  header: string;
  max: number;
  missing: string;
  blank: string;
  tooLong: string;
}

/** A required name header (`X-Collection-Name`, `X-Schema-Doc-Name`, `X-Key-Name`). */
export function requiredName(c: Context, rules: NameRules): string {
  const name = nameHeader(c, rules.header);
  if (name.kind === "absent") throw new AppError(400, rules.missing);
  if (name.kind === "blank") throw new AppError(400, rules.blank);
  if (name.length > rules.max) throw new AppError(400, rules.tooLong);
  return name.value;
}
