/**
 * JSON Schema patterns (ECMAScript syntax with the `u` flag, as cfworker and Ajv compile them),
 * matched in time linear in the text.
 *
 * A backtracking engine such as V8's takes exponential time for `^(a+)+$` on "aaa…b" and quadratic
 * time for `a*b` on a long run of "a"s. The pattern comes from whoever wrote the schema, the text
 * from whoever writes records, and while V8 backtracks every other request of the isolate waits.
 * Here a pattern becomes a Thompson automaton and the text is scanned once, tracking the set of
 * states it can be in; each lookaround is decided for every position by one extra scan first.
 *
 * `test()` only asks whether some match exists, so captures, greedy or lazy quantifiers and the
 * atomicity of lookarounds make no difference to the answer. Backreferences cannot be decided this
 * way and inline modifiers (`(?i:…)`) are not implemented: those patterns are refused, as are
 * patterns whose automaton would be too large (counted repetition multiplies its body).
 */

/** Anything that can refuse to go on, such as a validation's work budget. */
export interface Meter {
  spend(steps: number): void;
}

export class UnsupportedPattern extends Error {
  constructor(reason: string) {
    super(`Pattern not supported: ${reason}`);
    this.name = "UnsupportedPattern";
  }
}

export interface LinearPattern {
  /** Automaton states, the measure of the work per character. */
  readonly size: number;
  test(text: string, meter?: Meter): boolean;
}

/**
 * States of one pattern's automata, lookarounds included; counted repetition is expanded, so
 * `^[a-z]{1,255}$` takes 257 and `^.{0,20000}$` is too large. Each state costs some 50 bytes.
 */
export const MAX_PATTERN_STATES = 20_000;

/**
 * Transition sets (see Scanner) the patterns sharing one allowance may keep between texts. Each
 * takes up to 1 KB or so; a compiled schema gives its patterns one allowance together.
 */
export class CacheAllowance {
  constructor(public remaining = 2048) {}
}

/** Groups and lookarounds inside each other: the parser and compiler recurse on them. */
const MAX_NESTING = 200;

/** Throws UnsupportedPattern; a pattern must already compile as `new RegExp(source, "u")`. */
export function compilePattern(source: string, allowance = new CacheAllowance()): LinearPattern {
  const ast = new Parser(source).parse();
  return new Automaton(ast, allowance);
}

// ---------------------------------------------------------------------------------------------
// Character sets

const MAX_CODE_POINT = 0x10ffff;

/** A property escape (`\p{…}`) asked of V8 one code point at a time: a single code point is linear. */
class PropertyTest {
  private readonly regex: RegExp;
  private readonly memo = new Map<number, boolean>();

  constructor(source: string) {
    this.regex = new RegExp(`^${source}$`, "u");
  }

  has(cp: number): boolean {
    let known = this.memo.get(cp);
    if (known === undefined) {
      known = this.regex.test(String.fromCodePoint(cp));
      if (this.memo.size < 65_536) this.memo.set(cp, known);
    }
    return known;
  }
}

interface CharSet {
  has(cp: number): boolean;
}

/** Most states read one literal character; one shared set per code point keeps them small. */
class SingleChar implements CharSet {
  private static readonly known = new Map<number, SingleChar>();

  static of(cp: number): SingleChar {
    let set = SingleChar.known.get(cp);
    if (set === undefined) {
      set = new SingleChar(cp);
      if (SingleChar.known.size < 4096) SingleChar.known.set(cp, set);
    }
    return set;
  }

  private constructor(private readonly cp: number) {}

  has(cp: number): boolean {
    return cp === this.cp;
  }
}

/** Code point ranges (sorted, disjoint, inclusive pairs) plus property escapes, maybe negated. */
class RangeSet implements CharSet {
  /** Answers for ASCII, filled in as they are asked: 0 unknown, 1 no, 2 yes. */
  private readonly ascii = new Uint8Array(128);

  constructor(
    private readonly ranges: readonly number[],
    private readonly properties: readonly PropertyTest[],
    private readonly negated: boolean,
  ) {}

  has(cp: number): boolean {
    if (cp >= 128) return this.lookup(cp);
    let known = this.ascii[cp]!;
    if (known === 0) {
      known = this.lookup(cp) ? 2 : 1;
      this.ascii[cp] = known;
    }
    return known === 2;
  }

