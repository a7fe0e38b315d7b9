import { Hono } from "hono";
import type { HonoEnv } from "../../env";
import { requireMasterAccount } from "../../auth/account-auth";
import { rotateMasterKey } from "../../accounts/service";
import { jsonResponse } from "../../http/json";

export const account = new Hono<HonoEnv>();

/** Body ignored; never counted and never blocked by the quota, so a locked-out owner can still rotate. */
account.post("/master-key/rotate", async (c) => {
  const row = await requireMasterAccount(c);
  return jsonResponse(await rotateMasterKey(c.env, row));
});
