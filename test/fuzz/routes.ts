// Every route family of the contract, as the fuzz run sees it: the path with its slots, who may
// call it, whether it changes anything, and the aspects it reads.
import {
  type Aspect,
  accessKeyBody,
  adminCreateBody,
  adminPatchBody,
  booleanHeader,
  idHeader,
  ifMatch,
  legacyCollectionBody,
  legacyCollectionUpdate,
  nameHeader,
  patchBody,
  recordBody,
  schemaBody,
  schemaUpdate,
  snippetBody,
} from "./aspects";
import type { Random } from "./random";
import { anyVersion, junkHeaderValue } from "./values";

export type Operation = "create" | "read" | "update" | "delete";

/** Who may call a route (§2.2, §3.0, §8): the probe builder picks keys that do or do not qualify. */
export type Auth =
  | { kind: "open" }
  | { kind: "admin" }
  /** v3 bin operations: the key table of §3.0, public bins open for read and update. */
  | { kind: "bin"; op: Operation }
  /** §3.6–§3.8: the owner's master key only, public bins too. */
  | { kind: "binOwner" }
  /** §3.5: public bins need no key, private ones the owner's master key. */
  | { kind: "versionCount" }
  /** v3 account routes: any account's master key; resources in the path must be that account's. */
  | { kind: "account" }
  /** v2/v1 bins: `secret-key` of the owner for private bins (and for delete). */
  | { kind: "legacyBin"; op: "read" | "update" | "delete" }
  /** v2/v1 account routes: any account's `secret-key`; resources in the path must be its own. */
  | { kind: "legacyAccount" };

export interface Route {
  family: string;
  method: string;
  /** Slots: {bin} {collection} {schema} {accessKey} {account} {version} {cursor} {date}. */
  path: string;
  auth: Auth;
  /** Changes something when it succeeds: in the hostile run it always carries a fault. */
  writes?: boolean;
  aspects?: Aspect[];
  /** The version slot is strict (restore): a malformed version or one past N is refused. */
  strictVersion?: boolean;
  /** Even in the sandbox run only with a fault: a rotated master key would lock the rest of it out. */
  faultOnly?: boolean;
  /** The query string the route reads, made valid or not (the probe adds noise of its own). */
  query?: (g: Random, versionCount: number) => string;
}

const read = (op: "read") => ({ kind: "bin", op }) as const;

const versionsQuery = (g: Random) => {
  const value = () => g.pick(["1", "20", "100", "0", "101", "-1", "abc", "1e2", "", " 5", "99999999999999999999"]);
  return [g.chance(0.6) ? `limit=${value()}` : "", g.chance(0.5) ? `before=${value()}` : ""].filter(Boolean).join("&");
};

const diffQuery = (g: Random, versionCount: number) => {
  const value = () =>
    g.chance(0.15) ? g.pick(["", "LATEST", "%20", junkHeaderValue(g).slice(0, 20)]) : anyVersion(g, versionCount);
  return [
    g.chance(0.7) ? `from=${encodeURIComponent(value())}` : "",
    g.chance(0.7) ? `to=${encodeURIComponent(value())}` : "",
  ]
    .filter(Boolean)
    .join("&");
};

const collections = (world: { collections: { id: string }[] }) => world.collections;
const schemas = (world: { schemas: { id: string }[] }) => world.schemas;

