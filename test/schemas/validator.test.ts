import { describe, expect, it } from "vitest";
import { compileSchema, InvalidSchemaError, type SchemaDraft } from "../../src/schemas/validator";

const D4 = "http://json-schema.org/draft-04/schema#";
const D2019 = "https://json-schema.org/draft/2019-09/schema";
const D2020 = "https://json-schema.org/draft/2020-12/schema";

interface Case {
  name: string;
  schema: Record<string, unknown>;
  invalid: unknown;
  message: string;
  valid: unknown;
}

const cases: Case[] = [
  // Draft-07 (no $schema)
  {
    name: "required property with a schema",
    schema: { type: "object", required: ["username"], properties: { username: { type: "string" } } },
    invalid: { email: "a@b.co" },
    message: "Should have required property 'username'",
    valid: { username: "ada" },
  },
  {
    name: "required property without a schema",
    schema: { required: ["id", "name"] },
    invalid: { id: 1 },
    message: "Should have required property 'name'",
    valid: { id: 1, name: "x" },
  },
  {
    name: "single type",
    schema: { properties: { name: { type: "string" } } },
    invalid: { name: 42 },
    message: "Should be string",
    valid: { name: "42" },
  },
  {
    name: "multiple types",
    schema: { properties: { value: { type: ["string", "number"] } } },
    invalid: { value: true },
    message: "Should be string,number",
    valid: { value: 3 },
  },
  {
    name: "integer",
    schema: { properties: { count: { type: "integer" } } },
    invalid: { count: 1.5 },
    message: "Should be integer",
    valid: { count: 2 },
  },
  {
    name: "nested objects report the innermost failure",
    schema: {
      type: "object",
      properties: {
        person: { type: "object", properties: { age: { type: "integer", minimum: 0 } } },
      },
    },
    invalid: { person: { age: "old" } },
    message: "Should be integer",
    valid: { person: { age: 30 } },
  },
  {
    name: "enum",
    schema: { properties: { color: { enum: ["red", "green"] } } },
    invalid: { color: "blue" },
    message: "Should be equal to one of the allowed values",
    valid: { color: "green" },
  },
  {
    name: "const",
    schema: { properties: { kind: { const: "user" } } },
    invalid: { kind: "admin" },
    message: "Should be equal to constant",
    valid: { kind: "user" },
  },
  {
    name: "minimum",
    schema: { properties: { age: { type: "integer", minimum: 18 } } },
    invalid: { age: 17 },
    message: "Should be >= 18",
    valid: { age: 18 },
  },
  {
    name: "exclusiveMinimum (number form)",
    schema: { properties: { price: { exclusiveMinimum: 0 } } },
    invalid: { price: 0 },
    message: "Should be > 0",
    valid: { price: 0.01 },
  },
  {
    name: "maximum",
    schema: { properties: { rating: { maximum: 10 } } },
    invalid: { rating: 11 },
    message: "Should be <= 10",
    valid: { rating: 10 },
  },
  {
    name: "exclusiveMaximum (number form)",
    schema: { properties: { rating: { exclusiveMaximum: 10 } } },
    invalid: { rating: 10 },
    message: "Should be < 10",
    valid: { rating: 9.5 },
  },
  {
    name: "multipleOf",
    schema: { properties: { step: { multipleOf: 5 } } },
    invalid: { step: 7 },
    message: "Should be multiple of 5",
    valid: { step: 15 },
  },
  {
    name: "minLength",
    schema: { properties: { name: { type: "string", minLength: 3 } } },
    invalid: { name: "ab" },
    message: "Should NOT be shorter than 3 characters",
    valid: { name: "abc" },
  },
  {
    name: "maxLength counts code points",
    schema: { properties: { code: { maxLength: 5 } } },
    invalid: { code: "abcdef" },
    message: "Should NOT be longer than 5 characters",
    valid: { code: "😀😀😀😀😀" },
  },
  {
    name: "pattern",
    schema: { properties: { slug: { pattern: "^[a-z]+$" } } },
    invalid: { slug: "Not-A-Slug" },
    message: 'Should match pattern "^[a-z]+$"',
    valid: { slug: "slug" },
  },
  {
    name: "format email",
    schema: { properties: { email: { type: "string", format: "email" } } },
    invalid: { email: "not-an-email" },
    message: 'Should match format "email"',
    valid: { email: "ada@example.com" },
  },
  {
    name: "additionalProperties false",
    schema: { properties: { a: { type: "number" } }, additionalProperties: false },
    invalid: { a: 1, b: 2 },
    message: "Should NOT have additional properties",
    valid: { a: 1 },
  },
  {
    name: "minProperties",
    schema: { minProperties: 2 },
    invalid: { a: 1 },
    message: "Should NOT have fewer than 2 properties",
    valid: { a: 1, b: 2 },
  },
  {
    name: "maxProperties",
    schema: { maxProperties: 2 },
    invalid: { a: 1, b: 2, c: 3 },
    message: "Should NOT have more than 2 properties",
    valid: { a: 1 },
  },
  {
    name: "items",
    schema: { type: "array", items: { type: "integer" } },
    invalid: [1, "two", 3],
    message: "Should be integer",
    valid: [1, 2, 3],
  },
  {
    name: "minItems",
    schema: { type: "array", minItems: 1 },
    invalid: [],
    message: "Should NOT have fewer than 1 items",
    valid: [0],
  },
  {
    name: "maxItems",
    schema: { type: "array", maxItems: 3 },
    invalid: [1, 2, 3, 4],
    message: "Should NOT have more than 3 items",
    valid: [1, 2, 3],
  },
  {
    name: "uniqueItems with scalar item type (Ajv's lookup scan)",
    schema: { type: "array", items: { type: "integer" }, uniqueItems: true },
    invalid: [1, 1],
    message: "Should NOT have duplicate items (items ## 1 and 0 are identical)",
    valid: [1, 2],
  },
  {
    name: "uniqueItems without item type (Ajv's pairwise scan)",
    schema: { type: "array", uniqueItems: true },
    invalid: [{ a: 1, b: 2 }, "x", { b: 2, a: 1 }, "y"],
    message: "Should NOT have duplicate items (items ## 0 and 2 are identical)",
    valid: [{ a: 1 }, { a: 2 }],
  },
  {
    name: "tuple items with additionalItems false",
    schema: { type: "array", items: [{ type: "string" }], additionalItems: false },
    invalid: ["a", "b"],
    message: "Should NOT have more than 1 items",
    valid: ["a"],
  },
  {
    name: "$ref to #/definitions",
    schema: {
      definitions: { age: { type: "integer", minimum: 0 } },
      properties: { age: { $ref: "#/definitions/age" } },
    },
    invalid: { age: -1 },
    message: "Should be >= 0",
    valid: { age: 1 },
  },
  {
    name: "recursive $ref to the root",
    schema: {
      type: "object",
      properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#" } } },
    },
    invalid: { name: "root", children: [{ name: "leaf", children: [{ name: 7 }] }] },
    message: "Should be string",
    valid: { name: "root", children: [{ name: "leaf", children: [] }] },
  },
  {
    name: "dependencies",
    schema: { dependencies: { card: ["billing"] } },
    invalid: { card: "4111" },
    message: "Should have property billing when property card is present",
    valid: { card: "4111", billing: "x" },
  },
  {
    name: "not",
    schema: { properties: { value: { not: { type: "string" } } } },
    invalid: { value: "text" },
    message: "Should NOT be valid",
    valid: { value: 1 },
  },
  {
    name: "anyOf reports its first branch's error, as Ajv v6 lists it first",
    schema: { properties: { value: { anyOf: [{ type: "string" }, { type: "number" }] } } },
    invalid: { value: true },
    message: "Should be string",
    valid: { value: 1 },
  },
  {
    name: "oneOf matching twice",
    schema: { properties: { value: { oneOf: [{ type: "integer" }, { minimum: 0 }] } } },
    invalid: { value: 3 },
    message: "Should match exactly one schema in oneOf",
    valid: { value: -3 },
  },
  {
    name: "contains",
    schema: { type: "array", contains: { type: "string" } },
    invalid: [1, 2],
    message: "Should contain a valid item",
    valid: [1, "two"],
  },
  {
    name: "if/then reports the then-schema's error, as Ajv v6 lists it first",
    schema: {
      if: { properties: { kind: { const: "company" } } },
      then: { required: ["vat"] },
      else: { required: ["birthday"] },
    },
    invalid: { kind: "company" },
    message: "Should have required property 'vat'",
    valid: { kind: "person", birthday: "2000-01-01" },
  },
  {
    name: "false subschema",
    schema: { properties: { legacy: false } },
    invalid: { legacy: 1 },
    message: "Boolean schema is false",
    valid: { current: 1 },
  },
  {
    name: "propertyNames reports the name's own error",
    schema: { propertyNames: { pattern: "^[a-z]+$" } },
    invalid: { ok: 1, "Not OK": 2 },
    message: 'Should match pattern "^[a-z]+$"',
    valid: { ok: 1 },
  },

  // Draft-04
  {
    name: "draft-04 boolean exclusiveMinimum",
    schema: { $schema: D4, properties: { price: { minimum: 0, exclusiveMinimum: true } } },
    invalid: { price: 0 },
    message: "Should be > 0",
    valid: { price: 1 },
  },
  {
    name: "draft-04 boolean exclusiveMaximum",
    schema: { $schema: D4, properties: { score: { maximum: 10, exclusiveMaximum: true } } },
    invalid: { score: 10 },
    message: "Should be < 10",
    valid: { score: 9 },
  },
  {
    name: "draft-04 $ref to #/definitions",
    schema: {
      $schema: D4,
      definitions: { name: { type: "string", minLength: 1 } },
      required: ["name"],
      properties: { name: { $ref: "#/definitions/name" } },
    },
    invalid: { name: "" },
    message: "Should NOT be shorter than 1 characters",
    valid: { name: "n" },
  },
  {
    name: "draft-04 required",
    schema: { $schema: D4, type: "object", required: ["id"] },
    invalid: {},
    message: "Should have required property 'id'",
    valid: { id: 1 },
  },

  // Draft 2019-09
  {
    name: "2019-09 $ref to #/$defs",
    schema: {
      $schema: D2019,
      $defs: { positive: { type: "integer", minimum: 1 } },
      properties: { qty: { $ref: "#/$defs/positive" } },
    },
    invalid: { qty: 0 },
    message: "Should be >= 1",
    valid: { qty: 1 },
  },
  {
    name: "2019-09 keywords next to $ref apply",
    schema: {
      $schema: D2019,
      $defs: { number: { type: "number" } },
      properties: { n: { $ref: "#/$defs/number", maximum: 5 } },
    },
    invalid: { n: 6 },
    message: "Should be <= 5",
    valid: { n: 5 },
  },
  {
    name: "2019-09 dependentRequired names every dependency",
    schema: { $schema: D2019, dependentRequired: { a: ["b", "c"] } },
    invalid: { a: 1, b: 2 },
    message: "Should have properties b, c when property a is present",
    valid: { a: 1, b: 2, c: 3 },
  },
  {
    name: "2019-09 unevaluatedProperties false",
    schema: {
      $schema: D2019,
      allOf: [{ properties: { a: { type: "number" } } }],
      unevaluatedProperties: false,
    },
    invalid: { a: 1, b: 2 },
    message: "Should NOT have unevaluated properties",
    valid: { a: 1 },
  },
  {
    name: "2019-09 unevaluatedProperties schema",
    schema: {
      $schema: D2019,
      properties: { a: true },
      unevaluatedProperties: { type: "string" },
    },
    invalid: { a: 1, b: 2 },
    message: "Should be string",
    valid: { a: 1, b: "2" },
  },

  // Draft 2020-12
  {
    name: "2020-12 $ref to #/$defs",
    schema: {
      $schema: D2020,
      $defs: { email: { type: "string", format: "email" } },
      properties: { contact: { type: "object", properties: { email: { $ref: "#/$defs/email" } } } },
    },
    invalid: { contact: { email: "nope" } },
    message: 'Should match format "email"',
    valid: { contact: { email: "ada@example.com" } },
  },
  {
    name: "2020-12 prefixItems with items false",
    schema: { $schema: D2020, prefixItems: [{ type: "string" }, { type: "number" }], items: false },
    invalid: ["a", 1, null],
    message: "Should NOT have more than 2 items",
    valid: ["a", 1],
  },
  {
    name: "2020-12 items after prefixItems",
    schema: { $schema: D2020, prefixItems: [{ type: "string" }], items: { type: "number" } },
    invalid: ["a", 1, "b"],
    message: "Should be number",
    valid: ["a", 1, 2],
  },
  {
    name: "2020-12 minContains",
    schema: { $schema: D2020, contains: { type: "integer" }, minContains: 2 },
    invalid: [1, "a"],
    message: "Should contain at least 2 valid item(s)",
    valid: [1, 2],
  },
  {
    name: "2020-12 $dynamicRef resolves within the document",
    schema: {
      $schema: D2020,
      $dynamicAnchor: "node",
      type: "object",
      properties: { children: { type: "array", items: { $dynamicRef: "#node" } } },
    },
    invalid: { children: [{ children: 5 }] },
    message: "Should be array",
    valid: { children: [{ children: [] }] },
  },
];

