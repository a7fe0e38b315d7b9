import { authorizeBin, streamKey } from "../../auth/bin-access";
import type { Credentials, KeyFacts } from "../../auth/credentials";
import { AppError } from "../../errors/app-error";
import { settle, unwrap } from "../../errors/rpc";
import {
  type CommittedWrite,
  closedEvent,
  deletedEvent,
  PING,
  readyEvent,
  type StreamEvent,
  updateEvent,
  versionsDeletedEvent,
} from "./events";
import { registryFor, STREAM_REQUEST_HEADER, type StreamRequest, type Subscription, streamSettings } from "./protocol";

/** What the streams need of the bin's head, read in the writer's queue so it is ordered with commits. */
export interface StreamHead {
  version: number;
  etag: string;
  private: boolean;
  ownerId: string | null;
}

/** What the bin's writer lends its streams. */
export interface StreamHost {
  ctx: DurableObjectState;
  env: () => Env;
  /** Runs `admit` in the writer's queue against the bin's head (404 if the bin is gone). */
  withHead<T>(binId: string, admit: (head: StreamHead) => T): Promise<T>;
  /** The presented keys as they are now in D1. */
  keyFacts(creds: Credentials): Promise<KeyFacts>;
}

/** A connect between the Worker's authorisation and the socket's acceptance. */
interface Pending {
  id: string;
  keyHash: string | null;
  /** Set when that key was rotated or deleted meanwhile: the connect then decides without it. */
  revoked: boolean;
}

const OPEN = 1;
const tag = {
  id: (id: string) => `id:${id}`,
  key: (hash: string) => `key:${hash}`,
  keyless: "keyless",
  socket: "socket",
  relay: "relay",
};

/** Normal closure after `deleted` / `closed`; policy violation for a subscriber that does not keep up. */
const CLOSE_DONE = 1000;
const CLOSE_SLOW = 1008;

/**
 * The subscribers of one bin (§10.4), held by its writer as hibernatable WebSockets: the object can
 * be evicted while they stay connected, and everything needed after waking is in each socket's
 * tags and attachment. Two kinds share the machinery: a client's own WebSocket, and the socket of
 * an SSE relay held by the Worker (`relay`), which the Worker pings itself.
 *
 * Sending never waits: `send` queues in the runtime, so a slow subscriber delays neither the writer
 * nor the others. Where the runtime reports a socket's `bufferedAmount`, a socket more than
 * STREAM_BUFFER_BYTES behind is closed; SSE relays bound their client in the Worker (sse.ts).
 */
export class BinStreams {
  private readonly pending = new Set<Pending>();

  constructor(private readonly host: StreamHost) {}

  private get ctx() {
    return this.host.ctx;
  }

  private get settings() {
    return streamSettings(this.host.env());
  }

  private open(tagName?: string): WebSocket[] {
    return this.ctx.getWebSockets(tagName).filter((ws) => ws.readyState === OPEN);
  }

  /**
   * The upgrade request from the Worker: cap per bin, registration with the owner's registry (its
   * cap), the keys read again, then admission in the writer's queue against the head it holds.
   * Registering before reading the keys again means a rotation either happened before the read
   * (and refuses this connect) or finds the registration (and closes the stream, or marks the
   * pending connect). Refusals go back to the Worker as a settled error.
   */
  async connect(request: Request): Promise<Response> {
    const ask = JSON.parse(request.headers.get(STREAM_REQUEST_HEADER) ?? "null") as StreamRequest | null;
    if (!ask || request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response(null, { status: 404 });
    }
    const id = crypto.randomUUID();
    let registered = false;
    const settled = await settle(async () => {
      if (this.open().length + this.pending.size >= this.settings.maxPerBin) throw new AppError("streamLimitBin");
      const pending: Pending = { id, keyHash: streamKey(ask.ownerId, ask.creds, ask.facts), revoked: false };
      this.pending.add(pending);
      try {
        if (ask.ownerId) {
          const stream = { id, binId: ask.binId, keyHash: pending.keyHash };
          unwrap(await registryFor(this.host.env(), ask.ownerId).register(stream));
          registered = true;
        }
        const facts = pending.keyHash ? await this.host.keyFacts(ask.creds) : ask.facts;
        return await this.host.withHead(ask.binId, (head) => this.admit(id, ask, head, revoke(facts, ask, pending)));
      } finally {
        this.pending.delete(pending);
      }
    });
    if (settled.ok) {
      if (!ask.relay) await this.armPing();
      return settled.value;
    }
    if (registered && ask.ownerId) await this.unregister(ask.ownerId, [id]);
    return Response.json(settled);
  }

