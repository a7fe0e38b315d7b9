// §3 bins and the §10 extensions on them (PATCH, conditional requests, versions, diff, restore).

import { array, boolean, integer, json, object, ref, string } from "../kit";
import type { ErrorCase } from "../operation";
import { type OperationSpec, ok, operation } from "../operation";

const op = (spec: OperationSpec) => operation("v3", "Bins", spec);

type BinOperation = "create" | "read" | "update" | "delete";

/** The §3.0 key table, one column. */
const binKeys = (operation: BinOperation): ErrorCase[] =>
  (["missing", "badMaster", "badAccess", "forbidden"] as const).map((problem) => ["binKey", { problem, operation }]);

/** The owner-only master-key routes of §3.6–§3.8. */
const ownerOnly: ErrorCase[] = ["masterKeyMissing", "masterKeyInvalid", "binNotOwned"];

const bodyRules: ErrorCase[] = ["contentTypeNotJson", "recordBlank", "invalidJson", "recordNotContainer"];

const recordSize = (operation: "create" | "update"): ErrorCase[] => [
  ["recordTooLarge", { plan: "free", operation, limitBytes: 102400 }],
  ["recordTooLarge", { plan: "pro", operation, limitBytes: 1048576 }],
];
const schemaMismatch: ErrorCase = ["schemaMismatch", { detail: "<Message>", schemaId: "", schemaName: "" }];
const precondition: ErrorCase = ["preconditionFailed", { etag: "" }];
const booleanHeader = (header: string): ErrorCase => ["headerNotBoolean", { header }];

const readMetadata = object(
  {
    id: ref("Id"),
    private: boolean(),
    createdAt: ref("Timestamp"),
    name: string(),
    collectionId: ref("Id"),
  },
  ["name", "collectionId"],
);

const readResponses = {
  "200": ok(
    "With metadata: `{record, metadata}` (`record` is the array of matches with `X-JSON-Path`, the value with `X-Dot-Path`). Metadata off: the stored JSON itself, or that selection.",
    json({
      anyOf: [
        object({ record: ref("AnyJson"), metadata: readMetadata }),
        { $ref: "#/components/schemas/AnyJson", description: "Metadata off." },
      ],
    }),
    { required: ["ETag", "X-Bin-Version", "Vary", "Cache-Control"] },
  ),
  "304": ok("`If-None-Match` matched the record's ETag; no body.", undefined, { required: ["ETag", "X-Bin-Version"] }),
};

const readErrors = (segment: boolean): ErrorCase[] => [
  "invalidBinId",
  ...(segment ? (["binVersionInvalid"] as ErrorCase[]) : []),
  "jsonPathInvalid",
  "dotPathInvalid",
  ...binKeys("read"),
  "binNotFound",
  "binVersionNotFound",
  "dotPathNotFound",
];

const readParameters = ["BinMeta", "MetaQuery", "JsonPath", "DotPath", "IfNoneMatch"];

const updateResponse = (description: string) =>
  ok(description, json(ref("UpdatedBin")), {
    required: ["X-Bin-Version", "ETag"],
    optional: ["X-Bin-Version-Cap-Reached"],
  });

const updateErrors: ErrorCase[] = [
  "invalidBinId",
  booleanHeader("X-Bin-Versioning"),
  "binNotFoundForUpdate",
  ...binKeys("update"),
  precondition,
  ...recordSize("update"),
  schemaMismatch,
];

const bothKeys = { keys: ["MasterKey", "AccessKey"] as ("MasterKey" | "AccessKey")[] };
const publicOrKeys = { ...bothKeys, optionalKeys: true };