describe("compileSchema: record validation", () => {
  it.each(cases)("$name", ({ schema, invalid, message, valid }) => {
    const check = compileSchema(schema);
    expect(check.validate(invalid)).toBe(message);
    expect(check.validate(valid)).toBeNull();
  });

  it("covers at least twenty pairs across all four drafts", () => {
    const drafts = new Set(cases.map(({ schema }) => compileSchema(schema).draft));
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect([...drafts].sort()).toEqual(["2019-09", "2020-12", "4", "7"]);
  });
});

describe("compileSchema: Ajv v6 ordering", () => {
  const first = (schema: Record<string, unknown>, record: unknown): string | null =>
    compileSchema(schema).validate(record);

  it("checks type before the other keywords of a schema", () => {
    expect(first({ properties: { n: { minLength: 3, type: "string" } } }, { n: 12 })).toBe("Should be string");
  });

  it("checks required before properties", () => {
    const schema = { properties: { a: { type: "string" } }, required: ["b"] };
    expect(first(schema, { a: 1 })).toBe("Should have required property 'b'");
  });

  it("reaches required properties that have a schema in properties order", () => {
    const schema = { required: ["a", "b"], properties: { a: { type: "string" } } };
    expect(first(schema, {})).toBe("Should have required property 'b'");
    expect(first(schema, { b: 1 })).toBe("Should have required property 'a'");
  });

  it("checks additionalProperties before the declared properties", () => {
    const schema = { properties: { a: { type: "string" } }, additionalProperties: false };
    expect(first(schema, { a: 1, b: 2 })).toBe("Should NOT have additional properties");
  });

  it("reports the first failing property in schema order", () => {
    const schema = { properties: { a: { type: "string" }, b: { type: "string" } } };
    expect(first(schema, { b: 1, a: 2 })).toBe("Should be string");
    expect(first({ properties: { a: { minimum: 5 }, b: { type: "string" } } }, { b: 1, a: 2 })).toBe("Should be >= 5");
  });

  it("checks a type with keywords of its own when that keyword group's turn comes", () => {
    // Number keywords come before string keywords in Ajv v6, so they get to fail first.
    const schema = { properties: { v: { type: "string", minLength: 1, maximum: 5 } } };
    expect(first(schema, { v: 7 })).toBe("Should be <= 5");
    expect(first(schema, { v: 3 })).toBe("Should be string");
  });

  it("reports oneOf's own error only when no failing branch came first", () => {
    const schema = { oneOf: [{ required: ["x"] }, { type: "object" }, { minProperties: 0 }] };
    expect(first(schema, {})).toBe("Should have required property 'x'");
  });

  it("reports an item's error for contains inside a failing anyOf", () => {
    const schema = { anyOf: [{ contains: { type: "string" } }, { minItems: 5 }] };
    expect(first(schema, [1])).toBe("Should be string");
  });
});

