// The physical limit of a read on this runtime: the Worker's own bin-view D1 query (the one that
// finds and authorises the bin) and one R2 get of the body, and nothing else: no routing
// framework, no CORS, no key hashing, no counting. `POST /seed` stores one bin to read.
import { loadBinView } from "../../src/storage/bin-reads";

interface FloorEnv {
  DB: D1Database;
  BODIES: R2Bucket;
}

const MASTER_HASH = "f".repeat(64);

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/seed") {
      const body = await request.text();
      const id = crypto.randomUUID().replaceAll("-", "").slice(0, 24);
      const accountId = crypto.randomUUID().replaceAll("-", "").slice(0, 24);
      const bodyKey = `${id}/${crypto.randomUUID()}`;
      const now = new Date().toISOString();
      await env.BODIES.put(bodyKey, body);
      await env.DB.batch([
        env.DB.prepare(
          "INSERT OR IGNORE INTO accounts (id, plan, master_key_hash, created_at) VALUES (?, 'free', ?, ?)",
        ).bind(accountId, MASTER_HASH, now),
        env.DB.prepare(
          "INSERT INTO bins (id, account_id, private, created_at, version_count, write_token) VALUES (?, (SELECT id FROM accounts WHERE master_key_hash = ?), 1, ?, 0, ?)",
        ).bind(id, MASTER_HASH, now, crypto.randomUUID()),
        env.DB.prepare(
          "INSERT INTO records (bin_id, version, body_key, hash, size, updated_at) VALUES (?, 0, ?, ?, ?, ?)",
        ).bind(id, bodyKey, "0000000000000000", body.length, now),
      ]);
      return Response.json({ id });
    }
    const match = /^\/b\/([0-9a-f]{24})\/latest$/.exec(url.pathname);
    if (!match) return new Response("not found", { status: 404 });
    const view = await loadBinView(env.DB, match[1]!, { masterHash: MASTER_HASH }, null, false);
    if (!view?.record) return new Response("not found", { status: 404 });
    const object = await env.BODIES.get(view.record.bodyKey);
    if (!object) return new Response("gone", { status: 404 });
    return new Response(await object.text(), { headers: { "Content-Type": "application/json; charset=utf-8" } });
  },
};