export const ROUTES: Route[] = [
  // ---- v3 bins (§3, §10.1, §10.3) ----
  {
    family: "v3 bins",
    method: "POST",
    path: "/v3/b",
    auth: { kind: "bin", op: "create" },
    writes: true,
    aspects: [
      booleanHeader("X-Bin-Private"),
      nameHeader("X-Bin-Name", 128, { required: false }),
      idHeader("X-Collection-Id", collections),
      recordBody({ update: false }),
    ],
  },
  { family: "v3 bins", method: "GET", path: "/v3/b/{bin}", auth: read("read") },
  { family: "v3 bins", method: "GET", path: "/v3/b/{bin}/{version}", auth: read("read") },
  {
    family: "v3 bins",
    method: "PUT",
    path: "/v3/b/{bin}",
    auth: { kind: "bin", op: "update" },
    writes: true,
    aspects: [booleanHeader("X-Bin-Versioning"), ifMatch, recordBody({ update: true })],
  },
  {
    family: "v3 bins",
    method: "PATCH",
    path: "/v3/b/{bin}",
    auth: { kind: "bin", op: "update" },
    writes: true,
    aspects: [booleanHeader("X-Bin-Versioning"), ifMatch, patchBody],
  },
  {
    family: "v3 bins",
    method: "DELETE",
    path: "/v3/b/{bin}",
    auth: { kind: "bin", op: "delete" },
    writes: true,
    aspects: [ifMatch],
  },
  { family: "v3 bins", method: "GET", path: "/v3/b/{bin}/versions", auth: read("read"), query: versionsQuery },
  { family: "v3 bins", method: "GET", path: "/v3/b/{bin}/versions/count", auth: { kind: "versionCount" } },
  {
    family: "v3 bins",
    method: "DELETE",
    path: "/v3/b/{bin}/versions",
    auth: { kind: "binOwner" },
    writes: true,
    aspects: [booleanHeader("X-Preserve-Latest")],
  },
  {
    family: "v3 bins",
    method: "PUT",
    path: "/v3/b/{bin}/meta/name",
    auth: { kind: "binOwner" },
    writes: true,
    aspects: [nameHeader("X-Bin-Name", 128)],
  },
  {
    family: "v3 bins",
    method: "PUT",
    path: "/v3/b/{bin}/meta/privacy",
    auth: { kind: "binOwner" },
    writes: true,
    aspects: [booleanHeader("X-Bin-Private", { required: true })],
  },
  { family: "v3 bins", method: "GET", path: "/v3/b/{bin}/stream", auth: read("read") },

  // ---- v3 diff and restore (§10.6, §10.7) ----
  { family: "v3 history", method: "GET", path: "/v3/b/{bin}/diff", auth: read("read"), query: diffQuery },
  {
    family: "v3 history",
    method: "POST",
    path: "/v3/b/{bin}/versions/{version}/restore",
    auth: { kind: "bin", op: "update" },
    writes: true,
    strictVersion: true,
    aspects: [booleanHeader("X-Bin-Versioning"), ifMatch],
  },

  // ---- v3 collections (§4) ----
  {
    family: "v3 collections",
    method: "POST",
    path: "/v3/c",
    auth: { kind: "account" },
    writes: true,
    aspects: [nameHeader("X-Collection-Name", 32)],
  },
  { family: "v3 collections", method: "GET", path: "/v3/c", auth: { kind: "account" } },
  {
    family: "v3 collections",
    method: "PUT",
    path: "/v3/c/{collection}/meta/name",
    auth: { kind: "account" },
    writes: true,
    aspects: [nameHeader("X-Collection-Name", 32)],
  },
  { family: "v3 collections", method: "GET", path: "/v3/c/{collection}/bins", auth: { kind: "account" } },
  { family: "v3 collections", method: "GET", path: "/v3/c/{collection}/bins/{cursor}", auth: { kind: "account" } },
  { family: "v3 collections", method: "GET", path: "/v3/c/uncategorized/bins", auth: { kind: "account" } },
  { family: "v3 collections", method: "GET", path: "/v3/c/uncategorized/bins/{cursor}", auth: { kind: "account" } },
  {
    family: "v3 collections",
    method: "PUT",
    path: "/v3/c/{collection}/schemadoc/add",
    auth: { kind: "account" },
    writes: true,
    aspects: [idHeader("X-Schema-Doc-Id", schemas, { required: true })],
  },
  {
    family: "v3 collections",
    method: "PUT",
    path: "/v3/c/{collection}/schemadoc/add/{schema}",
    auth: { kind: "account" },
    writes: true,
  },
  {
    family: "v3 collections",
    method: "PUT",
    path: "/v3/c/{collection}/schemadoc/remove",
    auth: { kind: "account" },
    writes: true,
  },
  { family: "v3 collections", method: "DELETE", path: "/v3/c/{collection}", auth: { kind: "account" }, writes: true },

  // ---- v3 schema docs (§5) ----
  {
    family: "v3 schema docs",
    method: "POST",
    path: "/v3/s",
    auth: { kind: "account" },
    writes: true,
    aspects: [nameHeader("X-Schema-Doc-Name", 32), schemaBody],
  },
  { family: "v3 schema docs", method: "GET", path: "/v3/s/{schema}", auth: { kind: "account" } },
  {
    family: "v3 schema docs",
    method: "PUT",
    path: "/v3/s/{schema}/meta/name",
    auth: { kind: "account" },
    writes: true,
    aspects: [nameHeader("X-Schema-Doc-Name", 32)],
  },
  {
    family: "v3 schema docs",
    method: "PUT",
    path: "/v3/s/{schema}",
    auth: { kind: "account" },
    writes: true,
    aspects: [schemaUpdate("X-Schema-Doc-Name", nameHeader("X-Schema-Doc-Name", 32, { required: false }))],
  },

  // ---- v3 access keys (§6) ----
  {
    family: "v3 access keys",
    method: "POST",
    path: "/v3/a",
    auth: { kind: "account" },
    writes: true,
    aspects: [nameHeader("X-Key-Name", 32), accessKeyBody],
  },
  { family: "v3 access keys", method: "GET", path: "/v3/a", auth: { kind: "account" } },
  { family: "v3 access keys", method: "DELETE", path: "/v3/a/{accessKey}", auth: { kind: "account" }, writes: true },

  // ---- v3 logs, account, admin, OpenAPI (§7, §2) ----
  { family: "v3 logs", method: "GET", path: "/v3/l", auth: { kind: "account" } },
  { family: "v3 logs", method: "GET", path: "/v3/l/{date}", auth: { kind: "account" } },
  { family: "v3 account", method: "GET", path: "/v3/account/usage", auth: { kind: "account" } },
  {
    family: "v3 account",
    method: "POST",
    path: "/v3/account/master-key/rotate",
    auth: { kind: "account" },
    writes: true,
    faultOnly: true,
  },
  {
    family: "v3 admin",
    method: "POST",
    path: "/v3/admin/accounts",
    auth: { kind: "admin" },
    writes: true,
    aspects: [adminCreateBody],
  },
  { family: "v3 admin", method: "GET", path: "/v3/admin/accounts/{account}", auth: { kind: "admin" } },
  {
    family: "v3 admin",
    method: "PATCH",
    path: "/v3/admin/accounts/{account}",
    auth: { kind: "admin" },
    writes: true,
    aspects: [adminPatchBody],
  },
  { family: "v3 openapi", method: "GET", path: "/v3/openapi.json", auth: { kind: "open" } },

  // ---- v2 (§8) ----
  {
    family: "v2 bins",
    method: "POST",
    path: "/b",
    auth: { kind: "legacyAccount" },
    writes: true,
    aspects: [
      booleanHeader("private"),
      nameHeader("name", 128, { required: false, legacy: true }),
      idHeader("collection-id", collections),
      recordBody({ update: false }),
    ],
  },
  { family: "v2 bins", method: "GET", path: "/b/{bin}", auth: { kind: "legacyBin", op: "read" } },
  { family: "v2 bins", method: "GET", path: "/b/{bin}/{version}", auth: { kind: "legacyBin", op: "read" } },
  {
    family: "v2 bins",
    method: "PUT",
    path: "/b/{bin}",
    auth: { kind: "legacyBin", op: "update" },
    writes: true,
    aspects: [booleanHeader("versioning"), recordBody({ update: true })],
  },
  { family: "v2 bins", method: "DELETE", path: "/b/{bin}", auth: { kind: "legacyBin", op: "delete" }, writes: true },
  { family: "v2 bins", method: "GET", path: "/e/{bin}/versions", auth: { kind: "legacyBin", op: "read" } },
  { family: "v2 account", method: "GET", path: "/e/requests", auth: { kind: "legacyAccount" } },
  {
    family: "v2 collections",
    method: "POST",
    path: "/c",
    auth: { kind: "legacyAccount" },
    writes: true,
    aspects: [legacyCollectionBody],
  },
  {
    family: "v2 collections",
    method: "PUT",
    path: "/c/{collection}",
    auth: { kind: "legacyAccount" },
    writes: true,
    aspects: [legacyCollectionUpdate],
  },
  {
    family: "v2 schema docs",
    method: "POST",
    path: "/s",
    auth: { kind: "legacyAccount" },
    writes: true,
    aspects: [nameHeader("name", 32, { min: 3, legacy: true }), schemaBody],
  },
  { family: "v2 schema docs", method: "GET", path: "/s/{schema}", auth: { kind: "legacyAccount" } },
  {
    family: "v2 schema docs",
    method: "PUT",
    path: "/s/{schema}",
    auth: { kind: "legacyAccount" },
    writes: true,
    aspects: [schemaUpdate("name", nameHeader("name", 32, { required: false, min: 3, legacy: true }))],
  },

  // ---- v1 (§9) ----
  {
    family: "v1",
    method: "POST",
    path: "/b/new",
    auth: { kind: "legacyAccount" },
    writes: true,
    aspects: [snippetBody],
  },
  ...["POST", "PUT"].map(
    (method): Route => ({
      family: "v1",
      method,
      path: "/b/update/{bin}",
      auth: { kind: "legacyBin", op: "update" },
      writes: true,
      aspects: [booleanHeader("versioning"), snippetBody],
    }),
  ),
  { family: "v1", method: "GET", path: "/b/{bin}/pretty", auth: { kind: "legacyBin", op: "read" } },
  { family: "v1", method: "GET", path: "/b/{bin}/{version}/pretty", auth: { kind: "legacyBin", op: "read" } },

  // ---- Not routes (§1.1, §11): 404 Route not found in the dialect of the path ----
  ...[
    ["POST", "/v3/xl/b"],
    ["GET", "/g/1.2.3.4"],
    ["GET", "/health"],
    ["GET", "/v3"],
    ["GET", "/"],
    ["GET", "/v3/c/{collection}"],
    ["DELETE", "/v3/openapi.json"],
    ["PUT", "/v3/s/{schema}/meta"],
    ["PATCH", "/b/{bin}"],
  ].map(([method, path]): Route => ({ family: "not routes", method: method!, path: path!, auth: { kind: "open" } })),
];
