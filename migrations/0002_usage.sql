-- Access log rows, one per charged request; pruned after LOG_RETENTION_DAYS by the scheduled job.
CREATE TABLE access_logs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,   -- arrival order among rows with the same time
  account_id  TEXT NOT NULL,
  day         TEXT NOT NULL,                       -- UTC date, YYYY-MM-DD
  time        TEXT NOT NULL,
  method      TEXT NOT NULL,
  path        TEXT NOT NULL,
  bin_id      TEXT,
  status      INTEGER NOT NULL,
  ip          TEXT,
  user_agent  TEXT
);
CREATE INDEX access_logs_by_account_day ON access_logs(account_id, day, time, id);
CREATE INDEX access_logs_by_day ON access_logs(day);

-- Fixed 60-second rate-limit windows per account (RATE_LIMIT_PER_MINUTE); old windows are pruned.
CREATE TABLE rate_windows (
  account_id    TEXT NOT NULL,
  window_start  INTEGER NOT NULL,                  -- epoch minute
  count         INTEGER NOT NULL,
  PRIMARY KEY (account_id, window_start)
) WITHOUT ROWID;
