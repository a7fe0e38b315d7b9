import { describe, expect, it } from "vitest";
import {
  BIN_NOT_FOUND,
  BIN_VERSION_NOT_FOUND,
  BODY_TOO_LARGE,
  COLLECTION_LIMIT,
  COLLECTION_NOT_FOUND,
  call,
  createAccount,
  createBin,
  expectLegacyError,
  expectText,
  FREE_CREATE_TOO_LARGE,
  FREE_UPDATE_TOO_LARGE,
  INVALID_JSON,
  INVALID_JSON_SCHEMA,
  INVALID_RECORD_ID,
  INVALID_SCHEMA_DOCUMENT_ID,
  INVALID_SECRET,
  ISO,
  JSON_TYPE,
  legacyNotBoolean,
  master,
  NEED_NAME_KEY,
  NEED_SCHEMA_DOCUMENT_NAME,
  NEED_SECRET_FOR_REQUESTS_COUNT,
  NEED_SECRET_TO_CREATE_BIN,
  NEED_SECRET_TO_CREATE_COLLECTION,
  NEED_SECRET_TO_CREATE_SCHEMA,
  NEED_SECRET_TO_DELETE,
  NEED_SECRET_TO_READ,
  NEED_SECRET_TO_READ_SCHEMA,
  NEED_SECRET_TO_UPDATE,
  NEED_SECRET_TO_UPDATE_COLLECTIONS,
  NEED_SECRET_TO_UPDATE_SCHEMA,
  NO_VERSIONS_FOUND,
  NOT_OBJECT_OR_ARRAY,
  patchAccount,
  REQUESTS_EXHAUSTED,
  ROUTE_NOT_FOUND,
  recordOfSize,
  recordSizeOver,
  recordText,
  SCHEMA_DOCUMENT_NOT_FOUND,
  schemaMismatch,
  secret,
  send,
  type TestAccount,
  UNKNOWN_ID,
  V2_BIN_NAME_TOO_LONG,
  V2_COLLECTION_NAME_LENGTH,
  V2_EMPTY,
  V2_INVALID_BIN_ID,
  V2_INVALID_COLLECTION_ID,
  V2_INVALID_SCHEMA_DOC_ID,
  V2_NEED_JSON,
  V2_SCHEMA_NAME_LENGTH,
  v2Create,
  v3Collection,
} from "../helpers";

const update = (account: TestAccount | null, id: string, record: unknown, headers: Record<string, string> = {}) =>
  call("PUT", `/b/${id}`, { headers: { ...(account ? secret(account) : {}), ...headers }, body: record });

/** A bin whose base is `{"v":0}` with versions 1..`versions` holding `{"v":n}` (v2 versions private bins by default). */
async function binWithVersions(account: TestAccount, versions: number, headers: Record<string, string> = {}) {
  const id = await v2Create(account, { v: 0 }, headers);
  for (let n = 1; n <= versions; n++) expect((await update(account, id, { v: n })).status).toBe(200);
  return id;
}