  private lookup(cp: number): boolean {
    let low = 0;
    let high = this.ranges.length / 2 - 1;
    let found = false;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (cp < this.ranges[2 * mid]!) high = mid - 1;
      else if (cp > this.ranges[2 * mid + 1]!) low = mid + 1;
      else {
        found = true;
        break;
      }
    }
    if (!found) found = this.properties.some((property) => property.has(cp));
    return found !== this.negated;
  }
}

/** Builds a class from ranges and escapes; ranges may overlap and come in any order. */
class SetBuilder {
  private readonly pairs: Array<[number, number]> = [];
  private readonly properties: PropertyTest[] = [];

  addRange(from: number, to: number): void {
    this.pairs.push([from, to]);
  }

  addRanges(ranges: readonly number[]): void {
    for (let i = 0; i < ranges.length; i += 2) this.addRange(ranges[i]!, ranges[i + 1]!);
  }

  addProperty(property: PropertyTest): void {
    this.properties.push(property);
  }

  build(negated: boolean): CharSet {
    const sorted = this.pairs.sort((a, b) => a[0] - b[0]);
    const merged: number[] = [];
    for (const [from, to] of sorted) {
      const last = merged.length - 1;
      if (last > 0 && from <= merged[last]! + 1) merged[last] = Math.max(merged[last]!, to);
      else merged.push(from, to);
    }
    return new RangeSet(merged, this.properties, negated);
  }
}

const DIGIT = [0x30, 0x39];
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
// WhiteSpace and LineTerminator as ECMAScript defines \s (Unicode's Zs category included).
const SPACE = [
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
];
const LINE_TERMINATORS = [0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029];

/** The complement of sorted disjoint ranges within 0..0x10FFFF. */
function complement(ranges: readonly number[]): number[] {
  const result: number[] = [];
  let next = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i]! > next) result.push(next, ranges[i]! - 1);
    next = ranges[i + 1]! + 1;
  }
  if (next <= MAX_CODE_POINT) result.push(next, MAX_CODE_POINT);
  return result;
}

const DOT = new SetBuilder();
DOT.addRanges(complement(LINE_TERMINATORS));
const DOT_SET = DOT.build(false);

function isWordChar(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f || (cp >= 0x61 && cp <= 0x7a);
}

// ---------------------------------------------------------------------------------------------
// Parsing

enum Assertion {
  Start,
  End,
  WordBoundary,
  NotWordBoundary,
}

type Ast =
  | { readonly kind: "set"; readonly set: CharSet }
  | { readonly kind: "seq"; readonly items: readonly Ast[] }
  | { readonly kind: "alt"; readonly items: readonly Ast[] }
  | { readonly kind: "repeat"; readonly body: Ast; readonly min: number; readonly max: number }
  | { readonly kind: "assert"; readonly what: Assertion }
  | { readonly kind: "look"; readonly behind: boolean; readonly negate: boolean; readonly body: Ast };

/** A class escape (\d, \p{…}) or a single code point, as a class member. */
type ClassAtom = { readonly cp: number } | { readonly add: (builder: SetBuilder) => void };

const SYNTAX_CHARACTERS = new Set(Array.from("^$\\.*+?()[]{}|/", (c) => c.codePointAt(0)!));

const cp = (c: string): number => c.codePointAt(0)!;

/**
 * Recursive descent over the `u`-mode grammar of ECMA-262 (22.2.1). The source already compiled in
 * V8, so syntax errors are not reported carefully; anything unexpected is simply refused.
 */
class Parser {
  private readonly text: number[];
  private pos = 0;

  constructor(source: string) {
    this.text = Array.from(source, (c) => c.codePointAt(0)!);
  }

  parse(): Ast {
    const ast = this.disjunction(0);
    if (this.pos !== this.text.length) throw new UnsupportedPattern("unexpected character");
    return ast;
  }

  private peek(offset = 0): number | undefined {
    return this.text[this.pos + offset];
  }

  private eat(c: string): boolean {
    if (this.peek() !== cp(c)) return false;
    this.pos++;
    return true;
  }

  private expect(c: string): void {
    if (!this.eat(c)) throw new UnsupportedPattern(`expected ${c}`);
  }

  private disjunction(depth: number): Ast {
    if (depth > MAX_NESTING) throw new UnsupportedPattern("groups nested too deeply");
    const items = [this.alternative(depth)];
    while (this.eat("|")) items.push(this.alternative(depth));
    return items.length === 1 ? items[0]! : { kind: "alt", items };
  }

