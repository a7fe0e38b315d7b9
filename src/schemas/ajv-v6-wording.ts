/**
 * The first error of a record, as Ajv v6 (allErrors: false) reports it and JSONBin.io shows it
 * (API contract §5.4), and with it the verdict: a record is valid when there is no first error.
 * `FirstError` walks the schema in Ajv v6's keyword order and words the error as Ajv v6 does; where
 * the two libraries read a keyword differently it follows cfworker (see ./validator).
 *
 * Where the wording knowingly differs from Ajv v6:
 * - A missing required property is named as written. Ajv v6, with its default options, prints it as
 *   a JavaScript accessor ('.name', "['my-key']") whenever the property has no schema under
 *   `properties`.
 * - Ajv v6 does not know drafts 2019-09 and 2020-12. Their keywords are checked in the group Ajv
 *   would have put them in, with Ajv v8's wording turned back into v6 style ("must" -> "should").
 *
 * The walk never recurses on the call stack: each subschema check is a generator that yields the
 * checks it needs, and `Walk.run` keeps the pending ones on a list, so a record's depth is bounded
 * by memory (MAX_NESTED_CHECKS) instead of the stack. Every step is charged to a work budget.
 */
import { ucs2length } from "@cfworker/json-schema";
import { type Compiled, isObj, type Obj, recursiveTarget, refTarget, siblingsOfRefIgnored } from "./compiled";
import { formats } from "./formats";
import { JsonIdentity } from "./json-identity";
import { MAX_NESTED_CHECKS, ValidationLimit, type WorkBudget } from "./limits";
import { compilePattern, type LinearPattern } from "./linear-regex";

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

const TOP: Scope = { composite: false, recursiveAnchor: null };

/** What a schema object's keywords come to, worked out once per compiled schema. */
interface Plan {
  readonly hasRules: boolean;
  readonly types: readonly string[] | undefined;
  /** A single type whose keyword group the schema uses: checked at that group's turn. */
  readonly deferredType: Group | undefined;
  readonly groups: readonly Group[];
  readonly required: ReadonlySet<string>;
  /** Required names without a schema of their own under `properties`, checked up front. */
  readonly requiredFirst: readonly string[];
  /** `properties` entries whose schema has rules, in document order. */
  readonly properties: ReadonlyArray<readonly [string, unknown]>;
  /** Position of each name in `properties`. */
  readonly propertyIndex: ReadonlyMap<string, number>;
  /** Positions in `properties` of the required names. */
  readonly requiredProperties: readonly number[];
  readonly checksAdditional: boolean;
  readonly constant: Sameness | undefined;
  readonly allowed: Sameness | undefined;
  /** Array keywords that check items against subschemas (items, prefixItems, contains). */
  readonly itemSchemas: boolean;
  /** Object keywords that check members against subschemas. */
  readonly memberSchemas: boolean;
  /** `dependencies` with a schema (not a list of names) among its values. */
  readonly dependencySchemas: boolean;
  /** $ref, $recursiveRef, not, anyOf, oneOf, allOf, or an `if` with a branch. */
  readonly inPlace: boolean;
  readonly unevaluated: boolean;
  /** No item or member schemas, nothing in place, no unevaluated*: checked without asking for any other. */
  readonly leaf: boolean;
  /** Only a `$ref` applies (or siblings of `$ref` are ignored): checking it is checking its target. */
  readonly forwards: boolean;
}

/**
 * `const` or `enum`: scalars as themselves (a Set compares them as === does, 0 and -0 alike),
 * objects and arrays by their numbers from the schema's JsonIdentity.
 */
interface Sameness {
  readonly scalars: ReadonlySet<unknown>;
  readonly composites: ReadonlySet<number>;
}

/** A check the walk needs before it can go on: the first error, or what a subschema evaluated. */
interface Ask {
  evaluated: boolean;
  node: unknown;
  data: unknown;
  scope: Scope;
}

/** Properties and items a valid subschema evaluated, for unevaluatedProperties / unevaluatedItems. */
interface Evaluated {
  allProperties: boolean;
  readonly properties: Set<string>;
  allItems: boolean;
  readonly items: Set<number>;
}

type Check<T> = Generator<Ask, T, unknown>;

