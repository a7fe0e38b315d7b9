/**
 * JSON Schema documents for collections (API contract §5.4).
 *
 * Workers cannot run Ajv's generated code, and the message has to be the one Ajv v6
 * (allErrors: false) puts first, as JSONBin.io reports it. So a record is checked by our own walk
 * of the schema in Ajv v6's keyword order (`FirstError`, ./ajv-v6-wording), which words the first
 * error as Ajv v6 does; a record without one is valid. @cfworker/json-schema, which follows the
 * drafts closely, supplies `$ref` resolution (dereference), the format checks and string lengths,
 * and where it reads a keyword differently from Ajv v6 the walk follows it.
 *
 * Where the result knowingly differs from Ajv v6 (see ./ajv-v6-wording for the wording):
 * - Validity follows cfworker where the two libraries disagree: format checks (cfworker's "full"
 *   formats against Ajv's "fast" ones), multipleOf on decimals (exact here, floating-point division
 *   in Ajv), `type` next to a draft-4/7 `$ref` (ignored here, checked by Ajv), unknown formats
 *   (ignored here, a compile error in Ajv), and patterns (`u` flag here).
 * - Patterns run on a linear-time engine (./linear-regex), which refuses backreferences and inline
 *   modifiers; a schema using them is invalid. Ajv's V8 regexes accept them, and take exponential
 *   time on patterns such as `^(a+)+$`.
 * - Schemas and records beyond the bounds in ./limits are refused instead of being worked on for
 *   as long as they take.
 *
 * And from the drafts themselves:
 * - `format` is asserted in every draft, as Ajv and cfworker do; 2019-09 and 2020-12 only annotate.
 * - `$dynamicRef` is resolved statically (cfworker does not implement it); inside one document that
 *   only differs when an inner schema resource redefines the same dynamic anchor.
 * - unevaluatedProperties and unevaluatedItems count what valid in-place subschemas evaluated, as
 *   the drafts say (cfworker also lets such a subschema see what its parent evaluated before it),
 *   and, as in cfworker, `contains` counts as evaluating the items it matches in 2019-09 too.
 * - A `$ref` loop that never leaves the instance (`{"$ref": "#"}`) makes the document invalid.
 */
import {
  dereference,
  encodePointer,
  ignoredKeyword,
  type Schema,
  schemaArrayKeyword,
  schemaMapKeyword,
} from "@cfworker/json-schema";
import { capitalise, FirstError } from "./ajv-v6-wording";
import { type Compiled, isObj, type Obj, recursiveTarget, refTarget, siblingsOfRefIgnored } from "./compiled";
import {
  budgetFor,
  MAX_PATTERN_STATES_PER_SCHEMA,
  MAX_SCHEMA_DEPTH,
  MAX_SCHEMA_URI_CHARS,
  MAX_SCHEMA_VALUES,
  META_STEPS_PER_UNIT,
  ValidationLimit,
} from "./limits";
import { CacheAllowance, compilePattern } from "./linear-regex";
import { META_SCHEMAS, type SchemaDraft } from "./meta-schemas";

export type { SchemaDraft } from "./meta-schemas";

export class InvalidSchemaError extends Error {
  constructor() {
    super("Invalid JSON Schema");
    this.name = "InvalidSchemaError";
  }
}

export interface SchemaCheck {
  draft: SchemaDraft;
  /** Null when `record` is valid, else Ajv v6's first error message, capitalised. */
  validate(record: unknown): string | null;
}

/** Throws InvalidSchemaError when `schema` is not a valid schema document under the rules above. */
export function compileSchema(schema: unknown): SchemaCheck {
  if (!isObj(schema)) throw new InvalidSchemaError();
  const draft = draftOf(schema.$schema);
  let walk: FirstError;
  try {
    walk = compile(schema, draft, metaSchema(draft));
  } catch (error) {
    if (error instanceof InvalidSchemaError) throw error;
    // Whatever a document can make throw here (values JSON cannot hold, $ids or $refs that are
    // not URLs, duplicate $ids, property names encodeURI refuses) makes it unusable.
    throw new InvalidSchemaError();
  }
  return { draft, validate: (record) => check(walk, record) };
}