describe("POST /b", () => {
  it("creates a private bin by default with a secret-key and answers in contract order", async () => {
    const account = await createAccount();
    const res = await call("POST", "/b", { headers: secret(account), body: { hello: "world", n: [1, 2] } });
    const text = await res.text();
    const { id } = JSON.parse(text) as { id: string };
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
    expect(res.headers.get("ETag")).toBeNull();
    expect(text).toBe(`{"success":true,"data":{"hello":"world","n":[1,2]},"id":"${id}","private":true}`);
    await expectLegacyError(await call("GET", `/b/${id}`), 401, NEED_SECRET_TO_READ);
  });

  it("creates a public bin with private false, and adds binName and collectionID when given", async () => {
    const account = await createAccount();
    const collection = await v3Collection(account);
    const res = await call("POST", "/b", {
      headers: {
        ...secret(account),
        private: "FALSE",
        name: "  my bin  ",
        "collection-id": collection.id.toUpperCase(),
      },
      body: [1, 2],
    });
    const text = await res.text();
    const { id } = JSON.parse(text) as { id: string };
    expect(res.status).toBe(200);
    expect(text).toBe(
      `{"success":true,"data":[1,2],"id":"${id}","private":false,"binName":"my bin","collectionID":"${collection.id}"}`,
    );
    await expectText(await call("GET", `/b/${id}`), "[1,2]");
  });

  it("accepts private true, an empty array and a name of 128 code points", async () => {
    const account = await createAccount();
    const name = "😀".repeat(128);
    const res = await call("POST", "/b", { headers: { ...secret(account), private: "true", name }, body: [] });
    const body = (await res.json()) as { data: unknown; private: boolean; binName: string };
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ data: [], private: true, binName: name });
  });

  it("needs a secret-key and ignores X-Master-Key", async () => {
    const account = await createAccount();
    await expectLegacyError(await call("POST", "/b", { body: { a: 1 } }), 401, NEED_SECRET_TO_CREATE_BIN);
    await expectLegacyError(
      await call("POST", "/b", { headers: master(account), body: { a: 1 } }),
      401,
      NEED_SECRET_TO_CREATE_BIN,
    );
  });

  it("refuses an unknown secret-key", async () => {
    await expectLegacyError(
      await call("POST", "/b", { headers: { "secret-key": "nope" }, body: { a: 1 } }),
      401,
      INVALID_SECRET,
    );
  });

  it("applies the record body rules with v2 messages and 422", async () => {
    const account = await createAccount();
    const cases: [string | null, string, string][] = [
      [null, '{"a":1}', V2_NEED_JSON],
      ["text/plain", '{"a":1}', V2_NEED_JSON],
      ["application/json", "", V2_EMPTY],
      ["application/json", "  \n ", V2_EMPTY],
      ["application/json", "{}", V2_EMPTY],
      ["application/json", "{nope", INVALID_JSON],
      ["application/json", '"text"', NOT_OBJECT_OR_ARRAY],
      ["application/json", "42", NOT_OBJECT_OR_ARRAY],
      ["application/json", "null", NOT_OBJECT_OR_ARRAY],
    ];
    for (const [type, body, message] of cases) {
      const headers = { ...secret(account), ...(type ? { "Content-Type": type } : {}) };
      await expectLegacyError(await send("POST", "/b", headers, body), 422, message);
    }
  });

  it("refuses a name over 128 characters", async () => {
    const account = await createAccount();
    const res = await call("POST", "/b", { headers: { ...secret(account), name: "n".repeat(129) }, body: { a: 1 } });
    await expectLegacyError(res, 422, V2_BIN_NAME_TOO_LONG);
  });

  it("refuses a private header that is not true or false", async () => {
    const account = await createAccount();
    const res = await call("POST", "/b", { headers: { ...secret(account), private: "yes" }, body: { a: 1 } });
    await expectLegacyError(res, 422, legacyNotBoolean("private"));
  });

  it("refuses a malformed, unknown or foreign collection-id", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const foreign = await v3Collection(other);
    for (const id of ["abc", UNKNOWN_ID, foreign.id]) {
      const res = await call("POST", "/b", { headers: { ...secret(account), "collection-id": id }, body: { a: 1 } });
      await expectLegacyError(res, 422, V2_INVALID_COLLECTION_ID);
    }
  });

  it("checks header values before the key, and the key before the body", async () => {
    await expectLegacyError(
      await call("POST", "/b", { headers: { "collection-id": "abc" }, body: {} }),
      422,
      V2_INVALID_COLLECTION_ID,
    );
    await expectLegacyError(await send("POST", "/b", { "secret-key": "nope" }, ""), 401, INVALID_SECRET);
  });

  it("refuses a record over the free plan's limit with the create message", async () => {
    const account = await createAccount();
    expect((await call("POST", "/b", { headers: secret(account), body: recordOfSize(102_400) })).status).toBe(200);
    const res = await call("POST", "/b", { headers: secret(account), body: recordOfSize(102_401) });
    await expectLegacyError(res, 403, FREE_CREATE_TOO_LARGE);
  });

  it("refuses a record over a pro account's limit with the pro message", async () => {
    const account = await createAccount({ plan: "pro" });
    expect((await patchAccount(account.accountId, { limits: { maxRecordBytes: 2048 } })).status).toBe(200);
    const res = await call("POST", "/b", { headers: secret(account), body: recordOfSize(2049) });
    await expectLegacyError(res, 403, recordSizeOver("2kb"));
  });

  it("refuses a body over the hard cap with 413", async () => {
    const account = await createAccount();
    const res = await send(
      "POST",
      "/b",
      { ...secret(account), "Content-Type": "application/json" },
      "x".repeat(10_485_761),
    );
    await expectLegacyError(res, 413, BODY_TOO_LARGE);
  });

  it("validates the record against the collection's schema with 401", async () => {
    const account = await createAccount();
    const collection = await v3Collection(account, true);
    const headers = { ...secret(account), "collection-id": collection.id };
    const res = await call("POST", "/b", { headers, body: { name: "x" } });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 401,
      body: {
        success: false,
        message: schemaMismatch("Should have required property 'username'"),
        schemaDocID: collection.schemaId,
        schemaDocName: "users",
      },
    });
    expect((await call("POST", "/b", { headers, body: { username: "x" } })).status).toBe(200);
  });
});

