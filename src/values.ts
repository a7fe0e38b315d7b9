// Plain-value helpers shared by every layer: no HTTP, no storage.

export type ParsedJson = { ok: true; value: unknown } | { ok: false };

export function parseJson(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export const isBlank = (text: string): boolean => text.trim() === "";

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Names are counted in Unicode code points, not UTF-16 units (§1.3): an emoji is one character. */
export const codePointLength = (text: string): number => [...text].length;

/** A Content-Type value's media type is `mediaType`, any case, parameters such as charset allowed (§1.2). */
export function isMediaType(contentType: string | undefined, mediaType = "application/json"): boolean {
  if (!contentType) return false;
  return contentType.split(";")[0]!.trim().toLowerCase() === mediaType;
}

/**
 * JSON.stringify's compact text of a JSON value. The native serialiser recurses on some shapes: a
 * record with a wide object (or an integer-like key) next to deep nesting, 40 KB nested 10,000
 * levels, overflows the call stack in it. Such a value is written again with an explicit stack,
 * to the same text; everything else keeps the native speed.
 */
export function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return compactJsonIteratively(value);
  }
}

/** What JSON.stringify writes for a value that is not a container (`undefined` where it omits one). */
function leafText(value: unknown): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return undefined;
  return JSON.stringify(value);
}

function compactJsonIteratively(root: unknown): string {
  const parts: string[] = [];
  const stack: { node: Record<string, unknown> | unknown[]; keys: string[] | null; next: number; wrote: boolean }[] =
    [];
  const write = (value: unknown): void => {
    if (typeof value !== "object" || value === null) {
      parts.push(leafText(value) ?? "null");
      return;
    }
    const keys = Array.isArray(value) ? null : Object.keys(value);
    parts.push(keys ? "{" : "[");
    stack.push({ node: value as Record<string, unknown> | unknown[], keys, next: 0, wrote: false });
  };
  write(root);
  while (stack.length > 0) {
    const frame = stack.at(-1)!;
    const length = frame.keys ? frame.keys.length : (frame.node as unknown[]).length;
    if (frame.next === length) {
      parts.push(frame.keys ? "}" : "]");
      stack.pop();
      continue;
    }
    const i = frame.next++;
    if (frame.keys) {
      const key = frame.keys[i]!;
      const member = (frame.node as Record<string, unknown>)[key];
      // Object members JSON.stringify leaves out (array elements become null instead, in write).
      if (typeof member !== "object" && leafText(member) === undefined) continue;
      parts.push(`${frame.wrote ? "," : ""}${JSON.stringify(key)}:`);
      frame.wrote = true;
      write(member);
    } else {
      if (i > 0) parts.push(",");
      write((frame.node as unknown[])[i]);
    }
  }
  return parts.join("");
}