  private alternative(depth: number): Ast {
    const items: Ast[] = [];
    for (let c = this.peek(); c !== undefined && c !== cp("|") && c !== cp(")"); c = this.peek()) {
      items.push(this.term(depth));
    }
    return items.length === 1 ? items[0]! : { kind: "seq", items };
  }

  private term(depth: number): Ast {
    const c = this.peek();
    if (c === cp("^")) return this.assertion(Assertion.Start, 1);
    if (c === cp("$")) return this.assertion(Assertion.End, 1);
    if (c === cp("\\") && this.peek(1) === cp("b")) return this.assertion(Assertion.WordBoundary, 2);
    if (c === cp("\\") && this.peek(1) === cp("B")) return this.assertion(Assertion.NotWordBoundary, 2);
    if (c === cp("(") && this.peek(1) === cp("?")) {
      const look = this.lookaround(depth);
      if (look !== undefined) return look;
    }
    return this.quantified(this.atom(depth));
  }

  private assertion(what: Assertion, length: number): Ast {
    this.pos += length;
    return { kind: "assert", what };
  }

  private lookaround(depth: number): Ast | undefined {
    const third = this.peek(2);
    const fourth = this.peek(3);
    let behind: boolean;
    let negate: boolean;
    if (third === cp("=") || third === cp("!")) {
      behind = false;
      negate = third === cp("!");
      this.pos += 3;
    } else if (third === cp("<") && (fourth === cp("=") || fourth === cp("!"))) {
      behind = true;
      negate = fourth === cp("!");
      this.pos += 4;
    } else {
      return undefined;
    }
    const body = this.disjunction(depth + 1);
    this.expect(")");
    return { kind: "look", behind, negate, body };
  }

  private atom(depth: number): Ast {
    const c = this.peek();
    if (c === undefined) throw new UnsupportedPattern("unexpected end");
    if (c === cp(".")) {
      this.pos++;
      return { kind: "set", set: DOT_SET };
    }
    if (c === cp("[")) return { kind: "set", set: this.characterClass() };
    if (c === cp("(")) return this.group(depth);
    if (c === cp("\\")) {
      this.pos++;
      const escaped = this.escape(false);
      if ("cp" in escaped) return single(escaped.cp);
      const builder = new SetBuilder();
      escaped.add(builder);
      return { kind: "set", set: builder.build(false) };
    }
    if (SYNTAX_CHARACTERS.has(c) && c !== cp("/")) throw new UnsupportedPattern("unexpected syntax character");
    this.pos++;
    return single(c);
  }

  private group(depth: number): Ast {
    this.pos++;
    if (this.eat("?")) {
      if (this.eat(":")) {
        // Non-capturing.
      } else if (this.eat("<")) {
        // Named group: skip the name (already valid in V8); only `>` ends it.
        while (this.peek() !== undefined && this.peek() !== cp(">")) this.pos++;
        this.expect(">");
      } else {
        throw new UnsupportedPattern("inline modifiers");
      }
    }
    const body = this.disjunction(depth + 1);
    this.expect(")");
    return body;
  }

  private quantified(body: Ast): Ast {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === cp("*")) [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (c === cp("+")) [min, max] = [1, Number.POSITIVE_INFINITY];
    else if (c === cp("?")) [min, max] = [0, 1];
    else if (c === cp("{")) [min, max] = this.braces();
    else return body;
    if (c !== cp("{")) this.pos++;
    this.eat("?"); // Lazy or greedy: the same strings match.
    return { kind: "repeat", body, min, max };
  }

  private braces(): [number, number] {
    this.pos++;
    const min = this.number();
    let max = min;
    if (this.eat(",")) max = this.peek() === cp("}") ? Number.POSITIVE_INFINITY : this.number();
    this.expect("}");
    return [min, max];
  }

  private number(): number {
    let digits = "";
    while (this.peek() !== undefined && this.peek()! >= 0x30 && this.peek()! <= 0x39) {
      digits += String.fromCodePoint(this.peek()!);
      this.pos++;
    }
    if (digits === "") throw new UnsupportedPattern("expected a number");
    return Number(digits);
  }

