/** Splits an If-Match / If-None-Match list; `*` is returned as the single tag "*". */
function tags(header: string): string[] {
  return header
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/** Strong comparison (RFC 9110 §13.1.1): weak tags never match. */
export function ifMatchPasses(header: string | undefined, currentEtag: string): boolean {
  if (header === undefined) return true;
  return tags(header).some((t) => t === "*" || (!t.startsWith("W/") && t === currentEtag));
}

/** Weak comparison (RFC 9110 §13.1.2): `W/` is ignored on either side. True = send 304. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (t: string) => (t.startsWith("W/") ? t.slice(2) : t);
  return tags(header).some((t) => t === "*" || opaque(t) === opaque(etag));
}
