import { type Context, Hono } from "hono";
import { effectiveLimits } from "../../accounts/limits";
import type { AccountRow } from "../../accounts/store";
import type { Credentials } from "../../auth/credentials";
import { parseRecord } from "../../bins/records";
import { checkAndCreateBin, checkAndWriteRecord } from "../../bins/service";
import { writerFor } from "../../bins/writer-protocol";
import { createCollection } from "../../collections/service";
import { findCollection, renameCollection, setCollectionSchema } from "../../collections/store";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import type { SecretKeyAction } from "../../errors/codes";
import { unwrap } from "../../errors/rpc";
import { readBodyText } from "../../http/body";
import { booleanHeader, header, textHeader } from "../../http/headers";
import { jsonObjectText, jsonResponse, RawJson, rawJsonResponse } from "../../http/json";
import { newId, parseId } from "../../ids";
import { isEmptySchemaBody, parseSchemaDocument } from "../../schemas/body";
import { findSchemaDoc, insertSchemaDoc, type SchemaDocRow, updateSchemaDoc } from "../../schemas/store";
import { type BinView, listVersions } from "../../storage/bin-reads";
import { requestsUsed } from "../../usage/charge";
import { codePointLength, isBlank, isMediaType, isPlainObject, parseJson } from "../../values";
import { charge } from "../charging";
import { readLegacyCredentials, requireSecretKeyAccount } from "../keys";
import { openBin, openForUpdate } from "../open-bin";
import { isOwner, legacyUpdateResponse, readLegacyRecord, resolveCreator } from "./common";

/**
 * JSONBin API v2 (§8) at the root, translated onto the v3 services. Its wording is
 * errors/dialects/v2.ts, the root's default dialect.
 */
export const v2 = new Hono<HonoEnv>();

type C = Context<HonoEnv>;

/** `/e/requests` for an account without a quota (the largest 32-bit signed integer). */
const UNLIMITED_REQUESTS = 2_147_483_647;

const recordId = (c: C) => parseId(c.req.param("id"), "invalidBinId");

/** Private bins and owner operations: the `secret-key` must be the owner's master key. */
function requireOwner(view: BinView, creds: Credentials, action: SecretKeyAction): void {
  if (!creds.masterHash) throw new AppError("secretKeyMissing", { action });
  if (!isOwner(view)) throw new AppError("secretKeyInvalid");
}

const privateNeedsOwner = (action: SecretKeyAction) => (view: BinView, creds: Credentials) => {
  if (view.private) requireOwner(view, creds, action);
};