describe("GET /b/<id>[/latest|/<n>]", () => {
  it("returns the base at /b/<id>, the latest at /latest and version n at /<n>, as raw JSON", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, 2);
    const read = (path: string) => call("GET", `/b/${path}`, { headers: secret(account) });
    await expectText(await read(id), '{"v":0}');
    await expectText(await read(`${id}/latest`), '{"v":2}');
    await expectText(await read(`${id}/1`), '{"v":1}');
    await expectText(await read(`${id}/2`), '{"v":2}');
    await expectText(await read(`${id.toUpperCase()}/latest/`), '{"v":2}');
    const res = await read(id);
    expect(res.headers.get("ETag")).toBeNull();
    expect(res.headers.get("X-Bin-Version")).toBeNull();
  });

  it("answers 404 for version 0, negative, non-numeric or beyond the latest", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, 1);
    for (const segment of ["0", "-1", "abc", "2", "1.0", "9999999999"]) {
      const res = await call("GET", `/b/${id}/${segment}`, { headers: secret(account) });
      await expectLegacyError(res, 404, BIN_VERSION_NOT_FOUND);
    }
  });

  it("judges the version segment before looking the bin up", async () => {
    await expectLegacyError(await call("GET", `/b/${UNKNOWN_ID}/abc`), 404, BIN_VERSION_NOT_FOUND);
    await expectLegacyError(await call("GET", `/b/${UNKNOWN_ID}/1`), 404, BIN_NOT_FOUND);
  });

  it("reads a public bin without a key, and ignores a wrong key there", async () => {
    const account = await createAccount();
    const id = await v2Create(account, { open: true }, { private: "false" });
    await expectText(await call("GET", `/b/${id}`), '{"open":true}');
    await expectText(await call("GET", `/b/${id}`, { headers: { "secret-key": "nope" } }), '{"open":true}');
  });

  it("needs the owner's secret-key for a private bin", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const id = await v2Create(account);
    await expectLegacyError(await call("GET", `/b/${id}`), 401, NEED_SECRET_TO_READ);
    await expectLegacyError(
      await call("GET", `/b/${id}/latest`, { headers: master(account) }),
      401,
      NEED_SECRET_TO_READ,
    );
    await expectLegacyError(await call("GET", `/b/${id}`, { headers: { "secret-key": "nope" } }), 401, INVALID_SECRET);
    await expectLegacyError(await call("GET", `/b/${id}/latest`, { headers: secret(other) }), 401, INVALID_SECRET);
  });

  it("answers 422 for a malformed id and 404 for an unknown bin", async () => {
    await expectLegacyError(await call("GET", "/b/not-an-id"), 422, INVALID_RECORD_ID);
    await expectLegacyError(await call("GET", "/b/not-an-id/latest"), 422, INVALID_RECORD_ID);
    await expectLegacyError(await call("GET", `/b/${UNKNOWN_ID}`), 404, BIN_NOT_FOUND);
    await expectLegacyError(await call("GET", `/b/${UNKNOWN_ID}/latest`), 404, BIN_NOT_FOUND);
  });

  it("refuses an id padded with white space as malformed, on reads, updates and deletes", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, 1);
    for (const padded of [`%20${id}`, `${id}%0A`, `%09${id}%20`]) {
      await expectLegacyError(await call("GET", `/b/${padded}`, { headers: secret(account) }), 422, INVALID_RECORD_ID);
      await expectLegacyError(
        await call("GET", `/b/${padded}/latest`, { headers: secret(account) }),
        422,
        INVALID_RECORD_ID,
      );
      await expectLegacyError(await update(account, padded, { a: 1 }), 422, INVALID_RECORD_ID);
      await expectLegacyError(
        await call("DELETE", `/b/${padded}`, { headers: secret(account) }),
        422,
        INVALID_RECORD_ID,
      );
    }
    await expectText(await call("GET", `/b/${id}/latest`, { headers: secret(account) }), '{"v":1}');
  });
});

