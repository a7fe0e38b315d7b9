import { describe, expect, it } from "vitest";
import { applyPatch, PatchConflict } from "../../src/bins/patch/engine";
import { parsePatch } from "../../src/bins/patch/parse";
import { AppError } from "../../src/errors/app-error";
import { INVALID_JSON, INVALID_JSON_PATCH, JSON_PATCH, MERGE, PATCH_NEED_CONTENT_TYPE } from "../helpers";

const merge = (target: unknown, patch: unknown): unknown =>
  applyPatch(target, parsePatch(MERGE, JSON.stringify(patch)));
const jsonPatch = (target: unknown, patch: unknown): unknown =>
  applyPatch(target, parsePatch(JSON_PATCH, JSON.stringify(patch)));

/** Runs `fn` expecting an AppError; returns it so status and message can both be checked. */
function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error("expected an AppError");
}

function expectRejected(fn: () => unknown, message: string): void {
  expect(fn).toThrowError(message);
  const err = appError(fn);
  expect(err.status).toBe(400);
  expect(err.message).toBe(message);
}

const nested = (depth: number, leaf: string): string => "[".repeat(depth) + leaf + "]".repeat(depth);

describe("RFC 7396 appendix A", () => {
  const cases: [original: unknown, patch: unknown, result: unknown][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [
      ["a", "b"],
      ["c", "d"],
      ["c", "d"],
    ],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(cases)("%j patched with %j gives %j", (original, patch, result) => {
    const before = JSON.stringify(original);
    expect(JSON.stringify(merge(original, patch))).toBe(JSON.stringify(result));
    expect(JSON.stringify(original)).toBe(before);
  });

  it("keeps nulls inside arrays, which are replaced rather than merged", () => {
    expect(merge({ a: [1, 2, 3] }, { a: [null, { b: null }] })).toEqual({ a: [null, { b: null }] });
  });
});

describe("RFC 6902 appendix A", () => {
  it("A.1 adds an object member", () => {
    expect(jsonPatch({ foo: "bar" }, [{ op: "add", path: "/baz", value: "qux" }])).toEqual({ baz: "qux", foo: "bar" });
  });

  it("A.2 adds an array element", () => {
    expect(jsonPatch({ foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/1", value: "qux" }])).toEqual({
      foo: ["bar", "qux", "baz"],
    });
  });

  it("A.3 removes an object member", () => {
    expect(jsonPatch({ baz: "qux", foo: "bar" }, [{ op: "remove", path: "/baz" }])).toEqual({ foo: "bar" });
  });

  it("A.4 removes an array element", () => {
    expect(jsonPatch({ foo: ["bar", "qux", "baz"] }, [{ op: "remove", path: "/foo/1" }])).toEqual({
      foo: ["bar", "baz"],
    });
  });

  it("A.5 replaces a value", () => {
    expect(jsonPatch({ baz: "qux", foo: "bar" }, [{ op: "replace", path: "/baz", value: "boo" }])).toEqual({
      baz: "boo",
      foo: "bar",
    });
  });

  it("A.6 moves a value", () => {
    const doc = { foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } };
    expect(jsonPatch(doc, [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }])).toEqual({
      foo: { bar: "baz" },
      qux: { corge: "grault", thud: "fred" },
    });
  });

  it("A.7 moves an array element", () => {
    expect(
      jsonPatch({ foo: ["all", "grass", "cows", "eat"] }, [{ op: "move", from: "/foo/1", path: "/foo/3" }]),
    ).toEqual({
      foo: ["all", "cows", "eat", "grass"],
    });
  });

  it("A.8 passes tests", () => {
    const doc = { baz: "qux", foo: ["a", 2, "c"] };
    const patch = [
      { op: "test", path: "/baz", value: "qux" },
      { op: "test", path: "/foo/1", value: 2 },
    ];
    expect(jsonPatch(doc, patch)).toEqual(doc);
  });

  it("A.9 fails a test with a conflict", () => {
    expect(() => jsonPatch({ baz: "qux" }, [{ op: "test", path: "/baz", value: "bar" }])).toThrow(PatchConflict);
  });

  it("A.10 adds a nested member object", () => {
    expect(jsonPatch({ foo: "bar" }, [{ op: "add", path: "/child", value: { grandchild: {} } }])).toEqual({
      foo: "bar",
      child: { grandchild: {} },
    });
  });

  it("A.11 ignores unrecognised members of an operation", () => {
    expect(jsonPatch({ foo: "bar" }, [{ op: "add", path: "/baz", value: "qux", xyz: 123 }])).toEqual({
      foo: "bar",
      baz: "qux",
    });
  });

  it("A.12 cannot add to a nonexistent target", () => {
    expect(() => jsonPatch({ foo: "bar" }, [{ op: "add", path: "/baz/bat", value: "qux" }])).toThrow(PatchConflict);
  });

  it("A.13 rejects an operation with a repeated member as an invalid document", () => {
    const text = '[{ "op": "add", "path": "/baz", "value": "qux", "op": "remove" }]';
    expectRejected(() => parsePatch(JSON_PATCH, text), INVALID_JSON_PATCH);
  });

  it("A.14 unescapes ~01 as ~1, not /", () => {
    const doc = { "/": 9, "~1": 10 };
    expect(jsonPatch(doc, [{ op: "test", path: "/~01", value: 10 }])).toEqual(doc);
  });

  it("A.15 does not equate a string with a number", () => {
    expect(() => jsonPatch({ "/": 9, "~1": 10 }, [{ op: "test", path: "/~01", value: "10" }])).toThrow(PatchConflict);
  });

  it("A.16 appends an array value with -", () => {
    expect(jsonPatch({ foo: ["bar"] }, [{ op: "add", path: "/foo/-", value: ["abc", "def"] }])).toEqual({
      foo: ["bar", ["abc", "def"]],
    });
  });
});

