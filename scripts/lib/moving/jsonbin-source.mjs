// A JSONBin account read through its public v3 API (JSONBin.io itself, or any compatible server,
// edgebin included). Every call here costs the account one request, so the discovery reads only
// what it must and the copy is planned before it starts.

import { HttpError } from "../http.mjs";
import { compact } from "../records.mjs";

const PAGE = 10; // §4.4: a listing page holds at most 10 bins; fewer ends the listing
const VERSIONS_PAGE = 100; // §10.3, an edgebin extension that other sources may not have

export class JsonbinSource {
  /** `api`: an Api with the source's base URL and `X-Master-Key`. */
  constructor(api) {
    this.api = api;
    /** Whether the source lists versions with their times (§10.3); learned on the first bin. */
    this.listsVersions = undefined;
  }

  /** Collections, the schema docs they refer to, and every bin with its version count. */
  async discover({ latestOnly, onBin = () => {} }) {
    const collections = (await this.api.json("GET", "/v3/c")).map((c) => ({
      id: c.record,
      name: c.collectionMeta.name,
      ...(c.schemaDocId ? { schemaDocId: c.schemaDocId } : {}),
      createdAt: c.createdAt,
    }));
    // JSONBin has no route that lists schema docs: the ones collections refer to are what can be found.
    const schemas = [];
    for (const id of new Set(collections.flatMap((c) => (c.schemaDocId ? [c.schemaDocId] : [])))) {
      const doc = await this.api.json("GET", `/v3/s/${id}`);
      schemas.push({ id, name: doc.metadata.name, schema: doc.record, createdAt: doc.metadata.createdAt });
    }
    const bins = [];
    for (const scope of [null, ...collections.map((c) => c.id)]) {
      for await (const listed of this.#listing(scope)) {
        const bin = {
          id: listed.record,
          private: listed.private,
          ...(listed.snippetMeta?.name !== undefined ? { name: listed.snippetMeta.name } : {}),
          ...(scope ? { collectionId: scope } : {}),
          createdAt: listed.createdAt,
          // With --latest-only the history is not copied, so its length need not be asked.
          versionCount: latestOnly ? 0 : await this.versionCount(listed.record),
        };
        bins.push(bin);
        onBin(bin);
      }
    }
    return { schemas, collections, bins };
  }

  async *#listing(collectionId) {
    const base = `/v3/c/${collectionId ?? "uncategorized"}/bins`;
    let last = null;
    for (;;) {
      const page = await this.api.json("GET", last ? `${base}/${last}` : base, {
        headers: { "X-Sort-Order": "ascending" },
      });
      yield* page;
      if (page.length < PAGE) return;
      last = page[page.length - 1].record;
    }
  }

  async versionCount(binId) {
    const body = await this.api.json("GET", `/v3/b/${binId}/versions/count`);
    return (body.metadata ?? body.metaData).versionCount;
  }

  /** Requests the copy of one bin will cost: its records, and the pages of its version times. */
  copyCost(bin, { latestOnly }) {
    if (latestOnly) return 1;
    const timePages = this.listsVersions === false ? 0 : Math.ceil((bin.versionCount + 1) / VERSIONS_PAGE);
    return bin.versionCount + 1 + timePages;
  }

  /**
   * Each record's last write time, by version, where the source lists them (edgebin's §10.3);
   * an empty map from a source that does not (JSONBin.io keeps no per-version time in its API).
   */
  async versionTimes(binId) {
    const times = new Map();
    if (this.listsVersions === false) return times;
    let before = null;
    for (;;) {
      let body;
      try {
        const query = `?limit=${VERSIONS_PAGE}${before === null ? "" : `&before=${before}`}`;
        body = await this.api.json("GET", `/v3/b/${binId}/versions${query}`);
      } catch (err) {
        if (err instanceof HttpError && (err.status === 404 || err.status === 400) && this.listsVersions !== true) {
          // A source without the route (JSONBin.io) answers 404 or 400; several bins may learn it at once.
          this.listsVersions = false;
          return times;
        }
        throw err;
      }
      if (!Array.isArray(body?.versions)) {
        this.listsVersions = false;
        return times;
      }
      this.listsVersions = true;
      for (const v of body.versions) times.set(v.version, v.createdAt);
      before = body.metadata?.nextBefore ?? null;
      if (before === null) return times;
    }
  }

  /** Record `version` (0 = the base, "latest" = the latest) as compact JSON text. */
  async record(binId, version) {
    const res = await this.api.request("GET", `/v3/b/${binId}/${version}`, { headers: { "X-Bin-Meta": "false" } });
    return compact(await res.text());
  }
}
