import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { writerStub } from ".";
import { sha256Hex } from "./bins";

// Reads and writes of the bindings themselves, for preconditions the API cannot set up cheaply and
// for assertions about what storage holds. The shapes follow migrations/0001_initial.sql.

/** The bin's head row and all its record rows, oldest first. */
export async function storedRows(id: string) {
  const bin = await env.DB.prepare("SELECT * FROM bins WHERE id = ?").bind(id).first();
  const { results } = await env.DB.prepare("SELECT * FROM records WHERE bin_id = ? ORDER BY version").bind(id).all();
  return { bin, records: results };
}

/** The keys of every body under the bin's prefix in R2, orphans included. */
export async function bodyKeys(id: string): Promise<string[]> {
  return (await env.BODIES.list({ prefix: `${id}/` })).objects.map((o) => o.key);
}

export async function bodyCount(id: string): Promise<number> {
  return (await bodyKeys(id)).length;
}

// 6 bound values a row: D1 allows 100 a statement.
const ROWS_PER_INSERT = 16;

/**
 * TEST SEEDING, NOT THE API: appends versions N+1..N+n (`record(v)` each, `{"seeded": v}` by
 * default) straight into D1 and R2, as the bin's writer would have committed them, in one D1 batch.
 * The head gets a new write token and the writer is evicted, so its next write reads this head
 * from D1 instead of the one it cached when the bin was created.
 */
export async function seedVersions(
  binId: string,
  n: number,
  record: (version: number) => unknown = (version) => ({ seeded: version }),
): Promise<void> {
  const head = await env.DB.prepare("SELECT version_count FROM bins WHERE id = ?")
    .bind(binId)
    .first<{ version_count: number }>();
  if (!head) throw new Error(`no bin ${binId} to seed`);
  const updatedAt = new Date().toISOString();
  const rows = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const version = head.version_count + 1 + i;
      const text = JSON.stringify(record(version));
      const size = new TextEncoder().encode(text).byteLength;
      return {
        text,
        row: [binId, version, `${binId}/${crypto.randomUUID()}`, (await sha256Hex(text)).slice(0, 16), size, updatedAt],
      };
    }),
  );
  for (let i = 0; i < rows.length; i += 100) {
    await Promise.all(
      rows
        .slice(i, i + 100)
        .map(({ text, row }) =>
          env.BODIES.put(row[2] as string, text, { httpMetadata: { contentType: "application/json" } }),
        ),
    );
  }
  const inserts: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT).map((r) => r.row);
    inserts.push(
      env.DB.prepare(
        `INSERT INTO records (bin_id, version, body_key, hash, size, updated_at) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")}`,
      ).bind(...chunk.flat()),
    );
  }
  await env.DB.batch([
    ...inserts,
    env.DB.prepare("UPDATE bins SET version_count = ?, write_token = ? WHERE id = ?").bind(
      head.version_count + n,
      `seeded-${crypto.randomUUID()}`,
      binId,
    ),
  ]);
  // Eviction rejects for an object that is not running: make sure it is, then drop its cached head.
  await runInDurableObject(writerStub(binId), () => {});
  await evictDurableObject(writerStub(binId));
}
