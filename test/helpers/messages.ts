// The contract's messages (/work/shared/spec/api-contract.md), copied byte for byte and grouped by
// its sections. This is the tests' own copy, kept apart from the source on purpose: a message that
// changes in src/ without changing here fails a test. A message is defined once, in the first
// section that names it; later sections reuse it.

type Operation = "create" | "read" | "update" | "delete";

// §1 Conventions
export const ROUTE_NOT_FOUND = "Route not found";
export const BODY_TOO_LARGE = "Request body too large";
export const NEED_JSON = "You need to pass Content-Type set to application/json"; // R1
export const BIN_BLANK = "Bin cannot be blank"; // R2, R4
export const INVALID_JSON = "Invalid JSON. Please try again"; // R3
export const NOT_OBJECT_OR_ARRAY = "Record must be a JSON object or array"; // R5
export const BIN_PRIVATE_NOT_BOOLEAN = "X-Bin-Private must be true or false";
export const BIN_VERSIONING_NOT_BOOLEAN = "X-Bin-Versioning must be true or false";
export const PRESERVE_LATEST_NOT_BOOLEAN = "X-Preserve-Latest must be true or false";
export const SORT_ORDER_INVALID = "X-Sort-Order must be ascending or descending";
/** v2 `private`, `versioning`, `remove-schema-doc`. */
export const legacyNotBoolean = (header: string) => `${header} must be true or false`;
export const INVALID_BIN_ID = "Invalid Bin Id provided";
export const INVALID_COLLECTION_ID = "Invalid Collection Id provided";
export const INVALID_SCHEMA_ID = "Invalid Schema Id provided";
export const INVALID_ACCESS_KEY_ID = "Invalid Access Key Id provided";
export const INVALID_ACCOUNT_ID = "Invalid Account Id provided";
export const INTERNAL_ERROR = "Internal server error";

// §2 Accounts and keys
export const INVALID_ADMIN_KEY = "Invalid X-Admin-Key provided";
export const ACCOUNT_NAME_INVALID = "name must be a string of 1 to 64 characters";
export const PLAN_INVALID = "plan must be free or pro";
export const ACCOUNT_NOT_FOUND = "Account not found";
export const unknownField = (key: string) => `Unknown field: ${key}`;
export const invalidValue = (key: string) => `Invalid value for ${key}`;
export const NEED_MASTER = "You need to pass X-Master-Key in the header";
export const INVALID_MASTER = "Invalid X-Master-Key provided";
export const invalidImportItem = (field: string) => `Invalid import item: ${field}`;
export const ALREADY_EXISTS = "Already exists with different content";
export const VERSION_OUT_OF_ORDER = "Version out of order";

// §3.0 Bins: the key table, by operation
export const NO_KEY: Record<Operation, string> = {
  create: "You need to pass X-Master-Key or X-Access-Key in the header to create a bin",
  read: "You need to pass X-Master-Key or X-Access-Key in the header to read a private bin",
  update: "You need to pass X-Master-Key or X-Access-Key in the header to update a private bin",
  delete: "You need to pass X-Master-Key or X-Access-Key in the header to delete a bin",
};
export const BAD_MASTER: Record<Operation, string> = {
  create: "Invalid X-Master-Key provided",
  read: "X-Master-Key is invalid or the bin doesn't belong to your account",
  update: "Invalid X-Master-Key provided or the bin does not belong to your account",
  delete: "X-Master-Key is invalid or the bin doesn't belong to your account",
};
export const BAD_ACCESS = "X-Access-Key is invalid or the bin doesn't belong to your account";
export const FORBIDDEN: Record<Operation, string> = {
  create: "X-Access-Key passed does not have permission to create a bin",
  read: "X-Access-Key passed does not have permission to read the bin",
  update: "X-Access-Key passed does not have permission to update the bin",
  delete: "X-Access-Key passed does not have permission to delete the bin",
};
/** Owner-only master-key routes: another account's key, or an anonymous bin. */
export const NOT_YOURS = "X-Master-Key is invalid or the bin doesn't belong to your account";

