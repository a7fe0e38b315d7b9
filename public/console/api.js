// The console's only way to the server: fetch with key headers. The key is passed in by the caller
// (from sessionStorage) and sent in `X-Master-Key` alone: never in a URL, a cookie or a log line.

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** The server's own words for a failure: `{"message"}` (v3). */
function messageOf(status, body) {
  if (body && typeof body === "object" && typeof body.message === "string") return body.message;
  return `The server answered ${status}`;
}

export function createApi(getKey) {
  async function request(method, path, { headers = {}, body, json } = {}) {
    const sent = { "X-Master-Key": getKey(), ...headers };
    let payload = body;
    if (json !== undefined) {
      payload = JSON.stringify(json);
      sent["Content-Type"] = "application/json";
    }
    const res = await fetch(path, { method, headers: sent, body: payload, cache: "no-store", credentials: "omit" });
    const text = await res.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok && res.status !== 304) throw new ApiError(res.status, messageOf(res.status, parsed), parsed);
    return { status: res.status, headers: res.headers, body: parsed, text };
  }
  const id = (value) => encodeURIComponent(value);
  return {
    usage: () => request("GET", "/v3/account/usage"),
    collections: () => request("GET", "/v3/c"),
    createCollection: (name) => request("POST", "/v3/c", { headers: { "X-Collection-Name": name } }),
    renameCollection: (cid, name) =>
      request("PUT", `/v3/c/${id(cid)}/meta/name`, { headers: { "X-Collection-Name": name } }),
    deleteCollection: (cid) => request("DELETE", `/v3/c/${id(cid)}`),
    attachSchema: (cid, sid) => request("PUT", `/v3/c/${id(cid)}/schemadoc/add/${id(sid)}`),
    detachSchema: (cid) => request("PUT", `/v3/c/${id(cid)}/schemadoc/remove`),
    /** `scope`: a collection id or "uncategorized"; `after`: the last bin of the previous page. */
    listBins: (scope, after, order) =>
      request("GET", `/v3/c/${id(scope)}/bins${after ? `/${id(after)}` : ""}`, { headers: { "X-Sort-Order": order } }),
    createBin: (text, { name, isPrivate, collectionId }) =>
      request("POST", "/v3/b", {
        headers: {
          "Content-Type": "application/json",
          "X-Bin-Private": String(isPrivate),
          ...(name ? { "X-Bin-Name": name } : {}),
          ...(collectionId ? { "X-Collection-Id": collectionId } : {}),
        },
        body: text,
      }),
    readBin: (bid) => request("GET", `/v3/b/${id(bid)}/latest`),
    /** The text is sent as typed, so the server's JSON errors are the ones shown. */
    updateBin: (bid, text, { versioned, etag }) =>
      request("PUT", `/v3/b/${id(bid)}`, {
        headers: {
          "Content-Type": "application/json",
          "X-Bin-Versioning": String(versioned),
          ...(etag ? { "If-Match": etag } : {}),
        },
        body: text,
      }),
    renameBin: (bid, name) => request("PUT", `/v3/b/${id(bid)}/meta/name`, { headers: { "X-Bin-Name": name } }),
    setPrivacy: (bid, isPrivate) =>
      request("PUT", `/v3/b/${id(bid)}/meta/privacy`, { headers: { "X-Bin-Private": String(isPrivate) } }),
    deleteBin: (bid) => request("DELETE", `/v3/b/${id(bid)}`),
    versionCount: (bid) => request("GET", `/v3/b/${id(bid)}/versions/count`),
    versions: (bid, before) =>
      request("GET", `/v3/b/${id(bid)}/versions?limit=10${before !== null ? `&before=${before}` : ""}`),
    diff: (bid, from, to) => request("GET", `/v3/b/${id(bid)}/diff?from=${from}&to=${to}`),
    restore: (bid, version, versioned) =>
      request("POST", `/v3/b/${id(bid)}/versions/${version}/restore`, {
        headers: { "X-Bin-Versioning": String(versioned) },
      }),
    createSchema: (name, text) =>
      request("POST", "/v3/s", {
        headers: { "X-Schema-Doc-Name": name, "Content-Type": "application/json" },
        body: text,
      }),
    readSchema: (sid) => request("GET", `/v3/s/${id(sid)}`),
    updateSchema: (sid, text) =>
      request("PUT", `/v3/s/${id(sid)}`, { headers: { "Content-Type": "application/json" }, body: text }),
    renameSchema: (sid, name) =>
      request("PUT", `/v3/s/${id(sid)}/meta/name`, { headers: { "X-Schema-Doc-Name": name } }),
    accessKeys: () => request("GET", "/v3/a"),
    createAccessKey: (name, bins) => request("POST", "/v3/a", { headers: { "X-Key-Name": name }, json: { bins } }),
    deleteAccessKey: (kid) => request("DELETE", `/v3/a/${id(kid)}`),
  };
}
