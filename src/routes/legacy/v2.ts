import { type Context, Hono } from "hono";
import { effectiveLimits } from "../../accounts/limits";
import type { AccountRow } from "../../accounts/store";
import { requireSecretKeyAccount } from "../../auth/account-auth";
import { type Credentials, readLegacyCredentials } from "../../auth/credentials";
import { parseRecordBody, V2_RECORD_RULES } from "../../bins/records";
import { checkAndCreateBin, checkAndWriteRecord, decideVersioning, unwrap, writerFor } from "../../bins/service";
import { createCollection } from "../../collections/service";
import { findCollection, renameCollection, setCollectionSchema } from "../../collections/store";
import type { HonoEnv } from "../../env";
import { AppError, type ErrorPayload } from "../../errors";
import { isBlank, isJsonContentType, isPlainObject, parseJson, readBodyText } from "../../http/body";
import { booleanHeader, codePointLength, header } from "../../http/headers";
import { newId, parseId } from "../../http/ids";
import { jsonObjectText, jsonResponse, RawJson, rawJsonResponse } from "../../http/json";
import { isEmptySchemaBody, parseSchemaDocument, V2_SCHEMA_BODY_RULES } from "../../schemas/body";
import { findSchemaDoc, insertSchemaDoc, type SchemaDocRow, updateSchemaDoc } from "../../schemas/store";
import { type BinView, listVersions } from "../../storage/bins";
import { charge } from "../../usage/charge";
import { openBin } from "../open-bin";
import {
  INVALID_COLLECTION_ID,
  INVALID_SECRET_KEY,
  isOwner,
  legacyUpdateResponse,
  readLegacyRecord,
  resolveCreator,
} from "./common";

/** JSONBin API v2 (§8) at the root, translated onto the v3 services. */
export const v2 = new Hono<HonoEnv>();

type C = Context<HonoEnv>;

const BIN_NOT_FOUND: ErrorPayload = { status: 404, message: "Bin not found" };
const INVALID_SCHEMA_DOC = "Invalid Schema Doc ID";
/** `/e/requests` for an account without a quota (the largest 32-bit signed integer). */
const UNLIMITED_REQUESTS = 2_147_483_647;

const recordId = (c: C) => parseId(c.req.param("id"), "Invalid Record ID", 422);

/** Private bins and owner operations: the `secret-key` must be the owner's master key. */
function requireOwner(view: BinView, creds: Credentials, missing: string): void {
  if (!creds.masterHash) throw new AppError(401, missing);
  if (!isOwner(view)) throw new AppError(401, INVALID_SECRET_KEY);
}

const privateNeedsOwner = (missing: string) => (view: BinView, creds: Credentials) => {
  if (view.private) requireOwner(view, creds, missing);
};

// ---- §8.1 Create ----
v2.post("/b", async (c) => {
  const text = await readBodyText(c);
  const requestedPrivate = booleanHeader(c, "private", "private must be true or false", 422);
  const name = header(c, "name") ?? null;
  if (name !== null && codePointLength(name) > 128)
    throw new AppError(422, "Bin Name cannot be longer than 128 characters.");
  const rawCollection = header(c, "collection-id");
  const collectionId = rawCollection === undefined ? null : parseId(rawCollection, INVALID_COLLECTION_ID, 422);

  // Without a key the bin can only be public and in no collection (§8.1).
  const creator = await resolveCreator(c, {
    anonymousOk: requestedPrivate !== true && collectionId === null,
    collectionId,
  });
  const value = parseRecordBody(c, text, V2_RECORD_RULES);
  const { bin, record } = await checkAndCreateBin(
    c.env,
    { ownerId: creator.ownerId, private: creator.ownerId !== null && (requestedPrivate ?? true), name, collectionId },
    value,
    { owner: creator.payer, schema: creator.schema, schemaStatus: 401 },
  );
  return rawJsonResponse(
    jsonObjectText({
      success: true,
      data: new RawJson(record.text),
      id: bin.id,
      private: bin.private,
      binName: bin.name ?? undefined,
      collectionID: bin.collectionId ?? undefined,
    }),
  );
});

// ---- §8.2 Read: raw JSON, the base unless a version is named ----
async function readBin(c: C, segment: string | undefined) {
  const text = await readLegacyRecord(c, recordId(c), segment, {
    binNotFound: BIN_NOT_FOUND,
    versionNotFound: { status: 404, message: "Bin version not found" },
    authorize: privateNeedsOwner("Need to provide a secret-key to READ private bins"),
  });
  return rawJsonResponse(text);
}

