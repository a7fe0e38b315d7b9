// What many routes share: value shapes, request parameters, response headers and key schemes.
import { array, boolean, integer, object, ref, type Schema, string } from "./kit";

const ID = "^[0-9a-f]{24}$";

export const schemas: Record<string, Schema> = {
  Id: { type: "string", pattern: ID, description: "24 lowercase hex characters (§1.4)." },
  Timestamp: {
    type: "string",
    format: "date-time",
    pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$",
    description: "ISO-8601 UTC with milliseconds.",
  },
  Key: { type: "string", pattern: "^[A-Za-z0-9_-]{43}$", description: "32 random bytes, base64url, shown only once." },
  Record: {
    type: ["object", "array"],
    description: "A stored record: any JSON object except `{}`, or any array (§1.2).",
  },
  AnyJson: { description: "Any JSON value." },
  Error: object(
    {
      message: string("The contract's exact wording; the messages of each status are listed in its description."),
      schemaDocID: ref("Id"),
      schemaDocName: string(),
    },
    ["schemaDocID", "schemaDocName"],
    "A v3 error. `schemaDocID` and `schemaDocName` come with `Schema Doc Validation Mismatch` only.",
  ),
  LegacyError: object(
    { success: { const: false }, message: string(), schemaDocID: ref("Id"), schemaDocName: string() },
    ["schemaDocID", "schemaDocName"],
    "A v2/v1 error.",
  ),
  Permissions: object({ create: boolean(), read: boolean(), update: boolean(), delete: boolean() }),
  AccessKeyMeta: object({ name: string(), createdAt: ref("Timestamp") }),
  Limits: object({
    maxRecordBytes: integer(undefined, 1),
    maxCollections: integer(undefined, 1),
    maxAccessKeys: integer(undefined, 1),
    requestQuota: { type: ["integer", "null"], minimum: 0, description: "`null` = unlimited." },
  }),
  Account: object(
    {
      accountId: ref("Id"),
      name: string(),
      plan: { enum: ["free", "pro"] },
      limits: ref("Limits"),
      usage: object({ requestsUsed: integer(), bins: integer(), storageBytes: integer() }),
      createdAt: ref("Timestamp"),
    },
    ["name"],
  ),
  SchemaDoc: object({
    record: { type: "object", description: "The JSON Schema." },
    metadata: object({ id: ref("Id"), createdAt: ref("Timestamp"), name: string() }),
  }),
  BinListing: array(
    object({
      private: boolean(),
      snippetMeta: object({ name: string() }, ["name"]),
      record: ref("Id"),
      createdAt: ref("Timestamp"),
    }),
    "At most 10 bins; fewer than 10 (or none) ends the listing.",
  ),
  UpdatedBin: object({
    record: ref("Record"),
    metadata: object(
      { parentId: ref("Id"), private: boolean(), version: integer(undefined, 1) },
      ["version"],
      "`version` only when the write appended a version.",
    ),
  }),
  LegacyUpdate: object(
    { success: { const: true }, data: ref("Record"), parentId: ref("Id"), version: integer(undefined, 1) },
    ["version"],
  ),
};

const header = (name: string, description: string, schema: Schema = { type: "string" }) => ({
  name,
  in: "header",
  description,
  schema,
});
const path = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string" },
});
const query = (name: string, description: string, schema: Schema = { type: "string" }) => ({
  name,
  in: "query",
  description,
  schema,
});
const trueOrFalse = { type: "string", enum: ["true", "false"], description: "Case-insensitive." };

