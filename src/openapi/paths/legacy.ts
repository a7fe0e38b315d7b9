// §8 JSONBin API v2 and §9 API v1 at the root: `secret-key`, `{"success": …}` bodies, 422 for bad input.
import { array, boolean, integer, json, object, ref, string } from "../kit";
import { type ErrorCase, type OperationSpec, ok, operation } from "../operation";

const v2 = (spec: OperationSpec) => operation("v2", "Legacy v2", { keys: ["SecretKey"], charged: true, ...spec });
const v1 = (spec: OperationSpec) =>
  operation("v1", "Legacy v1", { keys: ["SecretKey"], optionalKeys: true, charged: true, ...spec });

const secret = (action: string): ErrorCase[] => [["secretKeyMissing", { action }], "secretKeyInvalid"];
const recordSize = (operation: "create" | "update"): ErrorCase[] => [
  ["recordTooLarge", { plan: "free", operation, limitBytes: 102400 }],
  ["recordTooLarge", { plan: "pro", operation, limitBytes: 1048576 }],
];
const schemaMismatch: ErrorCase = ["schemaMismatch", { detail: "<Message>", schemaId: "", schemaName: "" }];
const bodyRules: ErrorCase[] = ["contentTypeNotJson", "recordBlank", "invalidJson", "recordNotContainer"];
const binId = [{ $ref: "#/components/parameters/BinId" }];
const success = { const: true };
const rawRecord = ok("The stored JSON itself.", json(ref("Record")));
const snippetBody = {
  description: '`{"snippet": "<stringified JSON>"}`; the string must itself be a record (R2–R5).',
  content: json(object({ snippet: string() })),
  required: true,
};
const schemaDocAnswer = ok("The schema doc.", json(object({ success, data: { type: "object" }, id: ref("Id") })));
const schemaBody = { description: "A JSON Schema.", content: json({ type: "object" }) };
const schemaBodyErrors: ErrorCase[] = ["contentTypeNotJson", "invalidJson", "schemaInvalid"];
const versionSegment = "`latest` or 1–9 digits ≥ 1; anything else is `Bin version not found`.";

