// §4 collections, §5 schema docs, §6 access keys, §2.4/§7 the account itself: master key only.
import { array, integer, json, object, ref, string } from "../kit";
import { type ErrorCase, type OperationSpec, ok, operation } from "../operation";

const master = { keys: ["MasterKey" as const] };
const account: ErrorCase[] = ["masterKeyMissing", "masterKeyInvalid"];
const named = (resource: "collection" | "schemaDoc" | "accessKey"): ErrorCase[] => [
  ["nameMissing", { resource }],
  ["nameBlank", { resource }],
  ["nameTooLong", { resource }],
];
const idParameter = (name: string) => [{ $ref: `#/components/parameters/${name}` }];

const collectionOp = (spec: OperationSpec) => operation("v3", "Collections", { ...master, charged: true, ...spec });
const schemaOp = (spec: OperationSpec) => operation("v3", "Schema docs", { ...master, charged: true, ...spec });
const keyOp = (spec: OperationSpec) => operation("v3", "Access keys", { ...master, charged: true, ...spec });
const accountOp = (spec: OperationSpec) => operation("v3", "Account", { ...master, ...spec });

const renamed = object({ record: ref("Id"), metadata: object({ name: string() }) });
const schemaSide = object(
  {
    collectionName: string(),
    schemaDocId: ref("Id"),
    metadata: object({ id: ref("Id"), createdAt: ref("Timestamp") }),
  },
  ["schemaDocId"],
);
const listing = {
  parameters: ["SortOrder"],
  responses: { "200": ok("A page of bins.", json(ref("BinListing"))) },
};
const listingErrors: ErrorCase[] = [...account, "invalidBinId", "sortOrderInvalid", "binNotFound"];
const schemaBody = {
  description: "A JSON Schema (drafts 4, 7, 2019-09, 2020-12; default 7).",
  content: json({ type: "object" }),
};
const schemaBodyErrors: ErrorCase[] = ["contentTypeNotJson", "invalidJson", "schemaInvalid"];

