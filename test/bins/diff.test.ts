import { describe, expect, it } from "vitest";
import { type DiffOperation, diffRecords } from "../../src/bins/diff";
import { applyPatch } from "../../src/bins/patch/engine";
import { AppError } from "../../src/errors/app-error";

const size = (value: unknown) => JSON.stringify(value).length;
const diff = (from: unknown, to: unknown): DiffOperation[] => diffRecords(from, to, size(from) + size(to));
/** Through the same RFC 6902 engine PATCH uses. */
const apply = (from: unknown, ops: DiffOperation[]): unknown =>
  applyPatch(from, { format: "json-patch", document: ops });

/** mulberry32: a small seeded generator, so a failing pair can be reproduced from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pointer escapes, the prototype's name and an empty key are where a diff most easily goes wrong.
const KEYS = ["a", "b", "c", "name", "a/b", "~", "~1", "", "__proto__", "ünï", "0", "items"];

function generator(rand: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const scalar = (): unknown =>
    pick([
      () => Math.floor(rand() * 100) - 50,
      () => rand() * 1e6,
      () => pick(["", "x", "hello", "ü/~", "1"]),
      () => rand() < 0.5,
      () => null,
    ])();
  const value = (depth: number): unknown => {
    const r = rand();
    if (depth > 3 || r < 0.45) return scalar();
    if (r < 0.75) {
      const obj: Record<string, unknown> = {};
      const n = Math.floor(rand() * 5);
      for (let i = 0; i < n; i++)
        Object.defineProperty(obj, pick(KEYS), {
          value: value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return obj;
    }
    return Array.from({ length: Math.floor(rand() * 6) }, () => value(depth + 1));
  };
  /** A changed copy: members changed, removed, added, reordered; elements inserted, removed, replaced. */
  const mutate = (v: unknown, depth: number): unknown => {
    if (rand() < 0.15) return value(depth);
    if (Array.isArray(v)) {
      const out = v.map((x) => (rand() < 0.3 ? mutate(x, depth + 1) : x));
      if (rand() < 0.3) out.splice(Math.floor(rand() * (out.length + 1)), 0, value(depth + 1));
      if (rand() < 0.3 && out.length > 0) out.splice(Math.floor(rand() * out.length), 1);
      return out;
    }
    if (typeof v === "object" && v !== null) {
      let entries = Object.entries(v).filter(() => rand() > 0.15);
      entries = entries.map(([k, x]) => [k, rand() < 0.3 ? mutate(x, depth + 1) : x]);
      if (rand() < 0.3) entries.push([pick(KEYS), value(depth + 1)]);
      if (rand() < 0.2) entries.reverse();
      const out: Record<string, unknown> = {};
      for (const [k, x] of entries)
        Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
      return out;
    }
    return rand() < 0.5 ? scalar() : v;
  };
  return { value, mutate, rand };
}

describe("the diff of two records", () => {
  it("turns `from` into `to` exactly, member order included, for 1000 seeded random pairs", () => {
    const { value, mutate, rand } = generator(random(20261201));
    let operations = 0;
    for (let i = 0; i < 1000; i++) {
      const from = value(0);
      const to = rand() < 0.85 ? mutate(from, 0) : value(0);
      const before = JSON.stringify(from);
      const ops = diff(from, to);
      operations += ops.length;
      expect(JSON.stringify(apply(from, ops)), `pair ${i}: ${before} → ${JSON.stringify(to)}`).toBe(JSON.stringify(to));
      expect(JSON.stringify(from)).toBe(before);
    }
    // Related pairs, so most patches are small edits rather than whole replacements.
    expect(operations).toBeGreaterThan(1000);
  });

  it("is empty for two records that serialise the same", () => {
    expect(diff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  it("replaces, removes and adds members where they changed", () => {
    expect(diff({ a: 1, b: { c: 2, d: 3 }, e: 4 }, { a: 1, b: { c: 20, d: 3 }, f: 5 })).toEqual([
      { op: "remove", path: "/e" },
      { op: "replace", path: "/b/c", value: 20 },
      { op: "add", path: "/f", value: 5 },
    ]);
  });

  it("moves a member to its new place by removing and appending it", () => {
    expect(diff({ a: 1, b: 2, c: 3 }, { b: 2, c: 3, a: 1 })).toEqual([
      { op: "remove", path: "/a" },
      { op: "add", path: "/a", value: 1 },
    ]);
  });

  it("keeps an array's common head and tail, so an insert or removal is one operation", () => {
    expect(diff([1, 2, 3, 4], [1, 2, 9, 3, 4])).toEqual([{ op: "add", path: "/2", value: 9 }]);
    expect(diff([1, 2, 3, 4], [1, 3, 4])).toEqual([{ op: "remove", path: "/1" }]);
    expect(diff([1, 2, 3, 4, 5], [1, 5])).toEqual([
      { op: "remove", path: "/3" },
      { op: "remove", path: "/2" },
      { op: "remove", path: "/1" },
    ]);
  });

  it("diffs changed array elements by index, into their members", () => {
    expect(
      diff(
        {
          list: [
            { id: 1, n: "a" },
            { id: 2, n: "b" },
          ],
        },
        {
          list: [
            { id: 1, n: "a" },
            { id: 2, n: "c" },
          ],
        },
      ),
    ).toEqual([{ op: "replace", path: "/list/1/n", value: "c" }]);
  });

  it("escapes `~` and `/` in member names as JSON Pointer says", () => {
    expect(diff({ "a/b": 1, "~": 2 }, { "a/b": 3, "~": 4 })).toEqual([
      { op: "replace", path: "/a~1b", value: 3 },
      { op: "replace", path: "/~0", value: 4 },
    ]);
  });

  it("replaces the whole record when an object becomes an array", () => {
    expect(diff({ a: 1 }, [1])).toEqual([{ op: "replace", path: "", value: [1] }]);
  });

  it("handles records nested deeper than the call stack", () => {
    const deep = (leaf: number) => JSON.parse(`${"[".repeat(20000)}${leaf}${"]".repeat(20000)}`);
    const ops = diffRecords(deep(1), deep(2), 100_000);
    expect(ops).toHaveLength(1);
    expect(ops[0]!.path.split("/")).toHaveLength(20001);
  });

  it("refuses a patch whose paths would outgrow the records many times over", () => {
    // 2000 changed elements, each addressed by a path 5000 levels deep: 20 million characters of paths.
    const deep = (leaf: number) =>
      JSON.parse(`${"[".repeat(5000)}${Array(2000).fill(leaf).join(",")}${"]".repeat(5000)}`);
    const [a, b] = [deep(1), deep(2)];
    const refuse = () => diffRecords(a, b, size(a) + size(b));
    expect(refuse).toThrowError(AppError);
    expect(refuse).toThrowError("Versions too large to diff");
  });
});