export const legacyPaths = () => ({
  "/b": {
    post: v2({
      id: "v2CreateBin",
      summary: "v2: create a bin (§8.1)",
      parameters: ["LegacyPrivate", "LegacyName", "LegacyCollectionId"],
      optionalKeys: true,
      body: { description: "The record.", content: json(ref("Record")), required: true },
      responses: {
        "200": ok(
          "The bin.",
          json(
            object(
              {
                success,
                data: ref("Record"),
                id: ref("Id"),
                private: boolean(),
                binName: string(),
                collectionID: ref("Id"),
              },
              ["binName", "collectionID"],
            ),
          ),
        ),
      },
      errors: [
        ...secret("createBin"),
        ["headerNotBoolean", { header: "private" }],
        "legacyBinNameTooLong",
        "invalidCollectionId",
        ...bodyRules,
        ...recordSize("create"),
        schemaMismatch,
      ],
    }),
  },
  "/b/{id}": {
    parameters: binId,
    get: v2({
      id: "v2ReadBase",
      summary: "v2: read the base record (§8.2)",
      optionalKeys: true,
      responses: { "200": rawRecord },
      errors: ["invalidBinId", ...secret("readBin"), "binNotFound", "binVersionNotFound"],
    }),
    put: v2({
      id: "v2UpdateBin",
      summary: "v2: replace the record (§8.3)",
      description: "Private bins are versioned unless `versioning: false`.",
      parameters: ["LegacyVersioning"],
      optionalKeys: true,
      body: { description: "The new record.", content: json(ref("Record")), required: true },
      responses: {
        "200": ok("The record written.", json(ref("LegacyUpdate")), { optional: ["X-Bin-Version-Cap-Reached"] }),
      },
      errors: [
        "invalidBinId",
        ["headerNotBoolean", { header: "versioning" }],
        ...secret("updateBin"),
        "binNotFound",
        ...bodyRules,
        ...recordSize("update"),
        schemaMismatch,
      ],
    }),
    delete: v2({
      id: "v2DeleteBin",
      summary: "v2: delete a bin (§8.4)",
      responses: {
        "200": ok(
          "Deleted.",
          json(
            object({
              success,
              id: ref("Id"),
              message: {
                type: "string",
                pattern: "^Bin [0-9a-f]{24} is deleted successfully\\. \\d+ versions removed\\.$",
              },
            }),
          ),
        ),
      },
      errors: ["invalidBinId", ...secret("deleteBin"), "binNotFound"],
    }),
  },
  "/b/{id}/{version}": {
    parameters: [...binId, { $ref: "#/components/parameters/LegacyVersion" }],
    get: v2({
      id: "v2ReadVersion",
      summary: "v2: read the latest or version n (§8.2)",
      description: versionSegment,
      optionalKeys: true,
      responses: { "200": rawRecord },
      errors: ["invalidBinId", ...secret("readBin"), "binNotFound", "binVersionNotFound"],
    }),
  },
  "/c": {
    post: v2({
      id: "v2CreateCollection",
      summary: "v2: create a collection (§8.5)",
      body: { description: '`{"name": "<3–32 characters>"}`.', content: json({ type: "object" }), required: true },
      responses: {
        "200": ok("The collection.", json(object({ success, data: object({ name: string() }), id: ref("Id") }))),
      },
      errors: [
        ...secret("createCollection"),
        "contentTypeNotJson",
        "invalidJson",
        "collectionNameKeyMissing",
        "collectionNameLength",
        "collectionLimit",
      ],
    }),
  },
  "/c/{id}": {
    parameters: [{ $ref: "#/components/parameters/CollectionId" }],
    put: v2({
      id: "v2UpdateCollection",
      summary: "v2: detach, attach a schema doc, or rename (§8.6)",
      parameters: ["RemoveSchemaDoc", "LegacySchemaDocId"],
      body: { description: '`{"name"}` for a rename.', content: json({ type: "object" }) },
      responses: {
        "200": ok(
          "Detached `{success}`, attached, or renamed.",
          json({
            anyOf: [
              object({ success }),
              object({
                success,
                collectionID: ref("Id"),
                schemaDocID: ref("Id"),
                schemaDocDetails: object({ name: string() }),
                collectionDetails: object({ name: string() }),
              }),
              object({ success, collectionID: ref("Id"), data: object({ name: string() }) }),
            ],
          }),
        ),
      },
      errors: [
        "invalidCollectionId",
        ["headerNotBoolean", { header: "remove-schema-doc" }],
        "invalidSchemaDocIdHeader",
        "schemaDocNotFoundForAttach",
        ...secret("updateCollection"),
        "collectionNotFound",
        "contentTypeNotJson",
        "invalidJson",
        "collectionNameKeyMissing",
        "collectionNameLength",
      ],
    }),
  },
  "/s": {
    post: v2({
      id: "v2CreateSchemaDoc",
      summary: "v2: create a schema doc (§8.7)",
      parameters: ["LegacyName"],
      body: { ...schemaBody, required: true },
      responses: { "200": schemaDocAnswer },
      errors: ["schemaDocNameMissing", "schemaDocNameLength", ...secret("createSchema"), ...schemaBodyErrors],
    }),
  },
  "/s/{id}": {
    parameters: [{ $ref: "#/components/parameters/SchemaId" }],
    get: v2({
      id: "v2ReadSchemaDoc",
      summary: "v2: read a schema doc (§8.7)",
      responses: { "200": ok("The schema itself.", json({ type: "object" })) },
      errors: ["invalidSchemaId", ...secret("readSchema"), "schemaDocNotFound"],
    }),
    put: v2({
      id: "v2UpdateSchemaDoc",
      summary: "v2: replace a schema doc; `name` renames it (§8.7)",
      parameters: ["LegacyName"],
      body: schemaBody,
      responses: { "200": schemaDocAnswer },
      errors: [
        "invalidSchemaId",
        "schemaDocNameLength",
        ...secret("updateSchema"),
        "schemaDocNotFound",
        ...schemaBodyErrors,
      ],
    }),
  },
  "/e/{id}/versions": {
    parameters: binId,
    get: v2({
      id: "v2ListVersions",
      summary: "v2: the versions of a bin, oldest first (§8.8)",
      optionalKeys: true,
      responses: {
        "200": ok(
          "The versions; the base is not listed.",
          json(
            object({
              binVersions: array(object({ version: integer(undefined, 1), created: ref("Timestamp") })),
              versionCount: integer(undefined, 1),
              success,
            }),
          ),
        ),
      },
      errors: ["invalidBinIdOfVersions", ...secret("readBin"), "binNotFound", "noVersionsFound"],
    }),
  },
  "/e/requests": {
    get: v2({
      id: "v2PendingRequests",
      summary: "v2: requests left under the quota (§8.9)",
      description: "`2147483647` when unlimited. Not counted.",
      charged: false,
      responses: { "200": ok("Requests left.", json(object({ count: integer() }))) },
      errors: secret("pendingRequests"),
    }),
  },

  "/b/new": {
    post: v1({
      id: "v1CreateBin",
      summary: "v1: create a public bin from a snippet (§9.1)",
      body: snippetBody,
      responses: {
        "200": ok("The bin.", json(object({ success, data: ref("Record"), id: ref("Id") }))),
      },
      errors: [...secret("createBin"), "snippetInvalid", ...recordSize("create")],
    }),
  },
  "/b/update/{id}": {
    parameters: binId,
    post: v1({
      id: "v1UpdateBin",
      summary: "v1: replace the record with a snippet (§9.2)",
      parameters: ["LegacyVersioning"],
      body: snippetBody,
      responses: {
        "200": ok("The record written.", json(ref("LegacyUpdate")), { optional: ["X-Bin-Version-Cap-Reached"] }),
      },
      errors: [
        "invalidBinId",
        ["headerNotBoolean", { header: "versioning" }],
        "binNotFound",
        "snippetInvalid",
        ...recordSize("update"),
        schemaMismatch,
      ],
    }),
    put: v1({
      id: "v1UpdateBinPut",
      summary: "v1: replace the record with a snippet, by PUT (§9.2)",
      parameters: ["LegacyVersioning"],
      body: snippetBody,
      responses: {
        "200": ok("The record written.", json(ref("LegacyUpdate")), { optional: ["X-Bin-Version-Cap-Reached"] }),
      },
      errors: [
        "invalidBinId",
        ["headerNotBoolean", { header: "versioning" }],
        "binNotFound",
        "snippetInvalid",
        ...recordSize("update"),
        schemaMismatch,
      ],
    }),
  },
  "/b/{id}/pretty": {
    parameters: binId,
    get: v1({
      id: "v1ReadBasePretty",
      summary: "v1: the base record, pretty-printed (§9.3)",
      responses: { "200": ok("Two-space indented JSON.", json(ref("Record"))) },
      errors: ["invalidBinId", "binNotFound"],
    }),
  },
  "/b/{id}/{version}/pretty": {
    parameters: [...binId, { $ref: "#/components/parameters/LegacyVersion" }],
    get: v1({
      id: "v1ReadVersionPretty",
      summary: "v1: the latest or version n, pretty-printed (§9.3)",
      description: versionSegment,
      responses: { "200": ok("Two-space indented JSON.", json(ref("Record"))) },
      errors: ["invalidBinId", "binNotFound", "binVersionNotFound"],
    }),
  },
});
