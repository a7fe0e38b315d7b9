import { describe, expect, it } from "vitest";
import {
  ADMIN_KEY,
  COLLECTION_LIMIT,
  COLLECTION_NAME_BLANK,
  COLLECTION_NAME_TOO_LONG,
  COLLECTION_NOT_EMPTY,
  COLLECTION_NOT_FOUND,
  call,
  createAccount,
  createBin,
  createCollection,
  expectError,
  INVALID_COLLECTION_ID,
  INVALID_MASTER,
  listCollectionsText,
  listingPage,
  master,
  NEED_COLLECTION_NAME,
  NEED_MASTER,
  OTHER_UNKNOWN_ID,
  okText,
  patchAccount,
  REQUESTS_EXHAUSTED,
  ROUTE_NOT_FOUND,
  UNKNOWN_ID,
  withCollectionName,
} from "../helpers";

// §4 collections: what each route refuses, and in which order it checks (§1.6).

describe("the master key on collection routes", () => {
  const routes: [string, string, string, Record<string, string>][] = [
    ["creating", "POST", "/v3/c", { "X-Collection-Name": "x" }],
    ["listing", "GET", "/v3/c", {}],
    ["renaming", "PUT", `/v3/c/${UNKNOWN_ID}/meta/name`, { "X-Collection-Name": "x" }],
    ["listing the bins of", "GET", `/v3/c/${UNKNOWN_ID}/bins`, {}],
    ["listing the next page of", "GET", `/v3/c/${UNKNOWN_ID}/bins/${OTHER_UNKNOWN_ID}`, {}],
    ["listing uncategorized bins of", "GET", "/v3/c/uncategorized/bins", {}],
    ["listing the next uncategorized page of", "GET", `/v3/c/uncategorized/bins/${OTHER_UNKNOWN_ID}`, {}],
    ["attaching a schema to", "PUT", `/v3/c/${UNKNOWN_ID}/schemadoc/add`, { "X-Schema-Doc-Id": OTHER_UNKNOWN_ID }],
    ["attaching a schema by path to", "PUT", `/v3/c/${UNKNOWN_ID}/schemadoc/add/${OTHER_UNKNOWN_ID}`, {}],
    ["detaching the schema of", "PUT", `/v3/c/${UNKNOWN_ID}/schemadoc/remove`, {}],
    ["deleting", "DELETE", `/v3/c/${UNKNOWN_ID}`, {}],
  ];

  for (const [what, method, path, headers] of routes) {
    it(`is required for ${what} a collection (${method} ${path.replace(/[0-9a-f]{24}/g, "<id>")})`, async () => {
      await expectError(await call(method, path, { headers }), 401, NEED_MASTER);
      await expectError(await call(method, path, { headers: { ...headers, "X-Master-Key": "" } }), 401, NEED_MASTER);
    });

    it(`is not replaced by an access key when ${what} a collection (${method} ${path.replace(/[0-9a-f]{24}/g, "<id>")})`, async () => {
      await expectError(
        await call(method, path, { headers: { ...headers, "X-Access-Key": "some-access-key" } }),
        401,
        NEED_MASTER,
      );
    });

    it(`must be valid for ${what} a collection (${method} ${path.replace(/[0-9a-f]{24}/g, "<id>")})`, async () => {
      await expectError(
        await call(method, path, { headers: { ...headers, "X-Master-Key": "not-a-real-key" } }),
        401,
        INVALID_MASTER,
      );
    });
  }
});