// §3.0 Bins: record size
export const freeCreateOver = (limit: string) => `Free users cannot create a record over ${limit}`;
export const freeUpdateOver = (limit: string) => `Free users cannot update a record over ${limit}`;
export const recordSizeOver = (limit: string) => `Record size cannot be over ${limit}`;
export const FREE_CREATE_TOO_LARGE = freeCreateOver("100kb");
export const FREE_UPDATE_TOO_LARGE = freeUpdateOver("100kb");
export const PRO_TOO_LARGE = recordSizeOver("1mb");

// §3.1–§3.8 Bins
export const BIN_NAME_INVALID = "X-Bin-Name cannot be blank or over 128 characters";
/** §5.4: two spaces after the colon. */
export const schemaMismatch = (message: string) => `Schema Doc Validation Mismatch:  ${message}`;
export const BIN_VERSION_INVALID = "Bin version is invalid";
export const BIN_VERSION_NOT_FOUND = "Bin version not found";
export const JSON_PATH_INVALID = "Invalid X-JSON-Path expression passed";
export const DOT_PATH_INVALID = "Invalid X-Dot-Path expression passed";
export const PATH_NOT_FOUND = "Path not found in the record";
export const BIN_NOT_FOUND_OR_NOT_YOURS = "Bin not found or it doesn't belong to your account";
/** §3.3 update (and the v2 routes): shorter than read/delete. */
export const BIN_NOT_FOUND = "Bin not found";
export const BIN_DELETED = "Bin deleted successfully";
export const NEED_MASTER_FOR_COUNT =
  "You need to pass X-Master-Key in the header to get version count for the private bin";
export const NO_VERSIONS_FOUND = "No versions found";
export const VERSIONS_DELETED = "Versions for the Bin are deleted successfully";
export const VERSIONS_DELETED_LATEST_PRESERVED =
  "Versions for the Bin are deleted successfully and latest version preserved on the base record.";
export const NEED_BIN_NAME = "You need to pass X-Bin-Name header to Update the Bin Name";
export const NEED_BIN_PRIVATE = "You need to provide X-Bin-Private header to change the Bin privacy";

// §4 Collections
export const NEED_COLLECTION_NAME = "You need to pass X-Collection-Name header to set a name for the Collection";
export const COLLECTION_NAME_BLANK = "X-Collection-Name cannot be blank";
export const COLLECTION_NAME_TOO_LONG = "Name of the Collection cannot be above 32 characters";
export const COLLECTION_LIMIT = "Collection limit reached for your plan";
export const COLLECTION_NOT_FOUND = "Collection not found";
export const NEED_SCHEMA_DOC_ID = "You need to pass X-Schema-Doc-Id in the header";
export const SCHEMA_DOC_NOT_FOUND = "Schema Doc not found";
export const COLLECTION_DELETED = "Collection deleted successfully";
export const COLLECTION_NOT_EMPTY = "Collection is not empty";

// §5 Schema docs
export const NEED_SCHEMA_NAME = "You need to pass X-Schema-Doc-Name header to set a name for the Schema Doc";
export const SCHEMA_NAME_BLANK = "X-Schema-Doc-Name cannot be blank";
export const SCHEMA_NAME_TOO_LONG = "Name of the Schema Doc cannot be above 32 characters";
export const INVALID_JSON_SCHEMA = "Invalid JSON Schema";

// §6 Access keys
export const NEED_KEY_NAME = "You need to pass X-Key-Name header to set a name for the Access Key";
export const KEY_NAME_BLANK = "X-Key-Name cannot be blank";
export const KEY_NAME_TOO_LONG = "Name of the Access Key cannot be above 32 characters";
export const KEY_PERMISSIONS_NOT_BOOLEAN = "Access Key permissions must be booleans";
export const KEY_LIMIT = "Access Key limit reached for your plan";
export const NEED_MASTER_TO_LIST_KEYS = "You need to pass X-Master-Key in the header to fetch a list of Access Keys.";
export const NEED_MASTER_TO_DELETE_KEY = "You need to pass X-Master-Key in the header to delete the access key.";
export const KEY_NOT_FOUND = "Access Key not found";
export const KEY_DELETED = "Access Key deleted successfully";

