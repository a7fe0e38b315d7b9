import { describe, expect, it } from "vitest";
import {
  ADMIN_KEY,
  BIN_NOT_FOUND_OR_NOT_YOURS,
  COLLECTION_DELETED,
  COLLECTION_LIMIT,
  COLLECTION_NAME_BLANK,
  COLLECTION_NAME_TOO_LONG,
  COLLECTION_NOT_EMPTY,
  COLLECTION_NOT_FOUND,
  call,
  createAccount,
  createBin,
  env,
  expectError,
  ID,
  INVALID_BIN_ID,
  INVALID_COLLECTION_ID,
  INVALID_MASTER,
  INVALID_SCHEMA_ID,
  ISO,
  master,
  NEED_COLLECTION_NAME,
  NEED_MASTER,
  NEED_SCHEMA_DOC_ID,
  okText,
  patchAccount,
  REQUESTS_EXHAUSTED,
  ROUTE_NOT_FOUND,
  SCHEMA_DOC_NOT_FOUND,
  SORT_ORDER_INVALID,
  type TestAccount,
  UNKNOWN_ID,
} from "../helpers";

// §4 collections (master key only) and §3.1 bin create with X-Collection-Id.

/** A 24-hex id that no resource has (distinct from UNKNOWN_ID). */
const OTHER_UNKNOWN_ID = "fedcba9876543210fedcba98";

const named = (account: TestAccount, name: string) => ({ ...master(account), "X-Collection-Name": name });

interface CreatedCollection {
  id: string;
  createdAt: string;
  name: string;
}

async function newCollection(account: TestAccount, name = "things"): Promise<CreatedCollection> {
  const text = await okText(await call("POST", "/v3/c", { headers: named(account, name) }));
  const body = JSON.parse(text) as { record: string; metadata: { createdAt: string; name: string } };
  return { id: body.record, createdAt: body.metadata.createdAt, name: body.metadata.name };
}

async function newSchema(
  account: TestAccount,
  name = "a schema",
  schema: unknown = { type: "object" },
): Promise<string> {
  const res = await call("POST", "/v3/s", { headers: { ...master(account), "X-Schema-Doc-Name": name }, body: schema });
  const body = JSON.parse(await okText(res)) as { metadata: { id: string } };
  return body.metadata.id;
}

async function listCollectionsText(account: TestAccount): Promise<string> {
  return okText(await call("GET", "/v3/c", { headers: master(account) }));
}

interface ListedBin {
  private: boolean;
  snippetMeta: { name?: string };
  record: string;
  createdAt: string;
}

async function page(account: TestAccount, path: string, headers: Record<string, string> = {}): Promise<ListedBin[]> {
  return JSON.parse(await okText(await call("GET", path, { headers: { ...master(account), ...headers } })));
}

/** Follows the cursor from page one until a page of fewer than 10 items; returns every page. */
async function walk(account: TestAccount, base: string, order?: "ascending" | "descending"): Promise<ListedBin[][]> {
  const headers: Record<string, string> = order ? { "X-Sort-Order": order } : {};
  const pages: ListedBin[][] = [];
  let path = base;
  for (let i = 0; i < 10; i++) {
    const items = await page(account, path, headers);
    pages.push(items);
    if (items.length < 10) return pages;
    path = `${base}/${items[items.length - 1]!.record}`;
  }
  throw new Error("the listing did not end");
}

interface Sortable {
  id: string;
  createdAt: string;
}

