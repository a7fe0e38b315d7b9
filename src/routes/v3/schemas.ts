import { type Context, Hono } from "hono";
import type { AccountRow } from "../../accounts/store";
import { requireMasterAccount } from "../../auth/account-auth";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors";
import { readBodyText } from "../../http/body";
import { type NameRules, nameHeader, requiredName } from "../../http/headers";
import { newId, parseId } from "../../http/ids";
import { rawJsonResponse } from "../../http/json";
import { isEmptySchemaBody, parseSchemaDocument, V3_SCHEMA_BODY_RULES } from "../../schemas/body";
import { findSchemaDoc, insertSchemaDoc, type SchemaDocRow, updateSchemaDoc } from "../../schemas/store";
import { charge } from "../../usage/charge";

/** §5: master key only; no delete route. */
export const schemas = new Hono<HonoEnv>();

type C = Context<HonoEnv>;

const NAME: NameRules = {
  header: "X-Schema-Doc-Name",
  max: 32,
  missing: "You need to pass X-Schema-Doc-Name header to set a name for the Schema Doc",
  blank: "X-Schema-Doc-Name cannot be blank",
  tooLong: "Name of the Schema Doc cannot be above 32 characters",
};

const schemaId = (c: C) => parseId(c.req.param("id"), "Invalid Schema Id provided");

/** Name header if sent (validated), else undefined. */
const optionalName = (c: C): string | undefined =>
  nameHeader(c, NAME.header).kind === "absent" ? undefined : requiredName(c, NAME);

/** Looks the doc up inside the account (404), then charges the request (§1.6 steps 5–6). */
async function ownSchemaDoc(c: C, account: AccountRow, id: string): Promise<SchemaDocRow> {
  const row = await findSchemaDoc(c.env.DB, account.id, id);
  if (!row) throw new AppError(404, "Schema Doc not found");
  await charge(c, account);
  return row;
}

/** Body rules of §5.1, returning the schema as compact JSON text. */
export const parseSchemaBody = (c: C, text: string): string => parseSchemaDocument(c, text, V3_SCHEMA_BODY_RULES);

const render = (row: SchemaDocRow) =>
  rawJsonResponse(
    `{"record":${row.schema},"metadata":${JSON.stringify({ id: row.id, createdAt: row.created_at, name: row.name })}}`,
  );

schemas.post("/", async (c) => {
  const text = await readBodyText(c);
  const name = requiredName(c, NAME);
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
  const name = requiredName(c, NAME);
  const account = await requireMasterAccount(c);
  const row = await ownSchemaDoc(c, account, id);
  await updateSchemaDoc(c.env.DB, id, { name });
  return render({ ...row, name });
});

/** Replaces the schema; a name header with an empty or `{}` body is a rename only (compat). */
schemas.put("/:id", async (c) => {
  const id = schemaId(c);
  const text = await readBodyText(c);
  const name = optionalName(c);
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