const DRAFT_URI = /^https?:\/\/json-schema\.org\/(draft-04|draft-07|draft\/2019-09|draft\/2020-12)\/schema#?$/;

const DRAFT_BY_PATH: Readonly<Record<string, SchemaDraft>> = {
  "draft-04": "4",
  "draft-07": "7",
  "draft/2019-09": "2019-09",
  "draft/2020-12": "2020-12",
};

function draftOf(uri: unknown): SchemaDraft {
  if (uri === undefined) return "7";
  const path = typeof uri === "string" ? DRAFT_URI.exec(uri)?.[1] : undefined;
  const draft = path === undefined ? undefined : DRAFT_BY_PATH[path];
  if (draft === undefined) throw new InvalidSchemaError();
  return draft;
}

/** Not a URL any document could mean, so a `$ref` can only reach this document by fragment or $id. */
const BASE_URI = new URL("https://schema.edgebin.invalid/root.json");

/** The walk for `input`; `meta` checks it against its draft's meta-schema (none for those themselves). */
function compile(input: Obj, draft: SchemaDraft, meta: FirstError | null): FirstError {
  checkSize(input);
  // A private copy: dereference() annotates the schema objects and prepare() rewrites a few keywords.
  const root = JSON.parse(JSON.stringify(input)) as Obj;
  if (meta !== null && !conforms(meta, root)) throw new InvalidSchemaError();

  const nodes = subschemas([root], new Set());
  for (const node of nodes) prepare(node, draft);

  if (urisLength(root) > MAX_SCHEMA_URI_CHARS) throw new InvalidSchemaError();
  const lookup: Record<string, Schema | boolean> = Object.create(null);
  dereference(root as Schema, lookup, BASE_URI);
  if (draft === "2020-12") for (const node of nodes) addDynamicAnchor(node, lookup);

  const reachable = withReferenced(nodes, lookup);
  const patterns: Compiled["patterns"] = new Map();
  const allowance = new CacheAllowance();
  let states = 0;
  for (const node of reachable) {
    checkReferences(node, draft, lookup);
    states += addPatterns(node, patterns, allowance);
    if (states > MAX_PATTERN_STATES_PER_SCHEMA) throw new InvalidSchemaError();
  }
  rejectInPlaceCycles(reachable, draft, lookup);
  return new FirstError({ draft, root, lookup, patterns }, reachable);
}

