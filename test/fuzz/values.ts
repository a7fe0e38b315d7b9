// Hostile and odd values for the fuzz run: ids, version segments, header values, names, JSON texts.
// Each "bad" generator makes only values the contract refuses for sure (they are what a request's
// fault rests on); the "any" generators mix valid, odd-but-valid and bad values freely.
import type { Random } from "./random";

const HEX = "0123456789abcdef";
const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * Non-ASCII header values make workerd print a warning per request, so they are rare: often enough
 * to be tried in every run, seldom enough to keep the test's output readable.
 */
const NON_ASCII_HEADER_CHANCE = 0.002;

export const hex = (g: Random, length: number) => g.chars(length, HEX);

// ---- Ids (§1.4) ----

/** The same id as a path segment may spell it: any case, or with characters percent-encoded. */
export function idInPath(g: Random, id: string): string {
  return g.weighted([
    [6, () => id],
    [1, () => id.toUpperCase()],
    [1, () => [...id].map((ch) => (g.chance(0.5) ? ch.toUpperCase() : ch)).join("")],
    [1, () => [...id].map((ch) => (g.chance(0.2) ? `%${ch.charCodeAt(0).toString(16)}` : ch)).join("")],
  ])();
}

/** The same id as a header may carry it: any case, white space around it (trimmed, §1.2). */
export function idInHeader(g: Random, id: string): string {
  return g.weighted([
    [6, () => id],
    [1, () => id.toUpperCase()],
    [1, () => ` ${id}\t`],
  ])();
}

/** Words that are paths elsewhere, or mean something to JavaScript, in an id's place. */
const ID_WORDS = [
  "null",
  "undefined",
  "NaN",
  "UNCATEGORIZED",
  "new",
  "update",
  "latest",
  "versions",
  "count",
  "pretty",
  "meta",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "-1",
  "0",
  "true",
  "%zz",
  "%",
  "%00",
  "<script>",
  "\u0024{jndi:x}",
  "' OR 1=1 --",
  "*",
];

/**
 * A path segment that is not an id after decoding. Never empty, never a raw `/`, `?` or `#`, and
 * never only dots: the URL parser would resolve those into another path, possibly another route.
 */
export function malformedIdInPath(g: Random): string {
  const id = hex(g, 24);
  return g.one(
    // Never empty: at the end of a path that is a trailing slash, i.e. the route without the slot.
    () => hex(g, g.pick([1, 23, 25, 48])),
    () => hex(g, g.int(100, 3000)),
    () => `${id.slice(0, 23)}${g.pick(["g", "G", "z", "-", "_", "~", "!", "+", "%20", "%2F", "%67"])}`,
    () => `${g.pick(["%20", "%09", "%0A", "+"])}${id}`,
    () => `${id}${g.pick(["%20", "%0A", "%00", ".json", ";x", "%2F", ",", "%2e"])}`,
    () => `${id.slice(0, 12)}${g.pick(["０", "é", "%C3%A9", "😀", "\u200b"])}${id.slice(13)}`,
    () => g.pick(ID_WORDS),
    () => g.chars(g.int(1, 40), ALNUM),
  );
}

/** A header value that is not an id (white space around an id would be trimmed, so none here). */
export function malformedIdInHeader(g: Random): string {
  const id = hex(g, 24);
  return g.one(
    () => hex(g, g.pick([1, 23, 25, 48])),
    () => `${id.slice(0, 23)}${g.pick(["g", "z", "-", "_"])}`,
    () => `${id},${hex(g, 24)}`,
    () => `${id} x`,
    () => g.pick(["null", "undefined", "uncategorized", "0", "-1", "%30"]),
    () => hex(g, g.int(100, 2000)),
  );
}

// ---- Version segments (§3.2, §8.2, §10.7) ----

/** A segment no version route accepts as a version number (`latest` aside). */
export function malformedVersion(g: Random): string {
  return g.pick([
    "-1",
    "1.5",
    "1e3",
    "0x1",
    "１",
    "٣",
    "1000000000",
    "99999999999999999999",
    "abc",
    "NaN",
    "Infinity",
    "%31%2e",
    "1%20",
    "%201",
    "+1",
    "__proto__",
  ]);
}

/** Any version segment: real ones of a bin with `versionCount` versions, odd spellings, junk. */
export function anyVersion(g: Random, versionCount: number): string {
  return g.weighted([
    [4, () => String(g.int(0, versionCount))],
    [2, () => "latest"],
    [1, () => g.pick(["LATEST", "Latest", "01", "000", "pretty", "versions", "count", "diff", "stream"])],
    [1, () => String(g.int(versionCount + 1, versionCount + 3))],
    [1, () => String(g.pick([999999999, 1000, 1001]))],
    [2, () => malformedVersion(g)],
  ])();
}

