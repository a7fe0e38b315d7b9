import { Hono } from "hono";
import { effectiveLimits } from "../../accounts/limits";
import { rotateMasterKey } from "../../accounts/service";
import { accountUsage } from "../../accounts/store";
import type { HonoEnv } from "../../env";
import { jsonResponse } from "../../http/json";
import { requestsUsed } from "../../usage/charge";
import { requireMasterAccount } from "../keys";

export const account = new Hono<HonoEnv>();

/** Body ignored; never counted and never blocked by the quota, so a locked-out owner can still rotate. */
account.post("/master-key/rotate", async (c) => {
  const row = await requireMasterAccount(c);
  return jsonResponse(await rotateMasterKey(c.env, row));
});

/** Not counted, so it always answers, even for an account whose quota is exhausted. */
account.get("/usage", async (c) => {
  const row = await requireMasterAccount(c);
  const [usage, used] = await Promise.all([accountUsage(c.env.DB, row.id), requestsUsed(c.env, row)]);
  return jsonResponse({
    requests: { used, limit: effectiveLimits(c.env, row).requestQuota },
    bins: usage.bins,
    storageBytes: usage.storageBytes,
  });
});