describe("PUT /b/<id>", () => {
  it("versions a private bin by default and reports the version", async () => {
    const account = await createAccount();
    const id = await v2Create(account, { v: 0 });
    const res = await update(account, id, { v: 1 });
    await expectText(res, `{"success":true,"data":{"v":1},"parentId":"${id}","version":1}`);
    await expectText(
      await update(account, id, { v: 2 }, { versioning: "true" }),
      `{"success":true,"data":{"v":2},"parentId":"${id}","version":2}`,
    );
    expect(await recordText(account, `${id}/0`)).toBe('{"v":0}');
    expect(await recordText(account, `${id}/1`)).toBe('{"v":1}');
  });

  it("overwrites the latest of a private bin with versioning false, leaving out version", async () => {
    const account = await createAccount();
    const id = await v2Create(account, { v: 0 });
    await expectText(
      await update(account, id, { v: "x" }, { versioning: "false" }),
      `{"success":true,"data":{"v":"x"},"parentId":"${id}"}`,
    );
    await expectText(await call("GET", `/b/${id}`, { headers: secret(account) }), '{"v":"x"}');
    await expectLegacyError(await call("GET", `/b/${id}/1`, { headers: secret(account) }), 404, BIN_VERSION_NOT_FOUND);
  });

  it("versions a public bin for anyone, and skips it only for the owner's key with versioning false", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const id = await v2Create(account, { v: 0 }, { private: "false" });
    await expectText(
      await update(null, id, { v: 1 }),
      `{"success":true,"data":{"v":1},"parentId":"${id}","version":1}`,
    );
    await expectText(
      await update(other, id, { v: 2 }, { versioning: "false" }),
      `{"success":true,"data":{"v":2},"parentId":"${id}","version":2}`,
    );
    await expectText(
      await update(account, id, { v: 3 }, { versioning: "false" }),
      `{"success":true,"data":{"v":3},"parentId":"${id}"}`,
    );
    await expectText(await call("GET", `/b/${id}/latest`), '{"v":3}');
    await expectText(await call("GET", `/b/${id}/2`), '{"v":3}');
  });

  it("needs the owner's secret-key for a private bin", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const id = await v2Create(account);
    await expectLegacyError(await update(null, id, { a: 1 }), 401, NEED_SECRET_TO_UPDATE);
    await expectLegacyError(await update(null, id, { a: 1 }, { "secret-key": "nope" }), 401, INVALID_SECRET);
    await expectLegacyError(await update(other, id, { a: 1 }), 401, INVALID_SECRET);
  });

  it("answers 422 for a malformed id, 404 for an unknown bin and 422 for a bad versioning header", async () => {
    const account = await createAccount();
    const id = await v2Create(account);
    await expectLegacyError(await update(account, "xyz", { a: 1 }), 422, INVALID_RECORD_ID);
    await expectLegacyError(await update(account, UNKNOWN_ID, { a: 1 }), 404, BIN_NOT_FOUND);
    await expectLegacyError(
      await update(account, id, { a: 1 }, { versioning: "1" }),
      422,
      legacyNotBoolean("versioning"),
    );
  });

  it("applies the record body rules with v2 messages", async () => {
    const account = await createAccount();
    const id = await v2Create(account);
    const json = { ...secret(account), "Content-Type": "application/json" };
    await expectLegacyError(await send("PUT", `/b/${id}`, secret(account), '{"a":1}'), 422, V2_NEED_JSON);
    await expectLegacyError(await send("PUT", `/b/${id}`, json, ""), 422, V2_EMPTY);
    await expectLegacyError(await send("PUT", `/b/${id}`, json, "{}"), 422, V2_EMPTY);
    await expectLegacyError(await send("PUT", `/b/${id}`, json, "[1,"), 422, INVALID_JSON);
    await expectLegacyError(await send("PUT", `/b/${id}`, json, "true"), 422, NOT_OBJECT_OR_ARRAY);
  });

  it("refuses a record over the plan's limit with the update message", async () => {
    const account = await createAccount();
    const id = await v2Create(account);
    await expectLegacyError(await update(account, id, recordOfSize(102_401)), 403, FREE_UPDATE_TOO_LARGE);
  });
});

describe("DELETE /b/<id>", () => {
  it("deletes the bin and reports how many versions went with it", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, 2);
    const res = await call("DELETE", `/b/${id}`, { headers: secret(account) });
    await expectText(
      res,
      `{"success":true,"id":"${id}","message":"Bin ${id} is deleted successfully. 2 versions removed."}`,
    );
    await expectLegacyError(await call("GET", `/b/${id}`, { headers: secret(account) }), 404, BIN_NOT_FOUND);
    await expectLegacyError(await call("DELETE", `/b/${id}`, { headers: secret(account) }), 404, BIN_NOT_FOUND);
  });

  it("needs the owner's secret-key, for public bins too", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const id = await v2Create(account, { a: 1 }, { private: "false" });
    await expectLegacyError(await call("DELETE", `/b/${id}`), 401, NEED_SECRET_TO_DELETE);
    await expectLegacyError(await call("DELETE", `/b/${id}`, { headers: master(account) }), 401, NEED_SECRET_TO_DELETE);
    await expectLegacyError(
      await call("DELETE", `/b/${id}`, { headers: { "secret-key": "nope" } }),
      401,
      INVALID_SECRET,
    );
    await expectLegacyError(await call("DELETE", `/b/${id}`, { headers: secret(other) }), 401, INVALID_SECRET);
    await expectText(
      await call("DELETE", `/b/${id}`, { headers: secret(account) }),
      `{"success":true,"id":"${id}","message":"Bin ${id} is deleted successfully. 0 versions removed."}`,
    );
  });

  it("answers 422 for a malformed id and 404 for an unknown bin", async () => {
    const account = await createAccount();
    await expectLegacyError(await call("DELETE", "/b/123", { headers: secret(account) }), 422, INVALID_RECORD_ID);
    await expectLegacyError(await call("DELETE", `/b/${UNKNOWN_ID}`, { headers: secret(account) }), 404, BIN_NOT_FOUND);
  });
});