const COLLECTING: Scope = { composite: true, recursiveAnchor: null };

function collecting(scope: Scope): Scope {
  if (scope.composite) return scope;
  return scope.recursiveAnchor === null ? COLLECTING : { ...scope, composite: true };
}

/**
 * Finds the error Ajv v6 would list first. With allErrors: false Ajv stops at the first failing
 * keyword, except inside anyOf, oneOf, `if`/`then`/`else` and propertyNames, where the failing
 * subschema's errors come before the keyword's own. So the message for a failing anyOf is its
 * first branch's, and "should match some schema in anyOf", "should match "then" schema" and
 * "property name '…' is invalid" are never the first error.
 */
export class FirstError {
  /** `enum` and `const` values are numbered here, before any record is. */
  readonly identity = new JsonIdentity();
  private readonly plans = new Map<Obj, Plan>();

  /** `nodes`: every schema object a walk can reach, so their plans are made before any walk. */
  constructor(
    readonly compiled: Compiled,
    nodes: Iterable<Obj>,
  ) {
    const refOnly = siblingsOfRefIgnored(compiled.draft);
    for (const node of nodes) this.plans.set(node, makePlan(node, this.identity, refOnly));
  }

  /** Null when `record` is valid. Throws ValidationLimit when a bound stops the walk. */
  find(record: unknown, budget: WorkBudget): string | null {
    return new Walk(this, this.plans, budget).run(this.compiled.root, record);
  }

  pattern(source: string): LinearPattern {
    let pattern = this.compiled.patterns.get(source);
    if (pattern === undefined) {
      pattern = compilePattern(source);
      this.compiled.patterns.set(source, pattern);
    }
    return pattern;
  }
}

class Walk {
  private readonly identity: JsonIdentity;
  private readonly refOnly: boolean;
  /** Plans of schema objects the compile step did not see, numbered by this walk's identity. */
  private readonly ownPlans = new Map<Obj, Plan>();
  /** One ask object, reused: `run` reads it as soon as a check yields it. */
  private readonly pendingAsk: Ask = { evaluated: false, node: undefined, data: undefined, scope: TOP };

  constructor(
    private readonly schema: FirstError,
    private readonly plans: ReadonlyMap<Obj, Plan>,
    private readonly budget: WorkBudget,
  ) {
    this.identity = new JsonIdentity(schema.identity);
    this.refOnly = siblingsOfRefIgnored(schema.compiled.draft);
  }

  run(root: unknown, record: unknown): string | null {
    const pending: Check<unknown>[] = [this.of(root, record, TOP)];
    let answer: unknown;
    for (;;) {
      const step = pending[pending.length - 1]!.next(answer);
      if (step.done) {
        pending.pop();
        answer = step.value;
        if (pending.length === 0) return answer as string | null;
        continue;
      }
      this.budget.spend(1);
      const { evaluated, data, scope } = step.value;
      let { node } = step.value;
      let plan = isObj(node) ? this.plan(node) : undefined;
      while (plan?.forwards) {
        this.budget.spend(1);
        node = refTarget(node as Obj, this.schema.compiled.lookup);
        plan = isObj(node) ? this.plan(node) : undefined;
      }
      if (!evaluated) {
        // Most subschemas need no others: answered here, without a generator of their own.
        if (plan === undefined) {
          answer = node === false ? "boolean schema is false" : null;
          continue;
        }
        if (plan.leaf) {
          answer = this.leafError(node as Obj, plan, data);
          continue;
        }
      }
      if (pending.length >= MAX_NESTED_CHECKS) {
        throw new ValidationLimit(
          `is nested too deeply to validate against this schema (more than ${MAX_NESTED_CHECKS} nested subschemas)`,
        );
      }
      pending.push(evaluated ? this.evaluated(node, data, scope, false) : this.of(node, data, scope));
      answer = undefined;
    }
  }

  private check(node: unknown, data: unknown, scope: Scope): Ask {
    return this.ask(false, node, data, scope);
  }

  private evaluate(node: unknown, data: unknown, scope: Scope): Ask {
    return this.ask(true, node, data, scope);
  }

