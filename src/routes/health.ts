import { Hono } from "hono";
import type { HonoEnv } from "../env";
import { jsonResponse } from "../http/json";
import { probeStorage } from "../storage/health";

/** §10.9, for monitors: no key, never counted. */
export const health = new Hono<HonoEnv>();

health.get("/", async (c) => {
  const { d1, r2 } = await probeStorage(c.env);
  if (d1 === "ok" && r2 === "ok") return jsonResponse({ status: "ok" });
  return jsonResponse({ status: "degraded", d1, r2 }, 503);
});