describe("POST /c", () => {
  it("creates a collection the v3 API lists", async () => {
    const account = await createAccount();
    const res = await call("POST", "/c", { headers: secret(account), body: { name: "things" } });
    const text = await res.text();
    const { id } = JSON.parse(text) as { id: string };
    expect(res.status).toBe(200);
    expect(text).toBe(`{"success":true,"data":{"name":"things"},"id":"${id}"}`);
    const list = (await (await call("GET", "/v3/c", { headers: master(account) })).json()) as {
      record: string;
      collectionMeta: { name: string };
    }[];
    expect(list.map((c) => [c.record, c.collectionMeta.name])).toEqual([[id, "things"]]);
  });

  it("accepts names of 3 and 32 characters", async () => {
    const account = await createAccount();
    for (const name of ["abc", "n".repeat(32)]) {
      const res = await call("POST", "/c", { headers: secret(account), body: { name } });
      expect((await res.json()) as unknown).toMatchObject({ success: true, data: { name } });
    }
  });

  it("needs a valid secret-key", async () => {
    await expectLegacyError(
      await call("POST", "/c", { body: { name: "things" } }),
      401,
      NEED_SECRET_TO_CREATE_COLLECTION,
    );
    await expectLegacyError(
      await call("POST", "/c", { headers: { "secret-key": "nope" }, body: { name: "things" } }),
      401,
      INVALID_SECRET,
    );
  });

  it("checks the body's content type and name", async () => {
    const account = await createAccount();
    const json = { ...secret(account), "Content-Type": "application/json" };
    await expectLegacyError(await send("POST", "/c", secret(account), '{"name":"things"}'), 422, V2_NEED_JSON);
    await expectLegacyError(await send("POST", "/c", json, "{bad"), 422, INVALID_JSON);
    for (const body of ["", "{}", '{"title":"x"}', '{"name":5}', "[]"]) {
      await expectLegacyError(await send("POST", "/c", json, body), 422, NEED_NAME_KEY);
    }
    // A blank name is answered as a missing one, as JSONBin does (not `Name key cannot be blank.`).
    for (const body of ['{"name":""}', '{"name":"   "}']) {
      await expectLegacyError(await send("POST", "/c", json, body), 422, NEED_NAME_KEY);
    }
    await expectLegacyError(await send("POST", "/c", json, '{"name":"ab"}'), 422, V2_COLLECTION_NAME_LENGTH);
    await expectLegacyError(
      await send("POST", "/c", json, JSON.stringify({ name: "n".repeat(33) })),
      422,
      V2_COLLECTION_NAME_LENGTH,
    );
  });

  it("refuses a collection over the plan's limit", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxCollections: 1 } })).status).toBe(200);
    expect((await call("POST", "/c", { headers: secret(account), body: { name: "one" } })).status).toBe(200);
    await expectLegacyError(
      await call("POST", "/c", { headers: secret(account), body: { name: "two" } }),
      403,
      COLLECTION_LIMIT,
    );
  });
});