  private characterClass(): CharSet {
    this.pos++;
    const negated = this.eat("^");
    const builder = new SetBuilder();
    while (this.peek() !== cp("]")) {
      if (this.peek() === undefined) throw new UnsupportedPattern("unterminated class");
      const first = this.classAtom();
      if (this.peek() === cp("-") && this.peek(1) !== cp("]") && this.peek(1) !== undefined) {
        this.pos++;
        const last = this.classAtom();
        if (!("cp" in first) || !("cp" in last) || first.cp > last.cp) throw new UnsupportedPattern("bad range");
        builder.addRange(first.cp, last.cp);
      } else if ("cp" in first) {
        builder.addRange(first.cp, first.cp);
      } else {
        first.add(builder);
      }
    }
    this.pos++;
    return builder.build(negated);
  }

  private classAtom(): ClassAtom {
    const c = this.peek()!;
    this.pos++;
    return c === cp("\\") ? this.escape(true) : { cp: c };
  }

  /** After a backslash. */
  private escape(inClass: boolean): ClassAtom {
    const c = this.peek();
    if (c === undefined) throw new UnsupportedPattern("trailing backslash");
    this.pos++;
    const letter = String.fromCodePoint(c);
    switch (letter) {
      case "d":
      case "D":
      case "w":
      case "W":
      case "s":
      case "S": {
        const ranges = letter === "d" || letter === "D" ? DIGIT : letter === "w" || letter === "W" ? WORD : SPACE;
        const negated = letter === letter.toUpperCase();
        return { add: (builder) => builder.addRanges(negated ? complement(ranges) : ranges) };
      }
      case "p":
      case "P": {
        const start = this.pos - 2;
        this.expect("{");
        while (this.peek() !== undefined && this.peek() !== cp("}")) this.pos++;
        this.expect("}");
        const property = new PropertyTest(String.fromCodePoint(...this.text.slice(start, this.pos)));
        return { add: (builder) => builder.addProperty(property) };
      }
      case "b":
        if (inClass) return { cp: 0x08 };
        throw new UnsupportedPattern("unexpected \\b");
      case "-":
        if (inClass) return { cp: 0x2d };
        throw new UnsupportedPattern("unexpected \\-");
      case "k":
        throw new UnsupportedPattern("backreferences");
      case "f":
        return { cp: 0x0c };
      case "n":
        return { cp: 0x0a };
      case "r":
        return { cp: 0x0d };
      case "t":
        return { cp: 0x09 };
      case "v":
        return { cp: 0x0b };
      case "c": {
        const control = this.peek();
        if (control === undefined || !/^[A-Za-z]$/.test(String.fromCodePoint(control))) {
          throw new UnsupportedPattern("bad control escape");
        }
        this.pos++;
        return { cp: control % 32 };
      }
      case "0":
        return { cp: 0 };
      case "x":
        return { cp: this.hex(2) };
      case "u":
        return { cp: this.unicodeEscape() };
    }
    if (c >= 0x31 && c <= 0x39) throw new UnsupportedPattern("backreferences");
    if (SYNTAX_CHARACTERS.has(c)) return { cp: c };
    throw new UnsupportedPattern("unknown escape");
  }

  private hex(length: number): number {
    const digits = String.fromCodePoint(...this.text.slice(this.pos, this.pos + length));
    if (!new RegExp(`^[0-9A-Fa-f]{${length}}$`).test(digits)) throw new UnsupportedPattern("bad hex escape");
    this.pos += length;
    return Number.parseInt(digits, 16);
  }

  /** After `\u`: `{…}`, or four digits, joined with a following `\uXXXX` trail surrogate as V8 does. */
  private unicodeEscape(): number {
    if (this.eat("{")) {
      const start = this.pos;
      while (this.peek() !== undefined && this.peek() !== cp("}")) this.pos++;
      const digits = String.fromCodePoint(...this.text.slice(start, this.pos));
      this.expect("}");
      const value = Number.parseInt(digits, 16);
      if (!/^[0-9A-Fa-f]+$/.test(digits) || value > MAX_CODE_POINT) throw new UnsupportedPattern("bad \\u{}");
      return value;
    }
    const lead = this.hex(4);
    if (lead >= 0xd800 && lead <= 0xdbff && this.peek() === cp("\\") && this.peek(1) === cp("u")) {
      const save = this.pos;
      this.pos += 2;
      const digits = String.fromCodePoint(...this.text.slice(this.pos, this.pos + 4));
      if (/^[0-9A-Fa-f]{4}$/.test(digits)) {
        const trail = Number.parseInt(digits, 16);
        if (trail >= 0xdc00 && trail <= 0xdfff) {
          this.pos += 4;
          return (lead - 0xd800) * 0x400 + (trail - 0xdc00) + 0x10000;
        }
      }
      this.pos = save;
    }
    return lead;
  }
}

