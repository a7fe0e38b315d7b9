-- Accounts own everything. Keys are stored only as lowercase hex SHA-256 of the key string.
CREATE TABLE accounts (
  id               TEXT PRIMARY KEY,
  name             TEXT,
  plan             TEXT NOT NULL CHECK (plan IN ('free', 'pro')),
  master_key_hash  TEXT NOT NULL UNIQUE,
  created_at       TEXT NOT NULL,
  requests_used    INTEGER NOT NULL DEFAULT 0,
  -- Per-account overrides of the plan defaults; NULL = use the plan default.
  max_record_bytes INTEGER,
  max_collections  INTEGER,
  max_access_keys  INTEGER,
  -- -1 = explicitly unlimited, NULL = plan default, n >= 0 = quota.
  request_quota    INTEGER
);

CREATE TABLE access_keys (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  key_hash    TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  can_create  INTEGER NOT NULL,
  can_read    INTEGER NOT NULL,
  can_update  INTEGER NOT NULL,
  can_delete  INTEGER NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX access_keys_by_account ON access_keys(account_id, created_at, id);

CREATE TABLE schema_docs (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  name        TEXT NOT NULL,
  schema      TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

CREATE TABLE collections (
  id             TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL REFERENCES accounts(id),
  name           TEXT NOT NULL,
  schema_doc_id  TEXT REFERENCES schema_docs(id),
  created_at     TEXT NOT NULL
);
CREATE INDEX collections_by_account ON collections(account_id, created_at, id);

-- The head of a bin. Its records live in `records`; the latest is version = version_count.
-- write_token changes on every committed write: the bin's Durable Object guards each write
-- with the token it last saw, so a stale writer can never commit over a newer head.
CREATE TABLE bins (
  id             TEXT PRIMARY KEY,
  account_id     TEXT REFERENCES accounts(id),   -- NULL for an anonymous bin
  private        INTEGER NOT NULL,
  name           TEXT,
  collection_id  TEXT REFERENCES collections(id),
  created_at     TEXT NOT NULL,
  version_count  INTEGER NOT NULL DEFAULT 0,
  write_token    TEXT NOT NULL
);
-- Keyset pagination of a collection listing (and of "uncategorized", collection_id IS NULL).
CREATE INDEX bins_listing ON bins(account_id, collection_id, created_at, id);

-- One row per stored record: the base (version 0) and versions 1..N. The body is in R2 under body_key.
CREATE TABLE records (
  bin_id      TEXT NOT NULL,
  version     INTEGER NOT NULL,
  body_key    TEXT NOT NULL,
  hash        TEXT NOT NULL,      -- first 16 hex chars of SHA-256 of the compact record
  size        INTEGER NOT NULL,   -- UTF-8 bytes of the compact record
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (bin_id, version)
) WITHOUT ROWID;
