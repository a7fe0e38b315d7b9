import type { LegacyOnlyCode, SecretKeyAction, V1OnlyCode } from "../codes";
import type { ErrorSpec, Table } from "../spec";
import type { V3Code } from "./v3";

export type V2Code = Exclude<LegacyOnlyCode, V1OnlyCode>;

const e = (status: ErrorSpec["status"], message: string): ErrorSpec => ({ status, message });

const SECRET_KEY_MISSING: Record<SecretKeyAction, string> = {
  createBin: "You need to pass a secret-key in the header to Create a Bin",
  readBin: "Need to provide a secret-key to READ private bins",
  updateBin: "Need to provide a secret-key to UPDATE private bins",
  deleteBin: "Need to provide a secret-key to DELETE bins",
  createCollection: "Need to provide a secret-key to CREATE a Collection.",
  updateCollection: "Need to provide a secret-key to UPDATE Collections",
  createSchema: "Need to provide a secret-key to CREATE a Schema",
  readSchema: "Need to provide a secret-key to READ Schema Document.",
  updateSchema: "Need to provide a secret-key to UPDATE Schema Doc",
  pendingRequests: "Need to provide a secret-key to fetch Pending Requests Count",
};

/**
 * API v2 (§8): `{"success": false, "message"}` bodies, 422 for invalid input. Codes it does not
 * word here fall back to v3's wording, with v3's 400 turned into v2's 422 (§1.5).
 */
export const V2: Table<V2Code> & Partial<Table<V3Code>> = {
  secretKeyMissing: ({ action }) => e(401, SECRET_KEY_MISSING[action]),
  secretKeyInvalid: e(401, "Invalid secret key provided."),
  invalidBinIdOfVersions: e(422, "Invalid Bin ID"),
  invalidSchemaDocIdHeader: e(422, "Invalid Schema Doc ID"),
  legacyBinNameTooLong: e(422, "Bin Name cannot be longer than 128 characters."),
  collectionNameKeyMissing: e(422, "You need to provide a name key."),
  schemaDocNotFoundForAttach: e(401, "Schema Document not found"),
  collectionNameLength: e(422, "Collection Name length should be more than 2 characters and less than 33 characters"),
  schemaDocNameMissing: e(422, "You need to provide a name for the Schema Document"),
  schemaDocNameLength: e(422, "Schema Doc Name length should be more than 2 characters and less than 33 characters"),
  noVersionsFound: e(404, "No versions found"),

  invalidBinId: e(422, "Invalid Record ID"),
  invalidCollectionId: e(422, "Invalid Collection ID"),
  invalidSchemaId: e(422, "Invalid Schema Document ID"),
  binNotFound: e(404, "Bin not found"),
  schemaDocNotFound: e(404, "Schema Document not found"),
  contentTypeNotJson: e(422, "Expected content type - application/json"),
  recordBlank: e(422, "JSON cannot be empty"),
  schemaMismatch: ({ detail, schemaId, schemaName }) => ({
    status: 401,
    message: `Schema Doc Validation Mismatch:  ${detail}`,
    extra: { schemaDocID: schemaId, schemaDocName: schemaName },
  }),
};
