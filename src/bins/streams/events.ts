// The events of §10.4, built with their keys in the contract's order. Every transport sends the
// same JSON text: a WebSocket frame, or the `data:` line of an SSE event.

export type StreamEvent =
  | { event: "ready"; version: number; etag: string }
  | { event: "update"; version: number; etag: string; versioned: boolean; at: string }
  | { event: "versions-deleted"; version: 0; etag: string; at: string }
  | { event: "deleted"; at: string }
  | { event: "closed"; at: string }
  | { event: "ping" };

/** One committed write of the bin's record, as its subscribers hear of it. */
export interface CommittedWrite {
  /** The record written: N+1 when appended, N when the latest was overwritten in place. */
  version: number;
  etag: string;
  /** True when the write appended a version (its response carried `metadata.version`). */
  versioned: boolean;
  /** The record's last write time. */
  at: string;
}

const now = () => new Date().toISOString();

export const readyEvent = (version: number, etag: string): StreamEvent => ({ event: "ready", version, etag });

export const updateEvent = (w: CommittedWrite): StreamEvent => ({
  event: "update",
  version: w.version,
  etag: w.etag,
  versioned: w.versioned,
  at: w.at,
});

export const versionsDeletedEvent = (etag: string): StreamEvent => ({
  event: "versions-deleted",
  version: 0,
  etag,
  at: now(),
});

export const deletedEvent = (): StreamEvent => ({ event: "deleted", at: now() });

export const closedEvent = (): StreamEvent => ({ event: "closed", at: now() });

export const PING = JSON.stringify({ event: "ping" } satisfies StreamEvent);

/** An event's JSON text as one SSE event: `event: <name>`, `data: <json>`, blank line. */
export const sseFrame = (json: string): string =>
  `event: ${(JSON.parse(json) as StreamEvent).event}\ndata: ${json}\n\n`;