describe("the request quota on collection routes", () => {
  it("answers 403 Requests exhausted once the quota is used up, creating nothing", async () => {
    const account = await createAccount();
    const collection = await createCollection(account, "before");
    expect((await patchAccount(account.accountId, { limits: { requestQuota: 0 } })).status).toBe(200);
    await expectError(
      await call("POST", "/v3/c", { headers: withCollectionName(account, "after") }),
      403,
      REQUESTS_EXHAUSTED,
    );
    await expectError(await call("GET", "/v3/c", { headers: master(account) }), 403, REQUESTS_EXHAUSTED);
    await expectError(
      await call("GET", `/v3/c/${collection.id}/bins`, { headers: master(account) }),
      403,
      REQUESTS_EXHAUSTED,
    );
    await expectError(
      await call("GET", "/v3/c/uncategorized/bins", { headers: master(account) }),
      403,
      REQUESTS_EXHAUSTED,
    );
    await expectError(
      await call("DELETE", `/v3/c/${collection.id}`, { headers: master(account) }),
      403,
      REQUESTS_EXHAUSTED,
    );
    // Not found (§1.6 step 5) is decided before the quota (step 6).
    await expectError(
      await call("GET", `/v3/c/${UNKNOWN_ID}/bins`, { headers: master(account) }),
      404,
      COLLECTION_NOT_FOUND,
    );
    expect((await patchAccount(account.accountId, { limits: { requestQuota: null } })).status).toBe(200);
    const listed = JSON.parse(await listCollectionsText(account)) as { record: string }[];
    expect(listed.map((c) => c.record)).toEqual([collection.id]);
  });
});

describe("POST /v3/c", () => {
  it("asks for X-Collection-Name when it is missing", async () => {
    const account = await createAccount();
    await expectError(await call("POST", "/v3/c", { headers: master(account) }), 400, NEED_COLLECTION_NAME);
  });

  it("refuses an empty or whitespace-only X-Collection-Name as blank", async () => {
    const account = await createAccount();
    for (const name of ["", "   "]) {
      await expectError(
        await call("POST", "/v3/c", { headers: withCollectionName(account, name) }),
        400,
        COLLECTION_NAME_BLANK,
      );
    }
  });

  it("accepts a 32-character name and refuses a 33-character one", async () => {
    const account = await createAccount();
    expect((await createCollection(account, "a".repeat(32))).name).toBe("a".repeat(32));
    await expectError(
      await call("POST", "/v3/c", { headers: withCollectionName(account, "a".repeat(33)) }),
      400,
      COLLECTION_NAME_TOO_LONG,
    );
  });

  it("counts code points, not UTF-16 units: 32 emoji are accepted and 33 refused", async () => {
    const account = await createAccount();
    expect((await createCollection(account, "😀".repeat(32))).name).toBe("😀".repeat(32));
    await expectError(
      await call("POST", "/v3/c", { headers: withCollectionName(account, "😀".repeat(33)) }),
      400,
      COLLECTION_NAME_TOO_LONG,
    );
  });

  it("checks the name before the key", async () => {
    await expectError(await call("POST", "/v3/c", {}), 400, NEED_COLLECTION_NAME);
    await expectError(
      await call("POST", "/v3/c", {
        headers: { "X-Master-Key": "not-a-real-key", "X-Collection-Name": "c".repeat(33) },
      }),
      400,
      COLLECTION_NAME_TOO_LONG,
    );
  });
});