function single(codePoint: number): Ast {
  return { kind: "set", set: SingleChar.of(codePoint) };
}

// ---------------------------------------------------------------------------------------------
// Automata

enum Op {
  Set,
  Split,
  Assert,
  Look,
  Match,
}

/** A Thompson automaton as parallel arrays; `out`/`alt` are state numbers. */
class Program {
  readonly op: Op[] = [];
  readonly arg: number[] = [];
  readonly out: number[] = [];
  readonly alt: number[] = [];
  readonly sets: CharSet[] = [];
  start = 0;
  /**
   * Every path from the start passes `^` (forwards) or `$` (a reversed lookahead) before reading a
   * character, so the start joins the set at one end of the text only.
   */
  anchored = false;
  private scanner: Scanner | undefined;

  constructor(readonly forward: boolean) {}

  add(op: Op, arg = 0, out = -1, alt = -1): number {
    this.op.push(op);
    this.arg.push(arg);
    this.out.push(out);
    this.alt.push(alt);
    return this.op.length - 1;
  }

  /** Made on first use and kept: its buffers are the program's size, its cache grows with use. */
  scan(allowance: CacheAllowance): Scanner {
    this.scanner ??= new Scanner(this, allowance);
    return this.scanner;
  }
}

interface Look {
  /** Forwards for lookbehind (marks where matches end), reversed for lookahead (where they start). */
  readonly program: Program;
  readonly negate: boolean;
}

class Automaton implements LinearPattern {
  readonly size: number;
  private readonly main: Program;
  /** Inner lookarounds first, so each one's scan only reads the marks of those before it. */
  private readonly looks: Look[] = [];
  private readonly lookIndex = new Map<Ast, number>();
  private states = 0;

  /**
   * V8 also tries a match between the two halves of a surrogate pair, where nothing can be read and
   * `\B` holds (so `/\B/u.test("😀")` is true). Every such position looks the same, so whether the
   * pattern matches there is known without the text.
   */
  private readonly matchesInsidePairs: boolean;

  constructor(
    ast: Ast,
    private readonly allowance: CacheAllowance,
  ) {
    this.main = this.program(ast, true);
    this.size = this.states;
    const inside: boolean[] = [];
    for (const look of this.looks) inside.push(matchesWithoutReading(look.program, inside) !== look.negate);
    this.matchesInsidePairs = matchesWithoutReading(this.main, inside);
  }

  test(text: string, meter?: Meter): boolean {
    if (this.matchesInsidePairs && /[\ud800-\udbff][\udc00-\udfff]/.test(text)) return true;
    const points = codePoints(text);
    const marks = this.looks.map(() => new Uint8Array(points.length + 1));
    this.looks.forEach((look, index) => {
      const mark = marks[index]!;
      look.program.scan(this.allowance).run(points, marks, meter, mark);
      if (look.negate) for (let p = 0; p < mark.length; p++) mark[p] = mark[p]! ^ 1;
    });
    return this.main.scan(this.allowance).run(points, marks, meter, undefined);
  }

  private program(ast: Ast, forward: boolean): Program {
    const program = new Program(forward);
    const match = this.state(program, Op.Match);
    program.start = this.emit(program, ast, match, 0);
    program.anchored = startsAnchored(program, forward ? Assertion.Start : Assertion.End);
    return program;
  }

  private state(program: Program, op: Op, arg = 0, out = -1, alt = -1): number {
    if (++this.states > MAX_PATTERN_STATES) throw new UnsupportedPattern("too large");
    return program.add(op, arg, out, alt);
  }

