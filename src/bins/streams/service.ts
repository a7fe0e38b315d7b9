import { unwrap } from "../../errors/rpc";
import { writerFor } from "../writer-protocol";
import { registryFor, STREAM_REQUEST_HEADER, STREAM_URL, type StreamRequest, streamSettings } from "./protocol";
import { sseRelay } from "./sse";

// The Worker's side of §10.4: opening a stream on a bin's writer, and closing a key's streams.

/** Asks the bin's writer for a subscriber socket; its refusal (404, 401/403, a cap) is raised here. */
async function subscribe(env: Env, ask: StreamRequest): Promise<WebSocket> {
  const res = await writerFor(env, ask.binId).fetch(STREAM_URL, {
    headers: { Upgrade: "websocket", [STREAM_REQUEST_HEADER]: JSON.stringify(ask) },
  });
  if (res.webSocket) return res.webSocket;
  unwrap(await res.json());
  throw new Error(`the bin's writer answered a stream request with ${res.status}`);
}

/** A WebSocket stream: the client's socket is the writer's own (hibernatable) socket. */
export async function openSocketStream(env: Env, ask: Omit<StreamRequest, "relay">): Promise<Response> {
  const webSocket = await subscribe(env, { ...ask, relay: false });
  return new Response(null, { status: 101, webSocket });
}

/** An SSE stream: the Worker holds the response and relays from a socket to the writer (see sse.ts). */
export async function openEventStream(env: Env, ask: Omit<StreamRequest, "relay">): Promise<Response> {
  const socket = await subscribe(env, { ...ask, relay: true });
  return sseRelay(socket, streamSettings(env));
}

/**
 * §2.4, §6.3: the key was rotated or deleted; every stream it authorised, on any of the account's
 * bins, closes. Runs after the response: a failure is logged, the key change stands.
 */
export async function closeStreams(env: Env, accountId: string, keyHash: string): Promise<void> {
  try {
    await registryFor(env, accountId).closeKey(keyHash);
  } catch (err) {
    console.error("failed to close the streams of a key", err);
  }
}
