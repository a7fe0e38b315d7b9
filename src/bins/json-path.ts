// Goessner-style JSONPath (https://goessner.net/articles/JsonPath/) for the X-JSON-Path header.
//
// Goessner's reference implementation runs `?()` and `()` through JavaScript `eval`. We cannot do
// that with untrusted input, so those expressions are parsed into a tiny AST and evaluated here.
// Pipeline: tokenize -> recursive-descent parse into segments/selectors -> evaluate on a document.
//
// Semantics chosen where Goessner is silent or JavaScript's would surprise:
// - Only own members count (`$.constructor` on `{}` selects nothing); `.length` is special only
//   inside expressions, where it means the length of an array or string.
// - Member names select object members only, indexes and slices select array elements only.
// - Bracketed member names must be quoted; dot names are letters, digits, `_` and non-ASCII
//   (not starting with a digit); everything else needs `['...']`.
// - A filter keeps a child when its expression is truthy in the JavaScript sense.

export class JsonPathError extends Error {}

const MAX_EXPRESSION_LENGTH = 1000;
/** Nesting allowed inside filter/script expressions (parentheses, `!`, unary `-`). */
const MAX_NESTING = 64;
/** Evaluation steps per document, so chains like `$..*..*..*` on deep documents cannot run away. */
const MAX_STEPS = 5_000_000;

type Selector =
  | { kind: "name"; name: string }
  | { kind: "wildcard" }
  | { kind: "index"; index: number }
  | { kind: "slice"; start: number | undefined; end: number | undefined; step: number }
  | { kind: "filter"; expr: Expr }
  | { kind: "script"; expr: Expr };

interface Segment {
  descendant: boolean;
  selectors: Selector[];
}

type Expr =
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "current"; accessors: (string | number)[] }
  | { kind: "unary"; op: "!" | "-"; operand: Expr }
  | { kind: "binary"; op: string; left: Expr; right: Expr };

// ---------------------------------------------------------------------------------------------
// Tokenizer

interface Token {
  type: "punct" | "name" | "number" | "string" | "end";
  /** Punctuator or name as written; number source text; decoded string value. */
  text: string;
}