/** The contract's order (§4.4): createdAt, then id, both in the sort direction. */
function sorted(bins: Sortable[], order: "ascending" | "descending"): string[] {
  const asc = [...bins].sort((a, b) =>
    a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return (order === "ascending" ? asc : asc.reverse()).map((b) => b.id);
}

const randomId = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * TEST SEEDING, NOT THE API: inserts bin head rows straight into D1 (`bins` only) so several bins
 * share one `created_at` to the millisecond, which requests through the API cannot force. The
 * listing (§4.4) reads only `bins`; these rows have no records, so they are listed but never read.
 */
async function seedBinsAt(
  accountId: string,
  collectionId: string | null,
  createdAt: string,
  count: number,
): Promise<Sortable[]> {
  const rows = Array.from({ length: count }, () => ({ id: randomId(), createdAt }));
  await env.DB.batch(
    rows.map((row) =>
      env.DB.prepare(
        `INSERT INTO bins (id, account_id, private, name, collection_id, created_at, version_count, write_token)
         VALUES (?, ?, 1, NULL, ?, ?, 0, 'test-seed')`,
      ).bind(row.id, accountId, collectionId, row.createdAt),
    ),
  );
  return rows;
}

async function binsIn(account: TestAccount, count: number, headers: Record<string, string> = {}): Promise<Sortable[]> {
  const made: Sortable[] = [];
  for (let i = 0; i < count; i++) {
    const bin = await createBin(account, { n: i }, headers);
    made.push({ id: bin.id, createdAt: bin.metadata.createdAt as string });
  }
  return made;
}

/** Asserts 3 pages of 10, 10 and 5 in `order` (default descending when `order` is undefined). */
async function expectThreePages(
  account: TestAccount,
  base: string,
  bins: Sortable[],
  order?: "ascending" | "descending",
) {
  const pages = await walk(account, base, order);
  expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
  const ids = pages.flat().map((item) => item.record);
  expect(new Set(ids).size).toBe(25);
  expect(ids).toEqual(sorted(bins, order ?? "descending"));
}

// ---------------------------------------------------------------------------------------------

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
    const collection = await newCollection(account, "before");
    expect((await patchAccount(account.accountId, { limits: { requestQuota: 0 } })).status).toBe(200);
    await expectError(await call("POST", "/v3/c", { headers: named(account, "after") }), 403, REQUESTS_EXHAUSTED);
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
  it("creates a collection and returns its id, createdAt and name in contract order", async () => {
    const account = await createAccount();
    const before = Date.now();
    const res = await call("POST", "/v3/c", { headers: named(account, "Customers") });
    const text = await okText(res);
    const { record, metadata } = JSON.parse(text) as { record: string; metadata: { createdAt: string } };
    expect(record).toMatch(ID);
    expect(metadata.createdAt).toMatch(ISO);
    expect(Date.parse(metadata.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(metadata.createdAt)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(text).toBe(`{"record":"${record}","metadata":{"createdAt":"${metadata.createdAt}","name":"Customers"}}`);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("ignores the body and its Content-Type", async () => {
    const account = await createAccount();
    const res = await call("POST", "/v3/c", {
      headers: { ...named(account, "with body"), "Content-Type": "text/plain" },
      body: "this is not JSON",
    });
    expect(JSON.parse(await okText(res)).metadata.name).toBe("with body");
  });

  it("accepts one trailing slash", async () => {
    const account = await createAccount();
    expect(
      JSON.parse(await okText(await call("POST", "/v3/c/", { headers: named(account, "slash") }))).metadata.name,
    ).toBe("slash");
  });

  it("does not require names to be unique", async () => {
    const account = await createAccount();
    const a = await newCollection(account, "same");
    const b = await newCollection(account, "same");
    expect(a.id).not.toBe(b.id);
    expect(a.name).toBe("same");
    expect(b.name).toBe("same");
  });

  it("asks for X-Collection-Name when it is missing", async () => {
    const account = await createAccount();
    await expectError(await call("POST", "/v3/c", { headers: master(account) }), 400, NEED_COLLECTION_NAME);
  });

  it("refuses an empty or whitespace-only X-Collection-Name as blank", async () => {
    const account = await createAccount();
    for (const name of ["", "   "]) {
      await expectError(await call("POST", "/v3/c", { headers: named(account, name) }), 400, COLLECTION_NAME_BLANK);
    }
  });

  it("accepts a 32-character name and refuses a 33-character one", async () => {
    const account = await createAccount();
    expect((await newCollection(account, "a".repeat(32))).name).toBe("a".repeat(32));
    await expectError(
      await call("POST", "/v3/c", { headers: named(account, "a".repeat(33)) }),
      400,
      COLLECTION_NAME_TOO_LONG,
    );
  });

  it("counts code points, not UTF-16 units: 32 emoji are accepted and 33 refused", async () => {
    const account = await createAccount();
    expect((await newCollection(account, "😀".repeat(32))).name).toBe("😀".repeat(32));
    await expectError(
      await call("POST", "/v3/c", { headers: named(account, "😀".repeat(33)) }),
      400,
      COLLECTION_NAME_TOO_LONG,
    );
  });

  it("counts and stores the name after trimming", async () => {
    const account = await createAccount();
    const created = await newCollection(account, `  ${"b".repeat(32)}  `);
    expect(created.name).toBe("b".repeat(32));
    expect(await listCollectionsText(account)).toContain(`"collectionMeta":{"name":"${"b".repeat(32)}"}`);
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
    for (let i = 1; i <= 10; i++) await newCollection(account, `c${i}`);
    await expectError(await call("POST", "/v3/c", { headers: named(account, "c11") }), 403, COLLECTION_LIMIT);
    expect(JSON.parse(await listCollectionsText(account))).toHaveLength(10);
  });

  it("lets a pro account create 100 collections and refuses the 101st", async () => {
    const account = await createAccount({ plan: "pro" });
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => newCollection(account, `c${batch * 10 + i}`)));
    }
    await expectError(await call("POST", "/v3/c", { headers: named(account, "one too many") }), 403, COLLECTION_LIMIT);
  });

  it("follows a per-account override, and the plan default again once the override is removed", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxCollections: 2 } })).status).toBe(200);
    await newCollection(account, "one");
    await newCollection(account, "two");
    await expectError(await call("POST", "/v3/c", { headers: named(account, "three") }), 403, COLLECTION_LIMIT);
    expect((await patchAccount(account.accountId, { limits: { maxCollections: null } })).status).toBe(200);
    await newCollection(account, "three");
  });

  it("keeps existing collections when the limit is lowered below their number, and refuses new ones", async () => {
    const account = await createAccount();
    for (const name of ["a", "b", "c"]) await newCollection(account, name);
    expect((await patchAccount(account.accountId, { limits: { maxCollections: 2 } })).status).toBe(200);
    await expectError(await call("POST", "/v3/c", { headers: named(account, "d") }), 403, COLLECTION_LIMIT);
    expect(JSON.parse(await listCollectionsText(account))).toHaveLength(3);
  });

  it("frees a slot when a collection is deleted", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxCollections: 1 } })).status).toBe(200);
    const first = await newCollection(account, "first");
    expect((await call("POST", "/v3/c", { headers: named(account, "second") })).status).toBe(403);
    await okText(await call("DELETE", `/v3/c/${first.id}`, { headers: master(account) }));
    await newCollection(account, "second");
  });

  it("is never passed by parallel creates", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxCollections: 3 } })).status).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call("POST", "/v3/c", { headers: named(account, `p${i}`) })),
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
    await newCollection(account, "only");
    await expectError(await call("POST", "/v3/c", { headers: master(account) }), 400, NEED_COLLECTION_NAME);
  });
});

