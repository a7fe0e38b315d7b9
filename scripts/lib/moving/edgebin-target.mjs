// An edgebin instance as the place an account moves into: the admin import routes (contract §2.5)
// and, for verification, the account's streamed export read back line by line.

import { Readable } from "node:stream";
import { HttpError } from "../http.mjs";
import { readLines } from "./ndjson.mjs";

export class EdgebinTarget {
  /** `admin`: an Api with `X-Admin-Key`. */
  constructor(admin) {
    this.admin = admin;
  }

  createAccount({ name, plan }) {
    return this.admin.json("POST", "/v3/admin/accounts", { body: JSON.stringify({ ...(name ? { name } : {}), plan }) });
  }

  /** True when the account exists; false on 404. */
  async hasAccount(accountId) {
    try {
      await this.admin.json("GET", `/v3/admin/accounts/${accountId}`);
      return true;
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return false;
      throw err;
    }
  }

  #put(accountId, path, body) {
    return this.admin.json("PUT", `/v3/admin/accounts/${accountId}/${path}`, { body });
  }

  importSchema(accountId, { id, name, schema, createdAt }) {
    return this.#put(accountId, `schemas/${id}`, JSON.stringify({ name, schema, createdAt }));
  }

  importCollection(accountId, { id, name, schemaDocId, createdAt }) {
    return this.#put(accountId, `collections/${id}`, JSON.stringify({ name, schemaDocId, createdAt }));
  }

  /** `record`: compact JSON text, spliced in as it is. Answers the bin's current version count. */
  importBin(accountId, bin, record) {
    const { id, private: isPrivate, name, collectionId, createdAt } = bin;
    return this.#put(
      accountId,
      `bins/${id}`,
      withRecord({ private: isPrivate, name, collectionId, createdAt }, record),
    );
  }

  importVersion(accountId, binId, version, record, createdAt) {
    return this.#put(accountId, `bins/${binId}/versions/${version}`, withRecord({ createdAt }, record));
  }
}

/** `fields` (undefined ones left out) and `"record"` last, its JSON text spliced in unparsed: a record may be megabytes. */
function withRecord(fields, record) {
  const head = JSON.stringify(fields);
  return head === "{}" ? `{"record":${record}}` : `${head.slice(0, -1)},"record":${record}}`;
}

/** The lines of `GET /v3/account/export`, parsed one at a time as they stream in. */
export async function* exportLines(api) {
  const res = await api.request("GET", "/v3/account/export");
  yield* readLines(Readable.fromWeb(res.body));
}