  private ask(evaluated: boolean, node: unknown, data: unknown, scope: Scope): Ask {
    const ask = this.pendingAsk;
    ask.evaluated = evaluated;
    ask.node = node;
    ask.data = data;
    ask.scope = scope;
    return ask;
  }

  private plan(node: Obj): Plan {
    let plan = this.plans.get(node) ?? this.ownPlans.get(node);
    if (plan === undefined) {
      plan = makePlan(node, this.identity, this.refOnly);
      this.ownPlans.set(node, plan);
    }
    return plan;
  }

  private hasRules(node: unknown): boolean {
    if (typeof node === "boolean") return !node;
    return isObj(node) && this.plan(node).hasRules;
  }

  private *of(node: unknown, data: unknown, scope: Scope): Check<string | null> {
    if (!isObj(node)) return node === false ? "boolean schema is false" : null;
    if (scope.recursiveAnchor === null && node.$recursiveAnchor === true) {
      scope = { ...scope, recursiveAnchor: node };
    }
    if (node.$ref !== undefined && this.refOnly) {
      return (yield this.check(refTarget(node, this.schema.compiled.lookup), data, scope)) as string | null;
    }
    const plan = this.plan(node);
    const typeError = wrongType(plan, data);
    if (typeError !== undefined) return typeError;
    for (const group of plan.groups) {
      if (hasType(data, group)) {
        let error: string | null;
        if (group === "array" && plan.itemSchemas) error = yield* this.arrayError(node, data as unknown[], scope);
        else if (group === "object" && plan.memberSchemas)
          error = yield* this.objectError(node, plan, data as Obj, scope);
        else error = this.groupError(group, node, plan, data);
        if (error !== null) return error;
      } else if (plan.deferredType === group) {
        return `should be ${group}`;
      }
    }
    const error = plan.inPlace ? yield* this.applicators(node, plan, data, scope) : this.sameError(plan, data);
    if (error !== null || !plan.unevaluated) return error;
    return yield* this.unevaluated(node, data, scope);
  }

  /** `of` for a schema that applies no other schema to the data: the same checks in the same order. */
  private leafError(node: Obj, plan: Plan, data: unknown): string | null {
    const typeError = wrongType(plan, data);
    if (typeError !== undefined) return typeError;
    for (const group of plan.groups) {
      if (hasType(data, group)) {
        const error = this.groupError(group, node, plan, data);
        if (error !== null) return error;
      } else if (plan.deferredType === group) {
        return `should be ${group}`;
      }
    }
    return this.sameError(plan, data);
  }

  /** A keyword group's checks when none of them applies a subschema. */
  private groupError(group: Group, node: Obj, plan: Plan, data: unknown): string | null {
    switch (group) {
      case "number":
        return numberError(node, data as number);
      case "string":
        return this.stringError(node, data as string);
      case "array":
        return countError(node, data as unknown[]) ?? this.uniqueItemsError(node, data as unknown[]);
      case "object": {
        const keys = Object.keys(data as Obj);
        return (
          this.objectCountsError(node, plan, data as Obj, keys) ??
          this.dependentRequiredError(isObj(node.dependentRequired) ? node.dependentRequired : {}, data as Obj)
        );
      }
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
    if (typeof pattern === "string" && !this.matches(pattern, text)) {
      return `should match pattern "${pattern}"`;
    }
    if (typeof format === "string" && Object.hasOwn(formats, format)) {
      this.budget.spend(text.length);
      const conforms = formats[format];
      if (conforms !== undefined && !conforms(text)) return `should match format "${format}"`;
    }
    return null;
  }

  private matches(source: string, text: string): boolean {
    return this.schema.pattern(source).test(text, this.budget);
  }

  private *arrayError(node: Obj, list: unknown[], scope: Scope): Check<string | null> {
    const counted = countError(node, list);
    if (counted !== null) return counted;
    const items = node.items !== undefined || node.prefixItems !== undefined;
    return (
      (items ? yield* this.itemsError(node, list, scope) : null) ??
      (node.contains !== undefined ? yield* this.containsError(node, list, scope) : null) ??
      this.uniqueItemsError(node, list)
    );
  }

  private *itemsError(node: Obj, list: unknown[], scope: Scope): Check<string | null> {
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
      return this.hasRules(rest) ? yield* this.firstOf(list, 0, list.length, () => rest, scope) : null;
    }
    // Ajv v6 checks the length against `additionalItems: false` before any item.
    if (rest === false && list.length > tuple.length) {
      return `should NOT have more than ${tuple.length} items`;
    }
    const head = Math.min(tuple.length, list.length);
    const error = yield* this.firstOf(list, 0, head, (index) => tuple[index], scope);
    if (error !== null || !isObj(rest) || !this.hasRules(rest)) return error;
    return yield* this.firstOf(list, tuple.length, list.length, () => rest, scope);
  }

