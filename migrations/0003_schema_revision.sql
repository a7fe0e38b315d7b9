-- A schema doc's revision moves on every change of its schema text. A bin's writer commits a write
-- only if the collection still has the schema (id and revision) the write was validated against.
ALTER TABLE schema_docs ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