// ---- §8.1 Create ----
v2.post("/b", async (c) => {
  const text = await readBodyText(c);
  const requestedPrivate = booleanHeader(c, "private");
  const name = textHeader(c, "name") ?? null;
  if (name !== null && codePointLength(name) > 128) throw new AppError("legacyBinNameTooLong");
  const rawCollection = header(c, "collection-id");
  const collectionId = rawCollection === undefined ? null : parseId(rawCollection, "invalidCollectionId");

  // Without a key the bin can only be public and in no collection (§8.1).
  const creator = await resolveCreator(c, {
    anonymousOk: requestedPrivate !== true && collectionId === null,
    collectionId,
  });
  const value = parseRecord(c.req.header("Content-Type"), text);
  const { bin, record } = await checkAndCreateBin(
    c.env,
    { ownerId: creator.ownerId, private: creator.ownerId !== null && (requestedPrivate ?? true), name, collectionId },
    value,
    { owner: creator.payer, schema: creator.schema },
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
  const text = await readLegacyRecord(c, recordId(c), segment, privateNeedsOwner("readBin"));
  return rawJsonResponse(text);
}

v2.get("/b/:id", (c) => readBin(c, undefined));
v2.get("/b/:id/:version", (c) => readBin(c, c.req.param("version")));

// ---- §8.3 Update: private bins are versioned unless `versioning: false` ----
v2.put("/b/:id", async (c) => {
  const id = recordId(c);
  const text = await readBodyText(c);
  const requestedVersioning = booleanHeader(c, "versioning");
  const creds = await readLegacyCredentials(c);
  const { view, authority } = await openForUpdate(c, id, { api: "v2", creds, requestedVersioning });
  const value = parseRecord(c.req.header("Content-Type"), text);
  const { record, result } = await checkAndWriteRecord(c.env, view, value, { authority });
  return legacyUpdateResponse(id, record, result);
});

// ---- §8.4 Delete (owner only, public bins too) ----
v2.delete("/b/:id", async (c) => {
  const id = recordId(c);
  const creds = await readLegacyCredentials(c);
  await openBin(c, id, creds, { authorize: (v) => requireOwner(v, creds, "deleteBin") });
  const { versionsDeleted } = unwrap(await writerFor(c.env, id).remove(id));
  return jsonResponse({
    success: true,
    id,
    message: `Bin ${id} is deleted successfully. ${versionsDeleted} versions removed.`,
  });
});

// ---- §8.5, §8.6 Collections ----

/** The `{"name"}` body of collection create and rename: 3 to 32 code points after trimming. */
function collectionName(c: C, text: string): string {
  if (!isMediaType(c.req.header("Content-Type"))) throw new AppError("contentTypeNotJson");
  const parsed = isBlank(text) ? { ok: true as const, value: undefined } : parseJson(text);
  if (!parsed.ok) throw new AppError("invalidJson");
  const name = isPlainObject(parsed.value) ? parsed.value.name : undefined;
  if (typeof name !== "string") throw new AppError("collectionNameKeyMissing");
  const trimmed = name.trim();
  // JSONBin answers a blank name as a missing one, not with its `Name key cannot be blank.`
  if (trimmed === "") throw new AppError("collectionNameKeyMissing");
  const length = codePointLength(trimmed);
  if (length < 3 || length > 32) throw new AppError("collectionNameLength");
  return trimmed;
}

v2.post("/c", async (c) => {
  const text = await readBodyText(c);
  const account = await requireSecretKeyAccount(c, "createCollection");
  await charge(c, account);
  const name = collectionName(c, text);
  const { id } = await createCollection(c.env, account, name);
  return jsonResponse({ success: true, data: { name }, id });
});

/** One operation per request, in this order: detach, attach, rename (§8.6). */
v2.put("/c/:id", async (c) => {
  const id = parseId(c.req.param("id"), "invalidCollectionId");
  const text = await readBodyText(c);
  const detach = booleanHeader(c, "remove-schema-doc") === true;
  const rawSchema = detach ? undefined : header(c, "schema-doc-id");
  const schemaId = rawSchema === undefined ? null : parseId(rawSchema, "invalidSchemaDocIdHeader");
  const account = await requireSecretKeyAccount(c, "updateCollection");
  const collection = await findCollection(c.env.DB, account.id, id);
  if (!collection) throw new AppError("collectionNotFound");
  await charge(c, account);

  if (detach) {
    await setCollectionSchema(c.env.DB, id, null);
    return jsonResponse({ success: true });
  }
  if (schemaId !== null) {
    const schema = await findSchemaDoc(c.env.DB, account.id, schemaId);
    if (!schema) throw new AppError("schemaDocNotFoundForAttach");
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
const schemaDocId = (c: C) => parseId(c.req.param("id"), "invalidSchemaId");

/** The `name` header: 3 to 32 code points; an empty value counts as absent (§1.2). */
function schemaName(c: C): string | undefined {
  const name = textHeader(c, "name");
  if (name !== undefined && (codePointLength(name) < 3 || codePointLength(name) > 32)) {
    throw new AppError("schemaDocNameLength");
  }
  return name;
}

async function ownSchemaDoc(c: C, account: AccountRow, id: string): Promise<SchemaDocRow> {
  const row = await findSchemaDoc(c.env.DB, account.id, id);
  if (!row) throw new AppError("schemaDocNotFound");
  await charge(c, account);
  return row;
}

const schemaResponse = (row: SchemaDocRow) =>
  rawJsonResponse(jsonObjectText({ success: true, data: new RawJson(row.schema), id: row.id }));

v2.post("/s", async (c) => {
  const text = await readBodyText(c);
  const name = schemaName(c);
  if (name === undefined) throw new AppError("schemaDocNameMissing");
  const account = await requireSecretKeyAccount(c, "createSchema");
  await charge(c, account);
  const row: SchemaDocRow = {
    id: newId(),
    account_id: account.id,
    name,
    schema: parseSchemaDocument(c.req.header("Content-Type"), text),
    created_at: new Date().toISOString(),
  };
  await insertSchemaDoc(c.env.DB, row);
  return schemaResponse(row);
});

v2.get("/s/:id", async (c) => {
  const id = schemaDocId(c);
  const account = await requireSecretKeyAccount(c, "readSchema");
  return rawJsonResponse((await ownSchemaDoc(c, account, id)).schema);
});

/** Replaces the schema; `name` renames too, and with an empty or `{}` body only renames (as v3, §5.3). */
v2.put("/s/:id", async (c) => {
  const id = schemaDocId(c);
  const text = await readBodyText(c);
  const name = schemaName(c);
  const account = await requireSecretKeyAccount(c, "updateSchema");
  const row = await ownSchemaDoc(c, account, id);
  const schema =
    name !== undefined && isEmptySchemaBody(text) ? undefined : parseSchemaDocument(c.req.header("Content-Type"), text);
  await updateSchemaDoc(c.env.DB, id, {
    ...(name !== undefined ? { name } : {}),
    ...(schema !== undefined ? { schema } : {}),
  });
  return schemaResponse({ ...row, ...(schema !== undefined ? { schema } : {}) });
});

// ---- §8.8 Version list, §8.9 remaining requests ----
v2.get("/e/:id/versions", async (c) => {
  const id = parseId(c.req.param("id"), "invalidBinIdOfVersions");
  const creds = await readLegacyCredentials(c);
  const authorize = privateNeedsOwner("readBin");
  const view = await openBin(c, id, creds, { authorize: (v) => authorize(v, creds) });
  const versions = view.versionCount === 0 ? [] : await listVersions(c.env.DB, id);
  if (versions.length === 0) throw new AppError("noVersionsFound");
  return jsonResponse({
    binVersions: versions.map((v) => ({ version: v.version, created: v.updatedAt })),
    versionCount: versions.length,
    success: true,
  });
});

/** Not charged (§7), so it answers even when the quota is exhausted. */
v2.get("/e/requests", async (c) => {
  const account = await requireSecretKeyAccount(c, "pendingRequests");
  const quota = effectiveLimits(c.env, account).requestQuota;
  const count =
    quota === null
      ? UNLIMITED_REQUESTS
      : Math.min(UNLIMITED_REQUESTS, Math.max(0, quota - (await requestsUsed(c.env, account))));
  return jsonResponse({ count });
});
