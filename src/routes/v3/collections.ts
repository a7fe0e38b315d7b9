import { type Context, Hono } from "hono";
import type { AccountRow } from "../../accounts/store";
import { createCollection } from "../../collections/service";
import {
  type CollectionRow,
  deleteEmptyCollection,
  findCollection,
  listBinsPage,
  listCollections,
  renameCollection,
  setCollectionSchema,
} from "../../collections/store";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import { header, requiredName } from "../../http/headers";
import { jsonResponse } from "../../http/json";
import { parseId } from "../../ids";
import { findSchemaDoc } from "../../schemas/store";
import { charge } from "../charging";
import { requireMasterAccount } from "../keys";

/** §4: master key only. */
export const collections = new Hono<HonoEnv>();

type C = Context<HonoEnv>;

const collectionId = (c: C) => parseId(c.req.param("id"), "invalidCollectionId");

/** Looks the collection up inside the account (404), then charges the request (§1.6 steps 5–6). */
async function ownCollection(c: C, account: AccountRow, id: string): Promise<CollectionRow> {
  const row = await findCollection(c.env.DB, account.id, id);
  if (!row) throw new AppError("collectionNotFound");
  await charge(c, account);
  return row;
}

collections.post("/", async (c) => {
  const name = requiredName(c, "collection");
  const account = await requireMasterAccount(c);
  await charge(c, account);
  const row = await createCollection(c.env, account, name);
  return jsonResponse({ record: row.id, metadata: { createdAt: row.created_at, name } });
});

collections.get("/", async (c) => {
  const account = await requireMasterAccount(c);
  await charge(c, account);
  const rows = await listCollections(c.env.DB, account.id);
  return jsonResponse(
    rows.map((row) => ({
      record: row.id,
      collectionMeta: { name: row.name },
      ...(row.schema_doc_id !== null ? { schemaDocId: row.schema_doc_id } : {}),
      createdAt: row.created_at,
    })),
  );
});

collections.put("/:id/meta/name", async (c) => {
  const id = collectionId(c);
  const name = requiredName(c, "collection");
  const account = await requireMasterAccount(c);
  await ownCollection(c, account, id);
  await renameCollection(c.env.DB, id, name);
  return jsonResponse({ record: id, metadata: { name } });
});

// ---- §4.4 Bins listing ----
async function listBins(c: C, scope: "uncategorized" | "collection") {
  const id = scope === "collection" ? collectionId(c) : null;
  const rawCursor = c.req.param("lastBinId");
  const cursor = rawCursor === undefined ? null : parseId(rawCursor, "invalidBinId");
  const order = (header(c, "X-Sort-Order") ?? "descending").toLowerCase();
  if (order !== "ascending" && order !== "descending") throw new AppError("sortOrderInvalid");
  const account = await requireMasterAccount(c);
  // The collection and the cursor are step-5 lookups made with the page: their 404s are not charged.
  const page = await listBinsPage(c.env.DB, account.id, id, order, cursor);
  if (!page.found) {
    throw new AppError(page.missing === "collection" ? "collectionNotFound" : "binNotFound");
  }
  await charge(c, account);
  return jsonResponse(
    page.bins.map((bin) => ({
      private: bin.private === 1,
      snippetMeta: bin.name !== null ? { name: bin.name } : {},
      record: bin.id,
      createdAt: bin.created_at,
    })),
  );
}

// `uncategorized` is a reserved word, registered before the id routes so it is never parsed as an id.
collections.get("/uncategorized/bins", (c) => listBins(c, "uncategorized"));
collections.get("/uncategorized/bins/:lastBinId", (c) => listBins(c, "uncategorized"));
collections.get("/:id/bins", (c) => listBins(c, "collection"));
collections.get("/:id/bins/:lastBinId", (c) => listBins(c, "collection"));

// ---- §4.5 / §4.6 Schema attach and detach ----
async function attachSchema(c: C) {
  const id = collectionId(c);
  const raw = c.req.param("schemaId") ?? header(c, "X-Schema-Doc-Id");
  if (raw === undefined) throw new AppError("schemaDocIdMissing");
  const schemaId = parseId(raw, "invalidSchemaId");
  const account = await requireMasterAccount(c);
  const collection = await findCollection(c.env.DB, account.id, id);
  if (!collection) throw new AppError("collectionNotFound");
  if (!(await findSchemaDoc(c.env.DB, account.id, schemaId))) throw new AppError("schemaDocNotFound");
  await charge(c, account);
  await setCollectionSchema(c.env.DB, id, schemaId);
  return jsonResponse({
    collectionName: collection.name,
    schemaDocId: schemaId,
    metadata: { id, createdAt: collection.created_at },
  });
}

collections.put("/:id/schemadoc/add", attachSchema);
collections.put("/:id/schemadoc/add/:schemaId", attachSchema);

collections.put("/:id/schemadoc/remove", async (c) => {
  const id = collectionId(c);
  const account = await requireMasterAccount(c);
  const collection = await ownCollection(c, account, id);
  if (collection.schema_doc_id !== null) await setCollectionSchema(c.env.DB, id, null);
  return jsonResponse({
    collectionName: collection.name,
    ...(collection.schema_doc_id !== null ? { schemaDocId: collection.schema_doc_id } : {}),
    metadata: { id, createdAt: collection.created_at },
  });
});

// ---- §4.7 Delete (extension) ----
collections.delete("/:id", async (c) => {
  const id = collectionId(c);
  const account = await requireMasterAccount(c);
  await ownCollection(c, account, id);
  if (!(await deleteEmptyCollection(c.env.DB, account.id, id))) throw new AppError("collectionNotEmpty");
  return jsonResponse({ metadata: { id }, message: "Collection deleted successfully" });
});
