import { Hono } from "hono";
import { effectiveLimits } from "../../accounts/limits";
import { currentUsage, rotateMasterKey } from "../../accounts/service";
import { closeStreams } from "../../bins/streams/service";
import type { HonoEnv } from "../../env";
import { jsonResponse } from "../../http/json";
import { streamedResponse } from "../../http/stream";
import { accountExport } from "../../moving/export";
import { charge } from "../charging";
import { requireMasterAccount } from "../keys";

export const account = new Hono<HonoEnv>();

/**
 * Body ignored; never counted and never blocked by the quota, so a locked-out owner can still
 * rotate. The streams the old key authorised close after the response (§2.4).
 */
account.post("/master-key/rotate", async (c) => {
  const row = await requireMasterAccount(c);
  const rotated = await rotateMasterKey(c.env, row);
  c.executionCtx.waitUntil(closeStreams(c.env, row.id, row.master_key_hash));
  return jsonResponse(rotated);
});

/** Not counted, so it always answers, even for an account whose quota is exhausted. */
account.get("/usage", async (c) => {
  const row = await requireMasterAccount(c);
  const usage = await currentUsage(c.env, row);
  return jsonResponse({
    requests: { used: usage.requestsUsed, limit: effectiveLimits(c.env, row).requestQuota },
    bins: usage.bins,
    storageBytes: usage.storageBytes,
  });
});

/** §2.5 moving out: the whole account as NDJSON, streamed; counted once, however long it runs. */
account.get("/export", async (c) => {
  const row = await requireMasterAccount(c);
  await charge(c, row);
  return streamedResponse(accountExport(c.env, row.id, new Date().toISOString()), "application/x-ndjson");
});
