import { Hono } from "hono";
import { createAccount, describeAccount, getAccount, patchAccount } from "../../accounts/service";
import { requireAdmin } from "../../auth/account-auth";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors";
import { isBlank, isPlainObject, parseJson, readBodyText } from "../../http/body";
import { parseId } from "../../http/ids";
import { jsonResponse } from "../../http/json";

/** Operator API (§2.3): exists only when ADMIN_KEY is set; never counted or rate-limited. */
export const admin = new Hono<HonoEnv>();

admin.use(async (c, next) => {
  if (!c.env.ADMIN_KEY) throw new AppError(404, "Route not found");
  await next();
});

function parseObject(text: string): Record<string, unknown> {
  const parsed = parseJson(text);
  if (!parsed.ok || !isPlainObject(parsed.value)) throw new AppError(400, "Invalid JSON. Please try again");
  return parsed.value;
}

admin.post("/accounts", async (c) => {
  const text = await readBodyText(c);
  await requireAdmin(c);
  return jsonResponse(await createAccount(c.env, isBlank(text) ? {} : parseObject(text)));
});

admin.get("/accounts/:id", async (c) => {
  const id = parseId(c.req.param("id"), "Invalid Account Id provided");
  await requireAdmin(c);
  return jsonResponse(await describeAccount(c.env, await getAccount(c.env, id)));
});

admin.patch("/accounts/:id", async (c) => {
  const id = parseId(c.req.param("id"), "Invalid Account Id provided");
  const text = await readBodyText(c);
  await requireAdmin(c);
  await getAccount(c.env, id);
  const patch = parseObject(text);
  return jsonResponse(await describeAccount(c.env, await patchAccount(c.env, id, patch)));
});
