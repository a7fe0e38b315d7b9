import type { Context } from "hono";
import { AppError } from "../errors/app-error";
import type { NamedResource } from "../errors/codes";
import { codePointLength } from "../values";

/** A header's trimmed value; empty counts as absent (§1.2). */
export function header(c: Context, name: string): string | undefined {
  const value = c.req.header(name)?.trim();
  return value ? value : undefined;
}

/** Strict `true`/`false` (case-insensitive); `undefined` when absent (§1.3). */
export function booleanHeader(c: Context, name: string): boolean | undefined {
  const value = header(c, name);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new AppError("headerNotBoolean", { header: name });
}

/**
 * Header values are decoded as UTF-8 (§1.2) by the runtime itself, which turns bytes that are not
 * UTF-8 (e.g. a browser's Latin-1 `Ü`) into U+FFFD before any code sees them (workerd#6927), so the
 * original cannot be recovered. A name is stored for good: refuse it rather than store the damage.
 */
function decoded(name: string, value: string): string {
  if (value.includes("\uFFFD")) throw new AppError("headerNotUtf8", { header: name });
  return value;
}

/** A text header (v2's `name`): trimmed, empty counts as absent, UTF-8 or refused. */
export function textHeader(c: Context, name: string): string | undefined {
  const value = header(c, name);
  return value === undefined ? undefined : decoded(name, value);
}

/** Name headers distinguish absent from blank (§1.2); length is counted in code points. */
export type NameHeader = { kind: "absent" } | { kind: "blank" } | { kind: "value"; value: string; length: number };

export function nameHeader(c: Context, name: string): NameHeader {
  const raw = c.req.header(name);
  if (raw === undefined) return { kind: "absent" };
  const value = decoded(name, raw.trim());
  if (value === "") return { kind: "blank" };
  return { kind: "value", value, length: codePointLength(value) };
}

/** `X-Bin-Meta` / `?meta`: only `false` turns metadata off (compat). */
export function metadataWanted(c: Context): boolean {
  const fromHeader = header(c, "X-Bin-Meta")?.toLowerCase();
  const fromQuery = c.req.query("meta")?.trim().toLowerCase();
  return fromHeader !== "false" && fromQuery !== "false";
}

const NAME_HEADERS: Record<NamedResource, string> = {
  collection: "X-Collection-Name",
  schemaDoc: "X-Schema-Doc-Name",
  accessKey: "X-Key-Name",
};

/** A required 1–32 code point name header (`X-Collection-Name`, `X-Schema-Doc-Name`, `X-Key-Name`). */
export function requiredName(c: Context, resource: NamedResource): string {
  const name = nameHeader(c, NAME_HEADERS[resource]);
  if (name.kind === "absent") throw new AppError("nameMissing", { resource });
  if (name.kind === "blank") throw new AppError("nameBlank", { resource });
  if (name.length > 32) throw new AppError("nameTooLong", { resource });
  return name.value;
}

/** The same header when sent (validated), else undefined. */
export const optionalName = (c: Context, resource: NamedResource): string | undefined =>
  nameHeader(c, NAME_HEADERS[resource]).kind === "absent" ? undefined : requiredName(c, resource);
