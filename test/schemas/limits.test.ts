import { describe, expect, it } from "vitest";
import {
  BASE_STEPS,
  budgetFor,
  MAX_NESTED_CHECKS,
  MAX_PATTERN_STATES_PER_SCHEMA,
  MAX_SCHEMA_DEPTH,
  MAX_SCHEMA_VALUES,
  STEPS_PER_UNIT,
  sizeUnits,
} from "../../src/schemas/limits";
import { MAX_PATTERN_STATES } from "../../src/schemas/linear-regex";
import { compileSchema, InvalidSchemaError } from "../../src/schemas/validator";

// The bounds of src/schemas/limits.ts, each shown on both sides. Nothing here measures time: an
// unbounded case would simply not finish.

const D2020 = "https://json-schema.org/draft/2020-12/schema";

/** `levels` objects inside each other, each the `not` of the one outside. */
function notChain(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) schema = { not: schema };
  return schema;
}

function nestedRecord(levels: number, leaf: unknown = {}): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

const refuses = (schema: unknown): void => {
  expect(() => compileSchema(schema)).toThrow(InvalidSchemaError);
};

describe("schema documents", () => {
  it(`compiles one nested ${MAX_SCHEMA_DEPTH} levels deep and refuses one level more`, () => {
    expect(compileSchema(notChain(MAX_SCHEMA_DEPTH)).validate(1)).toBe(
      MAX_SCHEMA_DEPTH % 2 === 0 ? "Should NOT be valid" : null,
    );
    refuses(notChain(MAX_SCHEMA_DEPTH + 1));
  });

  it(`refuses one with more than ${MAX_SCHEMA_VALUES} JSON values, before checking it`, () => {
    refuses({ enum: Array.from({ length: MAX_SCHEMA_VALUES }, (_, i) => i) });
  });

  it("compiles a 100,000-item enum and checks 10,000 values against it within the record's budget", () => {
    const check = compileSchema({ items: { enum: Array.from({ length: 100_000 }, (_, i) => `v${i}`) } });
    expect(check.validate(Array.from({ length: 10_000 }, (_, i) => `v${i * 7}`))).toBeNull();
    expect(check.validate(["v1", "w"])).toBe("Should be equal to one of the allowed values");
  });

  it("refuses one whose subschema URIs would grow with the square of its depth", () => {
    // 40 levels of 8 KB property names above 2,000 subschemas: about 640 million characters of URIs.
    let schema: Record<string, unknown> = {
      properties: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`p${i}`, {}])),
    };
    for (let i = 0; i < 40; i++) schema = { properties: { [`${i}`.padEnd(8192, "k")]: schema } };
    refuses(schema);
  });

  it("compiles one with 20,000 plain subschemas", () => {
    const properties = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`p${i}`, { type: "integer" }]));
    expect(compileSchema({ properties }).validate({ p19999: "x" })).toBe("Should be integer");
  });

  it("follows a chain of 10,000 $refs through $defs, which used to exhaust the stack", () => {
    const $defs: Record<string, unknown> = { d10000: { type: "string" } };
    for (let i = 0; i < 10_000; i++) $defs[`d${i}`] = { $ref: `#/$defs/d${i + 1}` };
    const check = compileSchema({ $schema: D2020, $defs, $ref: "#/$defs/d0" });
    expect(check.validate("x")).toBeNull();
    expect(check.validate(1)).toBe("Should be string");
  });

  it(`refuses patterns whose automata add up to more than ${MAX_PATTERN_STATES_PER_SCHEMA} states`, () => {
    const each = MAX_PATTERN_STATES - 100;
    const count = Math.floor(MAX_PATTERN_STATES_PER_SCHEMA / each) + 1;
    const patterns = Array.from({ length: count }, (_, i) => ({ pattern: `${"x".repeat(i)}a{${each}}` }));
    expect(() => compileSchema(patterns[0])).not.toThrow();
    refuses({ anyOf: patterns });
  });
});

describe("records", () => {
  const recursive = compileSchema({ properties: { a: { $ref: "#" } } });

  it("validates a record 5,000 levels deep under a recursive schema", () => {
    expect(recursive.validate(nestedRecord(5000))).toBeNull();
    expect(compileSchema({ type: "object", properties: { a: { $ref: "#" } } }).validate(nestedRecord(5000, 1))).toBe(
      "Should be object",
    );
  });

  it(`answers with a sentence past ${MAX_NESTED_CHECKS} nested subschemas`, () => {
    expect(recursive.validate(nestedRecord(MAX_NESTED_CHECKS))).toBe(
      `Record is nested too deeply to validate against this schema (more than ${MAX_NESTED_CHECKS} nested subschemas)`,
    );
  });

  it("stops checks that double with each level at the record's budget", () => {
    const doubling = (levels: number) => {
      const $defs: Record<string, unknown> = { [`d${levels}`]: { type: "string" } };
      for (let i = 0; i < levels; i++) {
        $defs[`d${i}`] = { allOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
      }
      return compileSchema({ $schema: D2020, $defs, $ref: "#/$defs/d0" });
    };
    expect(budgetFor("x").limit).toBe(BASE_STEPS + STEPS_PER_UNIT * sizeUnits("x"));
    expect(doubling(40).validate("x")).toBe(
      `Record needs more than ${budgetFor("x").limit} steps to validate against this schema`,
    );
    // 2^12 checks fit.
    expect(doubling(12).validate("x")).toBeNull();
    expect(doubling(12).validate(1)).toBe("Should be string");
  });

  it("finds the duplicate of 30,000 unique items in one pass, as Ajv v6 names it", () => {
    const items = Array.from({ length: 30_000 }, (_, i) => ({ n: i, tags: [i % 7] }));
    const check = compileSchema({ uniqueItems: true });
    expect(check.validate(items)).toBeNull();
    expect(check.validate([...items, { tags: [3], n: 3 }])).toBe(
      "Should NOT have duplicate items (items ## 3 and 30000 are identical)",
    );
    const strings = compileSchema({ items: { type: "string" }, uniqueItems: true });
    expect(strings.validate([...items.map((_, i) => `s${i}`), "s5"])).toBe(
      "Should NOT have duplicate items (items ## 30000 and 5 are identical)",
    );
  });

  it("checks ^(a+)+$ and the url format on long texts", () => {
    const check = compileSchema({ properties: { s: { pattern: "^(a+)+$" }, u: { format: "url" } } });
    expect(check.validate({ s: `${"a".repeat(100_000)}b` })).toBe('Should match pattern "^(a+)+$"');
    expect(check.validate({ u: `http://${"a".repeat(100)}!` })).toBe('Should match format "url"');
    expect(check.validate({ u: `http://${"a-".repeat(100)}a.example.com/${"x".repeat(10_000)}` })).toBeNull();
  });
});
