-- Requests are counted off D1's write path: in each isolate and in a per-account AccountMeter
-- Durable Object, then added to requests_used in batches. An admin reset bumps requests_epoch, and
-- every batched increment carries the epoch it was counted in, so counts from before a reset that
-- land after it are dropped instead of reviving the old counter.
ALTER TABLE accounts ADD COLUMN requests_epoch INTEGER NOT NULL DEFAULT 0;

-- Rate-limit windows live in the AccountMeter's memory and storage now.
DROP TABLE rate_windows;
