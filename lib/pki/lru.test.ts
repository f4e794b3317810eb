import { describe, expect, it } from "vitest";
import { LruCache } from "./lru";

describe("LruCache", () => {
  it("drops the least recently used entry, not the oldest inserted, once over its limit", () => {
    const cache = new LruCache<string, number>(3);
    cache.set("root", 1);
    cache.set("leaf-1", 2);
    cache.set("leaf-2", 3);
    expect(cache.get("root")).toBe(1); // the trust anchor is used again…
    cache.set("leaf-3", 4); // …so the next one-off entry pushes out leaf-1
    expect(cache.has("leaf-1")).toBe(false);
    expect([cache.has("root"), cache.has("leaf-2"), cache.has("leaf-3")]).toEqual([true, true, true]);
    expect(cache.size).toBe(3);
  });

  it("keeps an entry whose value is undefined (a key that could not be imported is remembered too)", () => {
    const cache = new LruCache<string, string | undefined>(2);
    cache.set("bad", undefined);
    cache.set("good", "key");
    expect(cache.has("bad")).toBe(true);
    expect(cache.get("bad")).toBeUndefined();
    cache.set("other", "key"); // "good" is now the least recently used
    expect([cache.has("bad"), cache.has("good"), cache.has("other")]).toEqual([true, false, true]);
  });

  it("replaces the value of a key set twice without growing", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("a", 2);
    expect(cache.size).toBe(1);
    expect(cache.get("a")).toBe(2);
    expect(cache.get("missing")).toBeUndefined();
  });
});