  private *containsError(node: Obj, list: unknown[], scope: Scope): Check<string | null> {
    const { contains, minContains, maxContains } = node;
    if (contains === undefined) return null;
    const counted = typeof minContains === "number" || typeof maxContains === "number";
    let matches = 0;
    let firstItemError: string | null = null;
    for (const item of list) {
      const error = (yield this.check(contains, item, collecting(scope))) as string | null;
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

  private uniqueItemsError(node: Obj, list: unknown[]): string | null {
    if (node.uniqueItems !== true || list.length < 2) return null;
    this.budget.spend(list.length);
    const pair = this.duplicatePair(node, list);
    return pair === undefined
      ? null
      : `should NOT have duplicate items (items ## ${pair[0]} and ${pair[1]} are identical)`;
  }

  /**
   * The two indexes in the order Ajv v6 prints them. When `items` declares only scalar types Ajv
   * scans from the end with a lookup table ("## 1 and 0" for [1, 1]); otherwise it compares pairs,
   * the later index outermost ("## 0 and 1").
   */
  private duplicatePair(node: Obj, list: unknown[]): [number, number] | undefined {
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
    // nearest such one. Numbering equal values alike finds it in one pass instead of comparing pairs;
    // scalars are their own keys (a Map compares them as === does).
    const lastScalar = new Map<unknown, number>();
    const lastComposite = new Map<number, number>();
    let pair: [number, number] | undefined;
    list.forEach((item, index) => {
      const composite = typeof item === "object" && item !== null;
      const key = composite ? this.identity.of(item) : item;
      const lastSeen: Map<unknown, number> = composite ? lastComposite : lastScalar;
      const earlier = lastSeen.get(key);
      if (earlier !== undefined) pair = [earlier, index];
      lastSeen.set(key, index);
    });
    return pair;
  }

  private *objectError(node: Obj, plan: Plan, object: Obj, scope: Scope): Check<string | null> {
    const keys = Object.keys(object);
    const counted = this.objectCountsError(node, plan, object, keys);
    if (counted !== null) return counted;
    const { dependencies, dependentRequired, dependentSchemas } = node;
    const error =
      (plan.dependencySchemas ? yield* this.dependentSchemaError(dependencies as Obj, object, scope) : null) ??
      this.dependentRequiredError(isObj(dependentRequired) ? dependentRequired : {}, object) ??
      (isObj(dependentSchemas) ? yield* this.dependentSchemaError(dependentSchemas, object, scope) : null);
    if (error !== null) return error;

    const { propertyNames } = node;
    if (this.hasRules(propertyNames)) {
      const names = yield* this.firstOf(keys, 0, keys.length, () => propertyNames, collecting(scope));
      if (names !== null) return names;
    }

    // Ajv v6 looks for additional properties before it validates any declared one.
    const properties = isObj(node.properties) ? node.properties : {};
    const patternProperties = isObj(node.patternProperties) ? node.patternProperties : {};
    const patterns = Object.keys(patternProperties);
    const additional = node.additionalProperties;
    if (plan.checksAdditional) {
      for (const key of keys) {
        if (Object.hasOwn(properties, key)) continue;
        this.budget.spend(patterns.length);
        if (patterns.some((source) => this.matches(source, key))) continue;
        if (additional === false) return "should NOT have additional properties";
        const error = (yield this.check(additional, object[key], scope)) as string | null;
        if (error !== null) return error;
      }
    }

    for (const index of this.propertiesToCheck(plan, object, keys)) {
      const [name, subschema] = plan.properties[index]!;
      if (!Object.hasOwn(object, name)) {
        if (plan.required.has(name)) return `should have required property '${name}'`;
        continue;
      }
      const error = (yield this.check(subschema, object[name], scope)) as string | null;
      if (error !== null) return error;
    }

    for (const source of patterns) {
      const subschema = patternProperties[source];
      if (!this.hasRules(subschema)) continue;
      this.budget.spend(keys.length);
      for (const key of keys) {
        if (!this.matches(source, key)) continue;
        const error = (yield this.check(subschema, object[key], scope)) as string | null;
        if (error !== null) return error;
      }
    }
    return null;
  }

  /** The object checks before any subschema: counts, required names, then `dependencies` lists. */
  private objectCountsError(node: Obj, plan: Plan, object: Obj, keys: string[]): string | null {
    this.budget.spend(keys.length + plan.requiredFirst.length);
    const { maxProperties, minProperties } = node;
    if (typeof maxProperties === "number" && keys.length > maxProperties) {
      return `should NOT have more than ${maxProperties} properties`;
    }
    if (typeof minProperties === "number" && keys.length < minProperties) {
      return `should NOT have fewer than ${minProperties} properties`;
    }
    // Ajv v6 leaves required properties that have a non-empty schema under `properties` to the
    // properties pass, so it reports those later than the others, in `properties` order.
    const missing = plan.requiredFirst.find((name) => !Object.hasOwn(object, name));
    if (missing !== undefined) return `should have required property '${missing}'`;
    return this.dependentRequiredError(isObj(node.dependencies) ? node.dependencies : {}, object);
  }

  private dependentRequiredError(map: Obj, object: Obj): string | null {
    for (const [property, dependencies] of Object.entries(map)) {
      this.budget.spend(1);
      if (!Array.isArray(dependencies) || !Object.hasOwn(object, property)) continue;
      const names = stringList(dependencies);
      this.budget.spend(names.length);
      if (names.every((name) => Object.hasOwn(object, name))) continue;
      // Ajv v6 names every dependency, not only the missing ones.
      const needed = names.length === 1 ? `property ${names[0]}` : `properties ${names.join(", ")}`;
      return `should have ${needed} when property ${property} is present`;
    }
    return null;
  }

  private *dependentSchemaError(map: Obj, object: Obj, scope: Scope): Check<string | null> {
    for (const [property, dependent] of Object.entries(map)) {
      this.budget.spend(1);
      if (Array.isArray(dependent) || !this.hasRules(dependent) || !Object.hasOwn(object, property)) {
        continue;
      }
      const error = (yield this.check(dependent, object, scope)) as string | null;
      if (error !== null) return error;
    }
    return null;
  }

  /**
   * Which `properties` entries the pass must look at, in document order: all of them, or, when the
   * object has far fewer members (a schema document checked against its meta-schema's 50 or so),
   * only those it has and the required ones it lacks.
   */
  private propertiesToCheck(plan: Plan, object: Obj, keys: string[]): Iterable<number> {
    const count = plan.properties.length;
    if (keys.length * 4 >= count) {
      this.budget.spend(count);
      return Array.from({ length: count }, (_, index) => index);
    }
    const indexes: number[] = [];
    for (const key of keys) {
      const index = plan.propertyIndex.get(key);
      if (index !== undefined) indexes.push(index);
    }
    for (const index of plan.requiredProperties) {
      if (!Object.hasOwn(object, plan.properties[index]![0])) indexes.push(index);
    }
    this.budget.spend(keys.length + plan.requiredProperties.length);
    return indexes.sort((a, b) => a - b);
  }

  private *applicators(node: Obj, plan: Plan, data: unknown, scope: Scope): Check<string | null> {
    const { lookup } = this.schema.compiled;
    if (node.$ref !== undefined) {
      const error = (yield this.check(refTarget(node, lookup), data, scope)) as string | null;
      if (error !== null) return error;
    }
    if (node.$recursiveRef !== undefined) {
      const error = (yield this.check(this.recursiveTarget(node, scope), data, scope)) as string | null;
      if (error !== null) return error;
    }
    const same = this.sameError(plan, data);
    if (same !== null) return same;
    const inBranch = collecting(scope);
    if (node.not !== undefined && (yield this.check(node.not, data, inBranch)) === null) {
      return "should NOT be valid";
    }
    if (Array.isArray(node.anyOf)) {
      let first: string | undefined;
      for (const branch of node.anyOf) {
        const error = (yield this.check(branch, data, inBranch)) as string | null;
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
        const error = (yield this.check(branch, data, inBranch)) as string | null;
        if (error !== null) first ??= error;
        else if (++passing > 1) break;
      }
      if (passing !== 1) return first ?? "should match exactly one schema in oneOf";
    }
    if (Array.isArray(node.allOf)) {
      for (const branch of node.allOf) {
        const error = this.hasRules(branch) ? ((yield this.check(branch, data, scope)) as string | null) : null;
        if (error !== null) return error;
      }
    }
    if (node.if !== undefined && (this.hasRules(node.then) || this.hasRules(node.else))) {
      const branch = (yield this.check(node.if, data, inBranch)) === null ? node.then : node.else;
      const error = (yield this.check(branch, data, scope)) as string | null;
      if (error !== null) return error;
    }
    return null;
  }

  private recursiveTarget(node: Obj, scope: Scope): unknown {
    const target = recursiveTarget(node, this.schema.compiled.lookup);
    const dynamic = isObj(target) && target.$recursiveAnchor === true ? scope.recursiveAnchor : null;
    return dynamic ?? target;
  }

  private sameError(plan: Plan, data: unknown): string | null {
    if (plan.constant !== undefined && !this.same(plan.constant, data)) return "should be equal to constant";
    if (plan.allowed !== undefined && !this.same(plan.allowed, data)) {
      return "should be equal to one of the allowed values";
    }
    return null;
  }

  private same(values: Sameness, data: unknown): boolean {
    if (typeof data !== "object" || data === null) return values.scalars.has(data);
    return values.composites.size > 0 && values.composites.has(this.identity.of(data));
  }

  /**
   * Ajv v6 has no unevaluated* keywords; like Ajv v8 they come last. They apply to the members no
   * adjacent keyword evaluated, counting those of every valid in-place subschema ($ref, allOf, the
   * passing branches of anyOf/oneOf, if/then/else, dependentSchemas), and the first failing member
   * is reported.
   */
  private *unevaluated(node: Obj, data: unknown, scope: Scope): Check<string | null> {
    const { unevaluatedProperties, unevaluatedItems } = node;
    if (unevaluatedProperties !== undefined && isObj(data)) {
      // As in cfworker, additionalProperties has taken every member the others left.
      if (node.additionalProperties !== undefined) return null;
      const seen = yield* this.evaluated(node, data, scope, true);
      if (seen.allProperties) return null;
      for (const key of Object.keys(data)) {
        if (seen.properties.has(key)) continue;
        if (unevaluatedProperties === false) return "should NOT have unevaluated properties";
        const error = (yield this.check(unevaluatedProperties, data[key], scope)) as string | null;
        if (error !== null) return error;
      }
    }
    if (unevaluatedItems !== undefined && Array.isArray(data)) {
      const seen = yield* this.evaluated(node, data, scope, true);
      if (seen.allItems) return null;
      for (const [index, item] of data.entries()) {
        if (seen.items.has(index)) continue;
        if (unevaluatedItems === false) return `should NOT have more than ${index} items`;
        const error = (yield this.check(unevaluatedItems, item, scope)) as string | null;
        if (error !== null) return error;
      }
    }
    return null;
  }

  /**
   * What `node`, valid for `data`, evaluated of it. For the schema whose own unevaluated* keyword
   * asks (`self`), that keyword does not count; in any subschema it evaluates everything left.
   */
  private *evaluated(node: unknown, data: unknown, scope: Scope, self: boolean): Check<Evaluated> {
    const seen: Evaluated = { allProperties: false, properties: new Set(), allItems: false, items: new Set() };
    if (!isObj(node)) return seen;
    if (scope.recursiveAnchor === null && node.$recursiveAnchor === true) {
      scope = { ...scope, recursiveAnchor: node };
    }
    const { lookup } = this.schema.compiled;
    if (node.$ref !== undefined && this.refOnly) {
      return (yield this.evaluate(refTarget(node, lookup), data, scope)) as Evaluated;
    }
    const done = (): boolean => (isObj(data) ? seen.allProperties : !Array.isArray(data) || seen.allItems);
    const merge = (from: Evaluated): void => {
      this.budget.spend(from.properties.size + from.items.size);
      seen.allProperties ||= from.allProperties;
      seen.allItems ||= from.allItems;
      for (const key of from.properties) seen.properties.add(key);
      for (const index of from.items) seen.items.add(index);
    };

    if (isObj(data)) this.ownProperties(node, data, seen, self);
    if (Array.isArray(data)) {
      this.ownItems(node, data, seen, self);
      if (node.contains !== undefined && !seen.allItems) {
        for (const [index, item] of data.entries()) {
          if ((yield this.check(node.contains, item, collecting(scope))) === null) seen.items.add(index);
        }
      }
    }
    if (done()) return seen;

    const inBranch = collecting(scope);
    const inPlace: unknown[] = [];
    if (node.$ref !== undefined) inPlace.push(refTarget(node, lookup));
    if (node.$recursiveRef !== undefined) inPlace.push(this.recursiveTarget(node, scope));
    if (Array.isArray(node.allOf)) inPlace.push(...node.allOf);
    if (isObj(node.dependentSchemas) && isObj(data)) {
      for (const [property, dependent] of Object.entries(node.dependentSchemas)) {
        if (Object.hasOwn(data, property)) inPlace.push(dependent);
      }
    }
    for (const branch of [...listOf(node.anyOf), ...listOf(node.oneOf)]) {
      if ((yield this.check(branch, data, inBranch)) === null) inPlace.push(branch);
    }
    if (node.if !== undefined) {
      if ((yield this.check(node.if, data, inBranch)) === null) inPlace.push(node.if, node.then);
      else inPlace.push(node.else);
    }
    for (const subschema of inPlace) {
      if (done()) break;
      if (isObj(subschema)) merge((yield this.evaluate(subschema, data, scope)) as Evaluated);
    }
    return seen;
  }

  private ownProperties(node: Obj, data: Obj, seen: Evaluated, self: boolean): void {
    if (node.additionalProperties !== undefined || (!self && node.unevaluatedProperties !== undefined)) {
      seen.allProperties = true;
      return;
    }
    const keys = Object.keys(data);
    if (isObj(node.properties)) {
      for (const key of keys) if (Object.hasOwn(node.properties, key)) seen.properties.add(key);
    }
    if (isObj(node.patternProperties)) {
      const patterns = Object.keys(node.patternProperties);
      this.budget.spend(keys.length * patterns.length);
      for (const key of keys) {
        if (patterns.some((source) => this.matches(source, key))) seen.properties.add(key);
      }
    }
  }

  private ownItems(node: Obj, data: unknown[], seen: Evaluated, self: boolean): void {
    const { prefixItems, items } = node;
    const tuple = Array.isArray(prefixItems) ? prefixItems : Array.isArray(items) ? items : undefined;
    const restEvaluated = Array.isArray(prefixItems)
      ? items !== undefined && !Array.isArray(items)
      : Array.isArray(items)
        ? node.additionalItems !== undefined
        : items !== undefined;
    if (restEvaluated || (!self && node.unevaluatedItems !== undefined)) {
      seen.allItems = true;
      return;
    }
    const head = Math.min(tuple?.length ?? 0, data.length);
    this.budget.spend(head);
    for (let index = 0; index < head; index++) seen.items.add(index);
  }

  /** The first error among `values[from..to)`, each checked against the schema `schemaAt` gives for its index. */
  private *firstOf(
    values: readonly unknown[],
    from: number,
    to: number,
    schemaAt: (index: number) => unknown,
    scope: Scope,
  ): Check<string | null> {
    for (let index = from; index < to; index++) {
      const schema = schemaAt(index - from);
      if (!this.hasRules(schema)) continue;
      const error = (yield this.check(schema, values[index], scope)) as string | null;
      if (error !== null) return error;
    }
    return null;
  }
}

function makePlan(node: Obj, identity: JsonIdentity, refOnly: boolean): Plan {
  const hasRules = Object.keys(node).some((keyword) => RULE_KEYWORDS.has(keyword));
  const groups = GROUP_ORDER.filter((group) => GROUP_KEYWORDS[group].some((keyword) => node[keyword] !== undefined));
  const types = typeList(node.type);
  const only = types?.length === 1 ? types[0] : undefined;
  const deferredType = only !== undefined && isGroup(only) && groups.includes(only) ? only : undefined;
  const requiredList = stringList(node.required);
  const required = new Set(requiredList);
  const properties = isObj(node.properties) ? node.properties : undefined;
  const withRules = (value: unknown): boolean =>
    typeof value === "boolean" ? !value : isObj(value) && Object.keys(value).some((k) => RULE_KEYWORDS.has(k));
  const checkedLater = (name: string): boolean =>
    properties !== undefined &&
    Object.hasOwn(properties, name) &&
    isObj(properties[name]) &&
    withRules(properties[name]);
  const additional = node.additionalProperties;
  const checksAdditional = additional === false || (isObj(additional) && Object.keys(additional).length > 0);
  const propertyEntries =
    properties === undefined ? [] : Object.entries(properties).filter(([, value]) => withRules(value));
  const propertyIndex = new Map(propertyEntries.map(([name], index) => [name, index]));
  const listed = (value: unknown): boolean => isObj(value) && Object.keys(value).length > 0;
  const itemSchemas = node.items !== undefined || node.prefixItems !== undefined || node.contains !== undefined;
  const dependencySchemas =
    isObj(node.dependencies) && Object.values(node.dependencies).some((value) => !Array.isArray(value));
  const memberSchemas =
    dependencySchemas ||
    listed(node.dependentSchemas) ||
    node.propertyNames !== undefined ||
    checksAdditional ||
    propertyEntries.length > 0 ||
    listed(node.patternProperties);
  const inPlace =
    node.$ref !== undefined ||
    node.$recursiveRef !== undefined ||
    node.not !== undefined ||
    Array.isArray(node.anyOf) ||
    Array.isArray(node.oneOf) ||
    Array.isArray(node.allOf) ||
    (node.if !== undefined && (withRules(node.then) || withRules(node.else)));
  const unevaluated = node.unevaluatedProperties !== undefined || node.unevaluatedItems !== undefined;
  return {
    hasRules,
    types,
    deferredType,
    groups,
    required,
    requiredFirst: requiredList.filter((name) => !checkedLater(name)),
    properties: propertyEntries,
    propertyIndex,
    requiredProperties: propertyEntries.flatMap(([name], index) => (required.has(name) ? [index] : [])),
    checksAdditional,
    constant: node.const === undefined ? undefined : sameness([node.const], identity),
    allowed: Array.isArray(node.enum) ? sameness(node.enum, identity) : undefined,
    itemSchemas,
    memberSchemas,
    dependencySchemas,
    inPlace,
    unevaluated,
    leaf: !itemSchemas && !memberSchemas && !inPlace && !unevaluated,
    forwards:
      node.$ref !== undefined &&
      node.$recursiveAnchor !== true &&
      (refOnly || Object.keys(node).every((keyword) => keyword === "$ref" || !RULE_KEYWORDS.has(keyword))),
  };
}

/**
 * Ajv v6 checks `type` up front, unless the type has a keyword group this schema uses: then the
 * check waits for that group's turn, after any earlier group's errors. Undefined when it passes.
 */
function wrongType(plan: Plan, data: unknown): string | undefined {
  const { types, deferredType } = plan;
  if (types === undefined || deferredType !== undefined || types.some((type) => hasType(data, type))) return undefined;
  return `should be ${types.join(",")}`;
}

function countError(node: Obj, list: unknown[]): string | null {
  const { maxItems, minItems } = node;
  if (typeof maxItems === "number" && list.length > maxItems) return `should NOT have more than ${maxItems} items`;
  if (typeof minItems === "number" && list.length < minItems) return `should NOT have fewer than ${minItems} items`;
  return null;
}

function sameness(values: readonly unknown[], identity: JsonIdentity): Sameness {
  const isComposite = (value: unknown): boolean => typeof value === "object" && value !== null;
  return {
    scalars: new Set(values.filter((value) => !isComposite(value))),
    composites: new Set(values.filter(isComposite).map((value) => identity.of(value))),
  };
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
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

function isGroup(type: string): type is Group {
  return type === "number" || type === "string" || type === "array" || type === "object";
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