describe("the collection limit", () => {
  it("lets a free account create 10 collections and refuses the 11th", async () => {
    const account = await createAccount();
    for (let i = 1; i <= 10; i++) await createCollection(account, `c${i}`);
    await expectError(
      await call("POST", "/v3/c", { headers: withCollectionName(account, "c11") }),
      403,
      COLLECTION_LIMIT,
    );
    expect(JSON.parse(await listCollectionsText(account))).toHaveLength(10);
  });

  it("lets a pro account create 100 collections and refuses the 101st", async () => {
    const account = await createAccount({ plan: "pro" });
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => createCollection(account, `c${batch * 10 + i}`)));
    }
    await expectError(
      await call("POST", "/v3/c", { headers: withCollectionName(account, "one too many") }),
      403,
      COLLECTION_LIMIT,
    );
  });

  it("follows a per-account override, and the plan default again once the override is removed", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxCollections: 2 } })).status).toBe(200);
    await createCollection(account, "one");
    await createCollection(account, "two");
    await expectError(
      await call("POST", "/v3/c", { headers: withCollectionName(account, "three") }),
      403,
      COLLECTION_LIMIT,
    );
    expect((await patchAccount(account.accountId, { limits: { maxCollections: null } })).status).toBe(200);
    await createCollection(account, "three");
  });

  it("keeps existing collections when the limit is lowered below their number, and refuses new ones", async () => {
    const account = await createAccount();
    for (const name of ["a", "b", "c"]) await createCollection(account, name);
    expect((await patchAccount(account.accountId, { limits: { maxCollections: 2 } })).status).toBe(200);
    await expectError(
      await call("POST", "/v3/c", { headers: withCollectionName(account, "d") }),
      403,
      COLLECTION_LIMIT,
    );
    expect(JSON.parse(await listCollectionsText(account))).toHaveLength(3);
  });

  it("frees a slot when a collection is deleted", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxCollections: 1 } })).status).toBe(200);
    const first = await createCollection(account, "first");
    expect((await call("POST", "/v3/c", { headers: withCollectionName(account, "second") })).status).toBe(403);
    await okText(await call("DELETE", `/v3/c/${first.id}`, { headers: master(account) }));
    await createCollection(account, "second");
  });

  it("is never passed by parallel creates", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxCollections: 3 } })).status).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call("POST", "/v3/c", { headers: withCollectionName(account, `p${i}`) })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 403, 403, 403, 403, 403]);
    for (const r of results.filter((r) => r.status === 403)) {
      await expectError(r, 403, COLLECTION_LIMIT);
    }
    expect(JSON.parse(await listCollectionsText(account))).toHaveLength(3);
  });

  it("is checked after the name", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxCollections: 1 } })).status).toBe(200);
    await createCollection(account, "only");
    await expectError(await call("POST", "/v3/c", { headers: master(account) }), 400, NEED_COLLECTION_NAME);
  });
});

describe("GET /v3/c", () => {
  it("answers Route not found for GET /v3/c/<id> and other paths the contract does not list", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
    await expectError(await call("GET", `/v3/c/${collection.id}`, { headers: master(account) }), 404, ROUTE_NOT_FOUND);
    await expectError(await call("GET", `/v3/c/${collection.id}`), 404, ROUTE_NOT_FOUND);
    await expectError(await call("POST", `/v3/c/${collection.id}`, { headers: master(account) }), 404, ROUTE_NOT_FOUND);
    await expectError(await call("PATCH", "/v3/c", { headers: master(account) }), 404, ROUTE_NOT_FOUND);
    await expectError(
      await call("GET", `/v3/c/${collection.id}/meta/name`, { headers: master(account) }),
      404,
      ROUTE_NOT_FOUND,
    );
  });
});

describe("PUT /v3/c/<id>/meta/name", () => {
  it("refuses a malformed collection id", async () => {
    const account = await createAccount();
    for (const bad of ["123", "0123456789abcdef0123456g", "0123456789abcdef012345678", "uncategorized"]) {
      await expectError(
        await call("PUT", `/v3/c/${bad}/meta/name`, { headers: withCollectionName(account, "x") }),
        400,
        INVALID_COLLECTION_ID,
      );
    }
  });

  it("applies the name rules of create and keeps the old name", async () => {
    const account = await createAccount();
    const collection = await createCollection(account, "kept");
    const path = `/v3/c/${collection.id}/meta/name`;
    await expectError(await call("PUT", path, { headers: master(account) }), 400, NEED_COLLECTION_NAME);
    await expectError(
      await call("PUT", path, { headers: withCollectionName(account, " ") }),
      400,
      COLLECTION_NAME_BLANK,
    );
    await expectError(
      await call("PUT", path, { headers: withCollectionName(account, "😀".repeat(33)) }),
      400,
      COLLECTION_NAME_TOO_LONG,
    );
    expect(await okText(await call("PUT", path, { headers: withCollectionName(account, "😀".repeat(32)) }))).toBe(
      `{"record":"${collection.id}","metadata":{"name":"${"😀".repeat(32)}"}}`,
    );
  });

  it("answers Collection not found for an unknown id and for another account's collection", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await createCollection(other, "theirs");
    for (const id of [UNKNOWN_ID, theirs.id]) {
      await expectError(
        await call("PUT", `/v3/c/${id}/meta/name`, { headers: withCollectionName(account, "stolen") }),
        404,
        COLLECTION_NOT_FOUND,
      );
    }
    expect(await listCollectionsText(other)).toContain(`"collectionMeta":{"name":"theirs"}`);
  });

  it("checks the id, then the name, then the key, then the collection", async () => {
    await expectError(await call("PUT", "/v3/c/nope/meta/name", {}), 400, INVALID_COLLECTION_ID);
    await expectError(
      await call("PUT", `/v3/c/${UNKNOWN_ID}/meta/name`, { headers: { "X-Master-Key": "bad" } }),
      400,
      NEED_COLLECTION_NAME,
    );
    await expectError(
      await call("PUT", `/v3/c/${UNKNOWN_ID}/meta/name`, {
        headers: { "X-Master-Key": "bad", "X-Collection-Name": "x" },
      }),
      401,
      INVALID_MASTER,
    );
  });
});

