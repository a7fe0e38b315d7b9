import { describe, expect, it } from "vitest";
import { compilePattern, MAX_PATTERN_STATES, type Meter, UnsupportedPattern } from "../../src/schemas/linear-regex";

/** A small deterministic generator, so the corpus below is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const ATOMS = [
  "a",
  "b",
  "A",
  ".",
  "\\d",
  "\\w",
  "\\s",
  "\\W",
  "\\S",
  "\\D",
  "\\.",
  "\\p{L}",
  "\\P{Ll}",
  "\\p{Script=Greek}",
  "😀",
  "\\uD83D",
  "\\u{1F600}",
  "\\uD83D\\uDE00",
  "[^]",
  "[]",
  "-",
  "\\n",
  "\\cJ",
  "\\0",
  "\\b",
  "\\B",
  "^",
  "$",
  "é",
  "\\/",
  "α",
];
const CLASS_ITEMS = [
  "a",
  "a-c",
  "\\d",
  "\\D",
  "\\w",
  "\\s",
  "\\p{Lu}",
  "\\P{L}",
  "😀",
  "\\-",
  "\\b",
  "\\x41",
  "^",
  ".",
];
const QUANTIFIERS = ["*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}", "*?", "+?", "{0}", "{3,4}?"];
const LOOKAROUNDS = ["(?=", "(?!", "(?<=", "(?<!"];
const CHARACTERS = [
  "a",
  "b",
  "x",
  "1",
  "_",
  " ",
  "\n",
  ".",
  "-",
  "😀",
  "\uD83D",
  "\uDE00",
  "é",
  "A",
  "α",
  "\u2028",
  "\u00a0",
];

function corpus(seed: number, patterns: number, texts: number): Array<[string, string[]]> {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const characterClass = (): string => {
    let source = next() < 0.3 ? "[^" : "[";
    for (let i = 0; i < 1 + Math.floor(next() * 3); i++) source += pick(CLASS_ITEMS);
    return `${source}]`;
  };
  const pattern = (depth: number): string => {
    const roll = next();
    if (depth > 3 || roll < 0.3) return next() < 0.25 ? characterClass() : pick(ATOMS);
    if (roll < 0.48) return pattern(depth + 1) + pattern(depth + 1);
    if (roll < 0.56) return `(?:${pattern(depth + 1)}|${pattern(depth + 1)})`;
    if (roll < 0.72) return `(?:${pattern(depth + 1)})${pick(QUANTIFIERS)}`;
    if (roll < 0.78) return `(${pattern(depth + 1)})`;
    if (roll < 0.9) return `${pick(LOOKAROUNDS)}${pattern(depth + 1)})`;
    return `${pattern(depth + 1)}|${pattern(depth + 1)}`;
  };
  const cases: Array<[string, string[]]> = [];
  while (cases.length < patterns) {
    const source = pattern(0);
    try {
      new RegExp(source, "u");
    } catch {
      continue;
    }
    const samples = Array.from({ length: texts }, () =>
      Array.from({ length: Math.floor(next() * 10) }, () => pick(CHARACTERS)).join(""),
    );
    cases.push([source, samples]);
  }
  return cases;
}

describe("compilePattern: the same answers as V8", () => {
  it("agrees with RegExp(source, 'u').test on 1,500 generated patterns and 18,000 texts", () => {
    const disagreements: string[] = [];
    for (const [source, texts] of corpus(20261201, 1500, 12)) {
      const native = new RegExp(source, "u");
      const linear = compilePattern(source);
      for (const text of texts) {
        if (native.test(text) !== linear.test(text)) disagreements.push(`${source} on ${JSON.stringify(text)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it("reads . \\d \\w \\s and their negations as V8 does, for every BMP code point", () => {
    const sources = [".", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "[^\\s\\d]"];
    for (const source of sources) {
      const native = new RegExp(`^${source}$`, "u");
      const linear = compilePattern(`^${source}$`);
      const different: number[] = [];
      for (let cp = 0; cp < 0x10000; cp++) {
        const text = String.fromCharCode(cp);
        if (native.test(text) !== linear.test(text)) different.push(cp);
      }
      expect({ source, different }).toEqual({ source, different: [] });
    }
  });

  it("reads a surrogate pair as one character, and matches between its halves where V8 does", () => {
    expect(compilePattern("^.$").test("😀")).toBe(true);
    expect(compilePattern("\\uDE00").test("😀")).toBe(false);
    expect(compilePattern("^[\\uD83D\\uDE00]$").test("😀")).toBe(true);
    // V8 tries an empty match between the halves, where nothing can be read and \B holds.
    expect(compilePattern("\\B(?!.)").test("😀")).toBe(/\B(?!.)/u.test("😀"));
    expect(compilePattern("(?<!😀)\\B").test("a😀")).toBe(true);
    expect(compilePattern("\\b").test("😀")).toBe(false);
  });

  it("decides lookarounds, named groups and property escapes", () => {
    const password = compilePattern("^(?=.*\\d)(?=.*\\p{Lu})(?!.*\\s).{8,}$");
    expect(["Secret123", "secret123", "Secret 123", "Sh0rt"].map((text) => password.test(text))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(compilePattern("(?<=\\$)\\d+").test("cost: $42")).toBe(true);
    expect(compilePattern("(?<!\\$)\\b\\d+").test("$42")).toBe(false);
    expect(compilePattern("^(?<year>\\d{4})-(?<month>\\d{2})$").test("2026-12")).toBe(true);
  });
});

describe("compilePattern: time linear in the text", () => {
  it("decides ^(a+)+$ on 100,000 a's and a b", () => {
    const text = `${"a".repeat(100_000)}b`;
    expect(compilePattern("^(a+)+$").test(text)).toBe(false);
    expect(compilePattern("^(a+)+$").test(text.slice(0, -1))).toBe(true);
  });

  it("decides unanchored patterns that V8 backtracks quadratically, such as a*a*b", () => {
    expect(compilePattern("a*a*b").test("a".repeat(100_000))).toBe(false);
    expect(compilePattern("(?:a|aa)+c|\\ba").test("a".repeat(100_000))).toBe(true);
  });

  it("charges every character it reads to the meter, which may stop it", () => {
    let spent = 0;
    const counting: Meter = {
      spend: (steps) => {
        spent += steps;
      },
    };
    compilePattern("x$").test("a".repeat(50_000), counting);
    expect(spent).toBeGreaterThanOrEqual(50_000);

    const stopping: Meter = {
      spend: (steps) => {
        spent += steps;
        if (spent > 10_000) throw new Error("budget");
      },
    };
    spent = 0;
    expect(() => compilePattern("(?=a)b").test("a".repeat(50_000), stopping)).toThrow("budget");
  });
});

describe("compilePattern: patterns it refuses", () => {
  it.each([
    ["a numbered backreference", "(a)\\1"],
    ["a named backreference", "(?<x>a)\\k<x>"],
    ["an inline modifier", "(?i:abc)"],
    ["a modifier that turns a flag off", "(?-i:abc)"],
    ["counted repetition over the state bound", `a{${MAX_PATTERN_STATES + 1}}`],
    ["nested counted repetition over it", "(?:a{1000}){1000}"],
    ["groups nested 300 deep", `${"(".repeat(300)}a${")".repeat(300)}`],
  ])("refuses %s", (_name, source) => {
    expect(() => new RegExp(source, "u")).not.toThrow();
    expect(() => compilePattern(source)).toThrow(UnsupportedPattern);
  });
});
