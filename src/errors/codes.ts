import type { Plan } from "../accounts/limits";

/**
 * What can go wrong, in the domain's words. Services and routes raise these codes; the dialect
 * tables (`dialects/v3.ts`, `v2.ts`, `v1.ts`) decide each one's status and exact message, so the
 * same situation can be worded as each API version words it.
 *
 * A code maps to its parameters (`undefined` when it has none).
 */
export interface ErrorParams {
  // ---- Anywhere ----
  routeNotFound: undefined;
  bodyTooLarge: undefined;
  /** The client stopped sending before the body's end (an aborted upload). */
  bodyIncomplete: undefined;
  internal: undefined;
  contentTypeNotJson: undefined;
  invalidJson: undefined;
  /** A boolean header (§1.3) with another value. */
  headerNotBoolean: { header: string };
  /** A text header whose bytes were not UTF-8 (the runtime has replaced them with U+FFFD). */
  headerNotUtf8: { header: string };
  quotaExhausted: undefined;
  rateLimited: { limit: number; resetSeconds: number };

  // ---- Records (§1.2, §3.0, §5.4) ----
  /** R2 and R4: empty, whitespace only, or `{}`. */
  recordBlank: undefined;
  /** R5: a string, number, boolean or null. */
  recordNotContainer: undefined;
  recordTooLarge: { plan: Plan; operation: "create" | "update"; limitBytes: number };
  schemaMismatch: { detail: string; schemaId: string; schemaName: string };
  schemaInvalid: undefined;

  // ---- Bins ----
  invalidBinId: undefined;
  binNotFound: undefined;
  /** The update route's own not-found wording (§3.3). */
  binNotFoundForUpdate: undefined;
  binVersionNotFound: undefined;
  binVersionInvalid: undefined;
  preconditionFailed: { etag: string };
  /** The key table of §3.0. */
  binKey: {
    problem: "missing" | "badMaster" | "badAccess" | "forbidden";
    operation: "create" | "read" | "update" | "delete";
  };
  /** Owner-only routes (§3.6–§3.8): another account's master key, or an anonymous bin. */
  binNotOwned: undefined;
  binNameInvalid: undefined;
  binNameMissing: undefined;
  binPrivateMissing: undefined;
  jsonPathInvalid: undefined;
  dotPathInvalid: undefined;
  dotPathNotFound: undefined;
  pagingInvalid: undefined;
  patchContentType: undefined;
  patchInvalid: undefined;
  patchConflict: undefined;
  /** §10.6: `from`/`to` not a version number or `latest`. */
  versionRangeInvalid: undefined;
  /** §10.6: the two records are over the diff's bound (decision in docs/decisions.md). */
  diffTooLarge: undefined;
  /** §10.4: neither `Upgrade: websocket` nor `Accept: text/event-stream`. */
  streamTransportMissing: undefined;
  /** MAX_STREAMS_PER_BIN / MAX_STREAMS_PER_ACCOUNT reached. */
  streamLimitBin: undefined;
  streamLimitAccount: undefined;

  // ---- Account keys ----
  /** `route` picks the route's own "you need to pass" wording; absent = the common one. */
  masterKeyMissing: { route?: "versionCount" | "listAccessKeys" | "deleteAccessKey" } | undefined;
  masterKeyInvalid: undefined;
  adminKeyInvalid: undefined;

  // ---- Collections, schema docs, access keys, logs, accounts ----
  invalidCollectionId: undefined;
  collectionNotFound: undefined;
  collectionNotEmpty: undefined;
  collectionLimit: undefined;
  sortOrderInvalid: undefined;
  nameMissing: { resource: NamedResource };
  nameBlank: { resource: NamedResource };
  nameTooLong: { resource: NamedResource };
  invalidSchemaId: undefined;
  schemaDocIdMissing: undefined;
  schemaDocNotFound: undefined;
  invalidAccessKeyId: undefined;
  accessKeyNotFound: undefined;
  accessKeyLimit: undefined;
  accessKeyPermissionsInvalid: undefined;
  logDateInvalid: undefined;
  logsNotFound: undefined;
  logDayNotFound: { day: string };
  invalidAccountId: undefined;
  accountNotFound: undefined;
  accountNameInvalid: undefined;
  accountPlanInvalid: undefined;
  unknownField: { field: string };
  invalidFieldValue: { field: string };

  // ---- Import (§2.5) ----
  /** A field of an import body that is missing, of the wrong type or out of range. */
  importItemInvalid: { field: string };
  /** The id is another account's, or the stored item differs from the one sent. */
  importConflict: undefined;
  /** A version n > N+1: the versions before it have not been imported yet. */
  importVersionOutOfOrder: undefined;

  // ---- Only the legacy APIs raise these (§8, §9) ----
  secretKeyMissing: { action: SecretKeyAction };
  secretKeyInvalid: undefined;
  invalidBinIdOfVersions: undefined;
  invalidSchemaDocIdHeader: undefined;
  legacyBinNameTooLong: undefined;
  collectionNameKeyMissing: undefined;
  /** v2's attach with a well-formed but unknown (or another account's) schema doc id. */
  schemaDocNotFoundForAttach: undefined;
  collectionNameLength: undefined;
  schemaDocNameMissing: undefined;
  schemaDocNameLength: undefined;
  noVersionsFound: undefined;
  snippetInvalid: undefined;
}

export type ErrorCode = keyof ErrorParams;

/** The resources whose name header has the §1.3 missing/blank/too long messages. */
export type NamedResource = "collection" | "schemaDoc" | "accessKey";

/** What a v2 request without `secret-key` was trying to do: each has its own message (§8). */
export type SecretKeyAction =
  | "createBin"
  | "readBin"
  | "updateBin"
  | "deleteBin"
  | "createCollection"
  | "updateCollection"
  | "createSchema"
  | "readSchema"
  | "updateSchema"
  | "pendingRequests";

/** Codes only v1 words. */
export type V1OnlyCode = "snippetInvalid";

/** Codes only the legacy tables word; every other code has a v3 wording, which v2 and v1 inherit. */
export type LegacyOnlyCode =
  | "secretKeyMissing"
  | "secretKeyInvalid"
  | "invalidBinIdOfVersions"
  | "invalidSchemaDocIdHeader"
  | "legacyBinNameTooLong"
  | "collectionNameKeyMissing"
  | "schemaDocNotFoundForAttach"
  | "collectionNameLength"
  | "schemaDocNameMissing"
  | "schemaDocNameLength"
  | "noVersionsFound"
  | "snippetInvalid";
