/**
 * Record bodies this isolate has read, by R2 key, least recently used first out. A key is written
 * once and never rewritten (bodies.ts), so a cached body is never stale; whether it may be served at
 * all is decided before, by the D1 query that finds and authorises the bin on every read, so a
 * deleted bin's or version's body is never reached through here.
 *
 * Bounded by bytes (UTF-16 size, an upper bound of what V8 holds), so a busy isolate stays flat.
 */
export class BodyCache {
  #entries = new Map<string, string>();
  #bytes = 0;

  constructor(
    readonly maxBytes: number,
    readonly maxEntryBytes: number,
  ) {}

  get(key: string): string | undefined {
    const text = this.#entries.get(key);
    if (text !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, text);
    }
    return text;
  }

  set(key: string, text: string): void {
    const size = text.length * 2;
    if (size > this.maxEntryBytes || this.#entries.has(key)) return;
    this.#entries.set(key, text);
    this.#bytes += size;
    for (const [oldest, old] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.length * 2;
    }
  }

  get bytes(): number {
    return this.#bytes;
  }
}

/** 16 MiB of an isolate's 128 MB; a body over 1 MiB is read from R2 each time. */
export const bodyCache = new BodyCache(16 * 1024 * 1024, 1024 * 1024);
