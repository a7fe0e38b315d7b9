import { DurableObject } from "cloudflare:workers";
import { AppError } from "../../errors/app-error";
import { type Settled, settle } from "../../errors/rpc";
import { writerFor } from "../writer-protocol";
import { type RegisteredStream, streamSettings } from "./protocol";

/**
 * One per account (named by its id): the live streams on the account's bins, by the key each rests
 * on. Rotating the master key or deleting an access key asks it to close that key's streams; it
 * asks only the bins that have one, never scans the account's bins. It also caps the account's
 * streams (MAX_STREAMS_PER_ACCOUNT).
 *
 * A bin unregisters a stream when it closes. A stream lost without that (a crash) stays counted
 * until the cap is reached: then the registry asks its bins which streams are still open and forgets the rest.
 */
export class AccountStreams extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS streams (
      id TEXT PRIMARY KEY, bin_id TEXT NOT NULL, key_hash TEXT
    ); CREATE INDEX IF NOT EXISTS streams_by_key ON streams (key_hash)`);
  }

  private count(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM streams").one().n;
  }

  register(stream: RegisteredStream): Promise<Settled<null>> {
    return settle(async () => {
      const max = streamSettings(this.env).maxPerAccount;
      // No await between the last count and the insert: concurrent registrations cannot pass the cap.
      if (this.count() >= max) {
        await this.prune();
        if (this.count() >= max) throw new AppError("streamLimitAccount");
      }
      this.ctx.storage.sql.exec(
        "INSERT OR REPLACE INTO streams (id, bin_id, key_hash) VALUES (?, ?, ?)",
        stream.id,
        stream.binId,
        stream.keyHash,
      );
      return null;
    });
  }

  unregister(ids: string[]): void {
    for (const id of ids) this.ctx.storage.sql.exec("DELETE FROM streams WHERE id = ?", id);
  }

  /** Closes every stream resting on this key, on each of the account's bins that has one. */
  async closeKey(keyHash: string): Promise<number> {
    const bins = this.ctx.storage.sql
      .exec<{ bin_id: string }>("SELECT DISTINCT bin_id FROM streams WHERE key_hash = ?", keyHash)
      .toArray()
      .map((r) => r.bin_id);
    const closed = await Promise.all(
      bins.map(async (binId) => {
        const count = await writerFor(this.env, binId).closeStreamsOf(keyHash);
        this.ctx.storage.sql.exec("DELETE FROM streams WHERE bin_id = ? AND key_hash = ?", binId, keyHash);
        return count;
      }),
    );
    return closed.reduce((a, b) => a + b, 0);
  }

  /** Forgets streams their bin no longer has open. */
  private async prune(): Promise<void> {
    const bins = this.ctx.storage.sql
      .exec<{ bin_id: string }>("SELECT DISTINCT bin_id FROM streams")
      .toArray()
      .map((r) => r.bin_id);
    await Promise.all(
      bins.map(async (binId) => {
        const live = new Set(await writerFor(this.env, binId).liveStreams());
        const known = this.ctx.storage.sql
          .exec<{ id: string }>("SELECT id FROM streams WHERE bin_id = ?", binId)
          .toArray();
        for (const { id } of known)
          if (!live.has(id)) this.ctx.storage.sql.exec("DELETE FROM streams WHERE id = ?", id);
      }),
    );
  }
}