// §7 Usage and quota
export const REQUESTS_EXHAUSTED = "Requests exhausted for this account";
export const NO_LOGS = "No logs found";
export const INVALID_LOG_DATE = "Invalid date provided, use DD-MM-YYYY";
export const backupNotFound = (day: string) => `Backup not found for ${day}.`;

// §8 Legacy v2
export const INVALID_SECRET = "Invalid secret key provided.";
export const V2_NEED_JSON = "Expected content type - application/json";
export const V2_EMPTY = "JSON cannot be empty";
export const NEED_SECRET_TO_CREATE_BIN = "You need to pass a secret-key in the header to Create a Bin";
export const V2_BIN_NAME_TOO_LONG = "Bin Name cannot be longer than 128 characters.";
export const V2_INVALID_COLLECTION_ID = "Invalid Collection ID";
export const NEED_SECRET_TO_READ = "Need to provide a secret-key to READ private bins";
export const INVALID_RECORD_ID = "Invalid Record ID";
export const NEED_SECRET_TO_UPDATE = "Need to provide a secret-key to UPDATE private bins";
export const NEED_SECRET_TO_DELETE = "Need to provide a secret-key to DELETE bins";
export const v2BinDeleted = (binId: string, versions: number) =>
  `Bin ${binId} is deleted successfully. ${versions} versions removed.`;
export const NEED_SECRET_TO_CREATE_COLLECTION = "Need to provide a secret-key to CREATE a Collection.";
export const NEED_NAME_KEY = "You need to provide a name key.";
export const V2_COLLECTION_NAME_LENGTH =
  "Collection Name length should be more than 2 characters and less than 33 characters";
export const NEED_SECRET_TO_UPDATE_COLLECTIONS = "Need to provide a secret-key to UPDATE Collections";
export const V2_INVALID_SCHEMA_DOC_ID = "Invalid Schema Doc ID";
export const SCHEMA_DOCUMENT_NOT_FOUND = "Schema Document not found";
export const NEED_SECRET_TO_CREATE_SCHEMA = "Need to provide a secret-key to CREATE a Schema";
export const NEED_SECRET_TO_READ_SCHEMA = "Need to provide a secret-key to READ Schema Document.";
export const NEED_SECRET_TO_UPDATE_SCHEMA = "Need to provide a secret-key to UPDATE Schema Doc";
export const INVALID_SCHEMA_DOCUMENT_ID = "Invalid Schema Document ID";
export const NEED_SCHEMA_DOCUMENT_NAME = "You need to provide a name for the Schema Document";
export const V2_SCHEMA_NAME_LENGTH =
  "Schema Doc Name length should be more than 2 characters and less than 33 characters";
export const V2_INVALID_BIN_ID = "Invalid Bin ID";
export const NEED_SECRET_FOR_REQUESTS_COUNT = "Need to provide a secret-key to fetch Pending Requests Count";

// §9 Legacy v1
export const INVALID_SNIPPET = "Invalid snippet";
export const INVALID_SNIPPET_ID = "Invalid snippet ID";
export const SNIPPET_NOT_FOUND = "Snippet not found";

// §10 Extensions
export const PATCH_NEED_CONTENT_TYPE =
  "You need to pass Content-Type set to application/merge-patch+json or application/json-patch+json";
export const INVALID_JSON_PATCH = "Invalid JSON Patch document";
export const PATCH_CONFLICT = "JSON Patch could not be applied";
export const PRECONDITION_FAILED = "Precondition failed: bin has changed";
export const INVALID_PAGING = "Invalid paging parameters";
export const STREAM_NEEDS_UPGRADE = "Stream requires a WebSocket upgrade or Accept: text/event-stream";
export const TOO_MANY_REQUESTS = "Too many requests";
export const INVALID_VERSION_RANGE = "Invalid version range";

// edgebin's own messages, where the contract left the wording to us (docs/decisions.md)
export const BODY_CUT_OFF = "Request body was cut off before its end";
export const notUtf8 = (header: string) => `${header} must be UTF-8 text`;
/** The detail of a schema mismatch when the stored schema doc is one the validator now refuses. */
export const SCHEMA_NOT_APPLICABLE = "Schema can no longer be applied: update the schema doc";
