import { listCollections } from "../collections/store";
import { findSchemaDoc } from "../schemas/store";
import { binsPage, listSchemaDocIds, recordRows } from "./store";

// Moving out (§2.5): the whole account as NDJSON, one line per import item, produced piece by
// piece so that neither the account nor a record is ever held whole: rows come a page at a time
// and each record body is passed through from R2 in the chunks R2 delivers it in.

/** Text, or raw bytes of a stored record body (already compact JSON). */
export type ExportPiece = string | Uint8Array;

const BINS_PER_PAGE = 100;

const line = (fields: Record<string, unknown>): string => `${JSON.stringify(fields)}\n`;

/** `{"k":v,…,"record":` + body + `}`: the record is spliced in unparsed, last. */
const openRecordLine = (fields: Record<string, unknown>): string => `${JSON.stringify(fields).slice(0, -1)},"record":`;

export async function* accountExport(env: Env, accountId: string, exportedAt: string): AsyncGenerator<ExportPiece> {
  yield line({ type: "account", accountId, exportedAt });

  for (const id of await listSchemaDocIds(env.DB, accountId)) {
    const doc = await findSchemaDoc(env.DB, accountId, id);
    if (!doc) continue; // schema docs are never deleted; a doc listed a moment ago is still there
    yield `${JSON.stringify({ type: "schema", id: doc.id, name: doc.name }).slice(0, -1)},"schema":${doc.schema},"createdAt":${JSON.stringify(doc.created_at)}}\n`;
  }

  const collections = await listCollections(env.DB, accountId);
  for (const c of collections) {
    yield line({
      type: "collection",
      id: c.id,
      name: c.name,
      ...(c.schema_doc_id !== null ? { schemaDocId: c.schema_doc_id } : {}),
      createdAt: c.created_at,
    });
  }

  let bins = 0;
  let records = 0;
  // Uncategorized first, then collection by collection: each scope is one range of the listing index.
  for (const scope of [null, ...collections.map((c) => c.id)]) {
    let after: { createdAt: string; id: string } | null = null;
    for (;;) {
      const page = await binsPage(env.DB, accountId, scope, after, BINS_PER_PAGE);
      for (const bin of page) {
        const rows = await recordRows(env.DB, bin.id);
        if (rows.length === 0) continue; // deleted since the page was read: nothing of it was written yet
        bins++;
        yield line({
          type: "bin",
          id: bin.id,
          private: bin.private === 1,
          ...(bin.name !== null ? { name: bin.name } : {}),
          ...(bin.collection_id !== null ? { collectionId: bin.collection_id } : {}),
          createdAt: bin.created_at,
          versionCount: rows.length - 1,
        });
        for (const row of rows) {
          const object = await env.BODIES.get(row.body_key);
          // Deleted while the export ran (the bin, or its versions): the file must not claim to be
          // whole, so the stream fails before its `end` line.
          if (!object) throw new Error(`export: bin ${bin.id} version ${row.version} vanished during the export`);
          yield openRecordLine({ type: "record", binId: bin.id, version: row.version, createdAt: row.updated_at });
          yield* chunksOf(object.body);
          yield "}\n";
          records++;
        }
      }
      if (page.length < BINS_PER_PAGE) break;
      const last = page[page.length - 1]!;
      after = { createdAt: last.created_at, id: last.id };
    }
  }

  yield line({ type: "end", bins, records });
}

async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
