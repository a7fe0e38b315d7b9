import { Hono } from "hono";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import { jsonResponse } from "../../http/json";
import { dmyToIsoDay, logDays, logsCsv, logsOfDay, zipOne } from "../../usage/logs";
import { charge } from "../charging";
import { requireMasterAccount } from "../keys";

/**
 * §7.1: the account's access logs, one zipped CSV per UTC day. As on every account route, the
 * lookup inside the account (404) comes before the request is charged (§1.6 steps 5–6).
 */
export const logs = new Hono<HonoEnv>();

logs.get("/", async (c) => {
  const account = await requireMasterAccount(c);
  const days = await logDays(c.env.DB, account.id);
  if (days.length === 0) throw new AppError("logsNotFound");
  await charge(c, account);
  return jsonResponse({ logs: days });
});

logs.get("/:date", async (c) => {
  const dmy = c.req.param("date");
  const day = dmyToIsoDay(dmy);
  if (day === null) throw new AppError("logDateInvalid");
  const account = await requireMasterAccount(c);
  const rows = await logsOfDay(c.env.DB, account.id, day);
  if (rows.length === 0) throw new AppError("logDayNotFound", { day: dmy });
  await charge(c, account);
  return new Response(zipOne(`${dmy}.csv`, logsCsv(rows)), {
    headers: { "Content-Type": "application/zip", "Content-Disposition": `attachment; filename="${dmy}.zip"` },
  });
});