describe("JSON Patch details", () => {
  const conflicts: [name: string, doc: unknown, patch: unknown[]][] = [
    ["remove of a missing member", { a: 1 }, [{ op: "remove", path: "/b" }]],
    ["replace of a missing member", { a: 1 }, [{ op: "replace", path: "/b", value: 2 }]],
    ["remove of the whole document", { a: 1 }, [{ op: "remove", path: "" }]],
    ["an index with a leading zero", { a: [1, 2] }, [{ op: "replace", path: "/a/01", value: 3 }]],
    ["a non-numeric index", { a: [1, 2] }, [{ op: "remove", path: "/a/x" }]],
    ["- outside add", { a: [1, 2] }, [{ op: "remove", path: "/a/-" }]],
    ["add past the end", { a: [1, 2] }, [{ op: "add", path: "/a/3", value: 0 }]],
    ["replace at the length", { a: [1, 2] }, [{ op: "replace", path: "/a/2", value: 0 }]],
    ["a path through a scalar", { a: 1 }, [{ op: "add", path: "/a/b", value: 0 }]],
    ["move into its own child", { a: { b: {} } }, [{ op: "move", from: "/a", path: "/a/b/c" }]],
    ["move of the root into a child", { a: 1 }, [{ op: "move", from: "", path: "/b" }]],
    ["move from a missing location", { a: 1 }, [{ op: "move", from: "/b", path: "/b" }]],
    ["copy from a missing location", { a: 1 }, [{ op: "copy", from: "/b", path: "/c" }]],
    ["test of a missing location", { a: 1 }, [{ op: "test", path: "/b", value: null }]],
    ["an inherited member", { a: 1 }, [{ op: "test", path: "/constructor", value: {} }]],
  ];
  it.each(conflicts)("conflicts on %s", (_name, doc, patch) => {
    expect(() => jsonPatch(doc, patch)).toThrow(PatchConflict);
  });

  it("adds at the length of an array and at index 0", () => {
    expect(
      jsonPatch({ a: [1] }, [
        { op: "add", path: "/a/1", value: 2 },
        { op: "add", path: "/a/0", value: 0 },
      ]),
    ).toEqual({
      a: [0, 1, 2],
    });
  });

  it("replaces the whole document with an empty path, and add does the same", () => {
    expect(jsonPatch({ a: 1 }, [{ op: "replace", path: "", value: [1] }])).toEqual([1]);
    expect(jsonPatch({ a: 1 }, [{ op: "add", path: "", value: { b: 2 } }])).toEqual({ b: 2 });
  });

  it("treats - as a member name in objects and / as the empty member name", () => {
    expect(
      jsonPatch({}, [
        { op: "add", path: "/-", value: 1 },
        { op: "add", path: "/", value: 2 },
      ]),
    ).toEqual({ "-": 1, "": 2 });
  });

  it("compares values as JSON in test", () => {
    const doc = { o: { x: 1, y: [1, { z: 2 }] }, n: 1 };
    expect(
      jsonPatch(doc, [
        { op: "test", path: "/o", value: { y: [1, { z: 2 }], x: 1 } },
        { op: "test", path: "/n", value: 1.0 },
      ]),
    ).toEqual(doc);
    expect(() => jsonPatch(doc, [{ op: "test", path: "/o/y", value: [{ z: 2 }, 1] }])).toThrow(PatchConflict);
    expect(() => jsonPatch(doc, [{ op: "test", path: "/o", value: { x: 1 } }])).toThrow(PatchConflict);
    expect(() => jsonPatch({ a: [] }, [{ op: "test", path: "/a", value: {} }])).toThrow(PatchConflict);
  });

  it("copies deeply, so later operations do not reach the source", () => {
    const result = jsonPatch({ a: { n: 1 } }, [
      { op: "copy", from: "/a", path: "/b" },
      { op: "replace", path: "/b/n", value: 2 },
    ]);
    expect(result).toEqual({ a: { n: 1 }, b: { n: 2 } });
  });

  it("treats a move onto itself as a no-op that keeps the member's position", () => {
    expect(JSON.stringify(jsonPatch({ a: 1, b: 2 }, [{ op: "move", from: "/a", path: "/a" }]))).toBe('{"a":1,"b":2}');
  });

  it("can apply the same parsed patch twice with the same result", () => {
    const parsed = parsePatch(
      JSON_PATCH,
      JSON.stringify([
        { op: "add", path: "/a", value: { list: [] } },
        { op: "add", path: "/a/list/-", value: 1 },
      ]),
    );
    expect(applyPatch({}, parsed)).toEqual({ a: { list: [1] } });
    expect(applyPatch({}, parsed)).toEqual({ a: { list: [1] } });
  });
});

