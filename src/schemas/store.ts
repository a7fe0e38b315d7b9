export interface SchemaDocRow {
  id: string;
  account_id: string;
  name: string;
  schema: string;
  created_at: string;
}

export const findSchemaDoc = (db: D1Database, accountId: string, id: string): Promise<SchemaDocRow | null> =>
  db.prepare("SELECT * FROM schema_docs WHERE id = ? AND account_id = ?").bind(id, accountId).first<SchemaDocRow>();

export async function insertSchemaDoc(db: D1Database, row: SchemaDocRow): Promise<void> {
  await db
    .prepare("INSERT INTO schema_docs (id, account_id, name, schema, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(row.id, row.account_id, row.name, row.schema, row.created_at)
    .run();
}

export async function updateSchemaDoc(
  db: D1Database,
  id: string,
  change: { name?: string; schema?: string },
): Promise<void> {
  // The revision tells a bin's writer that a write validated against the old text must be checked again.
  const sets = [
    ...(change.name !== undefined ? ["name = ?"] : []),
    ...(change.schema !== undefined ? ["schema = ?", "revision = revision + 1"] : []),
  ];
  if (sets.length === 0) return;
  const values = [
    ...(change.name !== undefined ? [change.name] : []),
    ...(change.schema !== undefined ? [change.schema] : []),
  ];
  await db
    .prepare(`UPDATE schema_docs SET ${sets.join(", ")} WHERE id = ?`)
    .bind(...values, id)
    .run();
}
