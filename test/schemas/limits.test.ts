import { describe, expect, it } from "vitest";
import { BASE_STEPS, budgetFor, MAX_NESTED_CHECKS, STEPS_PER_UNIT, sizeUnits } from "../../src/schemas/limits";
import { compileSchema } from "../../src/schemas/validator";

// The bounds of src/schemas/limits.ts, each shown on both sides. Nothing here measures time: an
// unbounded case would simply not finish.

const D2020 = "https://json-schema.org/draft/2020-12/schema";

function nestedRecord(levels: number, leaf: unknown = {}): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

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
