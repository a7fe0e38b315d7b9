import type { ErrorCode, LegacyOnlyCode, NamedResource } from "../codes";
import type { ErrorSpec, Table } from "../spec";

/** The codes v3 words: all but the legacy-only ones. v2 and v1 inherit these unless they override them. */
export type V3Code = Exclude<ErrorCode, LegacyOnlyCode>;

const e = (status: ErrorSpec["status"], message: string): ErrorSpec => ({ status, message });

/** `<n>mb` when the limit is whole mebibytes, else whole kibibytes rounded down (§3.0). */
const formatBytes = (bytes: number): string =>
  bytes % 1_048_576 === 0 ? `${bytes / 1_048_576}mb` : `${Math.floor(bytes / 1024)}kb`;

const NOT_YOURS = "X-Master-Key is invalid or the bin doesn't belong to your account";
const BAD_ACCESS_KEY = "X-Access-Key is invalid or the bin doesn't belong to your account";
const NEED_MASTER_KEY = "You need to pass X-Master-Key in the header";

// The key table of §3.0: one column per operation.
const BIN_KEYS = {
  create: {
    missing: "You need to pass X-Master-Key or X-Access-Key in the header to create a bin",
    badMaster: "Invalid X-Master-Key provided",
    forbidden: "X-Access-Key passed does not have permission to create a bin",
  },
  read: {
    missing: "You need to pass X-Master-Key or X-Access-Key in the header to read a private bin",
    badMaster: NOT_YOURS,
    forbidden: "X-Access-Key passed does not have permission to read the bin",
  },
  update: {
    missing: "You need to pass X-Master-Key or X-Access-Key in the header to update a private bin",
    badMaster: "Invalid X-Master-Key provided or the bin does not belong to your account",
    forbidden: "X-Access-Key passed does not have permission to update the bin",
  },
  delete: {
    missing: "You need to pass X-Master-Key or X-Access-Key in the header to delete a bin",
    badMaster: NOT_YOURS,
    forbidden: "X-Access-Key passed does not have permission to delete the bin",
  },
} as const;

// Written out whole, so each message can be found as the contract spells it.
const NAMES: Record<NamedResource, { missing: string; blank: string; tooLong: string }> = {
  collection: {
    missing: "You need to pass X-Collection-Name header to set a name for the Collection",
    blank: "X-Collection-Name cannot be blank",
    tooLong: "Name of the Collection cannot be above 32 characters",
  },
  schemaDoc: {
    missing: "You need to pass X-Schema-Doc-Name header to set a name for the Schema Doc",
    blank: "X-Schema-Doc-Name cannot be blank",
    tooLong: "Name of the Schema Doc cannot be above 32 characters",
  },
  accessKey: {
    missing: "You need to pass X-Key-Name header to set a name for the Access Key",
    blank: "X-Key-Name cannot be blank",
    tooLong: "Name of the Access Key cannot be above 32 characters",
  },
};

const MASTER_KEY_MISSING = {
  versionCount: "You need to pass X-Master-Key in the header to get version count for the private bin",
  listAccessKeys: "You need to pass X-Master-Key in the header to fetch a list of Access Keys.",
  deleteAccessKey: "You need to pass X-Master-Key in the header to delete the access key.",
} as const;

