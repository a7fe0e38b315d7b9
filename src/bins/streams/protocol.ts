import type { Credentials, KeyFacts } from "../../auth/credentials";

// The protocol of §10.4 change streams between the Worker, a bin's writer (which holds the
// subscribers as hibernatable WebSockets) and the owner account's stream registry. All three import
// it; none imports another for it.

/** What the Worker decided on connect, handed to the bin's writer with the upgrade request. */
export interface StreamRequest {
  binId: string;
  /** The bin's owner, whose registry counts and closes the stream; null for an anonymous bin. */
  ownerId: string | null;
  /** The presented keys and what they were when the Worker authorised: the writer decides again. */
  creds: Credentials;
  facts: KeyFacts;
  /**
   * True for an SSE stream: the Worker holds the client's response and relays from this socket,
   * and pings the client itself, so the writer never wakes to ping it.
   */
  relay: boolean;
}

/** What a subscriber socket carries through hibernation (its attachment). */
export interface Subscription {
  id: string;
  ownerId: string | null;
  /** The owner key the stream rests on (§2.4, §6.3): rotating or deleting it closes the stream. */
  keyHash: string | null;
  relay: boolean;
}

/** A stream registered with its owner's registry. */
export interface RegisteredStream {
  id: string;
  binId: string;
  keyHash: string | null;
}

/** The header of the internal upgrade request that carries the `StreamRequest` (JSON). */
export const STREAM_REQUEST_HEADER = "X-Edgebin-Stream";

/** The URL of that request; the writer answers nothing else over fetch. */
export const STREAM_URL = "https://bin-writer.internal/stream";

/** One registry per account, named by the account id. */
export const registryFor = (env: Env, accountId: string) =>
  env.ACCOUNT_STREAMS.get(env.ACCOUNT_STREAMS.idFromName(accountId));

const DEFAULTS = { perBin: 1000, perAccount: 10000, pingSeconds: 30, bufferBytes: 1_048_576 };

function positive(raw: string | undefined, fallback: number): number {
  const n = Number(raw || fallback);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The operator's stream settings (wrangler.toml [vars]), each falling back to its default. */
export function streamSettings(env: Env) {
  return {
    maxPerBin: Math.floor(positive(env.MAX_STREAMS_PER_BIN, DEFAULTS.perBin)),
    maxPerAccount: Math.floor(positive(env.MAX_STREAMS_PER_ACCOUNT, DEFAULTS.perAccount)),
    pingMs: positive(env.STREAM_PING_SECONDS, DEFAULTS.pingSeconds) * 1000,
    bufferBytes: Math.floor(positive(env.STREAM_BUFFER_BYTES, DEFAULTS.bufferBytes)),
  };
}