describe("DELETE /v3/c/<id>", () => {
  it("refuses to delete a collection that still has bins, until they are deleted", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
    const bin = await createBin(account, { a: 1 }, { "X-Collection-Id": collection.id });
    await expectError(
      await call("DELETE", `/v3/c/${collection.id}`, { headers: master(account) }),
      409,
      COLLECTION_NOT_EMPTY,
    );
    expect((await listingPage(account, `/v3/c/${collection.id}/bins`)).map((b) => b.record)).toEqual([bin.id]);
    expect((await call("DELETE", `/v3/b/${bin.id}`, { headers: master(account) })).status).toBe(200);
    await okText(await call("DELETE", `/v3/c/${collection.id}`, { headers: master(account) }));
  });

  it("refuses a malformed id and answers Collection not found for an unknown or another account's collection", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await createCollection(other);
    await expectError(
      await call("DELETE", "/v3/c/uncategorized", { headers: master(account) }),
      400,
      INVALID_COLLECTION_ID,
    );
    await expectError(
      await call("DELETE", "/v3/c/not-an-id", { headers: master(account) }),
      400,
      INVALID_COLLECTION_ID,
    );
    for (const id of [UNKNOWN_ID, theirs.id]) {
      await expectError(await call("DELETE", `/v3/c/${id}`, { headers: master(account) }), 404, COLLECTION_NOT_FOUND);
    }
    expect(await listCollectionsText(other)).toContain(theirs.id);
  });

  it("checks the id before the key, and the key before the collection", async () => {
    await expectError(await call("DELETE", "/v3/c/not-an-id"), 400, INVALID_COLLECTION_ID);
    await expectError(await call("DELETE", `/v3/c/${UNKNOWN_ID}`), 401, NEED_MASTER);
  });
});

describe("POST /v3/b with X-Collection-Id", () => {
  it("refuses a malformed, unknown or another account's collection id and creates nothing", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await createCollection(other);
    for (const id of ["abc", "0123456789abcdef0123456g", UNKNOWN_ID, theirs.id]) {
      await expectError(
        await call("POST", "/v3/b", { headers: { ...master(account), "X-Collection-Id": id }, body: { a: 1 } }),
        400,
        INVALID_COLLECTION_ID,
      );
    }
    expect(await listingPage(account, "/v3/c/uncategorized/bins")).toEqual([]);
    expect(await listingPage(other, `/v3/c/${theirs.id}/bins`)).toEqual([]);
    const usage = await call("GET", `/v3/admin/accounts/${account.accountId}`, {
      headers: { "X-Admin-Key": ADMIN_KEY },
    });
    expect(((await usage.json()) as { usage: { bins: number } }).usage.bins).toBe(0);
  });
});
