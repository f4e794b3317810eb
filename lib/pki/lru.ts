/**
 * A Map bounded to `limit` entries that drops the least recently used one first.
 *
 * The engine's caches (parsed certificates, imported keys, signature results) exist for the
 * certificates that recur — a provider's trust store, its partners' CA intermediates — while
 * every upload also brings a leaf that is never seen again. Dropping the oldest *inserted* entry
 * would let a stream of leaves push the trust store out; dropping the least recently *used* keeps
 * what recurs however many one-off certificates pass through, so the bound can stay small (what
 * a cache holds is kept alive, and copied by every young-generation collection until it is old).
 *
 * @example
 * const cache = new LruCache<string, number>(2);
 * cache.set("a", 1); cache.set("b", 2); cache.get("a"); cache.set("c", 3);
 * cache.has("b"); // false: "a" was used more recently
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly limit: number) {}

  get size(): number {
    return this.map.size;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** The value stored under `key` (which becomes the most recently used), or undefined. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined && !this.map.has(key)) return undefined;
    this.map.delete(key);
    this.map.set(key, value as V);
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as K);
  }
}
