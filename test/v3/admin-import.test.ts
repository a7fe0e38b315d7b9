import { describe, expect, it } from "vitest";
import {
  ACCOUNT_NOT_FOUND,
  ADMIN_KEY,
  ALREADY_EXISTS,
  BIN_BLANK,
  BIN_NOT_FOUND_OR_NOT_YOURS,
  BIN_VERSION_INVALID,
  BODY_TOO_LARGE,
  COLLECTION_LIMIT,
  COLLECTION_NOT_FOUND,
  call,
  callWithEnv,
  createAccount,
  createBin,
  expectError,
  INVALID_ACCOUNT_ID,
  INVALID_ADMIN_KEY,
  INVALID_BIN_ID,
  INVALID_COLLECTION_ID,
  INVALID_JSON,
  INVALID_JSON_SCHEMA,
  INVALID_SCHEMA_ID,
  master,
  NOT_OBJECT_OR_ARRAY,
  ROUTE_NOT_FOUND,
  SCHEMA_DOC_NOT_FOUND,
  seedVersions,
  type TestAccount,
  UNKNOWN_ID,
  VERSION_OUT_OF_ORDER,
} from "../helpers";

// §2.5 moving in: the admin import routes, through the HTTP surface. Ids are global, so every test
// uses fresh ids of its own.

const admin = { "X-Admin-Key": ADMIN_KEY };
const CONFLICT = ALREADY_EXISTS;
const T0 = "2021-05-09T10:40:50.721Z";
const T1 = "2022-01-02T03:04:05.006Z";
const T2 = "2023-07-08T09:10:11.012Z";

const freshId = (): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");

const put = (path: string, body: unknown, headers: Record<string, string> = admin) =>
  call("PUT", `/v3/admin/accounts/${path}`, { headers, body });

async function ok<T = Record<string, unknown>>(res: Response): Promise<T> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toEqual({ status: 200, body: expect.any(String) });
  expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
  return JSON.parse(text) as T;
}

async function requestsUsed(account: TestAccount): Promise<number> {
  const res = await call("GET", `/v3/admin/accounts/${account.accountId}`, { headers: admin });
  return ((await res.json()) as { usage: { requestsUsed: number } }).usage.requestsUsed;
}

const personSchema = { type: "object", required: ["username"], properties: { username: { type: "string" } } };

async function importedSchema(account: TestAccount, id = freshId()): Promise<string> {
  await ok(await put(`${account.accountId}/schemas/${id}`, { name: "people", schema: personSchema, createdAt: T0 }));
  return id;
}

async function importedCollection(account: TestAccount, schemaDocId?: string): Promise<string> {
  const id = freshId();
  await ok(
    await put(`${account.accountId}/collections/${id}`, {
      name: "things",
      createdAt: T0,
      ...(schemaDocId ? { schemaDocId } : {}),
    }),
  );
  return id;
}

async function importedBin(account: TestAccount, item: Record<string, unknown> = {}): Promise<string> {
  const id = freshId();
  await ok(await put(`${account.accountId}/bins/${id}`, { private: true, createdAt: T0, record: { v: 0 }, ...item }));
  return id;
}

