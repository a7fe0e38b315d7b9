import { strToU8, zipSync } from "fflate";
import { type AccessLogEntry, tallyOf } from "./tally";

export interface LogRow {
  time: string;
  method: string;
  path: string;
  bin_id: string | null;
  status: number;
  ip: string | null;
  user_agent: string | null;
}

/** What the access log keeps of a request and its answer (§7.1). */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  ip: string | null;
  userAgent: string | null;
}

const BIN_IN_PATH = /\/(?:b|e)\/(?:update\/)?([0-9a-fA-F]{24})(?:\/|$)/;

export const accessLogsEnabled = (env: Env): boolean => (env.ACCESS_LOGS || "true").toLowerCase() !== "false";

/** The access log row of a charged request, timed when its response is ready. */
export function accessLogEntry(accountId: string, request: LoggedRequest, now = new Date()): AccessLogEntry {
  return {
    accountId,
    time: now.toISOString(),
    method: request.method,
    path: request.path,
    binId: BIN_IN_PATH.exec(request.path)?.[1]?.toLowerCase() ?? null,
    status: request.status,
    ip: request.ip,
    userAgent: request.userAgent,
  };
}

/** UTC days with entries, oldest first, as DD-MM-YYYY; this isolate's buffered rows written first. */
export async function logDays(db: D1Database, accountId: string): Promise<string[]> {
  await tallyOf(db).flush(db);
  const { results } = await db
    .prepare("SELECT DISTINCT day FROM access_logs WHERE account_id = ? ORDER BY day")
    .bind(accountId)
    .all<{ day: string }>();
  return results.map((r) => isoDayToDmy(r.day));
}

/** One day's rows in time order; this isolate's buffered rows written first. */
export async function logsOfDay(db: D1Database, accountId: string, isoDay: string): Promise<LogRow[]> {
  await tallyOf(db).flush(db);
  const { results } = await db
    .prepare(
      "SELECT time, method, path, bin_id, status, ip, user_agent FROM access_logs WHERE account_id = ? AND day = ? ORDER BY time, id",
    )
    .bind(accountId, isoDay)
    .all<LogRow>();
  return results;
}

export const isoDayToDmy = (day: string): string => `${day.slice(8, 10)}-${day.slice(5, 7)}-${day.slice(0, 4)}`;

/** `DD-MM-YYYY` → `YYYY-MM-DD`, or null if it is not a real calendar date. */
export function dmyToIsoDay(dmy: string): string | null {
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(dmy);
  if (!m) return null;
  const iso = `${m[3]}-${m[2]}-${m[1]}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : null;
}

/**
 * RFC 4180: quote fields containing a comma, quote, CR or LF; double inner quotes; CRLF line ends.
 * A cell a spreadsheet would read as a formula (starting with `= + - @`, tab or CR; the path and the
 * user agent are the caller's) gets a leading `'`, the usual neutralisation (OWASP, CSV injection).
 */
function csvField(value: string | number | null): string {
  const raw = value === null ? "" : String(value);
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function logsCsv(rows: LogRow[]): string {
  const lines = [["time", "method", "path", "binId", "status", "ip", "userAgent"].join(",")];
  for (const r of rows) {
    lines.push([r.time, r.method, r.path, r.bin_id, r.status, r.ip, r.user_agent].map(csvField).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

export function zipOne(fileName: string, content: string): Uint8Array {
  return zipSync({ [fileName]: strToU8(content) });
}

/** Scheduled job: drop log days past retention. */
export async function pruneUsage(env: Env, now: Date): Promise<void> {
  const days = Number(env.LOG_RETENTION_DAYS || 30);
  const keep = Number.isInteger(days) && days > 0 ? days : 30;
  const cutoff = new Date(now.getTime() - keep * 86_400_000).toISOString().slice(0, 10);
  await env.DB.prepare("DELETE FROM access_logs WHERE day <= ?").bind(cutoff).run();
}
