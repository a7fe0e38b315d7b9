import { type Context, Hono } from "hono";
import { getAccount } from "../../accounts/service";
import { MAX_VERSIONS } from "../../bins/writer-protocol";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import { readBodyText } from "../../http/body";
import { jsonResponse } from "../../http/json";
import { parseId } from "../../ids";
import { importBin, importCollection, importSchemaDoc, importVersion, requireAccountBin } from "../../moving/importer";
import { binItem, collectionItem, parseItemBody, schemaItem, versionItem } from "../../moving/items";
import { requireAdmin } from "../keys";
import { adminRoutesEnabled } from "../middleware";

/**
 * Moving in (§2.5): the operator imports an account item by item, ids kept. Admin key only, never
 * counted; each route is idempotent. Checks in §1.6 order: path ids and version, body cap, admin
 * key, the account (404), then the body, then what the body refers to.
 */
export const adminImport = new Hono<HonoEnv>();

adminImport.use(adminRoutesEnabled);

type C = Context<HonoEnv>;

/** Body text of a request to `accountId`, once the admin key passed and the account exists. */
async function admitted(c: C, accountId: string): Promise<string> {
  const text = await readBodyText(c);
  await requireAdmin(c);
  await getAccount(c.env, accountId);
  return text;
}

const accountIdOf = (c: C) => parseId(c.req.param("accountId"), "invalidAccountId");

/** 0 (the base) to 1000: no bin ever has a version past the cap. */
function versionOf(c: C): number {
  const raw = c.req.param("n") ?? "";
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > MAX_VERSIONS) throw new AppError("binVersionInvalid");
  return Number(raw);
}

adminImport.put("/accounts/:accountId/schemas/:schemaId", async (c) => {
  const accountId = accountIdOf(c);
  const id = parseId(c.req.param("schemaId"), "invalidSchemaId");
  const text = await admitted(c, accountId);
  return jsonResponse(await importSchemaDoc(c.env, accountId, id, schemaItem(parseItemBody(text), id)));
});

adminImport.put("/accounts/:accountId/collections/:collectionId", async (c) => {
  const accountId = accountIdOf(c);
  const id = parseId(c.req.param("collectionId"), "invalidCollectionId");
  const text = await admitted(c, accountId);
  return jsonResponse(await importCollection(c.env, accountId, id, collectionItem(parseItemBody(text), id)));
});

adminImport.put("/accounts/:accountId/bins/:binId", async (c) => {
  const accountId = accountIdOf(c);
  const id = parseId(c.req.param("binId"), "invalidBinId");
  const text = await admitted(c, accountId);
  return jsonResponse(await importBin(c.env, accountId, id, binItem(parseItemBody(text), id)));
});

adminImport.put("/accounts/:accountId/bins/:binId/versions/:n", async (c) => {
  const accountId = accountIdOf(c);
  const binId = parseId(c.req.param("binId"), "invalidBinId");
  const version = versionOf(c);
  const text = await readBodyText(c);
  await requireAdmin(c);
  // The account and the bin in one lookup: this route runs once per version of every imported bin.
  await requireAccountBin(c.env, accountId, binId);
  return jsonResponse(await importVersion(c.env, binId, version, versionItem(parseItemBody(text), binId, version)));
});