describe("compileSchema: invalid schema documents", () => {
  const invalidDocs: Array<[string, unknown]> = [
    ["boolean true", true],
    ["boolean false", false],
    ["array", [{ type: "string" }]],
    ["string", "{}"],
    ["number", 12],
    ["null", null],
    ["type is a number", { type: 12 }],
    ["unknown type name", { type: "text" }],
    ["unknown $schema", { $schema: "http://example.com/x" }],
    ["non-string $schema", { $schema: 7 }],
    ["draft-06 $schema", { $schema: "http://json-schema.org/draft-06/schema#" }],
    ["remote $ref", { $ref: "http://example.com/remote.json" }],
    ["remote $ref in a subschema", { properties: { a: { $ref: "http://example.com/a.json#/x" } } }],
    ["$ref to a missing definition", { $ref: "#/definitions/missing" }],
    ["$ref to a missing $defs entry", { $schema: D2020, $ref: "#/$defs/missing" }],
    ["$ref to the meta-schema", { $ref: "http://json-schema.org/draft-07/schema#" }],
    ["negative minLength", { properties: { a: { minLength: -1 } } }],
    ["regex that does not compile", { properties: { a: { pattern: "(" } } }],
    ["draft-04 patternProperties key that does not compile", { $schema: D4, patternProperties: { "(": {} } }],
    ["draft-04 exclusiveMinimum without minimum", { $schema: D4, exclusiveMinimum: true }],
    ["draft-04 boolean subschema", { $schema: D4, properties: { a: true } }],
    ["draft-07 boolean exclusiveMinimum", { minimum: 0, exclusiveMinimum: true }],
    ["draft 2020-12 array items", { $schema: D2020, items: [{ type: "string" }] }],
    ["$recursiveRef other than #", { $schema: D2019, $recursiveRef: "#/$defs/a", $defs: { a: {} } }],
    ["$ref to itself", { $ref: "#" }],
    [
      "in-place $ref loop",
      {
        $schema: D2019,
        $defs: { a: { allOf: [{ $ref: "#/$defs/b" }] }, b: { anyOf: [{ $ref: "#/$defs/a" }] } },
        $ref: "#/$defs/a",
      },
    ],
  ];

  it.each(invalidDocs)("rejects %s", (_name, schema) => {
    expect(() => compileSchema(schema)).toThrow(InvalidSchemaError);
    expect(() => compileSchema(schema)).toThrow("Invalid JSON Schema");
  });
});