v2.get("/b/:id", (c) => readBin(c, undefined));
v2.get("/b/:id/:version", (c) => readBin(c, c.req.param("version")));

// ---- §8.3 Update: private bins are versioned unless `versioning: false` ----
v2.put("/b/:id", async (c) => {
  const id = recordId(c);
  const text = await readBodyText(c);
  const requested = booleanHeader(c, "versioning", "versioning must be true or false", 422);
  const creds = await readLegacyCredentials(c);
  const authorize = privateNeedsOwner("Need to provide a secret-key to UPDATE private bins");
  const view = await openBin(c, id, creds, { notFound: BIN_NOT_FOUND, authorize: (v) => authorize(v, creds) });
  const value = parseRecordBody(c, text, V2_RECORD_RULES);
  const { record, result } = await checkAndWriteRecord(c.env, view, value, {
    versioned: decideVersioning(view, view.keys, requested, true),
    schemaStatus: 401,
    notFound: BIN_NOT_FOUND,
  });
  return legacyUpdateResponse(id, record, result);
});

// ---- §8.4 Delete (owner only, public bins too) ----
v2.delete("/b/:id", async (c) => {
  const id = recordId(c);
  const creds = await readLegacyCredentials(c);
  await openBin(c, id, creds, {
    notFound: BIN_NOT_FOUND,
    authorize: (v) => requireOwner(v, creds, "Need to provide a secret-key to DELETE bins"),
  });
  const { versionsDeleted } = unwrap(await writerFor(c.env, id).remove(id), BIN_NOT_FOUND);
  return jsonResponse({
    success: true,
    id,
    message: `Bin ${id} is deleted successfully. ${versionsDeleted} versions removed.`,
  });
});

// ---- §8.5, §8.6 Collections ----

/** The `{"name"}` body of collection create and rename: 3 to 32 code points after trimming. */
function collectionName(c: C, text: string): string {
  if (!isJsonContentType(c)) throw new AppError(422, "Expected content type - application/json");
  const parsed = isBlank(text) ? { ok: true as const, value: undefined } : parseJson(text);
  if (!parsed.ok) throw new AppError(422, "Invalid JSON. Please try again");
  const name = isPlainObject(parsed.value) ? parsed.value.name : undefined;
  if (typeof name !== "string") throw new AppError(422, "You need to provide a name key.");
  const trimmed = name.trim();
  if (trimmed === "") throw new AppError(422, "Name key cannot be blank.");
  const length = codePointLength(trimmed);
  if (length < 3 || length > 32) {
    throw new AppError(422, "Collection Name length should be more than 2 characters and less than 33 characters");
  }
  return trimmed;
}

v2.post("/c", async (c) => {
  const text = await readBodyText(c);
  const account = await requireSecretKeyAccount(c, "Need to provide a secret-key to CREATE a Collection.");
  await charge(c, account);
  const name = collectionName(c, text);
  const { id } = await createCollection(c.env, account, name);
  return jsonResponse({ success: true, data: { name }, id });
});

/** One operation per request, in this order: detach, attach, rename (§8.6). */
v2.put("/c/:id", async (c) => {
  const id = parseId(c.req.param("id"), INVALID_COLLECTION_ID, 422);
  const text = await readBodyText(c);
  const detach = booleanHeader(c, "remove-schema-doc", "remove-schema-doc must be true or false", 422) === true;
  const rawSchema = detach ? undefined : header(c, "schema-doc-id");
  const schemaId = rawSchema === undefined ? null : parseId(rawSchema, INVALID_SCHEMA_DOC, 422);
  const account = await requireSecretKeyAccount(c, "Need to provide a secret-key to UPDATE Collections");
  const collection = await findCollection(c.env.DB, account.id, id);
  if (!collection) throw new AppError(404, "Collection not found");
  await charge(c, account);

  if (detach) {
    await setCollectionSchema(c.env.DB, id, null);
    return jsonResponse({ success: true });
  }
  if (schemaId !== null) {
    const schema = await findSchemaDoc(c.env.DB, account.id, schemaId);
    if (!schema) throw new AppError(422, INVALID_SCHEMA_DOC);
    await setCollectionSchema(c.env.DB, id, schemaId);
    return jsonResponse({
      success: true,
      collectionID: id,
      schemaDocID: schemaId,
      schemaDocDetails: { name: schema.name },
      collectionDetails: { name: collection.name },
    });
  }
  const name = collectionName(c, text);
  await renameCollection(c.env.DB, id, name);
  return jsonResponse({ success: true, collectionID: id, data: { name } });
});

