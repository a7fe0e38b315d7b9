import { deepCompareStrict } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { JsonIdentity } from "../../src/schemas/json-identity";

describe("JsonIdentity", () => {
  it("gives deeply equal values one number, whatever the key order", () => {
    const identity = new JsonIdentity();
    expect(identity.of({ a: [1, { b: null }], c: "x" })).toBe(identity.of({ c: "x", a: [1, { b: null }] }));
    expect(identity.of(0)).toBe(identity.of(-0));
    expect(identity.of([])).toBe(identity.of([]));
  });

  it("tells apart what deepCompareStrict tells apart", () => {
    const values: unknown[] = [
      null,
      false,
      true,
      0,
      1,
      "1",
      "",
      [],
      {},
      [1, 2],
      [2, 1],
      [[1], 2],
      [1, [2]],
      { a: 1 },
      { a: "1" },
      { a: 1, b: 1 },
      { '"a"': 1 },
      ["a,b"],
      ["a", "b"],
      { a: [] },
      { a: {} },
    ];
    const identity = new JsonIdentity();
    for (const a of values) {
      for (const b of values) expect(identity.of(a) === identity.of(b)).toBe(deepCompareStrict(a, b));
    }
  });

  it("numbers values nested 20,000 levels deep, past what recursion could take", () => {
    const nested = (wrap: (inner: unknown) => unknown): unknown => {
      let value: unknown = 1;
      for (let i = 0; i < 20_000; i++) value = wrap(value);
      return value;
    };
    const identity = new JsonIdentity();
    expect(identity.of(nested((inner) => [inner]))).toBe(identity.of(nested((inner) => [inner])));
    expect(identity.of(nested((inner) => [inner]))).not.toBe(identity.of(nested((inner) => ({ k: inner }))));
  });

  it("lets a record's identity, derived from the schema's, agree with it", () => {
    const schema = new JsonIdentity();
    const allowed = schema.of({ tags: ["a", "b"] });
    const record = new JsonIdentity(schema);
    expect(record.of({ tags: ["a", "b"] })).toBe(allowed);
    expect(record.of({ tags: ["c"] })).not.toBe(allowed);
    expect(record.of(["a", "b"])).toBe(schema.of(["a", "b"]));
  });
});