  /** Synchronous from the authorisation to `ready`: no commit can fall between them. */
  private admit(id: string, ask: StreamRequest, head: StreamHead, facts: KeyFacts): Response {
    authorizeBin("read", head, ask.creds, facts);
    const keyHash = streamKey(head.ownerId, ask.creds, facts);
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    const tags = [tag.id(id), ask.relay ? tag.relay : tag.socket, keyHash ? tag.key(keyHash) : tag.keyless];
    this.ctx.acceptWebSocket(server, tags);
    server.serializeAttachment({ id, ownerId: ask.ownerId, keyHash, relay: ask.relay } satisfies Subscription);
    server.send(JSON.stringify(readyEvent(head.version, head.etag)));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Every write committed, in commit order: one `update` each. Any commit path calls this. */
  committed(writes: CommittedWrite[]): void {
    if (writes.length === 0) return;
    const sockets = this.open();
    for (const write of writes) this.broadcast(sockets, updateEvent(write));
  }

  versionsDeleted(baseEtag: string): void {
    this.broadcast(this.open(), versionsDeletedEvent(baseEtag));
  }

  /** The bin is gone: `deleted` to everyone, then every stream closes. */
  async deleted(): Promise<void> {
    await this.end(this.open(), deletedEvent());
  }

  /**
   * A bin turned private: streams that rested on no key are no longer authorised. Streams resting
   * on an owner key stay authorised whichever way privacy goes.
   */
  async privacyChanged(isPrivate: boolean): Promise<void> {
    if (isPrivate) await this.end(this.open(tag.keyless), closedEvent());
  }

  /** The owner's registry: this key was rotated or deleted. Returns how many streams closed. */
  closeKey(keyHash: string): number {
    for (const p of this.pending) if (p.keyHash === keyHash) p.revoked = true;
    const sockets = this.open(tag.key(keyHash));
    // The registry forgets these itself.
    this.send(sockets, closedEvent());
    return sockets.length;
  }

  /** The ids of the streams open or being admitted, for a registry that suspects it counts dead ones. */
  liveIds(): string[] {
    return [...this.open().map((ws) => attachment(ws).id), ...[...this.pending].map((p) => p.id)];
  }

  /** A subscriber went away (or its socket failed): its owner's registry stops counting it. */
  async gone(ws: WebSocket, code = CLOSE_DONE): Promise<void> {
    // Answer the client's close frame (the runtime may have done so already).
    closeQuietly(ws, code === 1005 || code === 1006 ? CLOSE_DONE : code, "bye");
    const sub = attachment(ws);
    if (sub?.ownerId) await this.unregister(sub.ownerId, [sub.id]);
  }

  /**
   * From the writer's alarm: pings every client socket (relays are pinged by the Worker). Returns
   * when the next ping is due, or null when no client socket is left to ping.
   */
  ping(now: number): number | null {
    const sockets = this.open(tag.socket);
    if (sockets.length === 0) return null;
    const { bufferBytes, pingMs } = this.settings;
    for (const ws of sockets) this.deliver(ws, PING, bufferBytes);
    return now + pingMs;
  }

  /** The object wakes for pings only while it has client sockets: at most once per STREAM_PING_SECONDS. */
  private async armPing(): Promise<void> {
    const due = Date.now() + this.settings.pingMs;
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > due) await this.ctx.storage.setAlarm(due);
  }

  private broadcast(sockets: WebSocket[], event: StreamEvent): void {
    const text = JSON.stringify(event);
    const { bufferBytes } = this.settings;
    for (const ws of sockets) this.deliver(ws, text, bufferBytes);
  }

  /** `bufferBytes` is read once per event by the caller: the settings are parsed from the env. */
  private deliver(ws: WebSocket, text: string, bufferBytes: number): void {
    const behind = (ws as { bufferedAmount?: number }).bufferedAmount;
    if (typeof behind === "number" && behind > bufferBytes) {
      closeQuietly(ws, CLOSE_SLOW, "slow consumer");
      void this.gone(ws);
      return;
    }
    try {
      ws.send(text);
    } catch {
      // Closing already: its close handler unregisters it.
    }
  }

  /** The last event to these sockets, and their close. */
  private send(sockets: WebSocket[], event: StreamEvent): void {
    const text = JSON.stringify(event);
    const { bufferBytes } = this.settings;
    for (const ws of sockets) {
      this.deliver(ws, text, bufferBytes);
      closeQuietly(ws, CLOSE_DONE, event.event);
    }
  }

  /** The last event to these sockets, then they close and their registries stop counting them. */
  private async end(sockets: WebSocket[], event: StreamEvent): Promise<void> {
    this.send(sockets, event);
    const byOwner = new Map<string, string[]>();
    for (const ws of sockets) {
      const sub = attachment(ws);
      if (sub.ownerId) byOwner.set(sub.ownerId, [...(byOwner.get(sub.ownerId) ?? []), sub.id]);
    }
    await Promise.all([...byOwner].map(([owner, ids]) => this.unregister(owner, ids)));
  }

  private async unregister(ownerId: string, ids: string[]): Promise<void> {
    try {
      await registryFor(this.host.env(), ownerId).unregister(ids);
    } catch (err) {
      // The registry prunes streams that are no longer open when it reaches its cap.
      console.error("failed to unregister streams", err);
    }
  }
}

const attachment = (ws: WebSocket): Subscription => ws.deserializeAttachment() as Subscription;

function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}

/** The facts with the stream's key removed if it was rotated or deleted while the connect was pending. */
function revoke(facts: KeyFacts, ask: StreamRequest, pending: Pending): KeyFacts {
  if (!pending.revoked) return facts;
  return {
    masterAccountId: pending.keyHash === ask.creds.masterHash ? null : facts.masterAccountId,
    accessKey: pending.keyHash === ask.creds.accessHash ? null : facts.accessKey,
  };
}
