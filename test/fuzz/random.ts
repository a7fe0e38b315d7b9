/**
 * A small seeded generator (mulberry32): the same seed draws the same numbers, so a fuzz run is
 * replayed by running it again with its seed. Not for secrets.
 */
export class Random {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from nothing");
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One of the entries, each as likely as its weight. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    let r = this.next() * entries.reduce((sum, [w]) => sum + w, 0);
    for (const [w, item] of entries) {
      r -= w;
      if (r < 0) return item;
    }
    return entries.at(-1)![1];
  }

  /** `length` characters drawn from `alphabet` (code points, so emoji stay whole). */
  chars(length: number, alphabet: string): string {
    const points = [...alphabet];
    return Array.from({ length }, () => this.pick(points)).join("");
  }

  /** Runs one of the thunks: for choices whose values cost something to build. */
  one<T>(...makers: (() => T)[]): T {
    return this.pick(makers)();
  }
}

/** A seed for a fresh run: the clock's low bits are enough for a test's variety. */
export const freshSeed = (): number => (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) >>> 0;
