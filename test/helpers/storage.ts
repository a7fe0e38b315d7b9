import { env } from "cloudflare:workers";

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
