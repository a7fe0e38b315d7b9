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
 * - Records beyond the bounds in ./limits are refused instead of being worked on for as long as
 *   they take.
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
import { dereference, type Schema, Validator } from "@cfworker/json-schema";
import { capitalise, FirstError } from "./ajv-v6-wording";
import { type Compiled, isObj, type Obj, recursiveTarget, refTarget, siblingsOfRefIgnored } from "./compiled";
import { budgetFor, ValidationLimit } from "./limits";
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
    walk = compile(schema, draft);
  } catch (error) {
    if (error instanceof InvalidSchemaError) throw error;
    // Whatever a document can make throw here (values JSON cannot hold, $ids or $refs that are
    // not URLs, duplicate $ids, nesting deep enough to exhaust the stack) makes it unusable.
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

function compile(input: Obj, draft: SchemaDraft): FirstError {
  // A private copy: dereference() annotates the schema objects and prepare() rewrites a few keywords.
  const root = JSON.parse(JSON.stringify(input)) as Obj;
  if (!metaValidator(draft).validate(root).valid) throw new InvalidSchemaError();

  const nodes = subschemas([root], new Set());
  for (const node of nodes) prepare(node, draft);

  const lookup: Record<string, Schema | boolean> = Object.create(null);
  dereference(root as Schema, lookup, BASE_URI);
  if (draft === "2020-12") for (const node of nodes) addDynamicAnchor(node, lookup);

  const reachable = withReferenced(nodes, lookup);
  const patterns: Compiled["patterns"] = new Map();
  const allowance = new CacheAllowance();
  for (const node of reachable) {
    checkReferences(node, draft, lookup);
    addPatterns(node, patterns, allowance);
  }
  rejectInPlaceCycles(reachable, draft, lookup);
  return new FirstError({ draft, root, lookup, patterns }, reachable);
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
 * Draft 4's meta-schema does not check these keys.
 */
function addPatterns(node: Obj, patterns: Compiled["patterns"], allowance: CacheAllowance): void {
  const sources = isObj(node.patternProperties) ? Object.keys(node.patternProperties) : [];
  if (typeof node.pattern === "string") sources.push(node.pattern);
  for (const source of sources) {
    if (patterns.has(source)) continue;
    try {
      new RegExp(source, "u");
      patterns.set(source, compilePattern(source, allowance));
    } catch {
      throw new InvalidSchemaError();
    }
  }
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
  const visit = (node: unknown): void => {
    if (!isObj(node) || state.get(node) === "done") return;
    if (state.get(node) === "open") throw new InvalidSchemaError();
    state.set(node, "open");
    for (const next of inPlaceApplicators(node, draft, lookup)) visit(next);
    state.set(node, "done");
  };
  nodes.forEach(visit);
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

const metaValidators = new Map<SchemaDraft, Validator>();

function metaValidator(draft: SchemaDraft): Validator {
  let validator = metaValidators.get(draft);
  if (validator === undefined) {
    validator = new Validator(META_SCHEMAS[draft] as Schema, draft, true);
    metaValidators.set(draft, validator);
  }
  return validator;
}
