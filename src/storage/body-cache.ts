import { SizedCache } from "../sized-cache";

/**
 * Record bodies this isolate has read, by R2 key. A key is written once and never rewritten
 * (bodies.ts), so a cached body is never stale; whether it may be served at all is decided before,
 * by the D1 query that finds and authorises the bin on every read, so a deleted bin's or version's
 * body is never reached through here.
 *
 * Bounded by bytes (UTF-16 size, an upper bound of what V8 holds), so a busy isolate stays flat.
 */
export class BodyCache extends SizedCache<string> {
  constructor(maxBytes: number, maxEntryBytes: number) {
    super(maxBytes, maxEntryBytes, (text) => text.length * 2);
  }

  get bytes(): number {
    return this.size;
  }
}

/** 16 MiB of an isolate's 128 MB; a body over 1 MiB is read from R2 each time. */
export const bodyCache = new BodyCache(16 * 1024 * 1024, 1024 * 1024);