/** MAX_SCHEMA_DEPTH and MAX_SCHEMA_VALUES, measured without recursion before anything else runs. */
function checkSize(input: unknown): void {
  let values = 0;
  const stack: Array<[unknown, number]> = [[input, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (++values > MAX_SCHEMA_VALUES) throw new InvalidSchemaError();
    if (typeof value !== "object" || value === null) continue;
    if (depth > MAX_SCHEMA_DEPTH) throw new InvalidSchemaError();
    for (const member of Object.values(value)) stack.push([member, depth + 1]);
  }
}

function conforms(meta: FirstError, schema: Obj): boolean {
  try {
    return meta.find(schema, budgetFor(schema, META_STEPS_PER_UNIT)) === null;
  } catch (error) {
    if (error instanceof ValidationLimit) return false;
    throw error;
  }
}

const metaSchemas = new Map<SchemaDraft, FirstError>();

function metaSchema(draft: SchemaDraft): FirstError {
  let walk = metaSchemas.get(draft);
  if (walk === undefined) {
    walk = compile(META_SCHEMAS[draft], draft, null);
    metaSchemas.set(draft, walk);
  }
  return walk;
}

const SUBSCHEMA_KEYWORDS = [
  "additionalItems",
  "additionalProperties",
  "contains",
  "contentSchema",
  "else",
  "if",
  "items",
  "not",
  "propertyNames",
  "then",
  "unevaluatedItems",
  "unevaluatedProperties",
] as const;
const SUBSCHEMA_LIST_KEYWORDS = ["allOf", "anyOf", "items", "oneOf", "prefixItems"] as const;
const SUBSCHEMA_MAP_KEYWORDS = [
  "$defs",
  "definitions",
  "dependencies",
  "dependentSchemas",
  "patternProperties",
  "properties",
] as const;

/**
 * Schema objects in schema positions under `roots` (themselves included) that are not in `known`,
 * which grows by them: values under `const`, `enum` or unknown keywords are data.
 */
function subschemas(roots: readonly unknown[], known: Set<Obj>): Obj[] {
  const found: Obj[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isObj(node) || known.has(node)) continue;
    known.add(node);
    found.push(node);
    const children: unknown[] = [];
    for (const key of SUBSCHEMA_KEYWORDS) children.push(node[key]);
    for (const key of SUBSCHEMA_LIST_KEYWORDS) {
      const list = node[key];
      if (Array.isArray(list)) children.push(...list);
    }
    for (const key of SUBSCHEMA_MAP_KEYWORDS) {
      const map = node[key];
      if (isObj(map)) children.push(...Object.values(map));
    }
    // Reversed onto the stack, so the document order of the recursive version is kept.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return found;
}

/** `nodes` and every schema object a `$ref` or `$recursiveRef` leads to, with theirs. */
function withReferenced(nodes: Obj[], lookup: Record<string, Schema | boolean>): Obj[] {
  const known = new Set(nodes);
  const all = [...nodes];
  for (let i = 0; i < all.length; i++) {
    const node = all[i]!;
    all.push(...subschemas([refTarget(node, lookup), recursiveTarget(node, lookup)], known));
  }
  return all;
}

function prepare(node: Obj, draft: SchemaDraft): void {
  // cfworker ignores $dynamicRef; its static target is what it means in a single document.
  if (draft === "2020-12" && node.$dynamicRef !== undefined && node.$ref === undefined) {
    node.$ref = node.$dynamicRef;
  }
}

/**
 * Patterns compile here, so one that cannot is an invalid schema rather than an error on every
 * record: first as V8 compiles them with the `u` flag (the syntax), then for the linear engine.
 * Draft 4's meta-schema does not check these keys. Returns the automata states added.
 */
function addPatterns(node: Obj, patterns: Compiled["patterns"], allowance: CacheAllowance): number {
  const sources = isObj(node.patternProperties) ? Object.keys(node.patternProperties) : [];
  if (typeof node.pattern === "string") sources.push(node.pattern);
  let states = 0;
  for (const source of sources) {
    if (patterns.has(source)) continue;
    try {
      new RegExp(source, "u");
      const pattern = compilePattern(source, allowance);
      patterns.set(source, pattern);
      states += pattern.size;
    } catch {
      throw new InvalidSchemaError();
    }
  }
  return states;
}

/** A $dynamicAnchor is also a plain anchor, which cfworker does not register. */
function addDynamicAnchor(node: Obj, lookup: Record<string, Schema | boolean>): void {
  if (typeof node.$dynamicAnchor !== "string") return;
  const uri = new URL(`#${node.$dynamicAnchor}`, String(node.__absolute_uri__)).href;
  lookup[uri] ??= node as Schema;
}

function checkReferences(node: Obj, draft: SchemaDraft, lookup: Record<string, Schema | boolean>): void {
  if (node.$ref !== undefined && refTarget(node, lookup) === undefined) throw new InvalidSchemaError();
  // cfworker only follows "#", the one value draft 2019-09 defines; anything else would be skipped.
  if (node.$recursiveRef !== undefined) {
    if (node.$recursiveRef !== "#" || recursiveTarget(node, lookup) === undefined) {
      throw new InvalidSchemaError();
    }
  }
  // Left in place only when a sibling $ref took the keyword: not applied, but it must still resolve.
  if (draft === "2020-12" && typeof node.$dynamicRef === "string" && node.$dynamicRef !== node.$ref) {
    const uri = new URL(node.$dynamicRef, String(node.__absolute_uri__)).href;
    if (lookup[uri] === undefined) throw new InvalidSchemaError();
  }
}

/**
 * A loop of references through keywords that apply to the same instance (`{"$ref": "#"}`,
 * `{"anyOf": [{"$ref": "#"}]}`) never reaches a base case: every record would run into
 * MAX_NESTED_CHECKS. Loops through properties or items end with the record's depth.
 */
function rejectInPlaceCycles(nodes: Obj[], draft: SchemaDraft, lookup: Record<string, Schema | boolean>): void {
  const state = new Map<Obj, "open" | "done">();
  for (const start of nodes) {
    if (state.has(start)) continue;
    // Depth-first without recursion: a node stays "open" while its successors are on the stack.
    const stack: Array<{ node: Obj; next: unknown[] }> = [];
    const enter = (node: unknown): void => {
      if (!isObj(node) || state.get(node) === "done") return;
      if (state.get(node) === "open") throw new InvalidSchemaError();
      state.set(node, "open");
      stack.push({ node, next: inPlaceApplicators(node, draft, lookup).reverse() });
    };
    enter(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next.length > 0) {
        enter(top.next.pop());
      } else {
        state.set(top.node, "done");
        stack.pop();
      }
    }
  }
}

