import { Hono } from "hono";
import { requireMasterAccount } from "../../auth/account-auth";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors";
import { jsonResponse } from "../../http/json";
import { charge } from "../../usage/charge";
import { dmyToIsoDay, logDays, logsCsv, logsOfDay, zipOne } from "../../usage/logs";

/**
 * §7.1: the account's access logs, one zipped CSV per UTC day. As on every account route, the
 * lookup inside the account (404) comes before the request is charged (§1.6 steps 5–6).
 */
export const logs = new Hono<HonoEnv>();

logs.get("/", async (c) => {
  const account = await requireMasterAccount(c);
  const days = await logDays(c.env.DB, account.id);
  if (days.length === 0) throw new AppError(404, "No logs found");
  await charge(c, account);
  return jsonResponse({ logs: days });
});

logs.get("/:date", async (c) => {
  const dmy = c.req.param("date");
  const day = dmyToIsoDay(dmy);
  if (day === null) throw new AppError(400, "Invalid date provided, use DD-MM-YYYY");
  const account = await requireMasterAccount(c);
  const rows = await logsOfDay(c.env.DB, account.id, day);
  if (rows.length === 0) throw new AppError(404, `Backup not found for ${dmy}.`);
  await charge(c, account);
  return new Response(zipOne(`${dmy}.csv`, logsCsv(rows)), {
    headers: { "Content-Type": "application/zip", "Content-Disposition": `attachment; filename="${dmy}.zip"` },
  });
});
