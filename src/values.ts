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
