/**
 * The first error of an invalid record, as Ajv v6 (allErrors: false) reports it and JSONBin.io
 * shows it (API contract §5.4). cfworker decides whether a record is valid, but orders and words
 * its errors differently; `FirstError` walks the schema again in Ajv v6's keyword order and words
 * the error as Ajv v6 does.
 *
 * Where the wording knowingly differs from Ajv v6:
 * - A missing required property is named as written. Ajv v6, with its default options, prints it as
 *   a JavaScript accessor ('.name', "['my-key']") whenever the property has no schema under
 *   `properties`.
 * - Ajv v6 does not know drafts 2019-09 and 2020-12. Their keywords are checked in the group Ajv
 *   would have put them in, with Ajv v8's wording turned back into v6 style ("must" -> "should").
 */
import {
  deepCompareStrict,
  format as formats,
  type OutputUnit,
  validate as runValidator,
  type Schema,
  ucs2length,
} from "@cfworker/json-schema";
import { type Compiled, isObj, type Obj, recursiveTarget, refTarget, siblingsOfRefIgnored } from "./compiled";

/**
 * Only reached if FirstError finds nothing wrong with a record cfworker rejects, which would be a
 * disagreement between the two: report cfworker's innermost first error rather than nothing.
 */
export function fallbackMessage(units: OutputUnit[]): string {
  // A unit's subschema errors follow it and sit below it, except a false schema's, which cfworker
  // locates at the instance instead.
  let index = 0;
  while (units[index + 1]?.keywordLocation.startsWith(`${units[index]?.keywordLocation}/`)) index += 1;
  const unit = units[index];
  if (unit === undefined) return "should be valid";
  const next = units[index + 1];
  if (next?.keyword === "false" && next.instanceLocation !== unit.instanceLocation) {
    switch (unit.keyword) {
      case "additionalProperties":
        return "should NOT have additional properties";
      case "unevaluatedProperties":
        return "should NOT have unevaluated properties";
      case "additionalItems":
      case "unevaluatedItems":
        return `should NOT have more than ${next.instanceLocation.split("/").pop()} items`;
    }
  }
  if (unit.keyword === "false" || next?.keyword === "false") return "boolean schema is false";
  const expected = unit.keyword === "type" ? /Expected "(.*)"\.$/.exec(unit.error)?.[1] : undefined;
  if (expected !== undefined) return `should be ${expected.split('", "').join(",")}`;
  const missing = unit.keyword === "required" ? /property "(.*)"\.$/.exec(unit.error)?.[1] : undefined;
  if (missing !== undefined) return `should have required property '${missing}'`;
  return unit.error.replace(/\.$/, "");
}

export function capitalise(message: string): string {
  const worded = message.startsWith("must ") ? `should ${message.slice("must ".length)}` : message;
  return worded.charAt(0).toUpperCase() + worded.slice(1);
}

/** Ajv v6 checks keywords in these groups, in this order, each only for data of the group's type. */
type Group = "number" | "string" | "array" | "object";

const GROUP_ORDER: readonly Group[] = ["number", "string", "array", "object"];