describe("PUT /v3/admin/accounts/<accountId>/schemas/<schemaId>", () => {
  it("imports a schema doc under its own id, name and creation time", async () => {
    const account = await createAccount();
    const id = freshId();
    const res = await put(`${account.accountId}/schemas/${id}`, {
      name: " people ",
      schema: personSchema,
      createdAt: T0,
    });
    expect(await res.text()).toBe(JSON.stringify({ id, name: "people", createdAt: T0 }));
    const read = await call("GET", `/v3/s/${id}`, { headers: master(account) });
    expect(await read.json()).toEqual({ record: personSchema, metadata: { id, createdAt: T0, name: "people" } });
  });

  it("answers a second identical send with 200 and changes nothing, with or without createdAt", async () => {
    const account = await createAccount();
    const id = await importedSchema(account);
    const again = await ok(
      await put(`${account.accountId}/schemas/${id}`, { name: "people", schema: personSchema, createdAt: T0 }),
    );
    expect(again).toEqual({ id, name: "people", createdAt: T0 });
    const untimed = await ok(await put(`${account.accountId}/schemas/${id}`, { name: "people", schema: personSchema }));
    expect(untimed).toEqual({ id, name: "people", createdAt: T0 });
  });

  it("gives a schema doc sent without createdAt the time of import", async () => {
    const account = await createAccount();
    const before = Date.now();
    const body = await ok<{ createdAt: string }>(
      await put(`${account.accountId}/schemas/${freshId()}`, { name: "now", schema: {} }),
    );
    expect(Date.parse(body.createdAt)).toBeGreaterThanOrEqual(before);
  });

  it("accepts the export line itself as the body, and normalises the time to UTC milliseconds", async () => {
    const account = await createAccount();
    const id = freshId();
    const line = {
      type: "schema",
      id,
      name: "people",
      schema: personSchema,
      createdAt: "2021-05-09T12:40:50.721+02:00",
    };
    expect(await ok(await put(`${account.accountId}/schemas/${id}`, line))).toEqual({
      id,
      name: "people",
      createdAt: T0,
    });
  });

  it("refuses the same id with another name, schema or creation time, and another account's id", async () => {
    const account = await createAccount();
    const id = await importedSchema(account);
    const path = `${account.accountId}/schemas/${id}`;
    await expectError(await put(path, { name: "other", schema: personSchema }), 409, CONFLICT);
    await expectError(await put(path, { name: "people", schema: { type: "array" } }), 409, CONFLICT);
    await expectError(await put(path, { name: "people", schema: personSchema, createdAt: T1 }), 409, CONFLICT);
    const other = await createAccount();
    await expectError(
      await put(`${other.accountId}/schemas/${id}`, { name: "people", schema: personSchema }),
      409,
      CONFLICT,
    );
  });

  it("refuses malformed ids, a wrong admin key and an unknown account, in that order", async () => {
    const account = await createAccount();
    const body = { name: "people", schema: {} };
    await expectError(await put(`nope/schemas/${freshId()}`, body), 400, INVALID_ACCOUNT_ID);
    await expectError(await put(`${account.accountId}/schemas/nope`, body), 400, INVALID_SCHEMA_ID);
    await expectError(await put(`${account.accountId}/schemas/nope`, body, {}), 400, INVALID_SCHEMA_ID);
    await expectError(await put(`${account.accountId}/schemas/${freshId()}`, body, {}), 401, INVALID_ADMIN_KEY);
    await expectError(await put(`${UNKNOWN_ID}/schemas/${freshId()}`, "{"), 404, ACCOUNT_NOT_FOUND);
  });

  it("refuses bodies that are not an import item, naming the field", async () => {
    const account = await createAccount();
    const path = () => `${account.accountId}/schemas/${freshId()}`;
    await expectError(await put(path(), "{"), 400, INVALID_JSON);
    await expectError(await put(path(), "[]"), 400, INVALID_JSON);
    await expectError(await put(path(), { schema: {} }), 400, "Invalid import item: name");
    await expectError(await put(path(), { name: "", schema: {} }), 400, "Invalid import item: name");
    await expectError(await put(path(), { name: "x".repeat(33), schema: {} }), 400, "Invalid import item: name");
    await expectError(await put(path(), { name: 7, schema: {} }), 400, "Invalid import item: name");
    await expectError(await put(path(), { name: "people" }), 400, "Invalid import item: schema");
    await expectError(await put(path(), { name: "people", schema: { type: 12 } }), 400, INVALID_JSON_SCHEMA);
    await expectError(await put(path(), { name: "people", schema: 3 }), 400, INVALID_JSON_SCHEMA);
    await expectError(
      await put(path(), { name: "p", schema: {}, createdAt: "yesterday" }),
      400,
      "Invalid import item: createdAt",
    );
    await expectError(
      await put(path(), { name: "p", schema: {}, createdAt: "2021-05-09" }),
      400,
      "Invalid import item: createdAt",
    );
    await expectError(await put(path(), { name: "p", schema: {}, id: freshId() }), 400, "Invalid import item: id");
  });

  it("counts names in code points, like the name headers", async () => {
    const account = await createAccount();
    const name = "🦊".repeat(32);
    expect(await ok(await put(`${account.accountId}/schemas/${freshId()}`, { name, schema: {} }))).toMatchObject({
      name,
    });
  });

  it("applies the request cap", async () => {
    const account = await createAccount();
    const res = await callWithEnv(
      { MAX_REQUEST_BYTES: "100" },
      "PUT",
      `/v3/admin/accounts/${account.accountId}/schemas/${freshId()}`,
      {
        headers: admin,
        body: { name: "people", schema: { description: "x".repeat(200) } },
      },
    );
    await expectError(res, 413, BODY_TOO_LARGE);
  });
});