describe("GET /v3/c", () => {
  it("returns [] when the account has no collections", async () => {
    const account = await createAccount();
    expect(await listCollectionsText(account)).toBe("[]");
  });

  it("lists the account's collections oldest first in contract shape, schemaDocId only when attached", async () => {
    const account = await createAccount();
    const first = await newCollection(account, "first");
    await new Promise((r) => setTimeout(r, 5));
    const second = await newCollection(account, "second");
    await new Promise((r) => setTimeout(r, 5));
    const third = await newCollection(account, "third");
    const schemaId = await newSchema(account);
    await okText(
      await call("PUT", `/v3/c/${second.id}/schemadoc/add`, {
        headers: { ...master(account), "X-Schema-Doc-Id": schemaId },
      }),
    );
    expect(await listCollectionsText(account)).toBe(
      "[" +
        `{"record":"${first.id}","collectionMeta":{"name":"first"},"createdAt":"${first.createdAt}"},` +
        `{"record":"${second.id}","collectionMeta":{"name":"second"},"schemaDocId":"${schemaId}","createdAt":"${second.createdAt}"},` +
        `{"record":"${third.id}","collectionMeta":{"name":"third"},"createdAt":"${third.createdAt}"}` +
        "]",
    );
  });

  it("never lists another account's collections", async () => {
    const account = await createAccount();
    const other = await createAccount();
    await newCollection(other, "theirs");
    const mine = await newCollection(account, "mine");
    const listed = JSON.parse(await listCollectionsText(account)) as { record: string }[];
    expect(listed.map((c) => c.record)).toEqual([mine.id]);
  });

  it("answers Route not found for GET /v3/c/<id> and other paths the contract does not list", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
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
  it("renames the collection and returns the id and new name in contract order", async () => {
    const account = await createAccount();
    const collection = await newCollection(account, "old");
    const text = await okText(
      await call("PUT", `/v3/c/${collection.id}/meta/name`, { headers: named(account, "new name") }),
    );
    expect(text).toBe(`{"record":"${collection.id}","metadata":{"name":"new name"}}`);
    expect(await listCollectionsText(account)).toBe(
      `[{"record":"${collection.id}","collectionMeta":{"name":"new name"},"createdAt":"${collection.createdAt}"}]`,
    );
  });

  it("ignores the body and accepts the id in upper case, answering in lower case", async () => {
    const account = await createAccount();
    const collection = await newCollection(account, "old");
    const text = await okText(
      await call("PUT", `/v3/c/${collection.id.toUpperCase()}/meta/name`, {
        headers: { ...named(account, "renamed"), "Content-Type": "text/plain" },
        body: "not json at all",
      }),
    );
    expect(text).toBe(`{"record":"${collection.id}","metadata":{"name":"renamed"}}`);
  });

  it("refuses a malformed collection id", async () => {
    const account = await createAccount();
    for (const bad of ["123", "0123456789abcdef0123456g", "0123456789abcdef012345678", "uncategorized"]) {
      await expectError(
        await call("PUT", `/v3/c/${bad}/meta/name`, { headers: named(account, "x") }),
        400,
        INVALID_COLLECTION_ID,
      );
    }
  });

  it("applies the name rules of create and keeps the old name", async () => {
    const account = await createAccount();
    const collection = await newCollection(account, "kept");
    const path = `/v3/c/${collection.id}/meta/name`;
    await expectError(await call("PUT", path, { headers: master(account) }), 400, NEED_COLLECTION_NAME);
    await expectError(await call("PUT", path, { headers: named(account, " ") }), 400, COLLECTION_NAME_BLANK);
    await expectError(
      await call("PUT", path, { headers: named(account, "😀".repeat(33)) }),
      400,
      COLLECTION_NAME_TOO_LONG,
    );
    expect(await okText(await call("PUT", path, { headers: named(account, "😀".repeat(32)) }))).toBe(
      `{"record":"${collection.id}","metadata":{"name":"${"😀".repeat(32)}"}}`,
    );
  });

  it("answers Collection not found for an unknown id and for another account's collection", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await newCollection(other, "theirs");
    for (const id of [UNKNOWN_ID, theirs.id]) {
      await expectError(
        await call("PUT", `/v3/c/${id}/meta/name`, { headers: named(account, "stolen") }),
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

describe("PUT /v3/c/<id>/schemadoc/add", () => {
  it("attaches a schema named in X-Schema-Doc-Id and answers in contract order", async () => {
    const account = await createAccount();
    const collection = await newCollection(account, "people");
    const schemaId = await newSchema(account);
    const text = await okText(
      await call("PUT", `/v3/c/${collection.id}/schemadoc/add`, {
        headers: { ...master(account), "X-Schema-Doc-Id": schemaId },
      }),
    );
    expect(text).toBe(
      `{"collectionName":"people","schemaDocId":"${schemaId}","metadata":{"id":"${collection.id}","createdAt":"${collection.createdAt}"}}`,
    );
    expect(await listCollectionsText(account)).toContain(`"schemaDocId":"${schemaId}"`);
  });

  it("attaches a schema named in the path", async () => {
    const account = await createAccount();
    const collection = await newCollection(account, "people");
    const schemaId = await newSchema(account);
    const text = await okText(
      await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${schemaId}`, { headers: master(account) }),
    );
    expect(text).toBe(
      `{"collectionName":"people","schemaDocId":"${schemaId}","metadata":{"id":"${collection.id}","createdAt":"${collection.createdAt}"}}`,
    );
  });

  it("prefers the path over the header when both are sent", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const fromPath = await newSchema(account, "path");
    const fromHeader = await newSchema(account, "header");
    const res = await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${fromPath}`, {
      headers: { ...master(account), "X-Schema-Doc-Id": fromHeader },
    });
    expect(JSON.parse(await okText(res)).schemaDocId).toBe(fromPath);
    expect(await listCollectionsText(account)).toContain(`"schemaDocId":"${fromPath}"`);

    // The header is not looked at at all when the path names the schema.
    const other = await newCollection(account, "other");
    const res2 = await call("PUT", `/v3/c/${other.id}/schemadoc/add/${fromPath}`, {
      headers: { ...master(account), "X-Schema-Doc-Id": "not-an-id" },
    });
    expect(JSON.parse(await okText(res2)).schemaDocId).toBe(fromPath);
    await expectError(
      await call("PUT", `/v3/c/${other.id}/schemadoc/add/not-an-id`, {
        headers: { ...master(account), "X-Schema-Doc-Id": fromHeader },
      }),
      400,
      INVALID_SCHEMA_ID,
    );
  });

  it("accepts ids in upper case and answers in lower case", async () => {
    const account = await createAccount();
    const collection = await newCollection(account, "upper");
    const schemaId = await newSchema(account);
    const text = await okText(
      await call("PUT", `/v3/c/${collection.id.toUpperCase()}/schemadoc/add`, {
        headers: { ...master(account), "X-Schema-Doc-Id": schemaId.toUpperCase() },
      }),
    );
    expect(text).toBe(
      `{"collectionName":"upper","schemaDocId":"${schemaId}","metadata":{"id":"${collection.id}","createdAt":"${collection.createdAt}"}}`,
    );
  });

  it("replaces a schema already attached", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const first = await newSchema(account, "first");
    const second = await newSchema(account, "second");
    await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${first}`, { headers: master(account) }));
    await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${second}`, { headers: master(account) }));
    const listed = JSON.parse(await listCollectionsText(account)) as { schemaDocId?: string }[];
    expect(listed.map((c) => c.schemaDocId)).toEqual([second]);
  });

  it("asks for X-Schema-Doc-Id when it is missing or empty", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    for (const headers of [master(account), { ...master(account), "X-Schema-Doc-Id": "" }]) {
      await expectError(
        await call("PUT", `/v3/c/${collection.id}/schemadoc/add`, { headers }),
        400,
        NEED_SCHEMA_DOC_ID,
      );
    }
  });

  it("refuses a malformed schema id in the header or the path", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    await expectError(
      await call("PUT", `/v3/c/${collection.id}/schemadoc/add`, {
        headers: { ...master(account), "X-Schema-Doc-Id": "abc" },
      }),
      400,
      INVALID_SCHEMA_ID,
    );
    await expectError(
      await call("PUT", `/v3/c/${collection.id}/schemadoc/add/0123456789abcdef0123456z`, { headers: master(account) }),
      400,
      INVALID_SCHEMA_ID,
    );
  });

  it("answers Schema Doc not found for an unknown schema and for another account's, attaching nothing", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const collection = await newCollection(account);
    const theirs = await newSchema(other, "theirs");
    for (const schemaId of [UNKNOWN_ID, theirs]) {
      await expectError(
        await call("PUT", `/v3/c/${collection.id}/schemadoc/add`, {
          headers: { ...master(account), "X-Schema-Doc-Id": schemaId },
        }),
        404,
        SCHEMA_DOC_NOT_FOUND,
      );
      await expectError(
        await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${schemaId}`, { headers: master(account) }),
        404,
        SCHEMA_DOC_NOT_FOUND,
      );
    }
    expect(await listCollectionsText(account)).not.toContain("schemaDocId");
  });

  it("answers Collection not found for an unknown collection and for another account's", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await newCollection(other);
    const mySchema = await newSchema(account);
    for (const id of [UNKNOWN_ID, theirs.id]) {
      await expectError(
        await call("PUT", `/v3/c/${id}/schemadoc/add/${mySchema}`, { headers: master(account) }),
        404,
        COLLECTION_NOT_FOUND,
      );
    }
    expect(await listCollectionsText(other)).not.toContain("schemaDocId");
  });

  it("refuses a malformed collection id", async () => {
    const account = await createAccount();
    const schemaId = await newSchema(account);
    await expectError(
      await call("PUT", `/v3/c/xyz/schemadoc/add/${schemaId}`, { headers: master(account) }),
      400,
      INVALID_COLLECTION_ID,
    );
  });

  it("checks the collection id, then the schema id, then the key, then the collection, then the schema", async () => {
    const account = await createAccount();
    await expectError(await call("PUT", "/v3/c/xyz/schemadoc/add", {}), 400, INVALID_COLLECTION_ID);
    await expectError(await call("PUT", `/v3/c/${UNKNOWN_ID}/schemadoc/add`, {}), 400, NEED_SCHEMA_DOC_ID);
    await expectError(
      await call("PUT", `/v3/c/${UNKNOWN_ID}/schemadoc/add/bad`, { headers: { "X-Master-Key": "bad" } }),
      400,
      INVALID_SCHEMA_ID,
    );
    await expectError(
      await call("PUT", `/v3/c/${UNKNOWN_ID}/schemadoc/add/${OTHER_UNKNOWN_ID}`, {
        headers: { "X-Master-Key": "bad" },
      }),
      401,
      INVALID_MASTER,
    );
    await expectError(
      await call("PUT", `/v3/c/${UNKNOWN_ID}/schemadoc/add/${OTHER_UNKNOWN_ID}`, { headers: master(account) }),
      404,
      COLLECTION_NOT_FOUND,
    );
  });
});

describe("PUT /v3/c/<id>/schemadoc/remove", () => {
  it("detaches the schema and names it in the answer", async () => {
    const account = await createAccount();
    const collection = await newCollection(account, "people");
    const schemaId = await newSchema(account);
    await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${schemaId}`, { headers: master(account) }));
    const text = await okText(
      await call("PUT", `/v3/c/${collection.id}/schemadoc/remove`, {
        headers: { ...master(account), "Content-Type": "text/plain" },
        body: "ignored",
      }),
    );
    expect(text).toBe(
      `{"collectionName":"people","schemaDocId":"${schemaId}","metadata":{"id":"${collection.id}","createdAt":"${collection.createdAt}"}}`,
    );
    expect(await listCollectionsText(account)).toBe(
      `[{"record":"${collection.id}","collectionMeta":{"name":"people"},"createdAt":"${collection.createdAt}"}]`,
    );
  });

  it("omits schemaDocId when nothing is attached", async () => {
    const account = await createAccount();
    const collection = await newCollection(account, "bare");
    const expected = `{"collectionName":"bare","metadata":{"id":"${collection.id}","createdAt":"${collection.createdAt}"}}`;
    expect(
      await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/remove`, { headers: master(account) })),
    ).toBe(expected);
    // And again after a detach: the second detach has nothing left to name.
    const schemaId = await newSchema(account);
    await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${schemaId}`, { headers: master(account) }));
    await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/remove`, { headers: master(account) }));
    expect(
      await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/remove`, { headers: master(account) })),
    ).toBe(expected);
  });

  it("refuses a malformed id and answers Collection not found for an unknown or another account's collection", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await newCollection(other);
    const theirSchema = await newSchema(other);
    await okText(await call("PUT", `/v3/c/${theirs.id}/schemadoc/add/${theirSchema}`, { headers: master(other) }));
    await expectError(
      await call("PUT", "/v3/c/0123/schemadoc/remove", { headers: master(account) }),
      400,
      INVALID_COLLECTION_ID,
    );
    for (const id of [UNKNOWN_ID, theirs.id]) {
      await expectError(
        await call("PUT", `/v3/c/${id}/schemadoc/remove`, { headers: master(account) }),
        404,
        COLLECTION_NOT_FOUND,
      );
    }
    expect(await listCollectionsText(other)).toContain(`"schemaDocId":"${theirSchema}"`);
  });
});

