import { type Context, Hono } from "hono";
import type { AccountRow } from "../../accounts/store";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import { readBodyText } from "../../http/body";
import { optionalName, requiredName } from "../../http/headers";
import { rawJsonResponse } from "../../http/json";
import { newId, parseId } from "../../ids";
import { isEmptySchemaBody, parseSchemaDocument } from "../../schemas/body";
import { findSchemaDoc, insertSchemaDoc, type SchemaDocRow, updateSchemaDoc } from "../../schemas/store";
import { charge } from "../charging";
import { requireMasterAccount } from "../keys";

/** §5: master key only; no delete route. */
export const schemas = new Hono<HonoEnv>();

type C = Context<HonoEnv>;

const schemaId = (c: C) => parseId(c.req.param("id"), "invalidSchemaId");

/** Looks the doc up inside the account (404), then charges the request (§1.6 steps 5–6). */
async function ownSchemaDoc(c: C, account: AccountRow, id: string): Promise<SchemaDocRow> {
  const row = await findSchemaDoc(c.env.DB, account.id, id);
  if (!row) throw new AppError("schemaDocNotFound");
  await charge(c, account);
  return row;
}

/** Body rules of §5.1, returning the schema as compact JSON text. */
const parseSchemaBody = (c: C, text: string): string => parseSchemaDocument(c.req.header("Content-Type"), text);

const render = (row: SchemaDocRow) =>
  rawJsonResponse(
    `{"record":${row.schema},"metadata":${JSON.stringify({ id: row.id, createdAt: row.created_at, name: row.name })}}`,
  );

schemas.post("/", async (c) => {
  const text = await readBodyText(c);
  const name = requiredName(c, "schemaDoc");
  const account = await requireMasterAccount(c);
  await charge(c, account);
  const row: SchemaDocRow = {
    id: newId(),
    account_id: account.id,
    name,
    schema: parseSchemaBody(c, text),
    created_at: new Date().toISOString(),
  };
  await insertSchemaDoc(c.env.DB, row);
  return render(row);
});

schemas.get("/:id", async (c) => {
  const id = schemaId(c);
  const account = await requireMasterAccount(c);
  return render(await ownSchemaDoc(c, account, id));
});

schemas.put("/:id/meta/name", async (c) => {
  const id = schemaId(c);
  const name = requiredName(c, "schemaDoc");
  const account = await requireMasterAccount(c);
  const row = await ownSchemaDoc(c, account, id);
  await updateSchemaDoc(c.env.DB, id, { name });
  return render({ ...row, name });
});

/** Replaces the schema; a name header with an empty or `{}` body is a rename only (compat). */
schemas.put("/:id", async (c) => {
  const id = schemaId(c);
  const text = await readBodyText(c);
  const name = optionalName(c, "schemaDoc");
  const account = await requireMasterAccount(c);
  const row = await ownSchemaDoc(c, account, id);
  const renameOnly = name !== undefined && isEmptySchemaBody(text);
  const schema = renameOnly ? undefined : parseSchemaBody(c, text);
  await updateSchemaDoc(c.env.DB, id, {
    ...(name !== undefined ? { name } : {}),
    ...(schema !== undefined ? { schema } : {}),
  });
  return render({ ...row, ...(name !== undefined ? { name } : {}), ...(schema !== undefined ? { schema } : {}) });
});