async function v2Schema(account: TestAccount, schema: unknown = { type: "object" }, name = "users"): Promise<string> {
  const res = await call("POST", "/s", { headers: { ...secret(account), name }, body: schema });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

async function v3CollectionInfo(account: TestAccount, id: string) {
  const list = (await (await call("GET", "/v3/c", { headers: master(account) })).json()) as {
    record: string;
    collectionMeta: { name: string };
    schemaDocId?: string;
  }[];
  return list.find((c) => c.record === id);
}

describe("PUT /c/<id>", () => {
  it("renames with a name body", async () => {
    const account = await createAccount();
    const { id } = await v3Collection(account);
    const res = await call("PUT", `/c/${id.toUpperCase()}`, { headers: secret(account), body: { name: " renamed " } });
    await expectText(res, `{"success":true,"collectionID":"${id}","data":{"name":"renamed"}}`);
    expect((await v3CollectionInfo(account, id))?.collectionMeta.name).toBe("renamed");
  });

  it("attaches a schema doc with schema-doc-id, which wins over a name body", async () => {
    const account = await createAccount();
    const { id } = await v3Collection(account);
    const schemaId = await v2Schema(account, { type: "object" }, "people");
    const res = await call("PUT", `/c/${id}`, {
      headers: { ...secret(account), "schema-doc-id": schemaId },
      body: { name: "ignored" },
    });
    await expectText(
      res,
      `{"success":true,"collectionID":"${id}","schemaDocID":"${schemaId}","schemaDocDetails":{"name":"people"},"collectionDetails":{"name":"legacy"}}`,
    );
    expect(await v3CollectionInfo(account, id)).toMatchObject({
      schemaDocId: schemaId,
      collectionMeta: { name: "legacy" },
    });
  });

  it("detaches the schema doc with remove-schema-doc true, which wins over everything else", async () => {
    const account = await createAccount();
    const { id } = await v3Collection(account, true);
    const headers = { ...secret(account), "remove-schema-doc": "TRUE", "schema-doc-id": "malformed" };
    await expectText(await call("PUT", `/c/${id}`, { headers, body: { name: "ignored" } }), '{"success":true}');
    const info = await v3CollectionInfo(account, id);
    expect(info?.schemaDocId).toBeUndefined();
    expect(info?.collectionMeta.name).toBe("legacy");
  });

  it("answers a detach with nothing attached as a success", async () => {
    const account = await createAccount();
    const { id } = await v3Collection(account);
    await expectText(
      await call("PUT", `/c/${id}`, { headers: { ...secret(account), "remove-schema-doc": "true" } }),
      '{"success":true}',
    );
  });

  it("renames when remove-schema-doc is false", async () => {
    const account = await createAccount();
    const { id } = await v3Collection(account, true);
    const res = await call("PUT", `/c/${id}`, {
      headers: { ...secret(account), "remove-schema-doc": "false" },
      body: { name: "kept" },
    });
    await expectText(res, `{"success":true,"collectionID":"${id}","data":{"name":"kept"}}`);
    expect((await v3CollectionInfo(account, id))?.schemaDocId).toMatch(/^[0-9a-f]{24}$/);
  });

  it("needs a valid secret-key and the account's own collection", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const { id } = await v3Collection(account);
    await expectLegacyError(
      await call("PUT", `/c/${id}`, { body: { name: "x1x" } }),
      401,
      NEED_SECRET_TO_UPDATE_COLLECTIONS,
    );
    await expectLegacyError(
      await call("PUT", `/c/${id}`, { headers: { "secret-key": "nope" }, body: { name: "x1x" } }),
      401,
      INVALID_SECRET,
    );
    await expectLegacyError(
      await call("PUT", `/c/${id}`, { headers: secret(other), body: { name: "x1x" } }),
      404,
      COLLECTION_NOT_FOUND,
    );
    await expectLegacyError(
      await call("PUT", `/c/${UNKNOWN_ID}`, { headers: secret(account), body: { name: "x1x" } }),
      404,
      COLLECTION_NOT_FOUND,
    );
    await expectLegacyError(
      await call("PUT", "/c/nope", { headers: secret(account), body: { name: "x1x" } }),
      422,
      V2_INVALID_COLLECTION_ID,
    );
  });

  it("refuses a malformed, unknown or foreign schema-doc-id and a bad remove-schema-doc", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const { id } = await v3Collection(account);
    const foreign = await v2Schema(other);
    const malformed = await call("PUT", `/c/${id}`, { headers: { ...secret(account), "schema-doc-id": "nope" } });
    await expectLegacyError(malformed, 422, V2_INVALID_SCHEMA_DOC_ID);
    // Well-formed but unknown, or another account's: JSONBin's 401 and wording.
    for (const schemaId of [UNKNOWN_ID, foreign]) {
      const res = await call("PUT", `/c/${id}`, { headers: { ...secret(account), "schema-doc-id": schemaId } });
      await expectLegacyError(res, 401, SCHEMA_DOCUMENT_NOT_FOUND);
    }
    const res = await call("PUT", `/c/${id}`, { headers: { ...secret(account), "remove-schema-doc": "yes" } });
    await expectLegacyError(res, 422, legacyNotBoolean("remove-schema-doc"));
  });

  it("checks a rename body as a create body", async () => {
    const account = await createAccount();
    const { id } = await v3Collection(account);
    await expectLegacyError(await send("PUT", `/c/${id}`, secret(account)), 422, V2_NEED_JSON);
    await expectLegacyError(
      await call("PUT", `/c/${id}`, { headers: secret(account), body: { title: "x" } }),
      422,
      NEED_NAME_KEY,
    );
    await expectLegacyError(
      await call("PUT", `/c/${id}`, { headers: secret(account), body: { name: "" } }),
      422,
      NEED_NAME_KEY,
    );
    await expectLegacyError(
      await call("PUT", `/c/${id}`, { headers: secret(account), body: { name: "ab" } }),
      422,
      V2_COLLECTION_NAME_LENGTH,
    );
  });
});