// ---- Header values ----

/** Odd text for a header value: empty, blank, long, control characters; rarely non-ASCII. */
export function junkHeaderValue(g: Random): string {
  if (g.chance(NON_ASCII_HEADER_CHANCE)) {
    return g.pick(["😀", "é", "\uFFFD", "\u202Eabc", "\u00A0", "日本語", "\u200b", "a\uFEFFb"]);
  }
  return g.one(
    () => g.pick(["", " ", "\t", "  \t ", "null", "undefined", "[]", "{}", "0", "-1", "NaN"]),
    () => g.pick(["true", "false", "TRUE", "False", "yes", "no", "1", "on", "t"]),
    () => g.chars(g.int(1, 64), ALNUM),
    () => "x".repeat(g.pick([1000, 8000, 40000])),
    () => `a${String.fromCharCode(g.pick([1, 2, 8, 11, 12, 27, 31, 127]))}b`,
    () => g.pick(['"', "'", "\\", "%00", "%0d%0a", "<>", "\u0024{x}", "a, b", "a;b=c", "*"]),
  );
}

/** A value that `true`/`false` headers refuse: not `true` or `false` in any case, and not blank. */
export function badBoolean(g: Random): string {
  return g.pick(["yes", "no", "1", "0", "tru", "truee", "t", "f", "on", "null", "true,false", "true false", '"true"']);
}

/** Any value for a `true`/`false` header, or none. */
export function anyBoolean(g: Random): string | undefined {
  return g.weighted<() => string | undefined>([
    [2, () => undefined],
    [3, () => g.pick(["true", "false", "TRUE", "False", " true ", "\tfalse"])],
    [1, () => ""],
    [2, () => badBoolean(g)],
    [1, () => junkHeaderValue(g)],
  ])();
}

// ---- Names (§1.3: counted in code points after trimming) ----

/** A name of `min`..`max` code points, padded with white space sometimes; emoji and accents rarely. */
export function validName(g: Random, min: number, max: number): string {
  const length = g.int(min, max);
  if (g.chance(NON_ASCII_HEADER_CHANCE)) return g.chars(length, "😀é日ß");
  // Letters at both ends: white space there would be trimmed away and shorten the name.
  const inner = length > 2 ? g.chars(length - 2, `${ALNUM} -_.`) : "";
  const name = length === 1 ? g.chars(1, ALNUM) : `${g.chars(1, ALNUM)}${inner}${g.chars(1, ALNUM)}`;
  return g.chance(0.1) ? ` ${name} ` : name;
}

/** A name a name header refuses: blank, over `max` code points, or holding U+FFFD (undecodable bytes). */
export function badName(g: Random, max: number, min = 1): string {
  return g.weighted([
    [2, () => g.pick([" ", "\t", "  "])],
    [3, () => g.chars(g.int(max + 1, max + 40), ALNUM)],
    [1, () => "n".repeat(g.pick([1000, 20000]))],
    [min > 1 ? 3 : 0, () => g.chars(g.int(1, min - 1), ALNUM)],
    [g.chance(NON_ASCII_HEADER_CHANCE * 10) ? 1 : 0, () => "na\uFFFDme"],
  ])();
}

// ---- ETags (§10.2) ----

/** An `If-Match` value that does not match `etag` strongly. */
export function badIfMatch(g: Random, etag: string, otherEtags: string[]): string {
  return g.pick([
    `"0-0000000000000000"`,
    `W/${etag}`,
    `W/${etag}, W/"x"`,
    '""',
    "abc",
    `"${hex(g, 16)}"`,
    ...otherEtags.filter((e) => e !== etag),
  ]);
}

export function anyIfMatch(g: Random, etag: string, otherEtags: string[]): string | undefined {
  return g.weighted<() => string | undefined>([
    [4, () => undefined],
    [1, () => "*"],
    [2, () => etag],
    [1, () => `"x", ${etag}`],
    [1, () => etag.replaceAll('"', "")],
    [2, () => badIfMatch(g, etag, otherEtags)],
    [1, () => junkHeaderValue(g)],
  ])();
}

// ---- JSON ----

const KEY_NAMES = [
  "a",
  "b",
  "name",
  "items",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "",
  " ",
  "😀",
  "a.b",
  "a/b",
  "~0",
  "$",
  "0",
  "length",
];

