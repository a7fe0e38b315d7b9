import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import {
  backupNotFound,
  call,
  callWithEnv,
  createAccessKey,
  createAccount,
  env,
  eventually,
  expectError,
  INVALID_LOG_DATE,
  INVALID_MASTER,
  ISO,
  master,
  NEED_MASTER,
  NO_LOGS,
  okText,
  patchAccount,
  type TestAccount,
} from "../helpers";

// §7.1 usage logs: `GET /v3/l` and `GET /v3/l/<DD-MM-YYYY>`. Log rows are written after the
// response (waitUntil), so through `exports.default.fetch` the tests wait for each row to land
// (polling D1) before the next request: that also pins the order of the rows.

const CSV_HEADER = "time,method,path,binId,status,ip,userAgent";
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (the stored day) of a time, UTC. */
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);
/** `DD-MM-YYYY` (the API's day) of a time, UTC. */
const dmy = (time: number) => {
  const d = isoDay(time);
  return `${d.slice(8, 10)}-${d.slice(5, 7)}-${d.slice(0, 4)}`;
};

async function logRows(accountId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM access_logs WHERE account_id = ?")
    .bind(accountId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Waits until the account has exactly `n` log rows, then checks no more arrive. */
async function expectLogRows(account: TestAccount, n: number): Promise<void> {
  await eventually(async () => expect(await logRows(account.accountId)).toBe(n), { holdsForMs: 30 });
}

/** Sends a request, consumes the response, and waits for the log to hold `rowsAfter` rows. */
async function logged(account: TestAccount, rowsAfter: number, pending: Promise<Response>): Promise<Response> {
  const res = await pending;
  await res.clone().arrayBuffer();
  await expectLogRows(account, rowsAfter);
  return res;
}

const listLogs = (account: TestAccount) => call("GET", "/v3/l", { headers: master(account) });
const dayLogs = (account: TestAccount, day: string) => call("GET", `/v3/l/${day}`, { headers: master(account) });

/** Asserts a zip download for `day` and returns the files inside it. */
async function unzipDay(res: Response, day: string): Promise<Record<string, string>> {
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/zip");
  expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="${day}.zip"`);
  expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

/** The CSV of `day` split into rows, after checking it is the only file and ends with CRLF. */
async function csvRows(account: TestAccount, day: string): Promise<string[]> {
  const files = await unzipDay(await dayLogs(account, day), day);
  expect(Object.keys(files)).toEqual([`${day}.csv`]);
  const csv = files[`${day}.csv`]!;
  expect(csv.endsWith("\r\n")).toBe(true);
  const lines = csv.slice(0, -2).split("\r\n");
  expect(lines[0]).toBe(CSV_HEADER);
  return lines.slice(1);
}

/** A row minus its time, after checking the time is ISO and on `day`. */
function withoutTime(row: string, day: number): string {
  const time = row.slice(0, 24);
  expect(time).toMatch(ISO);
  expect(time.slice(0, 10)).toBe(isoDay(day));
  return row.slice(24);
}

async function insertLogRow(accountId: string, time: number, path = "/v3/b"): Promise<void> {
  await env.DB.prepare(
    "INSERT INTO access_logs (account_id, day, time, method, path, bin_id, status, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(accountId, isoDay(time), new Date(time).toISOString(), "POST", path, null, 200, "198.51.100.1", "seeded")
    .run();
}

async function runScheduledJob(overrides: Record<string, string> = {}): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(
    { scheduledTime: Date.now(), cron: "17 3 * * *", noRetry() {} } as ScheduledController,
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

describe("GET /v3/l", () => {
  it("answers 404 No logs found for a fresh account", async () => {
    const account = await createAccount();
    await expectError(await listLogs(account), 404, NO_LOGS);
  });

  it("lists today (UTC) once the account has made requests", async () => {
    const account = await createAccount();
    await logged(account, 1, call("POST", "/v3/b", { headers: master(account), body: { a: 1 } }));
    await logged(account, 2, call("GET", "/v3/c", { headers: master(account) }));
    expect(await okText(await listLogs(account))).toBe(`{"logs":["${dmy(Date.now())}"]}`);
  });

  it("lists the days with entries oldest first, each once", async () => {
    const account = await createAccount();
    const now = Date.now();
    await insertLogRow(account.accountId, now - 2 * DAY_MS);
    await insertLogRow(account.accountId, now - 5 * DAY_MS);
    await insertLogRow(account.accountId, now - 2 * DAY_MS);
    await insertLogRow(account.accountId, now);
    expect(await okText(await listLogs(account))).toBe(
      `{"logs":["${dmy(now - 5 * DAY_MS)}","${dmy(now - 2 * DAY_MS)}","${dmy(now)}"]}`,
    );
  });

  it("never shows another account's days", async () => {
    // Two fresh accounts: each of these requests is itself counted and logged for its account.
    const lister = await createAccount();
    const downloader = await createAccount();
    const other = await createAccount();
    await logged(other, 1, call("GET", "/v3/c", { headers: master(other) }));
    await expectError(await listLogs(lister), 404, NO_LOGS);
    await expectError(await dayLogs(downloader, dmy(Date.now())), 404, backupNotFound(dmy(Date.now())));
  });

  it("needs X-Master-Key, ignores X-Access-Key and refuses an unknown key", async () => {
    const account = await createAccount();
    const accessKey = await createAccessKey(account, ["read"], "k");
    await expectError(await call("GET", "/v3/l"), 401, NEED_MASTER);
    await expectError(await call("GET", "/v3/l", { headers: { "X-Access-Key": accessKey } }), 401, NEED_MASTER);
    await expectError(await call("GET", "/v3/l", { headers: { "X-Master-Key": "not-a-key" } }), 401, INVALID_MASTER);
  });
});

describe("GET /v3/l/<DD-MM-YYYY>", () => {
  it("zips exactly the day's counted requests as one CSV, in order, with RFC 4180 quoting", async () => {
    const account = await createAccount();
    const headers = { ...master(account), "User-Agent": "edgebin-tests/1.0" };
    const oddAgent = 'Agent, "quoted" v2';

    const created = await logged(account, 1, call("POST", "/v3/b", { headers, body: { a: 1 } }));
    const binId = ((await created.json()) as { metadata: { id: string } }).metadata.id;
    await logged(
      account,
      2,
      call("GET", `/v3/b/${binId}?meta=false`, {
        headers: { ...master(account), "User-Agent": oddAgent, "CF-Connecting-IP": "203.0.113.7" },
      }),
    );
    // Counted although it fails after authorisation.
    await logged(account, 3, call("PUT", `/v3/b/${binId}`, { headers, body: "{" }));
    // Refused before counting: never logged.
    await logged(account, 3, call("GET", `/v3/b/${binId}`, { headers: { "User-Agent": "anonymous" } }));
    await logged(account, 3, call("GET", "/v3/account/usage", { headers }));
    await logged(account, 3, call("OPTIONS", `/v3/b/${binId}`, { headers }));
    // An id in the path is logged lowercased as binId; the path stays as sent.
    await logged(account, 4, call("GET", `/v3/b/${binId.toUpperCase()}/versions/count`, { headers }));
    await logged(account, 5, call("GET", "/v3/c", { headers: { ...master(account), "User-Agent": 'say "hi"' } }));
    await logged(account, 6, call("DELETE", `/v3/b/${binId}`, { headers }));

    const day = Date.now();
    const rows = await csvRows(account, dmy(day));
    const times = rows.map((r) => r.slice(0, 24));
    expect([...times].sort()).toEqual(times);
    expect(rows.map((r) => withoutTime(r, day))).toEqual([
      `,POST,/v3/b,,200,,edgebin-tests/1.0`,
      `,GET,/v3/b/${binId},${binId},200,203.0.113.7,"Agent, ""quoted"" v2"`,
      `,PUT,/v3/b/${binId},${binId},400,,edgebin-tests/1.0`,
      `,GET,/v3/b/${binId.toUpperCase()}/versions/count,${binId},200,,edgebin-tests/1.0`,
      `,GET,/v3/c,,200,,"say ""hi"""`,
      `,DELETE,/v3/b/${binId},${binId},200,,edgebin-tests/1.0`,
    ]);
  });

  it("neutralises cells a spreadsheet would read as a formula with a leading quote", async () => {
    const account = await createAccount();
    // (A leading tab cannot be sent: header values arrive trimmed.)
    const hostile = ['=HYPERLINK("https://example.com","x")', "+1", "-2+3", "@SUM(A1)"];
    let rows = 0;
    for (const agent of hostile) {
      rows++;
      await logged(account, rows, call("GET", "/v3/c", { headers: { ...master(account), "User-Agent": agent } }));
    }
    const lines = await csvRows(account, dmy(Date.now()));
    expect(lines.map((line) => line.slice(line.lastIndexOf(",200,,") + 6))).toEqual([
      `"'=HYPERLINK(""https://example.com"",""x"")"`,
      "'+1",
      "'-2+3",
      "'@SUM(A1)",
    ]);
  });

  it("logs the listing and download requests themselves, but not their 404s, which are not counted", async () => {
    const account = await createAccount();
    const headers = { ...master(account), "User-Agent": "ua" };
    const today = dmy(Date.now());
    // Not found inside the account (§1.6 step 5): refused before counting, so never logged.
    await logged(account, 0, call("GET", "/v3/l", { headers }));
    await logged(account, 0, call("GET", `/v3/l/${today}`, { headers }));
    await logged(account, 1, call("GET", "/v3/c", { headers }));
    await logged(account, 2, call("GET", "/v3/l", { headers }));
    await logged(account, 2, call("GET", "/v3/l/01-01-2020", { headers }));
    await logged(account, 3, call("GET", `/v3/l/${today}`, { headers }));
    // The counter moves in the same batch as the log rows, which have all landed.
    const usage = await call("GET", "/v3/account/usage", { headers: master(account) });
    expect(((await usage.json()) as { requests: { used: number } }).requests.used).toBe(3);
    const rows = await csvRows(account, today);
    expect(rows.map((r) => withoutTime(r, Date.now()))).toEqual([
      ",GET,/v3/c,,200,,ua",
      ",GET,/v3/l,,200,,ua",
      `,GET,/v3/l/${today},,200,,ua`,
    ]);
  });

  it.each([
    "2026-01-01",
    "1-1-2026",
    "01-1-2026",
    "31-02-2026",
    "29-02-2025",
    "32-01-2026",
    "00-01-2026",
    "01-13-2026",
    "01-00-2026",
    "aa-bb-cccc",
    "01-01-26",
    "01-01-20260",
    "01.01.2026",
  ])("refuses the malformed date %s with 400, before checking the key", async (date) => {
    const account = await createAccount();
    await expectError(await dayLogs(account, date), 400, INVALID_LOG_DATE);
    await expectError(await call("GET", `/v3/l/${date}`), 400, INVALID_LOG_DATE);
  });

  it("accepts a real leap day", async () => {
    const account = await createAccount();
    await expectError(await dayLogs(account, "29-02-2024"), 404, backupNotFound("29-02-2024"));
  });

  it("answers 404 Backup not found for a day without entries", async () => {
    const account = await createAccount();
    await logged(account, 1, call("GET", "/v3/c", { headers: master(account) }));
    await expectError(await dayLogs(account, "01-01-2020"), 404, backupNotFound("01-01-2020"));
    await expectError(await dayLogs(account, dmy(Date.now() - DAY_MS)), 404, backupNotFound(dmy(Date.now() - DAY_MS)));
  });

  it("needs X-Master-Key, ignores X-Access-Key and refuses an unknown key", async () => {
    const account = await createAccount();
    const accessKey = await createAccessKey(account, ["read"], "k");
    const path = `/v3/l/${dmy(Date.now())}`;
    await expectError(await call("GET", path), 401, NEED_MASTER);
    await expectError(await call("GET", path, { headers: { "X-Access-Key": accessKey } }), 401, NEED_MASTER);
    await expectError(await call("GET", path, { headers: { "X-Master-Key": "not-a-key" } }), 401, INVALID_MASTER);
  });
});

describe("retention", () => {
  it("prunes days past LOG_RETENTION_DAYS with the scheduled job and keeps the recent ones", async () => {
    const account = await createAccount();
    const now = Date.now();
    const old = now - 40 * DAY_MS;
    const recent = now - 29 * DAY_MS;
    await insertLogRow(account.accountId, old, "/v3/old");
    await insertLogRow(account.accountId, recent, "/v3/recent");
    await logged(account, 3, call("GET", "/v3/c", { headers: { ...master(account), "User-Agent": "ua" } }));

    // Listed and downloadable before the job runs.
    await logged(
      account,
      4,
      listLogs(account).then(async (res) => {
        expect(await okText(res.clone())).toBe(`{"logs":["${dmy(old)}","${dmy(recent)}","${dmy(now)}"]}`);
        return res;
      }),
    );
    const oldRows = await csvRows(account, dmy(old));
    expect(oldRows.map((r) => withoutTime(r, old))).toEqual([",POST,/v3/old,,200,198.51.100.1,seeded"]);
    await expectLogRows(account, 5);

    await runScheduledJob();

    await expectError(await dayLogs(account, dmy(old)), 404, backupNotFound(dmy(old)));
    expect(await okText(await listLogs(account))).toBe(`{"logs":["${dmy(recent)}","${dmy(now)}"]}`);
    expect((await csvRows(account, dmy(recent))).map((r) => withoutTime(r, recent))).toEqual([
      ",POST,/v3/recent,,200,198.51.100.1,seeded",
    ]);
    const todays = await csvRows(account, dmy(now));
    expect(todays.map((r) => withoutTime(r, now))[0]).toBe(",GET,/v3/c,,200,,ua");
  });

  it("follows a shorter LOG_RETENTION_DAYS", async () => {
    const account = await createAccount();
    const now = Date.now();
    await insertLogRow(account.accountId, now - 10 * DAY_MS);
    await insertLogRow(account.accountId, now - 3 * DAY_MS);
    await runScheduledJob({ LOG_RETENTION_DAYS: "7" });
    expect(await okText(await listLogs(account))).toBe(`{"logs":["${dmy(now - 3 * DAY_MS)}"]}`);
  });
});

describe("ACCESS_LOGS=false", () => {
  /** Straight through the Worker's default export with logging off; waits for its waitUntil work. */
  async function unlogged(account: TestAccount, method: string, path: string, body?: unknown): Promise<Response> {
    return callWithEnv({ ACCESS_LOGS: "false" }, method, path, { headers: master(account), body });
  }

  it("logs nothing, while requests are still counted", async () => {
    const account = await createAccount();
    const created = await unlogged(account, "POST", "/v3/b", { a: 1 });
    expect(created.status).toBe(200);
    expect((await unlogged(account, "GET", "/v3/c")).status).toBe(200);
    expect((await unlogged(account, "GET", "/v3/l")).status).toBe(404); // not found: not counted
    expect(await logRows(account.accountId)).toBe(0);
    const usage = await call("GET", "/v3/account/usage", { headers: master(account) });
    expect(((await usage.json()) as { requests: { used: number } }).requests.used).toBe(2);
    await expectError(await listLogs(account), 404, NO_LOGS);
  });

  it("also holds under a quota", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { requestQuota: 10 } })).status).toBe(200);
    expect((await unlogged(account, "GET", "/v3/c")).headers.get("X-Requests-Used")).toBe("1");
    expect(await logRows(account.accountId)).toBe(0);
  });
});
