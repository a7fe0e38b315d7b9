/**
 * JSON Schema documents for collections (API contract §5.4).
 *
 * Whether a record is valid is decided by @cfworker/json-schema, because Workers cannot run Ajv's
 * generated code and cfworker follows the drafts closely. The message, though, has to be the one
 * Ajv v6 (allErrors: false) puts first, as JSONBin.io reports it, and cfworker orders and words its
 * errors differently. So once a record is known to be invalid, `FirstError` (./ajv-v6-wording)
 * walks the schema again in Ajv v6's keyword order and words the error as Ajv v6 does.
 *
 * Where the result knowingly differs from Ajv v6 (see ./ajv-v6-wording for the wording):
 * - Validity always follows cfworker, so the outcome differs from Ajv v6 where the two libraries
 *   disagree: format checks (cfworker's "full" formats against Ajv's "fast" ones), multipleOf on
 *   decimals (exact here, floating-point division in Ajv), `type` next to a draft-4/7 `$ref` (ignored
 *   here, checked by Ajv), unknown formats (ignored here, a compile error in Ajv), and patterns
 *   (compiled with the `u` flag here).
 *
 * And from the drafts themselves:
 * - `format` is asserted in every draft, as Ajv and cfworker do; 2019-09 and 2020-12 only annotate.
 * - `$dynamicRef` is resolved statically (cfworker does not implement it); inside one document that
 *   only differs when an inner schema resource redefines the same dynamic anchor.
 * - A `$ref` loop that never leaves the instance (`{"$ref": "#"}`) makes the document invalid.
 */
import {
  dereference,
  format as formats,
  validate as runValidator,
  type Schema,
  type ValidationResult,
  Validator,
} from "@cfworker/json-schema";
import { capitalise, FirstError, fallbackMessage } from "./ajv-v6-wording";
import { type Compiled, isObj, type Obj, recursiveTarget, refTarget, siblingsOfRefIgnored } from "./compiled";
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
  let compiled: Compiled;
  try {
    compiled = compile(schema, draft);
  } catch (error) {
    if (error instanceof InvalidSchemaError) throw error;
    // Whatever a document can make throw here (values JSON cannot hold, $ids or $refs that are
    // not URLs, duplicate $ids, nesting deep enough to exhaust the stack) makes it unusable.
    throw new InvalidSchemaError();
  }
  return { draft, validate: (record) => check(compiled, record) };
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

function compile(input: Obj, draft: SchemaDraft): Compiled {
  // A private copy: dereference() annotates the schema objects and prepare() rewrites a few keywords.
  const root = JSON.parse(JSON.stringify(input)) as Obj;
  if (!metaValidator(draft).validate(root).valid) throw new InvalidSchemaError();

  const nodes = subschemas(root);
  const patterns = new Map<string, RegExp>();
  for (const node of nodes) prepare(node, draft, patterns);

  const lookup: Record<string, Schema | boolean> = Object.create(null);
  dereference(root as Schema, lookup, BASE_URI);
  if (draft === "2020-12") for (const node of nodes) addDynamicAnchor(node, lookup);
  for (const node of nodes) checkReferences(node, draft, lookup);
  rejectInPlaceCycles(nodes, draft, lookup);

  return { draft, root, lookup, patterns };
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

/** Schema objects in schema positions only: values under `const`, `enum` or unknown keywords are data. */
function subschemas(root: Obj): Obj[] {
  const found: Obj[] = [];
  const visit = (node: unknown): void => {
    if (!isObj(node)) return;
    found.push(node);
    for (const key of SUBSCHEMA_KEYWORDS) visit(node[key]);
    for (const key of SUBSCHEMA_LIST_KEYWORDS) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach(visit);
    }
    for (const key of SUBSCHEMA_MAP_KEYWORDS) {
      const map = node[key];
      if (isObj(map)) Object.values(map).forEach(visit);
    }
  };
  visit(root);
  return found;
}

function prepare(node: Obj, draft: SchemaDraft, patterns: Map<string, RegExp>): void {
  // Unknown formats are meant to be ignored, but cfworker looks format names up on a plain object:
  // "__proto__" or "__defineGetter__" would make it throw on every record.
  if (typeof node.format === "string" && !Object.hasOwn(formats, node.format)) delete node.format;
  // cfworker compiles patterns with the `u` flag on every record; one that does not compile would
  // throw then, so it has to fail here instead. Draft 4's meta-schema does not check these keys.
  if (typeof node.pattern === "string") addPattern(node.pattern, patterns);
  if (isObj(node.patternProperties)) {
    for (const source of Object.keys(node.patternProperties)) addPattern(source, patterns);
  }
  // cfworker ignores $dynamicRef; its static target is what it means in a single document.
  if (draft === "2020-12" && node.$dynamicRef !== undefined && node.$ref === undefined) {
    node.$ref = node.$dynamicRef;
  }
}

function addPattern(source: string, patterns: Map<string, RegExp>): void {
  if (patterns.has(source)) return;
  try {
    patterns.set(source, new RegExp(source, "u"));
  } catch {
    throw new InvalidSchemaError();
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
 * `{"anyOf": [{"$ref": "#"}]}`) never reaches a base case: cfworker evaluates every branch, so any
 * record would exhaust the stack. Loops through properties or items end with the record's depth.
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

function check(compiled: Compiled, record: unknown): string | null {
  let outcome: ValidationResult | undefined;
  try {
    outcome = runValidator(record, compiled.root as Schema, compiled.draft, compiled.lookup, true);
  } catch {
    // cfworker throws on values JSON cannot hold and, through encodeURI, on property names with
    // lone surrogates. FirstError handles both, so its answer stands in for the verdict.
    outcome = undefined;
  }
  if (outcome?.valid === true) return null;
  const message =
    new FirstError(compiled).of(compiled.root, record, { composite: false, recursiveAnchor: null }) ??
    (outcome === undefined ? null : fallbackMessage(outcome.errors));
  return message === null ? null : capitalise(message);
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