  /** The states matching `ast` and then going on to `next`; returns the entry state. */
  private emit(program: Program, ast: Ast, next: number, depth: number): number {
    if (depth > 4 * MAX_NESTING) throw new UnsupportedPattern("nested too deeply");
    switch (ast.kind) {
      case "set": {
        program.sets.push(ast.set);
        return this.state(program, Op.Set, program.sets.length - 1, next);
      }
      case "seq": {
        // Built from the end: the last item first, or the first one in a reversed program.
        let entry = next;
        const items = program.forward ? [...ast.items].reverse() : ast.items;
        for (const item of items) entry = this.emit(program, item, entry, depth + 1);
        return entry;
      }
      case "alt": {
        const entries = ast.items.map((item) => this.emit(program, item, next, depth + 1));
        let entry = entries[entries.length - 1]!;
        for (let i = entries.length - 2; i >= 0; i--) entry = this.state(program, Op.Split, 0, entries[i]!, entry);
        return entry;
      }
      case "repeat": {
        const { body, min, max } = ast;
        if (min > MAX_PATTERN_STATES || (max !== Number.POSITIVE_INFINITY && max > MAX_PATTERN_STATES)) {
          throw new UnsupportedPattern("too large");
        }
        let entry = next;
        if (max === Number.POSITIVE_INFINITY) {
          const loop = this.state(program, Op.Split, 0, -1, next);
          program.out[loop] = this.emit(program, body, loop, depth + 1);
          entry = loop;
        } else {
          // x{0,k} as k optional copies, each skip going on to the rest.
          for (let i = min; i < max; i++) {
            entry = this.state(program, Op.Split, 0, this.emit(program, body, entry, depth + 1), entry);
          }
        }
        for (let i = 0; i < min; i++) entry = this.emit(program, body, entry, depth + 1);
        return entry;
      }
      case "assert":
        return this.state(program, Op.Assert, ast.what, next);
      case "look": {
        let index = this.lookIndex.get(ast);
        if (index === undefined) {
          const lookProgram = this.program(ast.body, ast.behind);
          index = this.looks.push({ program: lookProgram, negate: ast.negate }) - 1;
          this.lookIndex.set(ast, index);
        }
        return this.state(program, Op.Look, index, next);
      }
    }
  }
}

/** Whether the match is reachable inside a surrogate pair, given which lookarounds hold there. */
function matchesWithoutReading(program: Program, looks: readonly boolean[]): boolean {
  const seen = new Set<number>();
  const stack = [program.start];
  while (stack.length > 0) {
    const state = stack.pop()!;
    if (seen.has(state)) continue;
    seen.add(state);
    switch (program.op[state]) {
      case Op.Match:
        return true;
      case Op.Split:
        stack.push(program.out[state]!, program.alt[state]!);
        break;
      case Op.Assert:
        if (program.arg[state] === Assertion.NotWordBoundary) stack.push(program.out[state]!);
        break;
      case Op.Look:
        if (looks[program.arg[state]!]) stack.push(program.out[state]!);
        break;
    }
  }
  return false;
}

/** Whether no path from the start reaches a character or the match without passing `anchor`. */
function startsAnchored(program: Program, anchor: Assertion): boolean {
  const seen = new Set<number>();
  const stack = [program.start];
  while (stack.length > 0) {
    const state = stack.pop()!;
    if (seen.has(state)) continue;
    seen.add(state);
    const op = program.op[state];
    if (op === Op.Set || op === Op.Match) return false;
    if (op === Op.Assert && program.arg[state] === anchor) continue;
    stack.push(program.out[state]!);
    if (op === Op.Split) stack.push(program.alt[state]!);
  }
  return true;
}

function codePoints(text: string): Int32Array {
  const points = new Int32Array(text.length);
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        points[count++] = (unit - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
        i++;
        continue;
      }
    }
    points[count++] = unit;
  }
  return points.subarray(0, count);
}

/** A set of states between two characters, with the sets it leads to, as the scans met them. */
interface CachedSet {
  readonly states: Int32Array;
  /** The match was reached on the way to this set. */
  readonly matched: boolean;
  readonly epoch: number;
  ascii: Array<CachedSet | undefined> | undefined;
  other: Map<number, CachedSet> | undefined;
}

/** Cached sets per program before its cache starts over, and transitions kept per set beyond ASCII. */
const MAX_CACHED_SETS = 128;
const MAX_OTHER_TRANSITIONS = 32;
/** Larger sets (`.{0,1000}` after a few hundred characters) are not worth their key: never cached. */
const MAX_CACHED_SET_SIZE = 64;
/** Steps are charged to the meter in batches of about this many. */
const METER_BATCH = 4096;

/**
 * Scans for one program. Between the two ends of the text, `^` and `$` never hold, so in a program
 * with no other assertion (no `\b`, no lookaround) the set after a character depends only on the set
 * before it and the character: those transitions are cached, and a long text mostly costs one
 * lookup per character. Other programs track their sets state by state, which is still linear.
 */