describe("PUT /v3/admin/accounts/<accountId>/collections/<collectionId>", () => {
  it("imports a collection with its schema doc attached, listed as the owner sees it", async () => {
    const account = await createAccount();
    const schemaDocId = await importedSchema(account);
    const id = freshId();
    const res = await put(`${account.accountId}/collections/${id}`, { name: "Café ☕", schemaDocId, createdAt: T1 });
    expect(await res.text()).toBe(JSON.stringify({ id, name: "Café ☕", schemaDocId, createdAt: T1 }));
    const list = await call("GET", "/v3/c", { headers: master(account) });
    expect(await list.json()).toEqual([
      { record: id, collectionMeta: { name: "Café ☕" }, schemaDocId, createdAt: T1 },
    ]);
  });

  it("omits schemaDocId when none is attached, and answers an identical send with 200", async () => {
    const account = await createAccount();
    const id = freshId();
    const path = `${account.accountId}/collections/${id}`;
    expect(await (await put(path, { name: "plain", createdAt: T0 })).text()).toBe(
      JSON.stringify({ id, name: "plain", createdAt: T0 }),
    );
    expect(await ok(await put(path, { name: "plain" }))).toEqual({ id, name: "plain", createdAt: T0 });
  });

  it("refuses a schema doc that is not imported yet, or is another account's", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const foreign = await importedSchema(other);
    await expectError(
      await put(`${account.accountId}/collections/${freshId()}`, { name: "c", schemaDocId: UNKNOWN_ID }),
      404,
      SCHEMA_DOC_NOT_FOUND,
    );
    await expectError(
      await put(`${account.accountId}/collections/${freshId()}`, { name: "c", schemaDocId: foreign }),
      404,
      SCHEMA_DOC_NOT_FOUND,
    );
  });

  it("refuses a changed collection under the same id", async () => {
    const account = await createAccount();
    const schemaDocId = await importedSchema(account);
    const id = await importedCollection(account);
    const path = `${account.accountId}/collections/${id}`;
    await expectError(await put(path, { name: "renamed" }), 409, CONFLICT);
    await expectError(await put(path, { name: "things", schemaDocId }), 409, CONFLICT);
  });

  it("refuses malformed ids and fields", async () => {
    const account = await createAccount();
    const path = () => `${account.accountId}/collections/${freshId()}`;
    await expectError(await put(`${account.accountId}/collections/xyz`, { name: "c" }), 400, INVALID_COLLECTION_ID);
    await expectError(await put(path(), { name: "c", schemaDocId: "xyz" }), 400, INVALID_SCHEMA_ID);
    await expectError(await put(path(), { name: "c", schemaDocId: 5 }), 400, "Invalid import item: schemaDocId");
    await expectError(await put(path(), { name: "   " }), 400, "Invalid import item: name");
    await expectError(await put(path(), {}), 400, "Invalid import item: name");
  });

  it("does not apply the plan's collection limit to imports, but new creations still meet it", async () => {
    const account = await createAccount(); // free: 10 collections
    for (let i = 0; i < 11; i++)
      await ok(await put(`${account.accountId}/collections/${freshId()}`, { name: `c${i}` }));
    const create = await call("POST", "/v3/c", { headers: { ...master(account), "X-Collection-Name": "one more" } });
    await expectError(create, 403, COLLECTION_LIMIT);
  });
});

