import { describe, expect, it } from "vitest";
import {
  BIN_NOT_FOUND_OR_NOT_YOURS,
  COLLECTION_NOT_FOUND,
  call,
  createAccount,
  createBin,
  createCollection,
  env,
  expectError,
  INVALID_BIN_ID,
  INVALID_COLLECTION_ID,
  ISO,
  type ListedBin,
  listingPage,
  master,
  NEED_MASTER,
  OTHER_UNKNOWN_ID,
  okText,
  SORT_ORDER_INVALID,
  type TestAccount,
  UNKNOWN_ID,
} from "../helpers";

// §4.4 the bins listings of a collection and of `uncategorized`: shape, paging, sort order, cursors.

/** Follows the cursor from page one until a page of fewer than 10 items; returns every page. */
async function walk(account: TestAccount, base: string, order?: "ascending" | "descending"): Promise<ListedBin[][]> {
  const headers: Record<string, string> = order ? { "X-Sort-Order": order } : {};
  const pages: ListedBin[][] = [];
  let path = base;
  for (let i = 0; i < 10; i++) {
    const items = await listingPage(account, path, headers);
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

describe("GET /v3/c/<id>/bins", () => {
  it("returns [] for an empty collection", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
    expect(await okText(await call("GET", `/v3/c/${collection.id}/bins`, { headers: master(account) }))).toBe("[]");
  });

  it("lists items in contract shape: snippetMeta holds the name, or is {} for an unnamed bin", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
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
    const collection = await createCollection(account);
    const bin = await createBin(account, { a: 1 }, { "X-Collection-Id": collection.id, "X-Bin-Name": "before" });
    expect(
      (await call("PUT", `/v3/b/${bin.id}/meta/name`, { headers: { ...master(account), "X-Bin-Name": "after" } }))
        .status,
    ).toBe(200);
    expect(
      (await call("PUT", `/v3/b/${bin.id}/meta/privacy`, { headers: { ...master(account), "X-Bin-Private": "false" } }))
        .status,
    ).toBe(200);
    expect(await listingPage(account, `/v3/c/${collection.id}/bins`)).toEqual([
      { private: false, snippetMeta: { name: "after" }, record: bin.id, createdAt: bin.metadata.createdAt },
    ]);
  });

  it("pages 25 bins as 10, 10 and 5, newest first by default, none missing or repeated", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
    const bins = await binsIn(account, 25, { "X-Collection-Id": collection.id });
    await expectThreePages(account, `/v3/c/${collection.id}/bins`, bins);
    await expectThreePages(account, `/v3/c/${collection.id}/bins`, bins, "descending");
    await expectThreePages(account, `/v3/c/${collection.id}/bins`, bins, "ascending");
  });

  it("pages bins created in the same millisecond by id, in both orders, across page boundaries", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
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
    const collection = await createCollection(account);
    const api = await binsIn(account, 3, { "X-Collection-Id": collection.id });
    // Seeding: 14 rows in the same millisecond as the middle bin.
    const all = [...api, ...(await seedBinsAt(account.accountId, collection.id, api[1]!.createdAt, 14))];
    for (const order of ["ascending", "descending"] as const) {
      const expected = sorted(all, order);
      for (const at of [0, 4, 7, 15]) {
        const items = await listingPage(account, `/v3/c/${collection.id}/bins/${expected[at]}`, {
          "X-Sort-Order": order,
        });
        expect(items.map((i) => i.record)).toEqual(expected.slice(at + 1, at + 11));
      }
    }
  });

  it("ends with [] after a full last page", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
    const bins = await binsIn(account, 10, { "X-Collection-Id": collection.id });
    const first = await listingPage(account, `/v3/c/${collection.id}/bins`);
    expect(first.map((i) => i.record)).toEqual(sorted(bins, "descending"));
    expect(
      await okText(await call("GET", `/v3/c/${collection.id}/bins/${first[9]!.record}`, { headers: master(account) })),
    ).toBe("[]");
  });

  it("accepts X-Sort-Order in any case and treats an empty one as absent", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
    const bins = await binsIn(account, 3, { "X-Collection-Id": collection.id });
    const path = `/v3/c/${collection.id}/bins`;
    expect((await listingPage(account, path, { "X-Sort-Order": "ASCENDING" })).map((i) => i.record)).toEqual(
      sorted(bins, "ascending"),
    );
    expect((await listingPage(account, path, { "X-Sort-Order": "Descending" })).map((i) => i.record)).toEqual(
      sorted(bins, "descending"),
    );
    expect((await listingPage(account, path, { "X-Sort-Order": "" })).map((i) => i.record)).toEqual(
      sorted(bins, "descending"),
    );
  });

  it("refuses any other X-Sort-Order", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
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
    const collection = await createCollection(account);
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
    const theirs = await createCollection(other);
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
    const collection = await createCollection(account);
    const elsewhere = await createCollection(account, "elsewhere");
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
    const collection = await createCollection(account);
    const bins = await binsIn(account, 3, { "X-Collection-Id": collection.id });
    const order = sorted(bins, "ascending");
    const items = await listingPage(account, `/v3/c/${collection.id}/bins/${order[0]!.toUpperCase()}`, {
      "X-Sort-Order": "ascending",
    });
    expect(items.map((i) => i.record)).toEqual(order.slice(1));
  });

  it("checks path ids, then X-Sort-Order, then the key, then the collection, then the cursor", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
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
    const collection = await createCollection(account);
    const loose = await binsIn(account, 3);
    await binsIn(account, 2, { "X-Collection-Id": collection.id });
    await binsIn(other, 2);
    const items = await listingPage(account, "/v3/c/uncategorized/bins");
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
    const collection = await createCollection(account);
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
    const collection = await createCollection(account);
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

  it("does not charge a listing whose cursor is not in the listing", async () => {
    const account = await createAccount();
    const res = await call("GET", `/v3/c/uncategorized/bins/${UNKNOWN_ID}`, { headers: master(account) });
    expect(res.headers.get("X-Requests-Used")).toBeNull();
    await expectError(res, 404, BIN_NOT_FOUND_OR_NOT_YOURS);
  });
});