describe("compileSchema: $schema and documents", () => {
  const forms: Array<[string, SchemaDraft]> = [
    ["json-schema.org/draft-04/schema", "4"],
    ["json-schema.org/draft-07/schema", "7"],
    ["json-schema.org/draft/2019-09/schema", "2019-09"],
    ["json-schema.org/draft/2020-12/schema", "2020-12"],
  ];
  const variants = forms.flatMap(([path, draft]) =>
    ["http://", "https://"].flatMap((scheme) =>
      ["", "#"].map((hash): [string, SchemaDraft] => [`${scheme}${path}${hash}`, draft]),
    ),
  );

  it.each(variants)("accepts %s", (uri, draft) => {
    expect(compileSchema({ $schema: uri, type: "object" }).draft).toBe(draft);
  });

  it("defaults to draft-07", () => {
    expect(compileSchema({ type: "object" }).draft).toBe("7");
    expect(compileSchema({}).validate({ anything: [1, "two"] })).toBeNull();
  });

  it("accepts local references by $id and anchor", () => {
    const check = compileSchema({
      $schema: D2019,
      $defs: {
        a: { $id: "https://example.com/item.json", type: "string" },
        b: { $anchor: "flag", type: "boolean" },
      },
      properties: { item: { $ref: "https://example.com/item.json" }, flag: { $ref: "#flag" } },
    });
    expect(check.validate({ item: "x", flag: true })).toBeNull();
    expect(check.validate({ item: "x", flag: 1 })).toBe("Should be boolean");
  });

  it("leaves the caller's schema untouched and can compile it again", () => {
    const schema = { $schema: D2020, properties: { a: { $dynamicRef: "#/$defs/x" } }, $defs: { x: {} } };
    const before = JSON.stringify(schema);
    compileSchema(schema);
    expect(JSON.stringify(schema)).toBe(before);
    expect(compileSchema(schema).validate({ a: 1 })).toBeNull();
  });

  it("ignores unknown formats, including names of Object.prototype members", () => {
    const check = compileSchema({
      properties: { a: { format: "__proto__" }, b: { format: "no-such-format" } },
    });
    expect(check.validate({ a: "x", b: "y" })).toBeNull();
  });

  it("handles property names cfworker cannot encode", () => {
    const check = compileSchema({ additionalProperties: { type: "string" } });
    expect(check.validate({ "\ud800": 1 })).toBe("Should be string");
    expect(check.validate({ "\ud800": "ok" })).toBeNull();
  });

  it("compares multipleOf on decimals exactly", () => {
    const check = compileSchema({ properties: { price: { multipleOf: 0.01 } } });
    expect(check.validate({ price: 19.99 })).toBeNull();
    expect(check.validate({ price: 19.999 })).toBe("Should be multiple of 0.01");
  });
});