describe("PUT /v3/admin/accounts/<accountId>/bins/<binId>", () => {
  it("imports a bin under its id with its name, privacy, collection, time and base record", async () => {
    const account = await createAccount();
    const collectionId = await importedCollection(account);
    const id = freshId();
    const item = { private: true, name: "Grüße, 世界 🌍", collectionId, createdAt: T0, record: { hello: "wörld" } };
    const res = await put(`${account.accountId}/bins/${id}`, item);
    expect(await res.text()).toBe(JSON.stringify({ id, private: true, versionCount: 0, createdAt: T0 }));
    const read = await call("GET", `/v3/b/${id}`, { headers: master(account) });
    expect(read.headers.get("X-Bin-Version")).toBe("0");
    expect(await read.json()).toEqual({
      record: { hello: "wörld" },
      metadata: { id, private: true, createdAt: T0, name: "Grüße, 世界 🌍", collectionId },
    });
    const listing = await call("GET", `/v3/c/${collectionId}/bins`, { headers: master(account) });
    expect(await listing.json()).toEqual([
      { private: true, snippetMeta: { name: "Grüße, 世界 🌍" }, record: id, createdAt: T0 },
    ]);
    const versions = await call("GET", `/v3/b/${id}/versions`, { headers: master(account) });
    expect(((await versions.json()) as { versions: unknown[] }).versions).toEqual([
      { version: 0, createdAt: T0, size: JSON.stringify({ hello: "wörld" }).length + 1 },
    ]);
  });

  it("makes a public bin readable by anyone, uncategorized", async () => {
    const account = await createAccount();
    const id = await importedBin(account, { private: false, record: [1, 2, 3] });
    const read = await call("GET", `/v3/b/${id}/latest`, { headers: { "X-Bin-Meta": "false" } });
    expect(await read.json()).toEqual([1, 2, 3]);
    const listing = await call("GET", "/v3/c/uncategorized/bins", { headers: master(account) });
    expect(await listing.json()).toEqual([{ private: false, snippetMeta: {}, record: id, createdAt: T0 }]);
  });

  it("answers an identical send with 200 and the bin's current version count", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    await ok(await put(`${account.accountId}/bins/${id}/versions/1`, { record: { v: 1 } }));
    const again = await ok(await put(`${account.accountId}/bins/${id}`, { private: true, record: { v: 0 } }));
    expect(again).toEqual({ id, private: true, versionCount: 1, createdAt: T0 });
  });

  it("refuses a changed bin under the same id, another account's bin, and a bin created by the API", async () => {
    const account = await createAccount();
    const collectionId = await importedCollection(account);
    const id = await importedBin(account);
    const path = `${account.accountId}/bins/${id}`;
    const same = { private: true, createdAt: T0, record: { v: 0 } };
    await expectError(await put(path, { ...same, private: false }), 409, CONFLICT);
    await expectError(await put(path, { ...same, name: "named" }), 409, CONFLICT);
    await expectError(await put(path, { ...same, collectionId }), 409, CONFLICT);
    await expectError(await put(path, { ...same, createdAt: T1 }), 409, CONFLICT);
    await expectError(await put(path, { ...same, record: { v: "changed" } }), 409, CONFLICT);
    const other = await createAccount();
    await expectError(await put(`${other.accountId}/bins/${id}`, same), 409, CONFLICT);
    const created = await createBin(account, { made: "by the API" });
    await expectError(
      await put(`${account.accountId}/bins/${created.id}`, { private: true, record: { v: 0 } }),
      409,
      CONFLICT,
    );
  });

  it("applies neither the plan's record size limit nor the collection's schema", async () => {
    const account = await createAccount(); // free: 100 KB records
    const schemaDocId = await importedSchema(account);
    const collectionId = await importedCollection(account, schemaDocId);
    const big = { blob: "x".repeat(200_000) };
    const id = await importedBin(account, { collectionId, record: big });
    const read = await call("GET", `/v3/b/${id}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
    expect(await read.json()).toEqual(big);
    // Ordinary writes still meet both.
    const update = await call("PUT", `/v3/b/${id}`, { headers: master(account), body: { username: 5 } });
    expect(update.status).toBe(400);
  });

  it("refuses a collection that is not imported yet, or is another account's", async () => {
    const account = await createAccount();
    const foreign = await importedCollection(await createAccount());
    const item = { private: true, record: { a: 1 } };
    await expectError(
      await put(`${account.accountId}/bins/${freshId()}`, { ...item, collectionId: UNKNOWN_ID }),
      404,
      COLLECTION_NOT_FOUND,
    );
    await expectError(
      await put(`${account.accountId}/bins/${freshId()}`, { ...item, collectionId: foreign }),
      404,
      COLLECTION_NOT_FOUND,
    );
  });

  it("refuses malformed ids and fields, and records the body rules refuse", async () => {
    const account = await createAccount();
    const path = () => `${account.accountId}/bins/${freshId()}`;
    const item = { private: true, record: { a: 1 } };
    await expectError(await put(`${account.accountId}/bins/123`, item), 400, INVALID_BIN_ID);
    await expectError(await put(path(), { record: { a: 1 } }), 400, "Invalid import item: private");
    await expectError(await put(path(), { ...item, private: "true" }), 400, "Invalid import item: private");
    await expectError(await put(path(), { ...item, name: " " }), 400, "Invalid import item: name");
    await expectError(await put(path(), { ...item, name: "n".repeat(129) }), 400, "Invalid import item: name");
    await expectError(await put(path(), { ...item, collectionId: "c" }), 400, INVALID_COLLECTION_ID);
    await expectError(await put(path(), { ...item, collectionId: [] }), 400, "Invalid import item: collectionId");
    await expectError(await put(path(), { private: true }), 400, "Invalid import item: record");
    await expectError(await put(path(), { private: true, record: {} }), 400, BIN_BLANK);
    await expectError(await put(path(), { private: true, record: "text" }), 400, NOT_OBJECT_OR_ARRAY);
    await expectError(await put(path(), { private: true, record: null }), 400, NOT_OBJECT_OR_ARRAY);
  });

  it("is not counted against the account", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    await ok(await put(`${account.accountId}/bins/${id}/versions/1`, { record: { v: 1 } }));
    expect(await requestsUsed(account)).toBe(0);
  });
});

describe("PUT /v3/admin/accounts/<accountId>/bins/<binId>/versions/<n>", () => {
  it("appends version N+1 with the record's own last write time", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    const first = await put(`${account.accountId}/bins/${id}/versions/1`, { record: { v: 1 }, createdAt: T1 });
    expect(await first.text()).toBe(JSON.stringify({ id, version: 1, versionCount: 1 }));
    await ok(await put(`${account.accountId}/bins/${id}/versions/2`, { record: { v: 2 }, createdAt: T2 }));
    const listed = await call("GET", `/v3/b/${id}/versions`, { headers: master(account) });
    expect(((await listed.json()) as { versions: { version: number; createdAt: string }[] }).versions).toEqual([
      { version: 2, createdAt: T2, size: 7 },
      { version: 1, createdAt: T1, size: 7 },
      { version: 0, createdAt: T0, size: 7 },
    ]);
    const v1 = await call("GET", `/v3/b/${id}/1`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
    expect(await v1.json()).toEqual({ v: 1 });
    const latest = await call("GET", `/v3/b/${id}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
    expect(latest.headers.get("X-Bin-Version")).toBe("2");
    expect(await latest.json()).toEqual({ v: 2 });
  });

  it("answers a re-sent version, the base included, with 200 and the current count", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    for (const v of [1, 2, 3]) await ok(await put(`${account.accountId}/bins/${id}/versions/${v}`, { record: { v } }));
    const again = await put(`${account.accountId}/bins/${id}/versions/2`, { record: { v: 2 }, createdAt: T2 });
    expect(await again.text()).toBe(JSON.stringify({ id, version: 2, versionCount: 3 }));
    expect(await ok(await put(`${account.accountId}/bins/${id}/versions/0`, { record: { v: 0 } }))).toEqual({
      id,
      version: 0,
      versionCount: 3,
    });
    const count = await call("GET", `/v3/b/${id}/versions/count`, { headers: master(account) });
    expect(((await count.json()) as { metadata: { versionCount: number } }).metadata.versionCount).toBe(3);
  });

  it("answers 120 versions re-sent at once, more than one lookup of stored records holds", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    await seedVersions(id, 120, (v) => ({ v }));
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        put(`${account.accountId}/bins/${id}/versions/${i + 1}`, { record: { v: i + 1 } }),
      ),
    );
    const texts = await Promise.all(answers.map((res) => res.text()));
    expect(answers.map((res) => res.status)).toEqual(Array(120).fill(200));
    expect(texts).toEqual(
      Array.from({ length: 120 }, (_, i) => JSON.stringify({ id, version: i + 1, versionCount: 120 })),
    );
    await expectError(
      await put(`${account.accountId}/bins/${id}/versions/7`, { record: { v: "other" } }),
      409,
      CONFLICT,
    );
  });

  it("refuses a different record for an existing version, and a version past N+1", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    await ok(await put(`${account.accountId}/bins/${id}/versions/1`, { record: { v: 1 } }));
    await expectError(
      await put(`${account.accountId}/bins/${id}/versions/1`, { record: { v: "other" } }),
      409,
      CONFLICT,
    );
    await expectError(
      await put(`${account.accountId}/bins/${id}/versions/0`, { record: { v: "other" } }),
      409,
      CONFLICT,
    );
    await expectError(
      await put(`${account.accountId}/bins/${id}/versions/3`, { record: { v: 3 } }),
      409,
      VERSION_OUT_OF_ORDER,
    );
  });

  it("refuses a version number that is not 0 to 1000", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    for (const n of ["1001", "-1", "1.5", "latest", "0x1", "1234567890"]) {
      await expectError(
        await put(`${account.accountId}/bins/${id}/versions/${n}`, { record: { v: 1 } }),
        400,
        BIN_VERSION_INVALID,
      );
    }
  });

  it("refuses an unknown account first, then a bin that is not imported yet or is another account's", async () => {
    const account = await createAccount();
    const foreign = await importedBin(await createAccount());
    const notFound = BIN_NOT_FOUND_OR_NOT_YOURS;
    await expectError(
      await put(`${UNKNOWN_ID}/bins/${foreign}/versions/1`, { record: { v: 1 } }),
      404,
      ACCOUNT_NOT_FOUND,
    );
    await expectError(
      await put(`${account.accountId}/bins/${UNKNOWN_ID}/versions/1`, { record: { v: 1 } }),
      404,
      notFound,
    );
    await expectError(
      await put(`${account.accountId}/bins/${foreign}/versions/1`, { record: { v: 1 } }),
      404,
      notFound,
    );
  });

  it("refuses a body that names another bin or version, or whose record the body rules refuse", async () => {
    const account = await createAccount();
    const id = await importedBin(account);
    const path = `${account.accountId}/bins/${id}/versions/1`;
    await expectError(
      await put(path, { binId: UNKNOWN_ID, version: 1, record: { v: 1 } }),
      400,
      "Invalid import item: binId",
    );
    await expectError(
      await put(path, { binId: id, version: 2, record: { v: 1 } }),
      400,
      "Invalid import item: version",
    );
    await expectError(await put(path, { createdAt: T1 }), 400, "Invalid import item: record");
    await expectError(await put(path, { record: {} }), 400, BIN_BLANK);
    await expectError(await put(path, { record: 12 }), 400, NOT_OBJECT_OR_ARRAY);
    await expectError(await put(path, { record: { v: 1 }, createdAt: 12 }), 400, "Invalid import item: createdAt");
    const line = { type: "record", binId: id.toUpperCase(), version: 1, createdAt: T1, record: { v: 1 } };
    expect(await ok(await put(path, line))).toEqual({ id, version: 1, versionCount: 1 });
  });
});

describe("the import routes without ADMIN_KEY", () => {
  it("do not exist", async () => {
    const account = await createAccount();
    for (const path of [
      `schemas/${freshId()}`,
      `collections/${freshId()}`,
      `bins/${freshId()}`,
      `bins/${freshId()}/versions/1`,
    ]) {
      const res = await callWithEnv(
        { ADMIN_KEY: undefined },
        "PUT",
        `/v3/admin/accounts/${account.accountId}/${path}`,
        {
          headers: admin,
          body: {},
        },
      );
      await expectError(res, 404, ROUTE_NOT_FOUND);
    }
  });
});
