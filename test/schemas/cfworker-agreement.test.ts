import { type Schema, Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { compileSchema, type SchemaDraft } from "../../src/schemas/validator";

// The walk decides validity on its own now; before, @cfworker/json-schema did. It must keep
// cfworker's verdict except where ./validator says otherwise: checked here on generated pairs of
// schema and record across the four drafts (a fixed seed, so every run sees the same ones).

const DRAFT_URIS: Record<SchemaDraft, string | undefined> = {
  "4": "http://json-schema.org/draft-04/schema#",
  "7": undefined,
  "2019-09": "https://json-schema.org/draft/2019-09/schema",
  "2020-12": "https://json-schema.org/draft/2020-12/schema",
};
const DRAFTS: SchemaDraft[] = ["4", "7", "2019-09", "2020-12"];
const KEYS = ["a", "b", "c", "d", "e", "f"];
const SCALARS = [0, 1, 2, 1.5, -1, "", "a", "ab", "abc", "x1", "a@b.co", "1.2.3.4", true, false, null];
const PATTERNS = ["^a", "b", "^[a-z]+$", "\\d", "^(a+)+$", "(?=a)", "^.{2}$", "\\bx", "(?<!a)b"];
const FORMATS = ["email", "date", "ipv4", "uri", "url", "hostname", "regex", "unknown"];

function generator(seed: number) {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const chance = (p: number): boolean => next() < p;

  const value = (depth: number): unknown => {
    const roll = next();
    if (depth > 2 || roll < 0.5) return pick(SCALARS);
    if (roll < 0.75) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [pick(KEYS), value(depth + 1)]));
  };

  const schema = (depth: number, draft: number): unknown => {
    if (draft > 0 && chance(0.08)) return chance(0.5);
    const node: Record<string, unknown> = {};
    const sub = () => schema(depth + 1, draft);
    for (let i = depth > 2 ? 1 : 1 + Math.floor(next() * 3); i > 0; i--) {
      switch (Math.floor(next() * 24)) {
        case 0:
        case 1:
          node.type = chance(0.7)
            ? pick(["string", "number", "integer", "object", "array", "boolean", "null"])
            : [pick(["string", "number"]), pick(["object", "null", "array"])];
          break;
        case 2:
          node.properties = Object.fromEntries(KEYS.filter(() => chance(0.5)).map((key) => [key, sub()]));
          break;
        case 3:
          node.required = [...new Set(KEYS.filter(() => chance(0.3)))].concat(["a"]);
          break;
        case 4:
          node.additionalProperties = chance(0.5) ? false : sub();
          break;
        case 5:
          node.patternProperties = { [pick(PATTERNS)]: sub() };
          break;
        case 6:
          if (draft < 3 && chance(0.5)) {
            node.items = [sub(), sub()];
            node.additionalItems = chance(0.5) ? false : sub();
          } else if (draft === 3 && chance(0.5)) {
            node.prefixItems = [sub()];
            node.items = chance(0.5) ? false : sub();
          } else {
            node.items = sub();
          }
          break;
        case 7:
          if (draft > 0) node.contains = sub();
          if (draft > 1 && chance(0.5)) node.minContains = Math.floor(next() * 3);
          if (draft > 1 && chance(0.3)) node.maxContains = 1 + Math.floor(next() * 2);
          break;
        case 8:
          node.uniqueItems = true;
          break;
        case 9:
          node.enum = [value(1), pick(SCALARS)].filter(
            (v, index, list) => list.findIndex((w) => JSON.stringify(w) === JSON.stringify(v)) === index,
          );
          break;
        case 10:
          if (draft > 0) node.const = value(1);
          break;
        case 11:
          node.not = sub();
          break;
        case 12:
          node[pick(["anyOf", "oneOf", "allOf"])] = [sub(), sub()];
          break;
        case 13:
          if (draft > 0) {
            node.if = sub();
            if (chance(0.8)) node.then = sub();
            if (chance(0.6)) node.else = sub();
          }
          break;
        case 14:
          node.dependencies = { [pick(KEYS)]: chance(0.5) ? [pick(KEYS)] : sub() };
          break;
        case 15:
          if (draft > 1) node.dependentRequired = { [pick(KEYS)]: [pick(KEYS)] };
          if (draft > 1) node.dependentSchemas = { [pick(KEYS)]: sub() };
          break;
        case 16:
          if (draft > 0) node.propertyNames = sub();
          break;
        case 17:
          node[pick(["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"])] = Math.floor(
            next() * 3,
          );
          break;
        case 18:
          node[pick(["minimum", "maximum"])] = pick([0, 1, 1.5]);
          if (draft === 0 && chance(0.5)) Object.assign(node, { minimum: 1, exclusiveMinimum: true });
          if (draft > 0 && chance(0.5)) node.exclusiveMaximum = pick([0, 2]);
          break;
        case 19:
          node.multipleOf = pick([0.5, 1, 2]);
          break;
        case 20:
          node.pattern = pick(PATTERNS);
          break;
        case 21:
          node.format = pick(FORMATS);
          break;
        case 22:
          node.$ref = pick(["#", "#/definitions/d", "#/$defs/e"]);
          break;
        case 23:
          if (draft > 1) node[pick(["unevaluatedProperties", "unevaluatedItems"])] = chance(0.5) ? false : sub();
          if (draft === 2 && chance(0.3)) node[pick(["$recursiveAnchor", "$recursiveRef"])] = chance(0.5) || "#";
          break;
      }
    }
    return node;
  };

  return { next, value, schema };
}