// ---- §8.7 Schema docs ----
const schemaDocId = (c: C) => parseId(c.req.param("id"), "Invalid Schema Document ID", 422);

/** The `name` header: 3 to 32 code points; an empty value counts as absent (§1.2). */
function schemaName(c: C): string | undefined {
  const name = header(c, "name");
  if (name !== undefined && (codePointLength(name) < 3 || codePointLength(name) > 32)) {
    throw new AppError(422, "Schema Doc Name length should be more than 2 characters and less than 33 characters");
  }
  return name;
}

async function ownSchemaDoc(c: C, account: AccountRow, id: string): Promise<SchemaDocRow> {
  const row = await findSchemaDoc(c.env.DB, account.id, id);
  if (!row) throw new AppError(404, "Schema Document not found");
  await charge(c, account);
  return row;
}

const schemaResponse = (row: SchemaDocRow) =>
  rawJsonResponse(jsonObjectText({ success: true, data: new RawJson(row.schema), id: row.id }));

v2.post("/s", async (c) => {
  const text = await readBodyText(c);
  const name = schemaName(c);
  if (name === undefined) throw new AppError(422, "You need to provide a name for the Schema Document");
  const account = await requireSecretKeyAccount(c, "Need to provide a secret-key to CREATE a Schema");
  await charge(c, account);
  const row: SchemaDocRow = {
    id: newId(),
    account_id: account.id,
    name,
    schema: parseSchemaDocument(c, text, V2_SCHEMA_BODY_RULES),
    created_at: new Date().toISOString(),
  };
  await insertSchemaDoc(c.env.DB, row);
  return schemaResponse(row);
});

v2.get("/s/:id", async (c) => {
  const id = schemaDocId(c);
  const account = await requireSecretKeyAccount(c, "Need to provide a secret-key to READ Schema Document.");
  return rawJsonResponse((await ownSchemaDoc(c, account, id)).schema);
});

/** Replaces the schema; `name` renames too, and with an empty or `{}` body only renames (as v3, §5.3). */
v2.put("/s/:id", async (c) => {
  const id = schemaDocId(c);
  const text = await readBodyText(c);
  const name = schemaName(c);
  const account = await requireSecretKeyAccount(c, "Need to provide a secret-key to UPDATE Schema Doc");
  const row = await ownSchemaDoc(c, account, id);
  const schema =
    name !== undefined && isEmptySchemaBody(text) ? undefined : parseSchemaDocument(c, text, V2_SCHEMA_BODY_RULES);
  await updateSchemaDoc(c.env.DB, id, {
    ...(name !== undefined ? { name } : {}),
    ...(schema !== undefined ? { schema } : {}),
  });
  return schemaResponse({ ...row, ...(schema !== undefined ? { schema } : {}) });
});

// ---- §8.8 Version list, §8.9 remaining requests ----
v2.get("/e/:id/versions", async (c) => {
  const id = parseId(c.req.param("id"), "Invalid Bin ID", 422);
  const creds = await readLegacyCredentials(c);
  const authorize = privateNeedsOwner("Need to provide a secret-key to READ private bins");
  const view = await openBin(c, id, creds, { notFound: BIN_NOT_FOUND, authorize: (v) => authorize(v, creds) });
  const versions = view.versionCount === 0 ? [] : await listVersions(c.env.DB, id);
  if (versions.length === 0) throw new AppError(404, "No versions found");
  return jsonResponse({
    binVersions: versions.map((v) => ({ version: v.version, created: v.updatedAt })),
    versionCount: versions.length,
    success: true,
  });
});

/** Not charged (§7), so it answers even when the quota is exhausted. */
v2.get("/e/requests", async (c) => {
  const account = await requireSecretKeyAccount(c, "Need to provide a secret-key to fetch Pending Requests Count");
  const quota = effectiveLimits(c.env, account).requestQuota;
  const count =
    quota === null ? UNLIMITED_REQUESTS : Math.min(UNLIMITED_REQUESTS, Math.max(0, quota - account.requests_used));
  return jsonResponse({ count });
});