class Scanner {
  private readonly op: readonly Op[];
  private readonly arg: readonly number[];
  private readonly out: readonly number[];
  private readonly alt: readonly number[];
  private readonly sets: readonly CharSet[];
  private readonly cacheable: boolean;
  private current: Int32Array;
  private next: Int32Array;
  private readonly stack: Int32Array;
  private readonly seen: Uint32Array;
  private generation = 0;
  private matched = false;
  private readonly cache = new Map<string, CachedSet>();
  private epoch = 0;
  // The text of the scan under way, for assertions.
  private points: Int32Array = new Int32Array(0);
  private marks: readonly Uint8Array[] = [];

  constructor(
    private readonly program: Program,
    private readonly allowance: CacheAllowance,
  ) {
    ({ op: this.op, arg: this.arg, out: this.out, alt: this.alt, sets: this.sets } = program);
    const size = program.op.length;
    this.current = new Int32Array(size);
    this.next = new Int32Array(size);
    // A state can be pushed once by each of its (at most two) predecessors before it is visited.
    this.stack = new Int32Array(2 * size + 2);
    this.seen = new Uint32Array(size);
    this.cacheable = program.op.every(
      (op, state) => op !== Op.Look && !(op === Op.Assert && !isAnchor(program.arg[state]!)),
    );
  }

  /**
   * One pass over the text: forwards from 0 (the main pattern and lookbehinds) or backwards from the
   * end (lookaheads, whose programs are reversed). A match may start anywhere, so the start state
   * joins the set at each position. Without `record` it answers whether the program matches at all;
   * with it, it marks every position where a match ends and reads the whole text.
   */
  run(
    points: Int32Array,
    marks: readonly Uint8Array[],
    meter: Meter | undefined,
    record: Uint8Array | undefined,
  ): boolean {
    this.points = points;
    this.marks = marks;
    if (this.generation + 2 * points.length + 4 > 0xffffffff) {
      this.seen.fill(0);
      this.generation = 0;
    }
    return this.cacheable ? this.runCached(meter, record) : this.runTracked(meter, record);
  }

  private runTracked(meter: Meter | undefined, record: Uint8Array | undefined): boolean {
    const { program, points, sets, arg, out } = this;
    const length = points.length;
    const forward = program.forward;
    const first = forward ? 0 : length;
    const last = forward ? length : 0;
    let current = this.current;
    let next = this.next;
    let count = 0;
    let steps = 0;
    this.generation++;
    this.matched = false;
    try {
      for (let position = first; ; ) {
        if (position === first || !program.anchored) count = this.close(program.start, position, current, count);
        if (this.matched) {
          if (record === undefined) return true;
          record[position] = 1;
          this.matched = false;
        }
        steps += count + 1;
        if (steps > METER_BATCH) {
          meter?.spend(steps);
          steps = 0;
        }
        if (position === last || (count === 0 && program.anchored)) return false;
        const point = points[forward ? position : position - 1]!;
        position += forward ? 1 : -1;
        this.generation++;
        let nextCount = 0;
        for (let i = 0; i < count; i++) {
          const state = current[i]!;
          if (sets[arg[state]!]!.has(point)) nextCount = this.close(out[state]!, position, next, nextCount);
        }
        const swap = current;
        current = next;
        next = swap;
        count = nextCount;
      }
    } finally {
      meter?.spend(steps);
      this.current = current;
      this.next = next;
    }
  }

