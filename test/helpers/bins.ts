import { expect } from "vitest";
import { master, type TestAccount } from "./accounts";
import { call } from "./http";

export interface CreatedBin {
  id: string;
  record: unknown;
  metadata: Record<string, unknown>;
  /** The ETag header of the create response: the base record's. */
  etag: string;
}

export async function createBin(
  account: TestAccount,
  record: unknown = { hello: "world" },
  headers: Record<string, string> = {},
): Promise<CreatedBin> {
  const res = await call("POST", "/v3/b", { headers: { ...master(account), ...headers }, body: record });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { record: unknown; metadata: Record<string, unknown> };
  const etag = res.headers.get("ETag");
  expect(etag).not.toBeNull();
  return { id: body.metadata.id as string, record: body.record, metadata: body.metadata, etag: etag! };
}

/** A stored record as the owner reads it with metadata off, as raw text; `path` is `<id>`, `<id>/latest` or `<id>/<n>`. */
export async function recordText(account: TestAccount, path: string): Promise<string> {
  const res = await call("GET", `/v3/b/${path}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
  expect(res.status).toBe(200);
  return res.text();
}

/** The latest record of a bin, parsed. */
export async function latestRecord(account: TestAccount, id: string): Promise<unknown> {
  return JSON.parse(await recordText(account, id));
}

export async function versionCount(account: TestAccount, id: string): Promise<number> {
  const res = await call("GET", `/v3/b/${id}/versions/count`, { headers: master(account) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { metadata: { versionCount: number } }).metadata.versionCount;
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The contract's ETag (§3.0), computed independently of the implementation. */
export async function etagOf(version: number, compact: string): Promise<string> {
  return `"${version}-${(await sha256Hex(compact)).slice(0, 16)}"`;
}

/** A JSON object whose compact form is exactly `bytes` long (minimum 8): `{"a":"xxx…"}`. */
export const recordOfSize = (bytes: number) => ({ a: "x".repeat(bytes - 8) });

/** `PUT /v3/b/<id>` with the owner's master key, or with no key when `account` is null. */
export const updateBin = (
  account: TestAccount | null,
  id: string,
  record: unknown,
  headers: Record<string, string> = {},
) => call("PUT", `/v3/b/${id}`, { headers: { ...(account ? master(account) : {}), ...headers }, body: record });

/** The PATCH media types (§10.1). */
export const MERGE = "application/merge-patch+json";
export const JSON_PATCH = "application/json-patch+json";

const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])));
const DEPTH = 20_000;
/**
 * A record the runtime's native JSON.stringify cannot write: a wide object beside 20,000 levels of
 * nesting (about 60 KB) overflows its call stack. `inner` holds both; `record` is `{"inner":<inner>}`.
 */
export const DEEP_AND_WIDE = {
  inner: `{"wide":${wide},"deep":${"[".repeat(DEPTH)}1${"]".repeat(DEPTH)}}`,
  get record() {
    return `{"inner":${this.inner}}`;
  },
};