/** API v3 (§1–§7, §10): 400 for invalid input, `{"message"}` bodies. */
export const V3: Table<V3Code> = {
  routeNotFound: e(404, "Route not found"),
  bodyTooLarge: e(413, "Request body too large"),
  bodyIncomplete: e(400, "Request body was cut off before its end"),
  internal: e(500, "Internal server error"),
  contentTypeNotJson: e(400, "You need to pass Content-Type set to application/json"),
  invalidJson: e(400, "Invalid JSON. Please try again"),
  headerNotBoolean: ({ header }) => e(400, `${header} must be true or false`),
  headerNotUtf8: ({ header }) => e(400, `${header} must be UTF-8 text`),
  quotaExhausted: e(403, "Requests exhausted for this account"),
  rateLimited: ({ limit, resetSeconds }) => ({
    status: 429,
    message: "Too many requests",
    headers: {
      "Retry-After": String(resetSeconds),
      "X-RateLimit-Limit": String(limit),
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": String(resetSeconds),
    },
  }),

  recordBlank: e(400, "Bin cannot be blank"),
  recordNotContainer: e(400, "Record must be a JSON object or array"),
  recordTooLarge: ({ plan, operation, limitBytes }) =>
    e(
      403,
      plan === "free"
        ? `Free users cannot ${operation} a record over ${formatBytes(limitBytes)}`
        : `Record size cannot be over ${formatBytes(limitBytes)}`,
    ),
  schemaMismatch: ({ detail, schemaId, schemaName }) => ({
    status: 400,
    message: `Schema Doc Validation Mismatch:  ${detail}`,
    extra: { schemaDocID: schemaId, schemaDocName: schemaName },
  }),
  schemaInvalid: e(400, "Invalid JSON Schema"),

  invalidBinId: e(400, "Invalid Bin Id provided"),
  binNotFound: e(404, "Bin not found or it doesn't belong to your account"),
  binNotFoundForUpdate: e(404, "Bin not found"),
  binVersionNotFound: e(404, "Bin version not found"),
  binVersionInvalid: e(400, "Bin version is invalid"),
  preconditionFailed: ({ etag }) => ({
    status: 412,
    message: "Precondition failed: bin has changed",
    headers: { ETag: etag },
  }),
  binKey: ({ problem, operation }) =>
    problem === "missing"
      ? e(401, BIN_KEYS[operation].missing)
      : problem === "badMaster"
        ? e(401, BIN_KEYS[operation].badMaster)
        : problem === "badAccess"
          ? e(401, BAD_ACCESS_KEY)
          : e(403, BIN_KEYS[operation].forbidden),
  binNotOwned: e(401, NOT_YOURS),
  binNameInvalid: e(400, "X-Bin-Name cannot be blank or over 128 characters"),
  binNameMissing: e(400, "You need to pass X-Bin-Name header to Update the Bin Name"),
  binPrivateMissing: e(400, "You need to provide X-Bin-Private header to change the Bin privacy"),
  jsonPathInvalid: e(400, "Invalid X-JSON-Path expression passed"),
  dotPathInvalid: e(400, "Invalid X-Dot-Path expression passed"),
  dotPathNotFound: e(404, "Path not found in the record"),
  pagingInvalid: e(400, "Invalid paging parameters"),
  patchContentType: e(
    400,
    "You need to pass Content-Type set to application/merge-patch+json or application/json-patch+json",
  ),
  patchInvalid: e(400, "Invalid JSON Patch document"),
  patchConflict: e(409, "JSON Patch could not be applied"),
  versionRangeInvalid: e(400, "Invalid version range"),
  diffTooLarge: e(403, "Versions too large to diff"),
  streamTransportMissing: e(400, "Stream requires a WebSocket upgrade or Accept: text/event-stream"),
  streamLimitBin: e(403, "Stream limit reached for this bin"),
  streamLimitAccount: e(403, "Stream limit reached for this account"),

  masterKeyMissing: (params) => e(401, params?.route ? MASTER_KEY_MISSING[params.route] : NEED_MASTER_KEY),
  masterKeyInvalid: e(401, "Invalid X-Master-Key provided"),
  adminKeyInvalid: e(401, "Invalid X-Admin-Key provided"),

  invalidCollectionId: e(400, "Invalid Collection Id provided"),
  collectionNotFound: e(404, "Collection not found"),
  collectionNotEmpty: e(409, "Collection is not empty"),
  collectionLimit: e(403, "Collection limit reached for your plan"),
  sortOrderInvalid: e(400, "X-Sort-Order must be ascending or descending"),
  nameMissing: ({ resource }) => e(400, NAMES[resource].missing),
  nameBlank: ({ resource }) => e(400, NAMES[resource].blank),
  nameTooLong: ({ resource }) => e(400, NAMES[resource].tooLong),
  invalidSchemaId: e(400, "Invalid Schema Id provided"),
  schemaDocIdMissing: e(400, "You need to pass X-Schema-Doc-Id in the header"),
  schemaDocNotFound: e(404, "Schema Doc not found"),
  invalidAccessKeyId: e(400, "Invalid Access Key Id provided"),
  accessKeyNotFound: e(404, "Access Key not found"),
  accessKeyLimit: e(403, "Access Key limit reached for your plan"),
  accessKeyPermissionsInvalid: e(400, "Access Key permissions must be booleans"),
  logDateInvalid: e(400, "Invalid date provided, use DD-MM-YYYY"),
  logsNotFound: e(404, "No logs found"),
  logDayNotFound: ({ day }) => e(404, `Backup not found for ${day}.`),
  invalidAccountId: e(400, "Invalid Account Id provided"),
  accountNotFound: e(404, "Account not found"),
  accountNameInvalid: e(400, "name must be a string of 1 to 64 characters"),
  accountPlanInvalid: e(400, "plan must be free or pro"),
  unknownField: ({ field }) => e(400, `Unknown field: ${field}`),
  invalidFieldValue: ({ field }) => e(400, `Invalid value for ${field}`),

  importItemInvalid: ({ field }) => e(400, `Invalid import item: ${field}`),
  importConflict: e(409, "Already exists with different content"),
  importVersionOutOfOrder: e(409, "Version out of order"),
};
