/**
 * A map bounded by the total size of its values (as `sizeOf` measures them), least recently used
 * first out. For values that never change under their key, so a hit is always current: record
 * bodies under their R2 keys, compiled schemas under their revision. A value larger than
 * `maxEntrySize` is not kept.
 */
export class SizedCache<V> {
  #entries = new Map<string, V>();
  #size = 0;

  constructor(
    readonly maxSize: number,
    readonly maxEntrySize: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    const size = this.sizeOf(value);
    if (size > this.maxEntrySize || this.#entries.has(key)) return;
    this.#entries.set(key, value);
    this.#size += size;
    for (const [oldest, old] of this.#entries) {
      if (this.#size <= this.maxSize) break;
      this.#entries.delete(oldest);
      this.#size -= this.sizeOf(old);
    }
  }

  /** The total size of what is kept. */
  get size(): number {
    return this.#size;
  }
}