describe("DELETE /v3/c/<id>", () => {
  it("deletes an empty collection and answers in contract order", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const keep = await newCollection(account, "kept");
    const text = await okText(await call("DELETE", `/v3/c/${collection.id}`, { headers: master(account) }));
    expect(text).toBe(`{"metadata":{"id":"${collection.id}"},"message":"${COLLECTION_DELETED}"}`);
    const listed = JSON.parse(await listCollectionsText(account)) as { record: string }[];
    expect(listed.map((c) => c.record)).toEqual([keep.id]);
    await expectError(
      await call("GET", `/v3/c/${collection.id}/bins`, { headers: master(account) }),
      404,
      COLLECTION_NOT_FOUND,
    );
    await expectError(
      await call("DELETE", `/v3/c/${collection.id}`, { headers: master(account) }),
      404,
      COLLECTION_NOT_FOUND,
    );
    await expectError(
      await call("POST", "/v3/b", {
        headers: { ...master(account), "X-Collection-Id": collection.id },
        body: { a: 1 },
      }),
      400,
      INVALID_COLLECTION_ID,
    );
  });

  it("deletes a collection with a schema attached", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const schemaId = await newSchema(account);
    await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${schemaId}`, { headers: master(account) }));
    await okText(await call("DELETE", `/v3/c/${collection.id}`, { headers: master(account) }));
    // The schema doc itself stays.
    await okText(await call("GET", `/v3/s/${schemaId}`, { headers: master(account) }));
  });

  it("refuses to delete a collection that still has bins, until they are deleted", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const bin = await createBin(account, { a: 1 }, { "X-Collection-Id": collection.id });
    await expectError(
      await call("DELETE", `/v3/c/${collection.id}`, { headers: master(account) }),
      409,
      COLLECTION_NOT_EMPTY,
    );
    expect((await page(account, `/v3/c/${collection.id}/bins`)).map((b) => b.record)).toEqual([bin.id]);
    expect((await call("DELETE", `/v3/b/${bin.id}`, { headers: master(account) })).status).toBe(200);
    await okText(await call("DELETE", `/v3/c/${collection.id}`, { headers: master(account) }));
  });

  it("refuses a malformed id and answers Collection not found for an unknown or another account's collection", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await newCollection(other);
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
  it("puts the bin in the collection and reports collectionId on create and read", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const res = await call("POST", "/v3/b", {
      headers: { ...master(account), "X-Collection-Id": collection.id, "X-Bin-Name": "member" },
      body: { a: 1 },
    });
    const text = await okText(res);
    const { metadata } = JSON.parse(text) as { metadata: { id: string; createdAt: string } };
    expect(text).toBe(
      `{"record":{"a":1},"metadata":{"id":"${metadata.id}","createdAt":"${metadata.createdAt}","private":true,"name":"member","collectionId":"${collection.id}"}}`,
    );
    const read = await okText(await call("GET", `/v3/b/${metadata.id}`, { headers: master(account) }));
    expect(read).toBe(
      `{"record":{"a":1},"metadata":{"id":"${metadata.id}","private":true,"createdAt":"${metadata.createdAt}","name":"member","collectionId":"${collection.id}"}}`,
    );
    expect((await page(account, `/v3/c/${collection.id}/bins`)).map((b) => b.record)).toEqual([metadata.id]);
    expect(await page(account, "/v3/c/uncategorized/bins")).toEqual([]);
  });

  it("accepts the collection id in upper case and reports it in lower case", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const bin = await createBin(account, { a: 1 }, { "X-Collection-Id": collection.id.toUpperCase() });
    expect(bin.metadata.collectionId).toBe(collection.id);
  });

  it("leaves out collectionId for a bin in no collection, also when the header is empty", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Collection-Id": "" });
    expect(Object.keys(bin.metadata)).toEqual(["id", "createdAt", "private"]);
    const read = JSON.parse(await okText(await call("GET", `/v3/b/${bin.id}`, { headers: master(account) })));
    expect(Object.keys(read.metadata)).toEqual(["id", "private", "createdAt"]);
    expect((await page(account, "/v3/c/uncategorized/bins")).map((b) => b.record)).toEqual([bin.id]);
  });

  it("refuses a malformed, unknown or another account's collection id and creates nothing", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await newCollection(other);
    for (const id of ["abc", "0123456789abcdef0123456g", UNKNOWN_ID, theirs.id]) {
      await expectError(
        await call("POST", "/v3/b", { headers: { ...master(account), "X-Collection-Id": id }, body: { a: 1 } }),
        400,
        INVALID_COLLECTION_ID,
      );
    }
    expect(await page(account, "/v3/c/uncategorized/bins")).toEqual([]);
    expect(await page(other, `/v3/c/${theirs.id}/bins`)).toEqual([]);
    const usage = await call("GET", `/v3/admin/accounts/${account.accountId}`, {
      headers: { "X-Admin-Key": ADMIN_KEY },
    });
    expect(((await usage.json()) as { usage: { bins: number } }).usage.bins).toBe(0);
  });
});

describe("GET /v3/c/<id>/bins", () => {
  it("returns [] for an empty collection", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    expect(await okText(await call("GET", `/v3/c/${collection.id}/bins`, { headers: master(account) }))).toBe("[]");
  });

  it("lists items in contract shape: snippetMeta holds the name, or is {} for an unnamed bin", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const unnamed = await createBin(account, { a: 1 }, { "X-Collection-Id": collection.id });
    const named = await createBin(
      account,
      { b: 2 },
      {
        "X-Collection-Id": collection.id,
        "X-Bin-Name": "Named bin",
        "X-Bin-Private": "false",
      },
    );
    const text = await okText(
      await call("GET", `/v3/c/${collection.id}/bins`, {
        headers: { ...master(account), "X-Sort-Order": "ascending" },
      }),
    );
    const items = [
      {
        id: unnamed.id,
        createdAt: unnamed.metadata.createdAt as string,
        json: `{"private":true,"snippetMeta":{},"record":"${unnamed.id}","createdAt":"${unnamed.metadata.createdAt}"}`,
      },
      {
        id: named.id,
        createdAt: named.metadata.createdAt as string,
        json: `{"private":false,"snippetMeta":{"name":"Named bin"},"record":"${named.id}","createdAt":"${named.metadata.createdAt}"}`,
      },
    ];
    const order = sorted(items, "ascending");
    expect(text).toBe(`[${order.map((id) => items.find((i) => i.id === id)!.json).join(",")}]`);
  });

  it("shows a bin's current name and privacy", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const bin = await createBin(account, { a: 1 }, { "X-Collection-Id": collection.id, "X-Bin-Name": "before" });
    expect(
      (await call("PUT", `/v3/b/${bin.id}/meta/name`, { headers: { ...master(account), "X-Bin-Name": "after" } }))
        .status,
    ).toBe(200);
    expect(
      (await call("PUT", `/v3/b/${bin.id}/meta/privacy`, { headers: { ...master(account), "X-Bin-Private": "false" } }))
        .status,
    ).toBe(200);
    expect(await page(account, `/v3/c/${collection.id}/bins`)).toEqual([
      { private: false, snippetMeta: { name: "after" }, record: bin.id, createdAt: bin.metadata.createdAt },
    ]);
  });

  it("pages 25 bins as 10, 10 and 5, newest first by default, none missing or repeated", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const bins = await binsIn(account, 25, { "X-Collection-Id": collection.id });
    await expectThreePages(account, `/v3/c/${collection.id}/bins`, bins);
    await expectThreePages(account, `/v3/c/${collection.id}/bins`, bins, "descending");
    await expectThreePages(account, `/v3/c/${collection.id}/bins`, bins, "ascending");
  });

  it("pages bins created in the same millisecond by id, in both orders, across page boundaries", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    // Five bins through the API; then (seeding) ten more rows sharing the second bin's createdAt and
    // ten sharing the fourth's, so each tie group of 11 straddles a page boundary in either order.
    const api = await binsIn(account, 5, { "X-Collection-Id": collection.id });
    const seeded = [
      ...(await seedBinsAt(account.accountId, collection.id, api[1]!.createdAt, 10)),
      ...(await seedBinsAt(account.accountId, collection.id, api[3]!.createdAt, 10)),
    ];
    const all = [...api, ...seeded];
    await expectThreePages(account, `/v3/c/${collection.id}/bins`, all, "ascending");
    await expectThreePages(account, `/v3/c/${collection.id}/bins`, all, "descending");
    await expectThreePages(account, `/v3/c/${collection.id}/bins`, all);
  });

  it("starts a page right after the cursor bin, also in the middle of a same-millisecond group", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const api = await binsIn(account, 3, { "X-Collection-Id": collection.id });
    // Seeding: 14 rows in the same millisecond as the middle bin.
    const all = [...api, ...(await seedBinsAt(account.accountId, collection.id, api[1]!.createdAt, 14))];
    for (const order of ["ascending", "descending"] as const) {
      const expected = sorted(all, order);
      for (const at of [0, 4, 7, 15]) {
        const items = await page(account, `/v3/c/${collection.id}/bins/${expected[at]}`, { "X-Sort-Order": order });
        expect(items.map((i) => i.record)).toEqual(expected.slice(at + 1, at + 11));
      }
    }
  });

  it("ends with [] after a full last page", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const bins = await binsIn(account, 10, { "X-Collection-Id": collection.id });
    const first = await page(account, `/v3/c/${collection.id}/bins`);
    expect(first.map((i) => i.record)).toEqual(sorted(bins, "descending"));
    expect(
      await okText(await call("GET", `/v3/c/${collection.id}/bins/${first[9]!.record}`, { headers: master(account) })),
    ).toBe("[]");
  });

  it("accepts X-Sort-Order in any case and treats an empty one as absent", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const bins = await binsIn(account, 3, { "X-Collection-Id": collection.id });
    const path = `/v3/c/${collection.id}/bins`;
    expect((await page(account, path, { "X-Sort-Order": "ASCENDING" })).map((i) => i.record)).toEqual(
      sorted(bins, "ascending"),
    );
    expect((await page(account, path, { "X-Sort-Order": "Descending" })).map((i) => i.record)).toEqual(
      sorted(bins, "descending"),
    );
    expect((await page(account, path, { "X-Sort-Order": "" })).map((i) => i.record)).toEqual(
      sorted(bins, "descending"),
    );
  });

  it("refuses any other X-Sort-Order", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    for (const value of ["asc", "desc", "newest", "1"]) {
      await expectError(
        await call("GET", `/v3/c/${collection.id}/bins`, { headers: { ...master(account), "X-Sort-Order": value } }),
        400,
        SORT_ORDER_INVALID,
      );
    }
  });

  it("refuses a malformed collection id or cursor", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    await expectError(await call("GET", "/v3/c/abc/bins", { headers: master(account) }), 400, INVALID_COLLECTION_ID);
    for (const cursor of ["abc", "0123456789abcdef0123456g", "0123456789abcdef012345678"]) {
      await expectError(
        await call("GET", `/v3/c/${collection.id}/bins/${cursor}`, { headers: master(account) }),
        400,
        INVALID_BIN_ID,
      );
    }
  });

  it("answers Collection not found for an unknown collection and for another account's, never showing its bins", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await newCollection(other);
    const theirBin = await createBin(other, { secret: true }, { "X-Collection-Id": theirs.id });
    for (const id of [UNKNOWN_ID, theirs.id]) {
      await expectError(await call("GET", `/v3/c/${id}/bins`, { headers: master(account) }), 404, COLLECTION_NOT_FOUND);
      await expectError(
        await call("GET", `/v3/c/${id}/bins/${theirBin.id}`, { headers: master(account) }),
        404,
        COLLECTION_NOT_FOUND,
      );
    }
  });

  it("answers Bin not found for a cursor that is unknown, deleted, another account's, or not in this listing", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const collection = await newCollection(account);
    const elsewhere = await newCollection(account, "elsewhere");
    await binsIn(account, 2, { "X-Collection-Id": collection.id });
    const deleted = await createBin(account, { gone: true }, { "X-Collection-Id": collection.id });
    expect((await call("DELETE", `/v3/b/${deleted.id}`, { headers: master(account) })).status).toBe(200);
    const uncategorized = await createBin(account, { loose: true });
    const inOtherCollection = await createBin(account, { x: 1 }, { "X-Collection-Id": elsewhere.id });
    const theirs = await createBin(other, { theirs: true });
    for (const cursor of [UNKNOWN_ID, deleted.id, uncategorized.id, inOtherCollection.id, theirs.id]) {
      for (const order of ["ascending", "descending"]) {
        await expectError(
          await call("GET", `/v3/c/${collection.id}/bins/${cursor}`, {
            headers: { ...master(account), "X-Sort-Order": order },
          }),
          404,
          BIN_NOT_FOUND_OR_NOT_YOURS,
        );
      }
    }
  });

  it("accepts a cursor in upper case", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    const bins = await binsIn(account, 3, { "X-Collection-Id": collection.id });
    const order = sorted(bins, "ascending");
    const items = await page(account, `/v3/c/${collection.id}/bins/${order[0]!.toUpperCase()}`, {
      "X-Sort-Order": "ascending",
    });
    expect(items.map((i) => i.record)).toEqual(order.slice(1));
  });

  it("checks path ids, then X-Sort-Order, then the key, then the collection, then the cursor", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    await expectError(
      await call("GET", `/v3/c/${UNKNOWN_ID}/bins/bad`, { headers: { "X-Sort-Order": "up" } }),
      400,
      INVALID_BIN_ID,
    );
    await expectError(
      await call("GET", `/v3/c/${UNKNOWN_ID}/bins/${OTHER_UNKNOWN_ID}`, { headers: { "X-Sort-Order": "up" } }),
      400,
      SORT_ORDER_INVALID,
    );
    await expectError(await call("GET", `/v3/c/${UNKNOWN_ID}/bins/${OTHER_UNKNOWN_ID}`), 401, NEED_MASTER);
    await expectError(
      await call("GET", `/v3/c/${UNKNOWN_ID}/bins/${OTHER_UNKNOWN_ID}`, { headers: master(account) }),
      404,
      COLLECTION_NOT_FOUND,
    );
    await expectError(
      await call("GET", `/v3/c/${collection.id}/bins/${OTHER_UNKNOWN_ID}`, { headers: master(account) }),
      404,
      BIN_NOT_FOUND_OR_NOT_YOURS,
    );
  });
});

describe("GET /v3/c/uncategorized/bins", () => {
  it("lists only the account's bins in no collection", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const collection = await newCollection(account);
    const loose = await binsIn(account, 3);
    await binsIn(account, 2, { "X-Collection-Id": collection.id });
    await binsIn(other, 2);
    const items = await page(account, "/v3/c/uncategorized/bins");
    expect(items.map((i) => i.record)).toEqual(sorted(loose, "descending"));
    expect(items[0]).toEqual({
      private: true,
      snippetMeta: {},
      record: items[0]!.record,
      createdAt: expect.stringMatching(ISO),
    });
  });

  it("returns [] when every bin is in a collection", async () => {
    const account = await createAccount();
    const collection = await newCollection(account);
    await binsIn(account, 2, { "X-Collection-Id": collection.id });
    expect(await okText(await call("GET", "/v3/c/uncategorized/bins", { headers: master(account) }))).toBe("[]");
  });

  it("pages 25 bins as 10, 10 and 5 in both orders, including bins created in the same millisecond", async () => {
    const account = await createAccount();
    const other = await createAccount();
    await binsIn(other, 3);
    const api = await binsIn(account, 5);
    // Seeding: two groups of same-millisecond rows in no collection, as in the collection test.
    const all = [
      ...api,
      ...(await seedBinsAt(account.accountId, null, api[1]!.createdAt, 10)),
      ...(await seedBinsAt(account.accountId, null, api[3]!.createdAt, 10)),
    ];
    await expectThreePages(account, "/v3/c/uncategorized/bins", all);
    await expectThreePages(account, "/v3/c/uncategorized/bins", all, "ascending");
    await expectThreePages(account, "/v3/c/uncategorized/bins", all, "descending");
  });

  it("answers Bin not found for a cursor in a collection, another account's, or deleted; 400 for a malformed one", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const collection = await newCollection(account);
    await binsIn(account, 2);
    const inCollection = await createBin(account, { a: 1 }, { "X-Collection-Id": collection.id });
    const theirs = await createBin(other, { b: 1 });
    const deleted = await createBin(account, { c: 1 });
    expect((await call("DELETE", `/v3/b/${deleted.id}`, { headers: master(account) })).status).toBe(200);
    for (const cursor of [inCollection.id, theirs.id, deleted.id, UNKNOWN_ID]) {
      await expectError(
        await call("GET", `/v3/c/uncategorized/bins/${cursor}`, { headers: master(account) }),
        404,
        BIN_NOT_FOUND_OR_NOT_YOURS,
      );
    }
    await expectError(
      await call("GET", "/v3/c/uncategorized/bins/nope", { headers: master(account) }),
      400,
      INVALID_BIN_ID,
    );
  });

  it("refuses an invalid X-Sort-Order", async () => {
    const account = await createAccount();
    await expectError(
      await call("GET", "/v3/c/uncategorized/bins", { headers: { ...master(account), "X-Sort-Order": "sideways" } }),
      400,
      SORT_ORDER_INVALID,
    );
  });
});
