import { describe, expect, it } from "vitest";
import { BodyCache } from "../../src/storage/body-cache";

describe("the isolate's body cache", () => {
  it("keeps bodies up to its byte bound, evicting the least recently used first", () => {
    const cache = new BodyCache(40, 20); // 20 characters of bodies, counted at 2 bytes each
    cache.set("a", "aaaaa"); // 10 bytes
    cache.set("b", "bbbbb");
    expect(cache.get("a")).toBe("aaaaa"); // a is now the most recently used
    cache.set("c", "ccccc"); // 30 bytes: fits
    cache.set("d", "ddddd"); // 40: fits
    cache.set("e", "eeeee"); // 50: b, the least recently used, goes
    expect([cache.get("b"), cache.get("a"), cache.get("e")]).toEqual([undefined, "aaaaa", "eeeee"]);
    expect(cache.bytes).toBe(40);
  });

  it("never keeps a body larger than its entry bound", () => {
    const cache = new BodyCache(100, 10);
    cache.set("big", "x".repeat(6)); // 12 bytes
    expect(cache.get("big")).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });
});