describe("schema docs: POST /s, GET /s/<id>, PUT /s/<id>", () => {
  it("creates a schema doc and reads it back raw", async () => {
    const account = await createAccount();
    const res = await call("POST", "/s", {
      headers: { ...secret(account), name: "users" },
      body: { type: "object", required: ["a"] },
    });
    const text = await res.text();
    const { id } = JSON.parse(text) as { id: string };
    expect(res.status).toBe(200);
    expect(text).toBe(`{"success":true,"data":{"type":"object","required":["a"]},"id":"${id}"}`);
    await expectText(
      await call("GET", `/s/${id.toUpperCase()}`, { headers: secret(account) }),
      '{"type":"object","required":["a"]}',
    );
    const v3 = (await (await call("GET", `/v3/s/${id}`, { headers: master(account) })).json()) as {
      metadata: { name: string };
    };
    expect(v3.metadata.name).toBe("users");
  });

  it("replaces the schema, renaming too when a name is sent", async () => {
    const account = await createAccount();
    const id = await v2Schema(account);
    const res = await call("PUT", `/s/${id}`, {
      headers: { ...secret(account), name: "renamed" },
      body: { type: "array" },
    });
    await expectText(res, `{"success":true,"data":{"type":"array"},"id":"${id}"}`);
    await expectText(await call("GET", `/s/${id}`, { headers: secret(account) }), '{"type":"array"}');
    const v3 = (await (await call("GET", `/v3/s/${id}`, { headers: master(account) })).json()) as {
      metadata: { name: string };
    };
    expect(v3.metadata.name).toBe("renamed");
    await expectText(
      await call("PUT", `/s/${id}`, { headers: secret(account), body: {} }),
      `{"success":true,"data":{},"id":"${id}"}`,
    );
  });

  it("only renames when a name comes with an empty or {} body", async () => {
    const account = await createAccount();
    const id = await v2Schema(account, { type: "string" });
    await expectText(
      await send("PUT", `/s/${id}`, { ...secret(account), name: "again" }, ""),
      `{"success":true,"data":{"type":"string"},"id":"${id}"}`,
    );
    await expectText(
      await call("PUT", `/s/${id}`, { headers: { ...secret(account), name: "twice" }, body: {} }),
      `{"success":true,"data":{"type":"string"},"id":"${id}"}`,
    );
    const v3 = (await (await call("GET", `/v3/s/${id}`, { headers: master(account) })).json()) as {
      metadata: { name: string };
    };
    expect(v3.metadata.name).toBe("twice");
  });

  it("needs a valid secret-key, with each route's message", async () => {
    const account = await createAccount();
    const id = await v2Schema(account);
    await expectLegacyError(
      await call("POST", "/s", { headers: { name: "users" }, body: {} }),
      401,
      NEED_SECRET_TO_CREATE_SCHEMA,
    );
    await expectLegacyError(await call("GET", `/s/${id}`), 401, NEED_SECRET_TO_READ_SCHEMA);
    await expectLegacyError(await call("PUT", `/s/${id}`, { body: {} }), 401, NEED_SECRET_TO_UPDATE_SCHEMA);
    const bad = { "secret-key": "nope" };
    await expectLegacyError(
      await call("POST", "/s", { headers: { ...bad, name: "users" }, body: {} }),
      401,
      INVALID_SECRET,
    );
    await expectLegacyError(await call("GET", `/s/${id}`, { headers: bad }), 401, INVALID_SECRET);
    await expectLegacyError(await call("PUT", `/s/${id}`, { headers: bad, body: {} }), 401, INVALID_SECRET);
  });

  it("answers 422 for a malformed id and 404 for an unknown or foreign doc", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const foreign = await v2Schema(other);
    await expectLegacyError(await call("GET", "/s/zz", { headers: secret(account) }), 422, INVALID_SCHEMA_DOCUMENT_ID);
    await expectLegacyError(
      await call("PUT", "/s/zz", { headers: secret(account), body: {} }),
      422,
      INVALID_SCHEMA_DOCUMENT_ID,
    );
    for (const id of [UNKNOWN_ID, foreign]) {
      await expectLegacyError(
        await call("GET", `/s/${id}`, { headers: secret(account) }),
        404,
        SCHEMA_DOCUMENT_NOT_FOUND,
      );
      await expectLegacyError(
        await call("PUT", `/s/${id}`, { headers: secret(account), body: {} }),
        404,
        SCHEMA_DOCUMENT_NOT_FOUND,
      );
    }
  });

  it("needs a name of 3 to 32 characters on create", async () => {
    const account = await createAccount();
    await expectLegacyError(
      await call("POST", "/s", { headers: secret(account), body: {} }),
      422,
      NEED_SCHEMA_DOCUMENT_NAME,
    );
    await expectLegacyError(
      await call("POST", "/s", { headers: { ...secret(account), name: " " }, body: {} }),
      422,
      NEED_SCHEMA_DOCUMENT_NAME,
    );
    await expectLegacyError(
      await call("POST", "/s", { headers: { ...secret(account), name: "ab" }, body: {} }),
      422,
      V2_SCHEMA_NAME_LENGTH,
    );
    await expectLegacyError(
      await call("POST", "/s", { headers: { ...secret(account), name: "n".repeat(33) }, body: {} }),
      422,
      V2_SCHEMA_NAME_LENGTH,
    );
    const id = await v2Schema(account);
    await expectLegacyError(
      await call("PUT", `/s/${id}`, { headers: { ...secret(account), name: "ab" }, body: {} }),
      422,
      V2_SCHEMA_NAME_LENGTH,
    );
  });

  it("checks the schema body with 422", async () => {
    const account = await createAccount();
    const id = await v2Schema(account);
    const headers = { ...secret(account), name: "users" };
    const json = { ...headers, "Content-Type": "application/json" };
    for (const [method, path] of [
      ["POST", "/s"],
      ["PUT", `/s/${id}`],
    ] as const) {
      await expectLegacyError(await send(method, path, headers, '{"type":"object"}'), 422, V2_NEED_JSON);
      await expectLegacyError(await send(method, path, json, "{oops"), 422, INVALID_JSON);
      await expectLegacyError(await send(method, path, json, '{"type":5}'), 422, INVALID_JSON_SCHEMA);
      await expectLegacyError(await send(method, path, json, "[]"), 422, INVALID_JSON_SCHEMA);
    }
    await expectLegacyError(await send("POST", "/s", json, ""), 422, INVALID_JSON_SCHEMA);
    await expectLegacyError(
      await send("PUT", `/s/${id}`, { ...secret(account), "Content-Type": "application/json" }, ""),
      422,
      INVALID_JSON_SCHEMA,
    );
  });
});

