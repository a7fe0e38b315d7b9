import { describe, expect, it } from "vitest";
import {
  COLLECTION_DELETED,
  COLLECTION_NOT_FOUND,
  call,
  createAccount,
  createBin,
  createCollection,
  createSchemaDoc,
  expectError,
  ID,
  INVALID_COLLECTION_ID,
  ISO,
  listCollectionsText,
  listingPage,
  master,
  okText,
  withCollectionName,
} from "../helpers";

// §4 collections (master key only) and §3.1 bin create with X-Collection-Id: what each route does.
// Refusals are in collections.errors.test.ts, schema docs in collections.schemas.test.ts, the bins
// listings in collections.listing.test.ts.

describe("POST /v3/c", () => {
  it("creates a collection and returns its id, createdAt and name in contract order", async () => {
    const account = await createAccount();
    const before = Date.now();
    const res = await call("POST", "/v3/c", { headers: withCollectionName(account, "Customers") });
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
      headers: { ...withCollectionName(account, "with body"), "Content-Type": "text/plain" },
      body: "this is not JSON",
    });
    expect(JSON.parse(await okText(res)).metadata.name).toBe("with body");
  });

  it("accepts one trailing slash", async () => {
    const account = await createAccount();
    expect(
      JSON.parse(await okText(await call("POST", "/v3/c/", { headers: withCollectionName(account, "slash") }))).metadata
        .name,
    ).toBe("slash");
  });

  it("does not require names to be unique", async () => {
    const account = await createAccount();
    const a = await createCollection(account, "same");
    const b = await createCollection(account, "same");
    expect(a.id).not.toBe(b.id);
    expect(a.name).toBe("same");
    expect(b.name).toBe("same");
  });

  it("counts and stores the name after trimming", async () => {
    const account = await createAccount();
    const created = await createCollection(account, `  ${"b".repeat(32)}  `);
    expect(created.name).toBe("b".repeat(32));
    expect(await listCollectionsText(account)).toContain(`"collectionMeta":{"name":"${"b".repeat(32)}"}`);
  });
});

describe("GET /v3/c", () => {
  it("returns [] when the account has no collections", async () => {
    const account = await createAccount();
    expect(await listCollectionsText(account)).toBe("[]");
  });

  it("lists the account's collections oldest first in contract shape, schemaDocId only when attached", async () => {
    const account = await createAccount();
    const first = await createCollection(account, "first");
    await new Promise((r) => setTimeout(r, 5));
    const second = await createCollection(account, "second");
    await new Promise((r) => setTimeout(r, 5));
    const third = await createCollection(account, "third");
    const schemaId = await createSchemaDoc(account);
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
    await createCollection(other, "theirs");
    const mine = await createCollection(account, "mine");
    const listed = JSON.parse(await listCollectionsText(account)) as { record: string }[];
    expect(listed.map((c) => c.record)).toEqual([mine.id]);
  });
});

describe("PUT /v3/c/<id>/meta/name", () => {
  it("renames the collection and returns the id and new name in contract order", async () => {
    const account = await createAccount();
    const collection = await createCollection(account, "old");
    const text = await okText(
      await call("PUT", `/v3/c/${collection.id}/meta/name`, { headers: withCollectionName(account, "new name") }),
    );
    expect(text).toBe(`{"record":"${collection.id}","metadata":{"name":"new name"}}`);
    expect(await listCollectionsText(account)).toBe(
      `[{"record":"${collection.id}","collectionMeta":{"name":"new name"},"createdAt":"${collection.createdAt}"}]`,
    );
  });

  it("ignores the body and accepts the id in upper case, answering in lower case", async () => {
    const account = await createAccount();
    const collection = await createCollection(account, "old");
    const text = await okText(
      await call("PUT", `/v3/c/${collection.id.toUpperCase()}/meta/name`, {
        headers: { ...withCollectionName(account, "renamed"), "Content-Type": "text/plain" },
        body: "not json at all",
      }),
    );
    expect(text).toBe(`{"record":"${collection.id}","metadata":{"name":"renamed"}}`);
  });
});

describe("DELETE /v3/c/<id>", () => {
  it("deletes an empty collection and answers in contract order", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
    const keep = await createCollection(account, "kept");
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
    const collection = await createCollection(account);
    const schemaId = await createSchemaDoc(account);
    await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${schemaId}`, { headers: master(account) }));
    await okText(await call("DELETE", `/v3/c/${collection.id}`, { headers: master(account) }));
    // The schema doc itself stays.
    await okText(await call("GET", `/v3/s/${schemaId}`, { headers: master(account) }));
  });
});

describe("POST /v3/b with X-Collection-Id", () => {
  it("puts the bin in the collection and reports collectionId on create and read", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
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
    expect((await listingPage(account, `/v3/c/${collection.id}/bins`)).map((b) => b.record)).toEqual([metadata.id]);
    expect(await listingPage(account, "/v3/c/uncategorized/bins")).toEqual([]);
  });

  it("accepts the collection id in upper case and reports it in lower case", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
    const bin = await createBin(account, { a: 1 }, { "X-Collection-Id": collection.id.toUpperCase() });
    expect(bin.metadata.collectionId).toBe(collection.id);
  });

  it("leaves out collectionId for a bin in no collection, also when the header is empty", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Collection-Id": "" });
    expect(Object.keys(bin.metadata)).toEqual(["id", "createdAt", "private"]);
    const read = JSON.parse(await okText(await call("GET", `/v3/b/${bin.id}`, { headers: master(account) })));
    expect(Object.keys(read.metadata)).toEqual(["id", "private", "createdAt"]);
    expect((await listingPage(account, "/v3/c/uncategorized/bins")).map((b) => b.record)).toEqual([bin.id]);
  });
});
