import { Hono } from "hono";
import { createAccount, describeAccount, getAccount, patchAccount } from "../../accounts/service";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import { readBodyText } from "../../http/body";
import { jsonResponse } from "../../http/json";
import { parseId } from "../../ids";
import { isBlank, isPlainObject, parseJson } from "../../values";
import { requireAdmin } from "../keys";
import { adminRoutesEnabled } from "../middleware";

/** Operator API (§2.3): exists only when ADMIN_KEY is set; never counted or rate-limited. */
export const admin = new Hono<HonoEnv>();

admin.use(adminRoutesEnabled);

function parseObject(text: string): Record<string, unknown> {
  const parsed = parseJson(text);
  if (!parsed.ok || !isPlainObject(parsed.value)) throw new AppError("invalidJson");
  return parsed.value;
}

admin.post("/accounts", async (c) => {
  const text = await readBodyText(c);
  await requireAdmin(c);
  return jsonResponse(await createAccount(c.env, isBlank(text) ? {} : parseObject(text)));
});

admin.get("/accounts/:id", async (c) => {
  const id = parseId(c.req.param("id"), "invalidAccountId");
  await requireAdmin(c);
  return jsonResponse(await describeAccount(c.env, await getAccount(c.env, id)));
});

admin.patch("/accounts/:id", async (c) => {
  const id = parseId(c.req.param("id"), "invalidAccountId");
  const text = await readBodyText(c);
  await requireAdmin(c);
  await getAccount(c.env, id);
  const patch = parseObject(text);
  return jsonResponse(await describeAccount(c.env, await patchAccount(c.env, id, patch)));
});
