import { bodyCache } from "./body-cache";

/**
 * Record bodies live in R2 under `<binId>/<random>`. A key is never reused: every write puts a
 * fresh object and only then points D1 at it, so a reader can never see a half-written body,
 * and a failed write leaves the previous body (and the head that points to it) untouched.
 */
export function newBodyKey(binId: string): string {
  return `${binId}/${crypto.randomUUID()}`;
}

export async function putBody(bucket: R2Bucket, key: string, text: string): Promise<void> {
  await bucket.put(key, text, { httpMetadata: { contentType: "application/json" } });
}

/** From this isolate's cache when it has the key (a key's body never changes), else from R2. */
export async function getBody(bucket: R2Bucket, key: string): Promise<string | null> {
  const cached = bodyCache.get(key);
  if (cached !== undefined) return cached;
  const object = await bucket.get(key);
  if (!object) return null;
  const text = await object.text();
  bodyCache.set(key, text);
  return text;
}

/** Best effort: a body left behind is unreachable garbage, never wrong data. */
export async function deleteBodies(bucket: R2Bucket, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    await bucket.delete(keys.slice(i, i + 1000));
  }
}

/** Every object under the bin's prefix, orphans of failed writes included. */
export async function deleteAllBodies(bucket: R2Bucket, binId: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: `${binId}/`, ...(cursor ? { cursor } : {}) });
    await deleteBodies(
      bucket,
      page.objects.map((o) => o.key),
    );
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}