/** Request parameters, referenced by name from the operations. */
export const parameters: Record<string, Record<string, unknown>> = {
  BinId: path("id", "The bin's id (any case)."),
  CollectionId: path("id", "The collection's id (any case)."),
  SchemaId: path("id", "The schema doc's id (any case)."),
  AccessKeyId: path("id", "The access key's id (any case)."),
  AdminAccountId: path("id", "The account's id (any case)."),
  Version: path("version", "`latest`, or a version number of 1–9 digits (0 = the base)."),
  LegacyVersion: path("version", "`latest` or a version number ≥ 1."),
  LastBinId: path("lastBinId", "The last bin of the previous page."),
  AttachedSchemaId: path("schemaId", "The schema doc to attach (wins over `X-Schema-Doc-Id`)."),
  LogDate: path("date", "A UTC day, `DD-MM-YYYY`."),
  ImportAccountId: path("accountId", "The account the item is imported into (any case)."),
  ImportSchemaId: path("schemaId", "The schema doc's id, kept from the source (any case)."),
  ImportCollectionId: path("collectionId", "The collection's id, kept from the source (any case)."),
  ImportBinId: path("binId", "The bin's id, kept from the source (any case)."),
  ImportVersion: path("n", "The version number, 0 (the base record) to 1000."),
  BinPrivate: header("X-Bin-Private", "`true` (default on create) or `false`.", trueOrFalse),
  BinName: header("X-Bin-Name", "1–128 characters after trimming."),
  CollectionIdHeader: header("X-Collection-Id", "A collection of the same account; its schema validates the record."),
  BinVersioning: header("X-Bin-Versioning", "See the versioning table of §3.0.", trueOrFalse),
  BinMeta: header("X-Bin-Meta", "Only `false` turns metadata off."),
  MetaQuery: query("meta", "Only `false` turns metadata off."),
  JsonPath: header("X-JSON-Path", "A Goessner JSONPath; the answer is the array of matches."),
  DotPath: header("X-Dot-Path", "A dot-separated path; the answer is the single value there."),
  IfMatch: header("If-Match", "`*` or ETags, compared strongly with the latest record's ETag."),
  IfNoneMatch: header("If-None-Match", "`*` or ETags, compared weakly with the returned record's ETag."),
  PreserveLatest: header("X-Preserve-Latest", "`true`: the latest becomes the base first.", trueOrFalse),
  CollectionName: header("X-Collection-Name", "1–32 characters after trimming."),
  SortOrder: header("X-Sort-Order", "`descending` (default) or `ascending`.", {
    type: "string",
    enum: ["ascending", "descending"],
  }),
  SchemaDocIdHeader: header("X-Schema-Doc-Id", "The schema doc to attach."),
  SchemaDocName: header("X-Schema-Doc-Name", "1–32 characters after trimming."),
  KeyName: header("X-Key-Name", "1–32 characters after trimming."),
  VersionsLimit: query("limit", "1–100, default 20."),
  VersionsBefore: query("before", "An integer ≥ 0: only versions numbered below it."),
  DiffFrom: query("from", "A version number or `latest`; default: the version before `to` (0 stays 0)."),
  DiffTo: query("to", "A version number or `latest`; default: the latest."),
  RestoreVersion: path("version", "The version to restore: 0 (the base) to N, 1–9 digits."),
  LegacyPrivate: header("private", "v2: `true` (default with a key) or `false`.", trueOrFalse),
  LegacyVersioning: header("versioning", "v2/v1: `true` or `false`.", trueOrFalse),
  LegacyName: header("name", "v2: the bin's name (≤ 128) or the schema doc's (3–32)."),
  LegacyCollectionId: header("collection-id", "v2: the collection of the new bin."),
  RemoveSchemaDoc: header("remove-schema-doc", "v2: `true` detaches the collection's schema.", trueOrFalse),
  LegacySchemaDocId: header("schema-doc-id", "v2: the schema doc to attach."),
};

const responseHeader = (description: string, schema: Schema = { type: "string" }) => ({ description, schema });

/** Response headers, referenced by name. */
export const headers: Record<string, Record<string, unknown>> = {
  ETag: responseHeader('`"<version>-<16 hex>"`: the version and the start of the SHA-256 of the record.', {
    type: "string",
    pattern: '^"\\d+-[0-9a-f]{16}"$',
  }),
  "X-Bin-Version": responseHeader("The record's version number (0 = the base).", {
    type: "string",
    pattern: "^\\d+$",
  }),
  "X-Bin-Version-Cap-Reached": responseHeader("`true` when a versioned write overwrote version 1000.", {
    const: "true",
  }),
  Vary: responseHeader("`X-Bin-Meta, X-JSON-Path`."),
  "Cache-Control": responseHeader("`no-cache` (public bin) or `private, no-cache`."),
  "X-Requests-Used": responseHeader("Requests counted for the charged account, this one included.", {
    type: "string",
    pattern: "^\\d+$",
  }),
  "X-Requests-Limit": responseHeader("The account's request quota, when it has one.", {
    type: "string",
    pattern: "^\\d+$",
  }),
  "X-Requests-Remaining": responseHeader("Requests left under the quota.", { type: "string", pattern: "^\\d+$" }),
  "X-RateLimit-Limit": responseHeader("Requests per minute, when `RATE_LIMIT_PER_MINUTE` is set.", {
    type: "string",
    pattern: "^\\d+$",
  }),
  "X-RateLimit-Remaining": responseHeader("Requests left in this minute.", { type: "string", pattern: "^\\d+$" }),
  "X-RateLimit-Reset": responseHeader("Seconds until the window resets.", { type: "string", pattern: "^\\d+$" }),
  "Retry-After": responseHeader("Seconds to wait.", { type: "string", pattern: "^\\d+$" }),
  "Content-Disposition": responseHeader('`attachment; filename="<DD-MM-YYYY>.zip"`.'),
};

export const securitySchemes = {
  MasterKey: { type: "apiKey", in: "header", name: "X-Master-Key", description: "The account's master key." },
  AccessKey: { type: "apiKey", in: "header", name: "X-Access-Key", description: "An access key (bin permissions)." },
  AdminKey: { type: "apiKey", in: "header", name: "X-Admin-Key", description: "The operator's `ADMIN_KEY`." },
  SecretKey: { type: "apiKey", in: "header", name: "secret-key", description: "v2/v1: the account's master key." },
};
