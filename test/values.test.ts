import { describe, expect, it } from "vitest";
import { compactJson } from "../src/values";
import { DEEP_AND_WIDE } from "./helpers";

describe("compactJson", () => {
  it("writes what JSON.stringify writes", () => {
    const value = { b: 1, a: [1.5, -0, 'é"\n\u0001', null, true], c: { z: {}, y: [] }, "10": "x", u: undefined };
    expect(compactJson(value)).toBe(JSON.stringify(value));
  });

  it("writes the same text past the native serialiser's stack, skipping and nulling what it would", () => {
    const value = JSON.parse(DEEP_AND_WIDE.record) as Record<string, unknown>;
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    Object.assign(value, { gone: undefined, f: () => 1, list: [undefined, Number.NaN, -0, "a\u2028b"], last: 1 });
    expect(compactJson(value) === `{"inner":${DEEP_AND_WIDE.inner},"list":[null,null,0,"a\u2028b"],"last":1}`).toBe(
      true,
    );
  });
});