const STRINGS = ["", "x", "😀", "\u0000", "\ud800", "\\", '"', "\u2028", "<script>", "=1+1", "a".repeat(300)];

const NUMBERS = [0, -0, 1, -1, 1.5, 1e308, 5e-324, 2 ** 53 + 1, -(2 ** 31)];

/** A random JSON value, at most `depth` levels deep. */
export function jsonValue(g: Random, depth = 3): unknown {
  const leaf = () =>
    g.one<unknown>(
      () => g.pick(STRINGS),
      () => g.pick(NUMBERS),
      () => g.int(-1000, 1000),
      () => g.pick([true, false, null]),
    );
  if (depth <= 0 || g.chance(0.3)) return leaf();
  if (g.chance(0.5)) return Array.from({ length: g.int(0, 4) }, () => jsonValue(g, depth - 1));
  const object: Record<string, unknown> = {};
  for (let i = g.int(0, 4); i > 0; i--) {
    // defineProperty: a plain assignment to "__proto__" would set the prototype, not a member.
    Object.defineProperty(object, g.pick(KEY_NAMES), {
      value: jsonValue(g, depth - 1),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return object;
}

/** A non-empty object or an array: a record R1–R5 accept. */
export function recordValue(g: Random): Record<string, unknown> | unknown[] {
  if (g.chance(0.2)) return Array.from({ length: g.int(0, 4) }, () => jsonValue(g, 2));
  const record: Record<string, unknown> = { [g.pick(["a", "name", "data"])]: jsonValue(g, 2) };
  for (let i = g.int(0, 3); i > 0; i--) record[g.pick(KEY_NAMES.filter((k) => k !== "__proto__"))] = jsonValue(g, 2);
  return record;
}

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` deep. */
export function nested(depth: number, kind: "array" | "object"): string {
  return kind === "array"
    ? `${"[".repeat(depth)}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

const WIDE = JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])));

/** Deep beside wide or integer-like members: shapes the runtime's JSON.stringify recurses on. */
export const deepAndWide = (g: Random) =>
  `{"${g.pick(["wide", "1"])}":${WIDE},"deep":${nested(g.pick([12000, 20000]), "array")}}`;

/** JSON texts that are valid but odd: deep, wide, duplicate keys, prototype names, a BOM, escapes. */
export function oddJsonText(g: Random): string {
  return g.one(
    () => nested(g.pick([100, 1000, 5000, 20000]), g.pick(["array", "object"] as const)),
    () => deepAndWide(g),
    () => deepAndWide(g),
    () => JSON.stringify(Object.fromEntries(Array.from({ length: g.pick([100, 5000]) }, (_, i) => [`k${i}`, i]))),
    () => `[${Array.from({ length: g.pick([100, 10000]) }, (_, i) => i).join(",")}]`,
    () => '{"a":1,"a":2,"a":{"b":3}}',
    () => '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    () => '\uFEFF{"bom":true}',
    () => '{"lone":"\\ud800","nul":"\\u0000","sep":"\\u2028"}',
    () => '{"big":1e400,"neg":-0,"long":123456789012345678901234567890}',
    () => `{"s":"${"é😀".repeat(g.pick([10, 5000]))}"}`,
    () => ` \n\t${JSON.stringify(recordValue(g), null, 2)}\n `,
  );
}

/** A text that is not JSON at all. */
export function invalidJsonText(g: Random): string {
  const valid = JSON.stringify({ a: jsonValue(g, 2), b: [1, 2] });
  return g.one(
    // A strict prefix of a compact object is never valid: its closing brace is the last character.
    () => valid.slice(0, g.int(1, valid.length - 1)),
    () =>
      g.pick([
        "{a:1}",
        "{'a':1}",
        '{"a":1,}',
        "[1,]",
        "NaN",
        '{"a":NaN}',
        '{"a":undefined}',
        '{"a":01}',
        '"unterminated',
        "{}{}",
        '{"a":1}x',
        '{"a":"\u0001"}',
        '{"a":"\\x41"}',
        '{"a":1} // comment',
        "[[[[[[",
        "}",
        "nul",
        "<xml/>",
        "a=1&b=2",
      ]),
  );
}

/** Bytes that are not UTF-8 around JSON (the body decoder turns them into U+FFFD). */
export function notUtf8(g: Random): Uint8Array {
  const prefix = new TextEncoder().encode('{"a":"');
  const suffix = new TextEncoder().encode('"}');
  const junk = g.pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80, 0x80]]);
  return new Uint8Array([...prefix, ...junk, ...suffix]);
}