describe("atomicity", () => {
  it("leaves the input untouched when a later operation fails", () => {
    const target = { a: 1, list: [1, 2], nested: { x: true } };
    const before = JSON.stringify(target);
    const patch = [
      { op: "replace", path: "/a", value: 2 },
      { op: "remove", path: "/list/0" },
      { op: "add", path: "/nested/y", value: false },
      { op: "move", from: "/nested/x", path: "/moved" },
      { op: "test", path: "/a", value: 1 },
    ];
    expect(() => jsonPatch(target, patch)).toThrow(PatchConflict);
    expect(JSON.stringify(target)).toBe(before);
  });

  it("never mutates the target on success either", () => {
    const target = { list: [1], nested: { x: 1 } };
    const result = jsonPatch(target, [
      { op: "add", path: "/list/-", value: 2 },
      { op: "replace", path: "/nested/x", value: 2 },
    ]);
    expect(result).toEqual({ list: [1, 2], nested: { x: 2 } });
    expect(target).toEqual({ list: [1], nested: { x: 1 } });
    const merged = merge(target, { nested: { x: 3 } });
    expect(merged).toEqual({ list: [1], nested: { x: 3 } });
    expect(target).toEqual({ list: [1], nested: { x: 1 } });
  });
});

describe("__proto__ and other prototype names", () => {
  it("adds __proto__ as an own data member with a JSON Patch", () => {
    const target = JSON.parse('{"a":1}') as object;
    const patch = parsePatch(JSON_PATCH, '[{"op":"add","path":"/__proto__","value":{"polluted":true}}]');
    const result = applyPatch(target, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, "__proto__")).toBe(true);
    expect(JSON.stringify(result)).toBe('{"a":1,"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("merges __proto__, constructor and prototype as plain members", () => {
    const patch = parsePatch(MERGE, '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}');
    const result = applyPatch({ a: 1 }, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(JSON.stringify(result)).toBe('{"a":1,"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("replaces, removes, tests and copies an existing own __proto__ member", () => {
    const target = JSON.parse('{"__proto__":{"n":1},"b":2}') as unknown;
    const patch = parsePatch(
      JSON_PATCH,
      JSON.stringify([
        { op: "test", path: "/__proto__", value: { n: 1 } },
        { op: "copy", from: "/__proto__", path: "/c" },
        { op: "replace", path: "/__proto__/n", value: 2 },
      ]),
    );
    expect(JSON.stringify(applyPatch(target, patch))).toBe('{"__proto__":{"n":2},"b":2,"c":{"n":1}}');
    const removed = applyPatch(target, parsePatch(JSON_PATCH, '[{"op":"remove","path":"/__proto__"}]'));
    expect(JSON.stringify(removed)).toBe('{"b":2}');
    expect(JSON.stringify(applyPatch(target, parsePatch(MERGE, '{"__proto__":null}')))).toBe('{"b":2}');
  });
});

describe("member order", () => {
  it("keeps a replaced member in place and appends new ones (JSON Patch)", () => {
    const result = jsonPatch({ a: 1, b: 2, c: 3 }, [
      { op: "replace", path: "/b", value: 20 },
      { op: "add", path: "/a", value: 10 },
      { op: "add", path: "/d", value: 4 },
    ]);
    expect(JSON.stringify(result)).toBe('{"a":10,"b":20,"c":3,"d":4}');
  });

  it("keeps existing members in order and appends new ones (merge patch)", () => {
    expect(JSON.stringify(merge({ a: 1, b: 2, c: 3 }, { d: 4, b: 20, a: null }))).toBe('{"b":20,"c":3,"d":4}');
  });

  it("moves a member to the end of its new parent", () => {
    expect(JSON.stringify(jsonPatch({ a: 1, b: 2, c: 3 }, [{ op: "move", from: "/a", path: "/z" }]))).toBe(
      '{"b":2,"c":3,"z":1}',
    );
  });
});

describe("parsePatch", () => {
  it("picks the format from the media type, ignoring case and parameters", () => {
    expect(parsePatch("application/merge-patch+json", "{}").format).toBe("merge");
    expect(parsePatch("Application/JSON; charset=utf-8", "{}").format).toBe("merge");
    expect(parsePatch(" application/json-patch+json ; charset=UTF-8", "[]")).toEqual({
      format: "json-patch",
      document: [],
    });
  });

  it.each([
    undefined,
    "",
    "text/plain",
    "application/xml",
    "application/json-patch",
    "__proto__",
    "multipart/form-data",
  ])("rejects Content-Type %j", (contentType) => {
    expectRejected(() => parsePatch(contentType, "{}"), PATCH_NEED_CONTENT_TYPE);
  });

  it("checks the Content-Type before the body", () => {
    expectRejected(() => parsePatch("text/plain", ""), PATCH_NEED_CONTENT_TYPE);
  });

  it.each(["", "   \n", "{", "{'a': 1}", "[1,]", "undefined"])("rejects the body %j as invalid JSON", (text) => {
    expectRejected(() => parsePatch(MERGE, text), INVALID_JSON);
    expectRejected(() => parsePatch(JSON_PATCH, text), INVALID_JSON);
  });

  const malformed: unknown[] = [
    {},
    { op: "add", path: "/a", value: 1 },
    "add",
    [null],
    [[]],
    [{ path: "/a" }],
    [{ op: "ADD", path: "/a", value: 1 }],
    [{ op: "increment", path: "/a", value: 1 }],
    [{ op: "add", value: 1 }],
    [{ op: "add", path: "a", value: 1 }],
    [{ op: "add", path: 1, value: 1 }],
    [{ op: "add", path: "/a~", value: 1 }],
    [{ op: "add", path: "/a~2", value: 1 }],
    [{ op: "add", path: "/a" }],
    [{ op: "replace", path: "/a" }],
    [{ op: "test", path: "/a" }],
    [{ op: "move", path: "/a" }],
    [{ op: "copy", path: "/a", from: "b" }],
    [
      { op: "remove", path: "/a" },
      { op: "add", path: "/b" },
    ],
  ];
  it.each(malformed)("rejects the JSON Patch document %j", (document) => {
    expectRejected(() => parsePatch(JSON_PATCH, JSON.stringify(document)), INVALID_JSON_PATCH);
  });

  it("accepts well-formed operations, including a null value and escaped tokens", () => {
    const document = [
      { op: "add", path: "/a~0b~1c", value: null },
      { op: "remove", path: "" },
      { op: "move", from: "", path: "/x" },
      { op: "copy", from: "/", path: "/y" },
      { op: "test", path: "/z", value: false },
    ];
    expect(parsePatch(JSON_PATCH, JSON.stringify(document)).document).toEqual(document);
  });

  it("does not mistake repeated names in values or across operations for a repeated op member", () => {
    const text = '[{"op":"add","path":"/a","value":{"op":1,"op":2}},{"op":"remove","path":"/a"}]';
    expect(parsePatch(JSON_PATCH, text).format).toBe("json-patch");
  });

  it("accepts any JSON value as a merge patch", () => {
    for (const text of ["null", "1", '"s"', "[1]", '{"a":{"b":null}}']) {
      expect(parsePatch(MERGE, text).document).toEqual(JSON.parse(text));
    }
  });
});

describe("hostile input", () => {
  it("rejects documents nested deeper than 1000 levels", () => {
    const deep = nested(100_000, "0");
    expectRejected(() => parsePatch(MERGE, `{"a":${deep}}`), INVALID_JSON);
    const deepObject = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
    expectRejected(() => parsePatch(MERGE, deepObject), INVALID_JSON);
    expectRejected(() => parsePatch(JSON_PATCH, `[{"op":"add","path":"/a","value":${deep}}]`), INVALID_JSON_PATCH);
  });

  it("accepts nesting up to the limit", () => {
    const value = nested(998, "0");
    expect(parsePatch(JSON_PATCH, `[{"op":"add","path":"/a","value":${value}}]`).format).toBe("json-patch");
    const mergeText = `${'{"a":'.repeat(1000)}1${"}".repeat(1000)}`;
    expect(JSON.stringify(applyPatch({}, parsePatch(MERGE, mergeText)))).toBe(mergeText);
  });

  it("patches a stored record nested far deeper than the limit without exhausting the stack", () => {
    const target = JSON.parse(`{"deep":${nested(50_000, "1")}}`) as unknown;
    const result = applyPatch(
      target,
      parsePatch(JSON_PATCH, '[{"op":"add","path":"/b","value":2},{"op":"copy","from":"/b","path":"/c"}]'),
    );
    expect((result as { c: number }).c).toBe(2);
    const failing = parsePatch(JSON_PATCH, JSON.stringify([{ op: "test", path: "/deep", value: [[1]] }]));
    expect(() => applyPatch(target, failing)).toThrow(PatchConflict);
  });

  it("does not let copy double the document without bound", () => {
    const ops: unknown[] = [{ op: "add", path: "/a", value: [[1, 2, 3, 4, 5, 6, 7, 8]] }];
    for (let i = 0; i < 40; i++) ops.push({ op: "copy", from: "/a", path: "/a/-" });
    expect(() => jsonPatch({}, ops)).toThrow(PatchConflict);
    expect(() => jsonPatch({}, ops)).toThrow(/more work than it is allowed/);
  });

  it("stops a patch that keeps shifting a long array", () => {
    const target = { a: Array.from({ length: 100_000 }, (_, i) => i) };
    const ops = Array.from({ length: 2000 }, () => ({ op: "add", path: "/a/0", value: 0 }));
    expect(() => jsonPatch(target, ops)).toThrow(/more work than it is allowed/);
    expect((jsonPatch(target, ops.slice(0, 50)) as { a: number[] }).a).toHaveLength(100_050);
  });

  it("does not let a patch nest the result deeper than the limit", () => {
    const ops: unknown[] = [];
    let path = "";
    for (let i = 0; i < 999; i++) {
      path += "/x";
      ops.push({ op: "add", path, value: {} });
    }
    expect(() => jsonPatch({}, ops)).not.toThrow();
    expect(() => jsonPatch({}, [...ops, { op: "add", path: `${path}/x`, value: {} }])).toThrow(/nested too deeply/);
    expect(() => jsonPatch({}, [...ops, { op: "copy", from: "/x", path: `${path}/y` }])).toThrow(/nested too deeply/);
  });
});
