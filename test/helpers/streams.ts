import { expect } from "vitest";
import { call } from "./http";

// Subscribers of §10.4 streams for tests, through the Worker's HTTP surface: each collects the
// events it receives, in order, and hands them out one at a time.

export type Event = Record<string, unknown> & { event: string };

/** A queue of received texts with waiters; `closed` settles when the stream ends. */
class Inbox {
  private texts: string[] = [];
  private waiters: ((text: string | null) => void)[] = [];
  ended = false;

  push(text: string): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(text);
    else this.texts.push(text);
  }

  end(): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter(null);
  }

  /** The next text, or null once the stream ended with nothing left; fails after `ms`. */
  next(ms = 5000): Promise<string | null> {
    const text = this.texts.shift();
    if (text !== undefined) return Promise.resolve(text);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
      this.waiters.push((t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }

  get pending(): number {
    return this.texts.length;
  }
}

export interface Subscriber {
  /** The next event's JSON text exactly as sent (an SSE event's `data:` line). */
  nextText(ms?: number): Promise<string | null>;
  next(ms?: number): Promise<Event>;
  /** Resolves once the stream has ended (after any events still queued are read). */
  ended(): Promise<void>;
  /** Events received and not yet read. */
  queued(): number;
  close(): void;
}

function subscriber(inbox: Inbox, close: () => void): Subscriber {
  return {
    nextText: (ms) => inbox.next(ms),
    async next(ms) {
      const text = await inbox.next(ms);
      if (text === null) throw new Error("the stream ended");
      return JSON.parse(text) as Event;
    },
    async ended() {
      for (;;) {
        const text = await inbox.next(10_000);
        if (text === null) return;
      }
    },
    queued: () => inbox.pending,
    close,
  };
}

/** A WebSocket subscriber: expects 101 and accepts the socket. */
export async function openSocket(binId: string, headers: Record<string, string> = {}): Promise<Subscriber> {
  const res = await call("GET", `/v3/b/${binId}/stream`, { headers: { Upgrade: "websocket", ...headers } });
  expect(res.status, res.status === 101 ? "" : await res.text()).toBe(101);
  const ws = res.webSocket!;
  const inbox = new Inbox();
  ws.addEventListener("message", (e) => inbox.push(String(e.data)));
  ws.addEventListener("close", () => inbox.end());
  ws.addEventListener("error", () => inbox.end());
  ws.accept();
  return subscriber(inbox, () => ws.close(1000, "bye"));
}

export interface EventsOptions {
  /** How the request is made (default: `call`); e.g. through `callWithEnv` for other operator settings. */
  fetcher?: (path: string, headers: Record<string, string>) => Promise<Response>;
  /** Read nothing until `resume()`: a client that does not keep up. */
  paused?: boolean;
}

/** An SSE subscriber: expects 200 `text/event-stream` and parses each `event:`/`data:` block. */
export async function openEvents(
  binId: string,
  headers: Record<string, string> = {},
  options: EventsOptions = {},
): Promise<Subscriber & { raw: () => string[]; response: Response; resume: () => void }> {
  const fetcher = options.fetcher ?? ((path, h) => call("GET", path, { headers: h }));
  let resume!: () => void;
  const resumed = options.paused ? new Promise<void>((r) => (resume = r)) : Promise.resolve();
  const res = await fetcher(`/v3/b/${binId}/stream`, { Accept: "text/event-stream", ...headers });
  expect(res.status, res.status === 200 ? "" : await res.clone().text()).toBe(200);
  const inbox = new Inbox();
  const blocks: string[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    await resumed;
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          blocks.push(block);
          const data = block.split("\n").find((l) => l.startsWith("data: "));
          if (data) inbox.push(data.slice("data: ".length));
        }
      }
    } catch {
      // Ended by the server (a slow consumer) or cancelled by the test.
    }
    inbox.end();
  })();
  return {
    ...subscriber(inbox, () => void reader.cancel().catch(() => {})),
    raw: () => blocks,
    response: res,
    resume: () => resume?.(),
  };
}