// Longest first, so `..` wins over `.` and `<=` over `<`.
const PUNCTUATORS = [
  "..",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "$",
  "@",
  ".",
  "[",
  "]",
  "(",
  ")",
  ",",
  ":",
  "*",
  "?",
  "<",
  ">",
  "!",
  "+",
  "-",
  "/",
];
const NAME = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*/y;
const NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  "'": "'",
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(source);
    if (m) pos += m[0].length;
    return m?.[0];
  };
  while (pos < source.length) {
    const ch = source[pos]!;
    if (/\s/.test(ch)) {
      pos++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      tokens.push({ type: "string", text: readString() });
      continue;
    }
    const number = match(NUMBER);
    if (number !== undefined) {
      tokens.push({ type: "number", text: number });
      continue;
    }
    const name = match(NAME);
    if (name !== undefined) {
      tokens.push({ type: "name", text: name });
      continue;
    }
    const punct = PUNCTUATORS.find((p) => source.startsWith(p, pos));
    if (punct === undefined) throw new JsonPathError(`Unexpected character '${ch}' at position ${pos}`);
    tokens.push({ type: "punct", text: punct });
    pos += punct.length;
  }
  tokens.push({ type: "end", text: "" });
  return tokens;

  function readString(): string {
    const quote = source[pos++];
    let value = "";
    while (pos < source.length && source[pos] !== quote) {
      let ch = source[pos++]!;
      if (ch === "\\") {
        const code = source[pos++] ?? "";
        const hex = source.slice(pos, pos + 4);
        if (code === "u" && /^[0-9a-fA-F]{4}$/.test(hex)) {
          ch = String.fromCharCode(parseInt(hex, 16));
          pos += 4;
        } else if (Object.hasOwn(ESCAPES, code)) ch = ESCAPES[code]!;
        else throw new JsonPathError(`Invalid escape sequence '\\${code}'`);
      }
      value += ch;
    }
    if (pos++ >= source.length) throw new JsonPathError("Unterminated string literal");
    return value;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

// Binary operators by increasing precedence; all left-associative.
const PRECEDENCE = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/"]];

class Parser {
  private pos = 0;
  private nesting = 0;
  constructor(private readonly tokens: Token[]) {}

  parsePath(): Segment[] {
    this.expect("$");
    const segments: Segment[] = [];
    while (this.peek().type !== "end") segments.push(this.parseSegment());
    return segments;
  }

  private parseSegment(): Segment {
    if (this.accept("..")) {
      if (this.accept("[")) return { descendant: true, selectors: this.parseBracket() };
      return { descendant: true, selectors: [this.parseDotSelector()] };
    }
    if (this.accept(".")) return { descendant: false, selectors: [this.parseDotSelector()] };
    this.expect("[");
    return { descendant: false, selectors: this.parseBracket() };
  }

  private parseDotSelector(): Selector {
    if (this.accept("*")) return { kind: "wildcard" };
    const token = this.next();
    if (token.type !== "name") throw this.unexpected(token);
    return { kind: "name", name: token.text };
  }

  /** The inside of `[...]` after the `[`: one selector or a comma-separated union. */
  private parseBracket(): Selector[] {
    const selectors = [this.parseBracketSelector()];
    while (this.accept(",")) selectors.push(this.parseBracketSelector());
    this.expect("]");
    return selectors;
  }

  private parseBracketSelector(): Selector {
    const token = this.peek();
    if (token.type === "string") {
      this.pos++;
      return { kind: "name", name: token.text };
    }
    if (this.accept("*")) return { kind: "wildcard" };
    if (this.accept("?")) return { kind: "filter", expr: this.parseParenthesized() };
    if (token.type === "punct" && token.text === "(") return { kind: "script", expr: this.parseParenthesized() };

    const start = this.parseOptionalInteger();
    if (!this.accept(":")) {
      if (start === undefined) throw this.unexpected(this.peek());
      return { kind: "index", index: start };
    }
    const end = this.parseOptionalInteger();
    const step = this.accept(":") ? (this.parseOptionalInteger() ?? 1) : 1;
    if (step === 0) throw new JsonPathError("Slice step cannot be zero");
    return { kind: "slice", start, end, step };
  }

  private parseOptionalInteger(): number | undefined {
    const negative = this.accept("-");
    const token = this.peek();
    if (token.type !== "number") {
      if (negative) throw this.unexpected(token);
      return undefined;
    }
    this.pos++;
    const value = Number(token.text) * (negative ? -1 : 1);
    if (!/^\d+$/.test(token.text) || !Number.isSafeInteger(value)) {
      throw new JsonPathError(`Invalid array index '${token.text}'`);
    }
    return value;
  }

  private parseParenthesized(): Expr {
    this.expect("(");
    const expr = this.parseBinary(0);
    this.expect(")");
    return expr;
  }

  private parseBinary(level: number): Expr {
    const ops = PRECEDENCE[level];
    if (ops === undefined) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (let op = this.peek(); op.type === "punct" && ops.includes(op.text); op = this.peek()) {
      this.pos++;
      left = { kind: "binary", op: op.text, left, right: this.parseBinary(level + 1) };
    }
    return left;
  }

  // Every nested construct passes through here, so this is where hostile nesting is stopped.
  private parseUnary(): Expr {
    if (++this.nesting > MAX_NESTING) throw new JsonPathError("Expression is nested too deeply");
    try {
      const op = this.peek().text;
      if (this.accept("!") || this.accept("-")) {
        return { kind: "unary", op: op === "!" ? "!" : "-", operand: this.parseUnary() };
      }
      return this.parsePrimary();
    } finally {
      this.nesting--;
    }
  }

  private parsePrimary(): Expr {
    const token = this.peek();
    if (token.text === "(" && token.type === "punct") return this.parseParenthesized();
    this.pos++;
    if (token.type === "number") return { kind: "literal", value: Number(token.text) };
    if (token.type === "string") return { kind: "literal", value: token.text };
    if (token.type === "name") {
      // Any other identifier (`this`, `process`, `constructor`...) would be code, not data.
      const literals: Record<string, boolean | null> = { true: true, false: false, null: null };
      if (!Object.hasOwn(literals, token.text)) throw new JsonPathError(`Unsupported identifier '${token.text}'`);
      return { kind: "literal", value: literals[token.text]! };
    }
    if (token.text !== "@" || token.type !== "punct") throw this.unexpected(token);

    const accessors: (string | number)[] = [];
    for (;;) {
      if (this.accept(".")) {
        const name = this.next();
        if (name.type !== "name") throw this.unexpected(name);
        accessors.push(name.text);
      } else if (this.accept("[")) {
        const key = this.peek();
        if (key.type === "string") {
          this.pos++;
          accessors.push(key.text);
        } else {
          const index = this.parseOptionalInteger();
          if (index === undefined) throw this.unexpected(key);
          accessors.push(index);
        }
        this.expect("]");
      } else {
        return { kind: "current", accessors };
      }
    }
  }

  private peek(): Token {
    return this.tokens[this.pos]!; // the trailing "end" token is never consumed past
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== "end") this.pos++;
    return token;
  }

  private accept(punct: string): boolean {
    const token = this.peek();
    if (token.type !== "punct" || token.text !== punct) return false;
    this.pos++;
    return true;
  }

  private expect(punct: string): void {
    if (!this.accept(punct)) throw this.unexpected(this.peek());
  }

  private unexpected(token: Token): JsonPathError {
    return new JsonPathError(token.type === "end" ? "Unexpected end of expression" : `Unexpected '${token.text}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return isObject(value) ? Object.values(value) : [];
}

function member(value: unknown, name: string): unknown {
  return isObject(value) && Object.hasOwn(value, name) ? value[name] : undefined;
}

function element(value: unknown, index: number): unknown {
  if (!Array.isArray(value)) return undefined;
  const i = index < 0 ? value.length + index : index;
  return i >= 0 && i < value.length ? value[i] : undefined;
}

/** Python slice semantics, as in RFC 9535 §2.3.4.2. */
function sliceIndices(length: number, s: Extract<Selector, { kind: "slice" }>): number[] {
  const normalize = (i: number) => (i >= 0 ? i : length + i);
  const clamp = (i: number, lo: number, hi: number) => Math.min(Math.max(i, lo), hi);
  const indices: number[] = [];
  if (s.step > 0) {
    const upper = clamp(normalize(s.end ?? length), 0, length);
    for (let i = clamp(normalize(s.start ?? 0), 0, length); i < upper; i += s.step) indices.push(i);
  } else {
    const lower = clamp(normalize(s.end ?? -length - 1), -1, length - 1);
    const down = -s.step;
    for (let i = clamp(normalize(s.start ?? length - 1), -1, length - 1); i > lower; i -= down) indices.push(i);
  }
  return indices;
}

class Budget {
  private left = MAX_STEPS;
  spend(): void {
    if (--this.left < 0) throw new JsonPathError("JSONPath expression is too expensive to evaluate");
  }
}

// `undefined` means "no value" (missing member, invalid arithmetic). Comparison rules, chosen to
// match JavaScript without its coercions: `==`/`!=` are `===`/`!==` (objects by identity),
// ordering needs two numbers or two strings, arithmetic needs two numbers and a finite result.
// Any comparison involving "no value" is false, so `@.missing != 1` does not match either;
// `!@.missing` is true, which makes `[?(!@.isbn)]` select the books without an isbn.
function evaluate(expr: Expr, current: unknown, budget: Budget): unknown {
  budget.spend();
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "current": {
      let value = current;
      for (const key of expr.accessors) {
        if (key === "length" && (Array.isArray(value) || typeof value === "string")) value = value.length;
        else value = typeof key === "number" ? element(value, key) : member(value, key);
      }
      return value;
    }
    case "unary": {
      const operand = evaluate(expr.operand, current, budget);
      if (expr.op === "!") return !operand;
      return typeof operand === "number" ? -operand : undefined;
    }
    case "binary": {
      const left = evaluate(expr.left, current, budget);
      // Short-circuit, so the right side of `@.a && @.a.b > 1` is not evaluated needlessly.
      if (expr.op === "&&") return Boolean(left) && Boolean(evaluate(expr.right, current, budget));
      if (expr.op === "||") return Boolean(left) || Boolean(evaluate(expr.right, current, budget));
      return binary(expr.op, left, evaluate(expr.right, current, budget));
    }
  }
}

function binary(op: string, left: unknown, right: unknown): unknown {
  const numbers = typeof left === "number" && typeof right === "number";
  const ordered = numbers || (typeof left === "string" && typeof right === "string");
  // Both sides are numbers or both strings whenever `ordered` holds, so the casts are safe.
  const [l, r] = [left as number, right as number];
  switch (op) {
    case "==":
      return left !== undefined && left === right;
    case "!=":
      return left !== undefined && right !== undefined && left !== right;
    case "<":
      return ordered && l < r;
    case "<=":
      return ordered && l <= r;
    case ">":
      return ordered && l > r;
    case ">=":
      return ordered && l >= r;
  }
  if (!numbers) return undefined;
  const result = op === "+" ? l + r : op === "-" ? l - r : op === "*" ? l * r : l / r;
  return Number.isFinite(result) ? result : undefined;
}

function select(selector: Selector, node: unknown, out: unknown[], budget: Budget): void {
  const add = (value: unknown) => {
    budget.spend();
    out.push(value);
  };
  switch (selector.kind) {
    case "name":
      if (isObject(node) && Object.hasOwn(node, selector.name)) add(node[selector.name]);
      return;
    case "wildcard":
      children(node).forEach(add);
      return;
    case "index": {
      const value = element(node, selector.index); // JSON has no `undefined`, so it means "absent"
      if (value !== undefined) add(value);
      return;
    }
    case "slice":
      if (Array.isArray(node)) for (const i of sliceIndices(node.length, selector)) add(node[i]);
      return;
    case "filter":
      for (const child of children(node)) if (evaluate(selector.expr, child, budget)) add(child);
      return;
    case "script": {
      // The value names the child to take: an index into an array or a member of an object.
      const key = evaluate(selector.expr, node, budget);
      if (typeof key === "number" && Number.isInteger(key)) select({ kind: "index", index: key }, node, out, budget);
      if (typeof key === "string") select({ kind: "name", name: key }, node, out, budget);
      return;
    }
  }
}

/** The node and all its descendants in pre-order; iterative so deep documents cannot overflow the stack. */
function descendantsAndSelf(root: unknown, budget: Budget): unknown[] {
  const result: unknown[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    budget.spend();
    result.push(node);
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return result;
}

/** Compiles once; throws JsonPathError on a syntax error, an unsupported construct or > 1000 chars. */
export function compileJsonPath(expression: string): (document: unknown) => unknown[] {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new JsonPathError(`Expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  const trimmed = expression.trim();
  if (trimmed === "") throw new JsonPathError("Expression is empty");
  // The leading `$` is optional: `tweets..category` means `$.tweets..category`.
  const source = trimmed.startsWith("$") ? trimmed : /^[.[]/.test(trimmed) ? `$${trimmed}` : `$.${trimmed}`;
  const segments = new Parser(tokenize(source)).parsePath();

  return (document) => {
    const budget = new Budget();
    let nodes: unknown[] = [document];
    for (const segment of segments) {
      const next: unknown[] = [];
      for (const node of nodes) {
        for (const target of segment.descendant ? descendantsAndSelf(node, budget) : [node]) {
          for (const selector of segment.selectors) select(selector, target, next, budget);
        }
      }
      nodes = next;
    }
    return nodes;
  };
}