describe("GET /e/<id>/versions", () => {
  it("lists versions 1..N in ascending order without the base", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, 2);
    const res = await call("GET", `/e/${id}/versions`, { headers: secret(account) });
    const text = await res.text();
    const body = JSON.parse(text) as { binVersions: { created: string }[] };
    const [first, second] = body.binVersions.map((v) => v.created);
    expect(first).toMatch(ISO);
    expect(second).toMatch(ISO);
    expect(res.status).toBe(200);
    expect(text).toBe(
      `{"binVersions":[{"version":1,"created":"${first}"},{"version":2,"created":"${second}"}],"versionCount":2,"success":true}`,
    );
  });

  it("lists a public bin's versions without a key", async () => {
    const account = await createAccount();
    const id = await v2Create(account, { v: 0 }, { private: "false" });
    expect((await update(null, id, { v: 1 })).status).toBe(200);
    const body = (await (await call("GET", `/e/${id}/versions`)).json()) as { versionCount: number };
    expect(body.versionCount).toBe(1);
  });

  it("answers 404 No versions found for a bin without versions", async () => {
    const account = await createAccount();
    const id = await v2Create(account);
    await expectLegacyError(
      await call("GET", `/e/${id}/versions`, { headers: secret(account) }),
      404,
      NO_VERSIONS_FOUND,
    );
  });

  it("needs the owner's secret-key for a private bin", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const id = await binWithVersions(account, 1);
    await expectLegacyError(await call("GET", `/e/${id}/versions`), 401, NEED_SECRET_TO_READ);
    await expectLegacyError(await call("GET", `/e/${id}/versions`, { headers: secret(other) }), 401, INVALID_SECRET);
  });

  it("answers 422 for a malformed id and 404 for an unknown bin", async () => {
    await expectLegacyError(await call("GET", "/e/bad/versions"), 422, V2_INVALID_BIN_ID);
    await expectLegacyError(await call("GET", `/e/${UNKNOWN_ID}/versions`), 404, BIN_NOT_FOUND);
  });
});

describe("GET /e/requests", () => {
  it("answers 2147483647 for an account without a quota", async () => {
    const account = await createAccount();
    await expectText(await call("GET", "/e/requests", { headers: secret(account) }), '{"count":2147483647}');
  });

  it("answers the requests left under a quota, without counting itself", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { requestQuota: 5 } })).status).toBe(200);
    const id = await v2Create(account, { a: 1 });
    expect((await call("GET", `/b/${id}`, { headers: secret(account) })).status).toBe(200);
    await expectText(await call("GET", "/e/requests", { headers: secret(account) }), '{"count":3}');
    await expectText(await call("GET", "/e/requests", { headers: secret(account) }), '{"count":3}');
  });

  it("answers 0 once the quota is used up, when other v2 requests get 403", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { requestQuota: 1 } })).status).toBe(200);
    const id = await v2Create(account, { a: 1 });
    await expectLegacyError(await call("GET", `/b/${id}`, { headers: secret(account) }), 403, REQUESTS_EXHAUSTED);
    await expectText(await call("GET", "/e/requests", { headers: secret(account) }), '{"count":0}');
  });

  it("needs a valid secret-key", async () => {
    await expectLegacyError(await call("GET", "/e/requests"), 401, NEED_SECRET_FOR_REQUESTS_COUNT);
    await expectLegacyError(
      await call("GET", "/e/requests", { headers: { "secret-key": "nope" } }),
      401,
      INVALID_SECRET,
    );
  });
});

describe("v2 routing", () => {
  it("answers unknown paths and unsupported methods with the legacy 404", async () => {
    const account = await createAccount();
    const id = await v2Create(account);
    for (const [method, path] of [
      ["GET", "/nothing"],
      ["GET", "/b"],
      ["PATCH", `/b/${id}`],
      ["POST", `/b/${id}`],
      ["GET", "/c"],
      ["DELETE", `/s/${id}`],
      ["GET", `/b/${id}/1/2`],
      ["GET", "/g/1.2.3.4"],
    ] as const) {
      await expectLegacyError(await call(method, path, { headers: secret(account) }), 404, ROUTE_NOT_FOUND);
    }
  });

  it("ignores X-Master-Key on a private read", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v3: true });
    await expectLegacyError(await call("GET", `/b/${bin.id}`, { headers: master(account) }), 401, NEED_SECRET_TO_READ);
  });
});