export const binPaths = () => ({
  "/v3/b": {
    post: op({
      id: "createBin",
      summary: "Create a bin (§3.1)",
      parameters: ["BinPrivate", "BinName", "CollectionIdHeader"],
      ...bothKeys,
      body: { description: "The record (rules R1–R5).", content: json(ref("Record")), required: true },
      responses: {
        "200": ok(
          "The bin; it has no versions yet.",
          json(
            object({
              record: ref("Record"),
              metadata: object(
                {
                  id: ref("Id"),
                  createdAt: ref("Timestamp"),
                  private: boolean(),
                  name: string(),
                  collectionId: ref("Id"),
                },
                ["name", "collectionId"],
              ),
            }),
          ),
          { required: ["X-Bin-Version", "ETag"] },
        ),
      },
      errors: [
        booleanHeader("X-Bin-Private"),
        "binNameInvalid",
        "invalidCollectionId",
        ...binKeys("create"),
        ...bodyRules,
        ...recordSize("create"),
        schemaMismatch,
      ],
      charged: true,
    }),
  },
  "/v3/b/{id}": {
    parameters: [{ $ref: "#/components/parameters/BinId" }],
    get: op({
      id: "readLatest",
      summary: "Read the latest record (§3.2)",
      parameters: readParameters,
      ...publicOrKeys,
      responses: readResponses,
      errors: readErrors(false),
      charged: true,
    }),
    put: op({
      id: "updateBin",
      summary: "Replace the record (§3.3)",
      parameters: ["BinVersioning", "IfMatch"],
      ...publicOrKeys,
      body: { description: "The new record (rules R1–R5).", content: json(ref("Record")), required: true },
      responses: { "200": updateResponse("The record written.") },
      errors: [...updateErrors, ...bodyRules],
      charged: true,
    }),
    patch: op({
      id: "patchBin",
      summary: "Patch the latest record (§10.1)",
      description:
        "`application/merge-patch+json` or `application/json` (RFC 7396), `application/json-patch+json` (RFC 6902).",
      parameters: ["BinVersioning", "IfMatch"],
      ...publicOrKeys,
      body: {
        description: "A merge patch or a JSON Patch.",
        content: {
          "application/merge-patch+json": { schema: ref("AnyJson") },
          "application/json-patch+json": { schema: array({ type: "object" }) },
        },
        required: true,
      },
      responses: { "200": updateResponse("The patched record.") },
      errors: [...updateErrors, "patchContentType", "invalidJson", "patchInvalid", "patchConflict", "recordBlank"],
      charged: true,
    }),
    delete: op({
      id: "deleteBin",
      summary: "Delete the bin (§3.4)",
      parameters: ["IfMatch"],
      ...bothKeys,
      responses: {
        "200": ok(
          "Deleted, base and versions.",
          json(
            object({
              metadata: object({ id: ref("Id"), versionsDeleted: integer() }),
              message: { const: "Bin deleted successfully" },
            }),
          ),
        ),
      },
      errors: ["invalidBinId", ...binKeys("delete"), "binNotFound", precondition],
      charged: true,
    }),
  },
  "/v3/b/{id}/{version}": {
    parameters: [{ $ref: "#/components/parameters/BinId" }, { $ref: "#/components/parameters/Version" }],
    get: op({
      id: "readVersion",
      summary: "Read the latest, the base (`0`) or version n (§3.2)",
      parameters: readParameters,
      ...publicOrKeys,
      responses: readResponses,
      errors: readErrors(true),
      charged: true,
    }),
  },
  "/v3/b/{id}/versions/count": {
    parameters: [{ $ref: "#/components/parameters/BinId" }],
    get: op({
      id: "countVersions",
      summary: "Count the versions (§3.5)",
      description: "Public bins: no key. Private bins: the owner's master key only.",
      keys: ["MasterKey"],
      optionalKeys: true,
      responses: {
        "200": ok(
          "`metadata` and `metaData` hold the same object.",
          json(
            object({
              metadata: ref("VersionCount"),
              metaData: ref("VersionCount"),
            }),
          ),
        ),
      },
      errors: ["invalidBinId", "binNotFound", ["masterKeyMissing", { route: "versionCount" }], "binNotOwned"],
      charged: true,
    }),
  },
  "/v3/b/{id}/versions": {
    parameters: [{ $ref: "#/components/parameters/BinId" }],
    get: op({
      id: "listVersions",
      summary: "List the stored records, newest first, the base last (§10.3)",
      parameters: ["VersionsLimit", "VersionsBefore"],
      ...publicOrKeys,
      responses: {
        "200": ok(
          "A page of records.",
          json(
            object({
              versions: array(object({ version: integer(), createdAt: ref("Timestamp"), size: integer() })),
              metadata: object({
                id: ref("Id"),
                private: boolean(),
                versionCount: integer(),
                nextBefore: { type: ["integer", "null"], description: "Pass as `before` for the next page." },
              }),
            }),
          ),
        ),
      },
      errors: ["invalidBinId", "pagingInvalid", ...binKeys("read"), "binNotFound"],
      charged: true,
    }),
    delete: op({
      id: "deleteVersions",
      summary: "Delete versions 1..N (§3.6)",
      parameters: ["PreserveLatest"],
      keys: ["MasterKey"],
      responses: {
        "200": ok(
          "Deleted, or nothing to delete (`No versions found`).",
          json({
            anyOf: [
              object({ message: { const: "No versions found" } }),
              object({
                metadata: ref("VersionsDeleted"),
                metaData: ref("VersionsDeleted"),
                message: {
                  enum: [
                    "Versions for the Bin are deleted successfully",
                    "Versions for the Bin are deleted successfully and latest version preserved on the base record.",
                  ],
                },
              }),
            ],
          }),
        ),
      },
      errors: ["invalidBinId", booleanHeader("X-Preserve-Latest"), ...ownerOnly, "binNotFound"],
      charged: true,
    }),
  },
  "/v3/b/{id}/meta/name": {
    parameters: [{ $ref: "#/components/parameters/BinId" }],
    put: op({
      id: "renameBin",
      summary: "Rename the bin (§3.7)",
      parameters: ["BinName"],
      keys: ["MasterKey"],
      responses: {
        "200": ok("Renamed.", json(object({ record: ref("Id"), metadata: object({ name: string() }) }))),
      },
      errors: ["invalidBinId", "binNameMissing", "binNameInvalid", ...ownerOnly, "binNotFound"],
      charged: true,
    }),
  },
  "/v3/b/{id}/meta/privacy": {
    parameters: [{ $ref: "#/components/parameters/BinId" }],
    put: op({
      id: "setBinPrivacy",
      summary: "Make the bin private or public (§3.8)",
      parameters: ["BinPrivate"],
      keys: ["MasterKey"],
      responses: {
        "200": ok("Changed.", json(object({ record: ref("Id"), metadata: object({ private: boolean() }) }))),
      },
      errors: ["invalidBinId", "binPrivateMissing", booleanHeader("X-Bin-Private"), ...ownerOnly, "binNotFound"],
      charged: true,
    }),
  },
  "/v3/b/{id}/stream": {
    parameters: [{ $ref: "#/components/parameters/BinId" }],
    get: op({
      id: "streamBin",
      summary: "Subscribe to the bin's committed changes (§10.4)",
      description:
        "With `Upgrade: websocket`: 101 and one JSON text frame per event. Else with `Accept` containing `text/event-stream`: 200 Server-Sent Events, each `event: <name>` and `data: <json>`. Events, in commit order: `ready` (first), `update` after each committed write, `versions-deleted`, `deleted` (then the stream closes), `closed` (privacy changed, or the authorising key rotated or deleted; then it closes), `ping` every STREAM_PING_SECONDS. Keys as a read, checked on connect; connecting counts one request. Browsers' WebSocket and EventSource cannot send key headers, so they stream public bins only.",
      ...publicOrKeys,
      responses: {
        "101": ok("Switching to the WebSocket protocol; events follow as text frames."),
        "200": ok("The event stream.", {
          "text/event-stream": {
            schema: { type: "string", description: "`event: <name>`, `data: <json>`, blank line." },
          },
        }),
      },
      errors: [
        "invalidBinId",
        "streamTransportMissing",
        ...binKeys("read"),
        "binNotFound",
        "streamLimitBin",
        "streamLimitAccount",
      ],
      charged: true,
    }),
  },
  "/v3/b/{id}/diff": {
    parameters: [{ $ref: "#/components/parameters/BinId" }],
    get: op({
      id: "diffVersions",
      summary: "The RFC 6902 patch from one record to another (§10.6)",
      description:
        "Applying `patch` to record `from` gives record `to` exactly, member order included. Objects are diffed member by member (a member whose place changed is removed and added again); arrays are diffed, not replaced whole: the common head and tail are kept and the elements between are diffed pairwise by index, the surplus removed or added. Either order may be asked. Two records over 4 MiB together are refused (403).",
      parameters: ["DiffFrom", "DiffTo"],
      ...publicOrKeys,
      responses: {
        "200": ok(
          "The patch.",
          json(
            object({
              from: integer(),
              to: integer(),
              patch: array({
                oneOf: [
                  object({ op: { enum: ["add", "replace"] }, path: string(), value: ref("AnyJson") }),
                  object({ op: { const: "remove" }, path: string() }),
                ],
              }),
            }),
          ),
        ),
      },
      errors: [
        "invalidBinId",
        "versionRangeInvalid",
        ...binKeys("read"),
        "binNotFound",
        "binVersionNotFound",
        "diffTooLarge",
      ],
      charged: true,
    }),
  },
  "/v3/b/{id}/versions/{version}/restore": {
    parameters: [{ $ref: "#/components/parameters/BinId" }, { $ref: "#/components/parameters/RestoreVersion" }],
    post: op({
      id: "restoreVersion",
      summary: "Write record n again as the latest (§10.7)",
      description:
        "Exactly as a PUT of that record: keys, versioning, cap, If-Match, size and schema checks. Body ignored.",
      parameters: ["BinVersioning", "IfMatch"],
      ...publicOrKeys,
      responses: {
        "200": ok(
          "The record written; `restoredFrom` last in `metadata`.",
          json(
            object({
              record: ref("Record"),
              metadata: object(
                { parentId: ref("Id"), private: boolean(), version: integer(undefined, 1), restoredFrom: integer() },
                ["version"],
              ),
            }),
          ),
          { required: ["X-Bin-Version", "ETag"], optional: ["X-Bin-Version-Cap-Reached"] },
        ),
      },
      errors: [...updateErrors, "binVersionInvalid", "binVersionNotFound"],
      charged: true,
    }),
  },
});

export const binSchemas = {
  VersionCount: object({ id: ref("Id"), versionCount: integer(), private: boolean() }),
  VersionsDeleted: object({ id: ref("Id"), versionsDeleted: integer() }),
};