describe("the walk agrees with cfworker on validity", () => {
  it("for 600 generated schemas with 12 records each", () => {
    const { next, value, schema } = generator(20261201);
    const disagreements: string[] = [];
    let compiled = 0;
    let invalid = 0;
    while (compiled < 600) {
      const draftIndex = Math.floor(next() * 4);
      const draft = DRAFTS[draftIndex]!;
      const root = schema(0, draftIndex);
      if (typeof root !== "object" || root === null) continue;
      const document: Record<string, unknown> = {
        ...root,
        definitions: { d: schema(2, draftIndex) },
        $defs: { e: schema(2, draftIndex) },
      };
      if (DRAFT_URIS[draft] !== undefined) document.$schema = DRAFT_URIS[draft];
      let check: ReturnType<typeof compileSchema>;
      try {
        check = compileSchema(document);
      } catch {
        continue;
      }
      compiled++;
      const reference = new Validator(document, draft, true);
      for (let i = 0; i < 12; i++) {
        const record = value(0);
        const ours = check.validate(record);
        if (ours !== null) invalid++;
        if ((ours === null) !== reference.validate(record).valid) {
          disagreements.push(`${JSON.stringify(document)} on ${JSON.stringify(record)}: ${ours}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
    // Both outcomes are well represented, so agreement means something.
    expect(invalid).toBeGreaterThan(1500);
    expect(invalid).toBeLessThan(6000);
  });
});

describe("where it knowingly differs from cfworker", () => {
  const D2019 = "https://json-schema.org/draft/2019-09/schema";

  it("lets unevaluatedProperties in a subschema see only what that subschema evaluated, as the draft says", () => {
    const schema = {
      $schema: D2019,
      $ref: "#/$defs/a",
      allOf: [{ unevaluatedProperties: false }],
      $defs: { a: { properties: { a: {} } } },
    };
    // cfworker lets the allOf branch see the sibling $ref's annotation and accepts the record.
    expect(new Validator(schema, "2019-09", true).validate({ a: 1 }).valid).toBe(true);
    expect(compileSchema(schema).validate({ a: 1 })).toBe("Should NOT have unevaluated properties");
  });
});

describe("unevaluatedProperties after in-place subschemas", () => {
  it("counts what the passing anyOf branches and the chosen if/then branch evaluated, as cfworker does", () => {
    const schema: Schema = {
      $schema: "https://json-schema.org/draft/2019-09/schema",
      anyOf: [{ properties: { a: {} } }, { properties: { b: {} } }],
      if: { properties: { kind: { const: "x" } } },
      then: { properties: { x: {} } },
      else: { properties: { y: {} } },
      unevaluatedProperties: false,
    };
    const check = compileSchema(schema);
    const reference = new Validator(schema, "2019-09", true);
    const pass = { a: 1, b: 2, kind: "x", x: 1 };
    // A failing `if` keeps none of its annotations, so `kind` is left unevaluated.
    const fail = { a: 1, kind: "z", y: 1 };
    expect([check.validate(pass), check.validate(fail)]).toEqual([null, "Should NOT have unevaluated properties"]);
    expect([reference.validate(pass).valid, reference.validate(fail).valid]).toEqual([true, false]);
  });
});