function inPlaceApplicators(node: Obj, draft: SchemaDraft, lookup: Record<string, Schema | boolean>): unknown[] {
  const next: unknown[] = [];
  if (node.$recursiveRef !== undefined) next.push(recursiveTarget(node, lookup));
  if (node.$ref !== undefined) {
    next.push(refTarget(node, lookup));
    if (siblingsOfRefIgnored(draft)) return next;
  }
  for (const key of ["allOf", "anyOf", "oneOf"] as const) {
    const list = node[key];
    if (Array.isArray(list)) next.push(...list);
  }
  next.push(node.not, node.if, node.then, node.else);
  for (const key of ["dependencies", "dependentSchemas"] as const) {
    const map = node[key];
    if (isObj(map)) next.push(...Object.values(map));
  }
  return next;
}

function check(walk: FirstError, record: unknown): string | null {
  try {
    const message = walk.find(record, budgetFor(record));
    return message === null ? null : capitalise(message);
  } catch (error) {
    if (error instanceof ValidationLimit) return `Record ${error.message}`;
    throw error;
  }
}

/**
 * The characters of the URIs dereference() builds for `root` (see MAX_SCHEMA_URI_CHARS), counted
 * by walking the document as it does, in the same keywords, without building them.
 */
function urisLength(root: Obj): number {
  let total = 0;
  // `pointer` is the length of the JSON pointer from the current base; `top` means it is empty.
  const stack: Array<{ schema: unknown; base: URL; pointer: number; top: boolean }> = [
    { schema: root, base: BASE_URI, pointer: 0, top: true },
  ];
  while (stack.length > 0 && total <= MAX_SCHEMA_URI_CHARS) {
    const item = stack.pop()!;
    const { schema, pointer, top } = item;
    let { base } = item;
    if (isObj(schema)) {
      const id = schema.$id || schema.id;
      if (id) {
        const url = new URL(String(id), base.href);
        if (url.hash.length > 1) {
          total += url.href.length;
        } else if (top) {
          url.hash = "";
          base = url;
        } else {
          // dereference() walks an embedded resource again from its own base, then goes on.
          url.hash = "";
          stack.push({ schema, base: url, pointer: 0, top: true });
        }
      }
    } else if (typeof schema !== "boolean") {
      continue;
    }
    total += base.href.length + (top ? 0 : 1 + pointer);
    if (!isObj(schema)) continue;
    for (const keyword of ["$ref", "$recursiveRef", "$anchor"]) {
      if (schema[keyword]) total += base.href.length + String(schema[keyword]).length;
    }
    for (const key in schema) {
      if (ignoredKeyword[key]) continue;
      const at = pointer + 1 + encodePointer(key).length;
      const sub = schema[key];
      if (Array.isArray(sub)) {
        if (schemaArrayKeyword[key]) {
          for (const [i, member] of sub.entries()) {
            stack.push({ schema: member, base, pointer: at + 1 + String(i).length, top: false });
          }
        }
      } else if (schemaMapKeyword[key]) {
        for (const [name, member] of Object.entries(Object(sub) as Obj)) {
          stack.push({ schema: member, base, pointer: at + 1 + encodePointer(name).length, top: false });
        }
      } else {
        stack.push({ schema: sub, base, pointer: at, top: false });
      }
    }
  }
  return total;
}