export const accountPaths = () => ({
  "/v3/c": {
    post: collectionOp({
      id: "createCollection",
      summary: "Create a collection (§4.1)",
      parameters: ["CollectionName"],
      responses: {
        "200": ok(
          "The collection.",
          json(object({ record: ref("Id"), metadata: object({ createdAt: ref("Timestamp"), name: string() }) })),
        ),
      },
      errors: [...account, ...named("collection"), "collectionLimit"],
    }),
    get: collectionOp({
      id: "listCollections",
      summary: "List the collections, oldest first (§4.2)",
      responses: {
        "200": ok(
          "Every collection.",
          json(
            array(
              object(
                {
                  record: ref("Id"),
                  collectionMeta: object({ name: string() }),
                  schemaDocId: ref("Id"),
                  createdAt: ref("Timestamp"),
                },
                ["schemaDocId"],
              ),
            ),
          ),
        ),
      },
      errors: account,
    }),
  },
  "/v3/c/{id}/meta/name": {
    parameters: idParameter("CollectionId"),
    put: collectionOp({
      id: "renameCollection",
      summary: "Rename a collection (§4.3)",
      parameters: ["CollectionName"],
      responses: { "200": ok("Renamed.", json(renamed)) },
      errors: [...account, "invalidCollectionId", ...named("collection"), "collectionNotFound"],
    }),
  },
  "/v3/c/uncategorized/bins": {
    get: collectionOp({
      id: "listUncategorizedBins",
      summary: "The account's bins in no collection, first page (§4.4)",
      ...listing,
      errors: listingErrors,
    }),
  },
  "/v3/c/uncategorized/bins/{lastBinId}": {
    parameters: idParameter("LastBinId"),
    get: collectionOp({
      id: "listUncategorizedBinsAfter",
      summary: "The account's bins in no collection, after a bin (§4.4)",
      ...listing,
      errors: listingErrors,
    }),
  },
  "/v3/c/{id}/bins": {
    parameters: idParameter("CollectionId"),
    get: collectionOp({
      id: "listCollectionBins",
      summary: "A collection's bins, first page (§4.4)",
      ...listing,
      errors: [...listingErrors, "invalidCollectionId", "collectionNotFound"],
    }),
  },
  "/v3/c/{id}/bins/{lastBinId}": {
    parameters: [...idParameter("CollectionId"), ...idParameter("LastBinId")],
    get: collectionOp({
      id: "listCollectionBinsAfter",
      summary: "A collection's bins, after a bin (§4.4)",
      ...listing,
      errors: [...listingErrors, "invalidCollectionId", "collectionNotFound"],
    }),
  },
  "/v3/c/{id}/schemadoc/add": {
    parameters: idParameter("CollectionId"),
    put: collectionOp({
      id: "attachSchema",
      summary: "Attach a schema doc (§4.5)",
      parameters: ["SchemaDocIdHeader"],
      responses: { "200": ok("Attached.", json(schemaSide)) },
      errors: [
        ...account,
        "invalidCollectionId",
        "schemaDocIdMissing",
        "invalidSchemaId",
        "collectionNotFound",
        "schemaDocNotFound",
      ],
    }),
  },
  "/v3/c/{id}/schemadoc/add/{schemaId}": {
    parameters: [...idParameter("CollectionId"), ...idParameter("AttachedSchemaId")],
    put: collectionOp({
      id: "attachSchemaByPath",
      summary: "Attach a schema doc named in the path (§4.5)",
      responses: { "200": ok("Attached.", json(schemaSide)) },
      errors: [...account, "invalidCollectionId", "invalidSchemaId", "collectionNotFound", "schemaDocNotFound"],
    }),
  },
  "/v3/c/{id}/schemadoc/remove": {
    parameters: idParameter("CollectionId"),
    put: collectionOp({
      id: "detachSchema",
      summary: "Detach the schema doc (§4.6)",
      responses: { "200": ok("Detached; `schemaDocId` only when one was attached.", json(schemaSide)) },
      errors: [...account, "invalidCollectionId", "collectionNotFound"],
    }),
  },
  "/v3/c/{id}": {
    parameters: idParameter("CollectionId"),
    delete: collectionOp({
      id: "deleteCollection",
      summary: "Delete an empty collection (§4.7)",
      responses: {
        "200": ok(
          "Deleted.",
          json(object({ metadata: object({ id: ref("Id") }), message: { const: "Collection deleted successfully" } })),
        ),
      },
      errors: [...account, "invalidCollectionId", "collectionNotFound", "collectionNotEmpty"],
    }),
  },

  "/v3/s": {
    post: schemaOp({
      id: "createSchemaDoc",
      summary: "Create a schema doc (§5.1)",
      parameters: ["SchemaDocName"],
      body: { ...schemaBody, required: true },
      responses: { "200": ok("The schema doc.", json(ref("SchemaDoc"))) },
      errors: [...account, ...named("schemaDoc"), ...schemaBodyErrors],
    }),
  },
  "/v3/s/{id}": {
    parameters: idParameter("SchemaId"),
    get: schemaOp({
      id: "readSchemaDoc",
      summary: "Read a schema doc (§5.2)",
      responses: { "200": ok("The schema doc.", json(ref("SchemaDoc"))) },
      errors: [...account, "invalidSchemaId", "schemaDocNotFound"],
    }),
    put: schemaOp({
      id: "updateSchemaDoc",
      summary: "Replace a schema doc, or rename it (§5.3)",
      description: "With `X-Schema-Doc-Name` and an empty or `{}` body: a rename only.",
      parameters: ["SchemaDocName"],
      body: schemaBody,
      responses: { "200": ok("The schema doc.", json(ref("SchemaDoc"))) },
      errors: [...account, "invalidSchemaId", ...named("schemaDoc"), ...schemaBodyErrors, "schemaDocNotFound"],
    }),
  },
  "/v3/s/{id}/meta/name": {
    parameters: idParameter("SchemaId"),
    put: schemaOp({
      id: "renameSchemaDoc",
      summary: "Rename a schema doc (§5.3)",
      parameters: ["SchemaDocName"],
      responses: { "200": ok("The schema doc.", json(ref("SchemaDoc"))) },
      errors: [...account, "invalidSchemaId", ...named("schemaDoc"), "schemaDocNotFound"],
    }),
  },

  "/v3/a": {
    post: keyOp({
      id: "createAccessKey",
      summary: "Create an access key (§6.1)",
      parameters: ["KeyName"],
      body: {
        description: '`{"bins": {"create", "read", "update", "delete"}}`; missing permissions are false.',
        content: json({ type: "object" }),
      },
      responses: {
        "200": ok(
          "The key, shown this once.",
          json(
            object({
              accessKey: ref("Key"),
              accessKeyId: ref("Id"),
              keyPermissions: object({ bins: ref("Permissions") }),
              metadata: ref("AccessKeyMeta"),
            }),
          ),
        ),
      },
      errors: [
        ...account,
        ...named("accessKey"),
        "contentTypeNotJson",
        "invalidJson",
        "accessKeyPermissionsInvalid",
        "accessKeyLimit",
      ],
    }),
    get: keyOp({
      id: "listAccessKeys",
      summary: "List the access keys, oldest first (§6.2)",
      responses: {
        "200": ok(
          "Every key, without its secret.",
          json(
            array(
              object({
                keyPermissions: object({ bins: ref("Permissions") }),
                accessKeyId: ref("Id"),
                metadata: ref("AccessKeyMeta"),
              }),
            ),
          ),
        ),
      },
      errors: [["masterKeyMissing", { route: "listAccessKeys" }], "masterKeyInvalid"],
    }),
  },
  "/v3/a/{id}": {
    parameters: idParameter("AccessKeyId"),
    delete: keyOp({
      id: "deleteAccessKey",
      summary: "Delete an access key (§6.3)",
      responses: {
        "200": ok(
          "Deleted; effective at once.",
          json(
            object({
              metadata: object({ id: ref("Id"), name: string() }),
              message: { const: "Access Key deleted successfully" },
            }),
          ),
        ),
      },
      errors: [
        "invalidAccessKeyId",
        ["masterKeyMissing", { route: "deleteAccessKey" }],
        "masterKeyInvalid",
        "accessKeyNotFound",
      ],
    }),
  },

  "/v3/account/master-key/rotate": {
    post: accountOp({
      id: "rotateMasterKey",
      summary: "Replace the master key (§2.4)",
      description: "The old key is refused from now on. Not counted. Body ignored.",
      responses: {
        "200": ok(
          "The new key, shown this once.",
          json(object({ accountId: ref("Id"), masterKey: ref("Key"), rotatedAt: ref("Timestamp") })),
        ),
      },
      errors: account,
    }),
  },
  "/v3/account/export": {
    get: accountOp({
      id: "exportAccount",
      summary: "The whole account as one streamed NDJSON file (§2.5)",
      description:
        "One JSON object a line: the account, each schema doc, each collection, then each bin followed by its records oldest first, and a last `end` line (a file without it was cut short). Each line maps onto an import route. Counted once.",
      responses: {
        "200": ok("The export.", {
          "application/x-ndjson": {
            schema: { type: "string", description: "One JSON object a line." },
            // Each line, for readers (and the test suite) that check them one by one.
            "x-edgebin-line-schema": {
              type: "object",
              required: ["type"],
              properties: { type: { enum: ["account", "schema", "collection", "bin", "record", "end"] } },
            },
          },
        }),
      },
      errors: account,
      charged: true,
    }),
  },
  "/v3/account/usage": {
    get: accountOp({
      id: "readUsage",
      summary: "Requests, bins and storage of the account (§7)",
      description: "Not counted.",
      responses: {
        "200": ok(
          "Usage.",
          json(
            object({
              requests: object({
                used: integer(),
                limit: { type: ["integer", "null"], minimum: 0, description: "`null` = unlimited." },
              }),
              bins: integer(),
              storageBytes: integer(),
            }),
          ),
        ),
      },
      errors: account,
    }),
  },
  "/v3/l": {
    get: accountOp({
      id: "listLogDays",
      summary: "The UTC days with access log entries, oldest first (§7.1)",
      charged: true,
      responses: {
        "200": ok("The days.", json(object({ logs: array({ type: "string", pattern: "^\\d{2}-\\d{2}-\\d{4}$" }) }))),
      },
      errors: [...account, "logsNotFound"],
    }),
  },
  "/v3/l/{date}": {
    parameters: idParameter("LogDate"),
    get: accountOp({
      id: "downloadLogDay",
      summary: "One day's access log as a zipped CSV (§7.1)",
      charged: true,
      responses: {
        "200": ok(
          "A zip holding `<DD-MM-YYYY>.csv`.",
          { "application/zip": { schema: { type: "string", contentEncoding: "binary" } } },
          { required: ["Content-Disposition"] },
        ),
      },
      errors: [...account, "logDateInvalid", ["logDayNotFound", { day: "<DD-MM-YYYY>" }]],
    }),
  },
});