const GROUP_KEYWORDS: Readonly<Record<Group, readonly string[]>> = {
  number: ["maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "multipleOf", "format"],
  string: ["maxLength", "minLength", "pattern", "format"],
  array: ["maxItems", "minItems", "items", "prefixItems", "contains", "uniqueItems"],
  object: [
    "maxProperties",
    "minProperties",
    "required",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "propertyNames",
    "properties",
    "additionalProperties",
    "patternProperties",
  ],
};

/** Ajv v6 skips subschemas with none of these ("empty" ones), which decides a few orderings. */
const RULE_KEYWORDS: ReadonlySet<string> = new Set([
  "type",
  "$comment",
  "$ref",
  "$recursiveRef",
  "const",
  "enum",
  "not",
  "anyOf",
  "oneOf",
  "allOf",
  "if",
  "unevaluatedItems",
  "unevaluatedProperties",
  ...Object.values(GROUP_KEYWORDS).flat(),
]);

interface Scope {
  /**
   * Inside anyOf, oneOf, not, contains, propertyNames or an `if` condition. Ajv v6 then collects
   * errors instead of returning the first one, which changes what `contains` reports first.
   */
  readonly composite: boolean;
  /** The outermost schema with `$recursiveAnchor: true` on the way here, for `$recursiveRef`. */
  readonly recursiveAnchor: Obj | null;
}

/**
 * Finds the error Ajv v6 would list first. With allErrors: false Ajv stops at the first failing
 * keyword, except inside anyOf, oneOf, `if`/`then`/`else` and propertyNames, where the failing
 * subschema's errors come before the keyword's own. So the message for a failing anyOf is its
 * first branch's, and "should match some schema in anyOf", "should match "then" schema" and
 * "property name '…' is invalid" are never the first error.
 */
export class FirstError {
  private readonly compiled: Compiled;

  constructor(compiled: Compiled) {
    this.compiled = compiled;
  }

  of(node: unknown, data: unknown, scope: Scope): string | null {
    if (!isObj(node)) return node === false ? "boolean schema is false" : null;
    if (scope.recursiveAnchor === null && node.$recursiveAnchor === true) {
      scope = { ...scope, recursiveAnchor: node };
    }
    if (node.$ref !== undefined && siblingsOfRefIgnored(this.compiled.draft)) {
      return this.of(refTarget(node, this.compiled.lookup), data, scope);
    }

    // Ajv v6 checks `type` up front, unless the type has a keyword group this schema uses: then the
    // check waits for that group's turn, after any earlier group's errors.
    const types = typeList(node.type);
    let deferredType: Group | undefined;
    if (types !== undefined) {
      const only = types.length === 1 ? types[0] : undefined;
      if (only !== undefined && isGroup(only) && usesGroup(node, only)) deferredType = only;
      else if (!types.some((type) => hasType(data, type))) return `should be ${types.join(",")}`;
    }

    for (const group of GROUP_ORDER) {
      if (!usesGroup(node, group)) continue;
      if (hasType(data, group)) {
        const error = this.group(group, node, data, scope);
        if (error !== null) return error;
      } else if (deferredType === group) {
        return `should be ${group}`;
      }
    }
    return this.applicators(node, data, scope) ?? this.unevaluated(node, data, scope);
  }

  private group(group: Group, node: Obj, data: unknown, scope: Scope): string | null {
    switch (group) {
      case "number":
        return numberError(node, data as number);
      case "string":
        return this.stringError(node, data as string);
      case "array":
        return this.arrayError(node, data as unknown[], scope);
      case "object":
        return this.objectError(node, data as Obj, scope);
    }
  }

  private stringError(node: Obj, text: string): string | null {
    const { maxLength, minLength, pattern, format } = node;
    const length = typeof maxLength === "number" || typeof minLength === "number" ? ucs2length(text) : 0;
    if (typeof maxLength === "number" && length > maxLength) {
      return `should NOT be longer than ${maxLength} characters`;
    }
    if (typeof minLength === "number" && length < minLength) {
      return `should NOT be shorter than ${minLength} characters`;
    }
    if (typeof pattern === "string" && !this.regex(pattern).test(text)) {
      return `should match pattern "${pattern}"`;
    }
    if (typeof format === "string" && Object.hasOwn(formats, format)) {
      const conforms = formats[format];
      if (conforms !== undefined && !conforms(text)) return `should match format "${format}"`;
    }
    return null;
  }

  private arrayError(node: Obj, list: unknown[], scope: Scope): string | null {
    const { maxItems, minItems } = node;
    if (typeof maxItems === "number" && list.length > maxItems) {
      return `should NOT have more than ${maxItems} items`;
    }
    if (typeof minItems === "number" && list.length < minItems) {
      return `should NOT have fewer than ${minItems} items`;
    }
    return this.itemsError(node, list, scope) ?? this.containsError(node, list, scope) ?? uniqueItemsError(node, list);
  }

  private itemsError(node: Obj, list: unknown[], scope: Scope): string | null {
    // Draft 2020-12's prefixItems/items pair plays the part of the older items-array/additionalItems.
    const { prefixItems, items } = node;
    const tuple = Array.isArray(prefixItems) ? prefixItems : Array.isArray(items) ? items : undefined;
    const rest = Array.isArray(prefixItems)
      ? Array.isArray(items)
        ? undefined
        : items
      : Array.isArray(items)
        ? node.additionalItems
        : items;

    if (tuple === undefined) {
      return hasRules(rest) ? this.firstOf(list, () => rest, scope) : null;
    }
    // Ajv v6 checks the length against `additionalItems: false` before any item.
    if (rest === false && list.length > tuple.length) {
      return `should NOT have more than ${tuple.length} items`;
    }
    const head = list.slice(0, tuple.length);
    const error = this.firstOf(head, (index) => tuple[index], scope);
    if (error !== null || !isObj(rest) || !hasRules(rest)) return error;
    return this.firstOf(list.slice(tuple.length), () => rest, scope);
  }

  private containsError(node: Obj, list: unknown[], scope: Scope): string | null {
    const { contains, minContains, maxContains } = node;
    if (contains === undefined) return null;
    const counted = typeof minContains === "number" || typeof maxContains === "number";
    let matches = 0;
    let firstItemError: string | null = null;
    for (const item of list) {
      const error = this.of(contains, item, { ...scope, composite: true });
      if (error === null) {
        matches += 1;
        if (!counted) break;
      } else {
        firstItemError ??= error;
      }
    }
    const least = typeof minContains === "number" ? minContains : 1;
    const most = typeof maxContains === "number" ? maxContains : undefined;
    if (matches >= least && (most === undefined || matches <= most)) return null;
    if (!counted) {
      // Ajv v6 keeps the items' errors ahead of its own only when collecting errors.
      return scope.composite && firstItemError !== null ? firstItemError : "should contain a valid item";
    }
    return most === undefined
      ? `should contain at least ${least} valid item(s)`
      : `should contain at least ${least} and no more than ${most} valid item(s)`;
  }

  private objectError(node: Obj, object: Obj, scope: Scope): string | null {
    const keys = Object.keys(object);
    const { maxProperties, minProperties, propertyNames } = node;
    if (typeof maxProperties === "number" && keys.length > maxProperties) {
      return `should NOT have more than ${maxProperties} properties`;
    }
    if (typeof minProperties === "number" && keys.length < minProperties) {
      return `should NOT have fewer than ${minProperties} properties`;
    }

    // Ajv v6 leaves required properties that have a non-empty schema under `properties` to the
    // properties pass below, so it reports those later than the others, in `properties` order.
    const required = stringList(node.required);
    const properties = isObj(node.properties) ? node.properties : undefined;
    const checkedLater = (name: string): boolean =>
      properties !== undefined &&
      Object.hasOwn(properties, name) &&
      isObj(properties[name]) &&
      hasRules(properties[name]);
    const missing = required.find((name) => !checkedLater(name) && !Object.hasOwn(object, name));
    if (missing !== undefined) return `should have required property '${missing}'`;

    const dependencies = isObj(node.dependencies) ? node.dependencies : {};
    const error =
      dependentRequiredError(dependencies, object) ??
      this.dependentSchemaError(dependencies, object, scope) ??
      dependentRequiredError(isObj(node.dependentRequired) ? node.dependentRequired : {}, object) ??
      this.dependentSchemaError(isObj(node.dependentSchemas) ? node.dependentSchemas : {}, object, scope);
    if (error !== null) return error;

    if (hasRules(propertyNames)) {
      const names = this.firstOf(keys, () => propertyNames, { ...scope, composite: true });
      if (names !== null) return names;
    }
    return this.propertiesError(node, object, keys, new Set(required), scope);
  }

  private dependentSchemaError(map: Obj, object: Obj, scope: Scope): string | null {
    for (const [property, dependent] of Object.entries(map)) {
      if (Array.isArray(dependent) || !hasRules(dependent) || !Object.hasOwn(object, property)) {
        continue;
      }
      const error = this.of(dependent, object, scope);
      if (error !== null) return error;
    }
    return null;
  }

  private propertiesError(
    node: Obj,
    object: Obj,
    keys: string[],
    required: ReadonlySet<string>,
    scope: Scope,
  ): string | null {
    const properties = isObj(node.properties) ? node.properties : {};
    const patternProperties = isObj(node.patternProperties) ? node.patternProperties : {};
    const patterns = Object.keys(patternProperties);
    const additional = node.additionalProperties;

    // Ajv v6 looks for additional properties before it validates any declared one.
    if (additional === false || (isObj(additional) && Object.keys(additional).length > 0)) {
      for (const key of keys) {
        if (Object.hasOwn(properties, key)) continue;
        if (patterns.some((source) => this.regex(source).test(key))) continue;
        if (additional === false) return "should NOT have additional properties";
        const error = this.of(additional, object[key], scope);
        if (error !== null) return error;
      }
    }

    for (const [name, subschema] of Object.entries(properties)) {
      if (!hasRules(subschema)) continue;
      if (!Object.hasOwn(object, name)) {
        if (required.has(name)) return `should have required property '${name}'`;
        continue;
      }
      const error = this.of(subschema, object[name], scope);
      if (error !== null) return error;
    }

    for (const source of patterns) {
      const subschema = patternProperties[source];
      if (!hasRules(subschema)) continue;
      const regex = this.regex(source);
      for (const key of keys) {
        if (!regex.test(key)) continue;
        const error = this.of(subschema, object[key], scope);
        if (error !== null) return error;
      }
    }
    return null;
  }

  private applicators(node: Obj, data: unknown, scope: Scope): string | null {
    const { lookup } = this.compiled;
    if (node.$ref !== undefined) {
      const error = this.of(refTarget(node, lookup), data, scope);
      if (error !== null) return error;
    }
    if (node.$recursiveRef !== undefined) {
      const target = recursiveTarget(node, lookup);
      const dynamic = isObj(target) && target.$recursiveAnchor === true ? scope.recursiveAnchor : null;
      const error = this.of(dynamic ?? target, data, scope);
      if (error !== null) return error;
    }
    if (node.const !== undefined && !deepCompareStrict(data, node.const)) {
      return "should be equal to constant";
    }
    if (Array.isArray(node.enum) && !node.enum.some((value) => deepCompareStrict(data, value))) {
      return "should be equal to one of the allowed values";
    }
    const collecting: Scope = { ...scope, composite: true };
    if (node.not !== undefined && this.of(node.not, data, collecting) === null) {
      return "should NOT be valid";
    }
    if (Array.isArray(node.anyOf)) {
      let first: string | undefined;
      for (const branch of node.anyOf) {
        const error = this.of(branch, data, collecting);
        if (error === null) {
          first = undefined;
          break;
        }
        first ??= error;
      }
      if (first !== undefined) return first;
    }
    if (Array.isArray(node.oneOf)) {
      // Ajv v6 stops at the second passing branch; errors of branches failing before it come first.
      let first: string | undefined;
      let passing = 0;
      for (const branch of node.oneOf) {
        const error = this.of(branch, data, collecting);
        if (error !== null) first ??= error;
        else if (++passing > 1) break;
      }
      if (passing !== 1) return first ?? "should match exactly one schema in oneOf";
    }
    if (Array.isArray(node.allOf)) {
      for (const branch of node.allOf) {
        const error = hasRules(branch) ? this.of(branch, data, scope) : null;
        if (error !== null) return error;
      }
    }
    if (node.if !== undefined && (hasRules(node.then) || hasRules(node.else))) {
      const branch = this.of(node.if, data, collecting) === null ? node.then : node.else;
      const error = this.of(branch, data, scope);
      if (error !== null) return error;
    }
    return null;
  }

  /**
   * Ajv v6 has no unevaluated* keywords; like Ajv v8 they come last. Which properties or items
   * count as evaluated depends on annotations only cfworker tracks, so it is asked again for this
   * schema alone and its report names the first offending property or item.
   */
  private unevaluated(node: Obj, data: unknown, scope: Scope): string | null {
    const { unevaluatedProperties, unevaluatedItems } = node;
    const applies =
      (unevaluatedProperties !== undefined && isObj(data)) || (unevaluatedItems !== undefined && Array.isArray(data));
    if (!applies) return null;
    let units: OutputUnit[];
    try {
      const { draft, lookup } = this.compiled;
      const anchor = scope.recursiveAnchor as Schema | null;
      units = runValidator(data, node as Schema, draft, lookup, true, anchor).errors;
    } catch {
      return null;
    }
    const index = units.findIndex(
      (unit) => unit.keywordLocation === "#/unevaluatedProperties" || unit.keywordLocation === "#/unevaluatedItems",
    );
    const unit = units[index];
    // The unit after the keyword's own is its subschema's first, located at the offending member.
    const member = topLevelMember(units[index + 1]?.instanceLocation);
    if (unit === undefined || member === undefined) return null;
    if (unit.keyword === "unevaluatedProperties") {
      if (unevaluatedProperties === false) return "should NOT have unevaluated properties";
      return this.of(unevaluatedProperties, (data as Obj)[member], scope);
    }
    const position = Number(member);
    if (unevaluatedItems === false) return `should NOT have more than ${position} items`;
    return this.of(unevaluatedItems, (data as unknown[])[position], scope);
  }

  /** The first error among `values`, each checked against the schema `schemaAt` gives for its index. */
  private firstOf(values: readonly unknown[], schemaAt: (index: number) => unknown, scope: Scope): string | null {
    for (const [index, value] of values.entries()) {
      const schema = schemaAt(index);
      if (!hasRules(schema)) continue;
      const error = this.of(schema, value, scope);
      if (error !== null) return error;
    }
    return null;
  }

  private regex(source: string): RegExp {
    let regex = this.compiled.patterns.get(source);
    if (regex === undefined) {
      regex = new RegExp(source, "u");
      this.compiled.patterns.set(source, regex);
    }
    return regex;
  }
}

function numberError(node: Obj, value: number): string | null {
  const error = limitError(node, value, true) ?? limitError(node, value, false);
  if (error !== null) return error;
  const { multipleOf } = node;
  if (typeof multipleOf === "number" && !isMultipleOf(value, multipleOf)) {
    return `should be multiple of ${multipleOf}`;
  }
  return null;
}

/** Ajv v6 folds each bound and its exclusive form into one check against the tighter of the two. */
function limitError(node: Obj, value: number, upper: boolean): string | null {
  const bound = node[upper ? "maximum" : "minimum"];
  const exclusive = node[upper ? "exclusiveMaximum" : "exclusiveMinimum"];
  let limit = typeof bound === "number" ? bound : undefined;
  // Draft 4 spells an exclusive bound as a boolean next to the bound, later drafts as a number.
  let strict = exclusive === true;
  if (typeof exclusive === "number" && (limit === undefined || (upper ? exclusive <= limit : exclusive >= limit))) {
    limit = exclusive;
    strict = true;
  }
  if (limit === undefined) return null;
  const within = upper ? (strict ? value < limit : value <= limit) : strict ? value > limit : value >= limit;
  return within ? null : `should be ${upper ? "<" : ">"}${strict ? "" : "="} ${limit}`;
}

/** Exact on the decimal forms, as cfworker decides it: 0.3 is a multiple of 0.1. */
function isMultipleOf(value: number, divisor: number): boolean {
  const [digits, exponent] = decimal(value);
  const [divisorDigits, divisorExponent] = decimal(divisor);
  if (divisorDigits === 0n) return false;
  const common = Math.min(exponent, divisorExponent);
  const scaled = digits * 10n ** BigInt(exponent - common);
  return scaled % (divisorDigits * 10n ** BigInt(divisorExponent - common)) === 0n;
}

/** |value| as digits × 10^exponent, from the shortest decimal that round-trips. */
function decimal(value: number): [bigint, number] {
  const [mantissa = "0", exponent = "0"] = Math.abs(value).toExponential().split("e");
  const [whole = "0", fraction = ""] = mantissa.split(".");
  return [BigInt(whole + fraction), Number(exponent) - fraction.length];
}

function uniqueItemsError(node: Obj, list: unknown[]): string | null {
  if (node.uniqueItems !== true || list.length < 2) return null;
  const pair = duplicatePair(node, list);
  return pair === undefined
    ? null
    : `should NOT have duplicate items (items ## ${pair[0]} and ${pair[1]} are identical)`;
}

/**
 * The two indexes in the order Ajv v6 prints them. When `items` declares only scalar types Ajv
 * scans from the end with a lookup table ("## 1 and 0" for [1, 1]); otherwise it compares pairs,
 * the later index outermost ("## 0 and 1").
 */
function duplicatePair(node: Obj, list: unknown[]): [number, number] | undefined {
  const itemTypes = isObj(node.items) ? typeList(node.items.type) : undefined;
  if (itemTypes !== undefined && !itemTypes.includes("object") && !itemTypes.includes("array")) {
    const seen = new Map<string, number>();
    for (let index = list.length - 1; index >= 0; index -= 1) {
      const item = list[index];
      if (!itemTypes.some((type) => hasType(item, type))) continue;
      const key = `${typeof item}:${String(item)}`;
      const later = seen.get(key);
      if (later !== undefined) return [later, index];
      seen.set(key, index);
    }
    return undefined;
  }
  // The pair Ajv's nested loops meet first: the last item with an equal one before it, and the
  // nearest such one. Canonical text finds it in one pass instead of comparing every pair.
  const lastSeen = new Map<string, number>();
  let pair: [number, number] | undefined;
  list.forEach((item, index) => {
    const key = canonical(item);
    const earlier = lastSeen.get(key);
    if (earlier !== undefined) pair = [earlier, index];
    lastSeen.set(key, index);
  });
  return pair;
}

/** JSON with sorted keys: equal exactly when the values are deeply equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObj(value)) {
    const members = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function dependentRequiredError(map: Obj, object: Obj): string | null {
  for (const [property, dependencies] of Object.entries(map)) {
    if (!Array.isArray(dependencies) || !Object.hasOwn(object, property)) continue;
    const names = stringList(dependencies);
    if (names.every((name) => Object.hasOwn(object, name))) continue;
    // Ajv v6 names every dependency, not only the missing ones.
    const needed = names.length === 1 ? `property ${names[0]}` : `properties ${names.join(", ")}`;
    return `should have ${needed} when property ${property} is present`;
  }
  return null;
}

/** The member named by an instance location one level below the root, e.g. "#/a~1b" -> "a/b". */
function topLevelMember(location: string | undefined): string | undefined {
  if (location === undefined || !location.startsWith("#/")) return undefined;
  const segment = location.slice(2);
  if (segment.includes("/")) return undefined;
  try {
    return decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~");
  } catch {
    return undefined;
  }
}

function usesGroup(node: Obj, group: Group): boolean {
  return GROUP_KEYWORDS[group].some((keyword) => node[keyword] !== undefined);
}

function isGroup(type: string): type is Group {
  return type === "number" || type === "string" || type === "array" || type === "object";
}

function hasRules(node: unknown): boolean {
  if (typeof node === "boolean") return !node;
  return isObj(node) && Object.keys(node).some((keyword) => RULE_KEYWORDS.has(keyword));
}

function typeList(type: unknown): string[] | undefined {
  if (typeof type === "string") return [type];
  return Array.isArray(type) ? stringList(type) : undefined;
}

function hasType(data: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return data === null;
    case "boolean":
    case "string":
    case "number":
      return typeof data === type;
    case "integer":
      return typeof data === "number" && Number.isInteger(data);
    case "array":
      return Array.isArray(data);
    case "object":
      return isObj(data);
    default:
      return false;
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