  private runCached(meter: Meter | undefined, record: Uint8Array | undefined): boolean {
    const { program, points, sets, arg, out } = this;
    const length = points.length;
    const forward = program.forward;
    const first = forward ? 0 : length;
    const last = forward ? length : 0;
    let steps = 0;
    try {
      this.generation++;
      this.matched = false;
      const count = this.close(program.start, first, this.current, 0);
      steps += count + 1;
      if (this.matched) {
        if (record === undefined) return true;
        record[first] = 1;
      }
      if (first === last || (count === 0 && program.anchored)) return false;
      let set = this.cached(count, false);
      for (let position = first; ; ) {
        const point = points[forward ? position : position - 1]!;
        position += forward ? 1 : -1;
        if (position === last) {
          // The last position is the other end, where `^` or `$` may hold: worked out, not cached.
          this.generation++;
          this.matched = false;
          let lastCount = 0;
          for (const state of set.states) {
            if (sets[arg[state]!]!.has(point)) lastCount = this.close(out[state]!, position, this.current, lastCount);
          }
          if (!program.anchored) lastCount = this.close(program.start, position, this.current, lastCount);
          steps += set.states.length + lastCount;
          if (this.matched && record !== undefined) record[position] = 1;
          return this.matched && record === undefined;
        }
        let target = point < 128 ? set.ascii?.[point] : set.other?.get(point);
        if (target === undefined || target.epoch !== this.epoch) {
          steps += set.states.length;
          target = this.transition(set, point);
        }
        set = target;
        steps++;
        if (set.matched) {
          if (record === undefined) return true;
          record[position] = 1;
        }
        if (set.states.length === 0 && program.anchored) return false;
        if (steps > METER_BATCH) {
          meter?.spend(steps);
          steps = 0;
        }
      }
    } finally {
      meter?.spend(steps);
    }
  }

  /** The set after `point` from `set` at a position between the two ends. */
  private transition(set: CachedSet, point: number): CachedSet {
    const { program, sets, arg, out } = this;
    this.generation++;
    this.matched = false;
    let count = 0;
    for (const state of set.states) {
      if (sets[arg[state]!]!.has(point)) count = this.close(out[state]!, INSIDE, this.current, count);
    }
    if (!program.anchored) count = this.close(program.start, INSIDE, this.current, count);
    const target = this.cached(count, this.matched);
    if (point < 128) {
      set.ascii ??= new Array(128);
      set.ascii[point] = target;
    } else {
      set.other ??= new Map();
      if (set.other.size < MAX_OTHER_TRANSITIONS) set.other.set(point, target);
    }
    return target;
  }

  /**
   * The cached set equal to the first `count` states of `current`, made if new. Past this program's
   * share or the allowance its schema's patterns share, it starts its cache over; if even that
   * leaves nothing to take, the set is used for this step only.
   */
  private cached(count: number, matched: boolean): CachedSet {
    if (count > MAX_CACHED_SET_SIZE) {
      return { states: this.current.slice(0, count), matched, epoch: -1, ascii: undefined, other: undefined };
    }
    const states = this.current.slice(0, count).sort();
    const key = `${matched ? "+" : ""}${states.join(",")}`;
    let set = this.cache.get(key);
    if (set !== undefined) return set;
    if (this.cache.size >= MAX_CACHED_SETS || this.allowance.remaining === 0) {
      // Sets already in hand stay usable; their transitions to dropped sets are ignored.
      this.allowance.remaining += this.cache.size;
      this.cache.clear();
      this.epoch++;
    }
    set = { states, matched, epoch: this.epoch, ascii: undefined, other: undefined };
    if (this.allowance.remaining > 0) {
      this.allowance.remaining--;
      this.cache.set(key, set);
    }
    return set;
  }

  /** Adds `from` and all it reaches without reading, at `position`, to `list` from `count` on. */
  private close(from: number, position: number, list: Int32Array, count: number): number {
    const { op, out, alt, stack, seen, generation } = this;
    let top = 0;
    stack[top++] = from;
    while (top > 0) {
      const state = stack[--top]!;
      if (seen[state] === generation) continue;
      seen[state] = generation;
      switch (op[state]) {
        case Op.Set:
          list[count++] = state;
          break;
        case Op.Match:
          this.matched = true;
          break;
        case Op.Split:
          stack[top++] = alt[state]!;
          stack[top++] = out[state]!;
          break;
        default:
          if (this.holds(state, position)) stack[top++] = out[state]!;
      }
    }
    return count;
  }

  private holds(state: number, position: number): boolean {
    const what = this.arg[state]!;
    if (this.op[state] === Op.Look) return this.marks[what]![position] === 1;
    const { points } = this;
    switch (what) {
      case Assertion.Start:
        return position === 0;
      case Assertion.End:
        return position === points.length;
      default: {
        const before = position > 0 && isWordChar(points[position - 1]!);
        const after = position < points.length && isWordChar(points[position]!);
        return (before !== after) === (what === Assertion.WordBoundary);
      }
    }
  }
}

/** A position between the two ends of the text, where neither `^` nor `$` holds. */
const INSIDE = -1;

function isAnchor(what: number): boolean {
  return what === Assertion.Start || what === Assertion.End;
}
