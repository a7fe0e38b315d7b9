import { describe, expect, it } from "vitest";
import {
  COLLECTION_NOT_FOUND,
  call,
  createAccount,
  createCollection,
  createSchemaDoc,
  expectError,
  INVALID_COLLECTION_ID,
  INVALID_MASTER,
  INVALID_SCHEMA_ID,
  listCollectionsText,
  master,
  NEED_SCHEMA_DOC_ID,
  OTHER_UNKNOWN_ID,
  okText,
  SCHEMA_DOC_NOT_FOUND,
  UNKNOWN_ID,
} from "../helpers";

// §4.5–§4.6 attaching a schema doc to a collection and detaching it.

describe("PUT /v3/c/<id>/schemadoc/add", () => {
  it("attaches a schema named in X-Schema-Doc-Id and answers in contract order", async () => {
    const account = await createAccount();
    const collection = await createCollection(account, "people");
    const schemaId = await createSchemaDoc(account);
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
    const collection = await createCollection(account, "people");
    const schemaId = await createSchemaDoc(account);
    const text = await okText(
      await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${schemaId}`, { headers: master(account) }),
    );
    expect(text).toBe(
      `{"collectionName":"people","schemaDocId":"${schemaId}","metadata":{"id":"${collection.id}","createdAt":"${collection.createdAt}"}}`,
    );
  });

  it("prefers the path over the header when both are sent", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
    const fromPath = await createSchemaDoc(account, "path");
    const fromHeader = await createSchemaDoc(account, "header");
    const res = await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${fromPath}`, {
      headers: { ...master(account), "X-Schema-Doc-Id": fromHeader },
    });
    expect(JSON.parse(await okText(res)).schemaDocId).toBe(fromPath);
    expect(await listCollectionsText(account)).toContain(`"schemaDocId":"${fromPath}"`);

    // The header is not looked at at all when the path names the schema.
    const other = await createCollection(account, "other");
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
    const collection = await createCollection(account, "upper");
    const schemaId = await createSchemaDoc(account);
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
    const collection = await createCollection(account);
    const first = await createSchemaDoc(account, "first");
    const second = await createSchemaDoc(account, "second");
    await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${first}`, { headers: master(account) }));
    await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${second}`, { headers: master(account) }));
    const listed = JSON.parse(await listCollectionsText(account)) as { schemaDocId?: string }[];
    expect(listed.map((c) => c.schemaDocId)).toEqual([second]);
  });

  it("asks for X-Schema-Doc-Id when it is missing or empty", async () => {
    const account = await createAccount();
    const collection = await createCollection(account);
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
    const collection = await createCollection(account);
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
    const collection = await createCollection(account);
    const theirs = await createSchemaDoc(other, "theirs");
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
    const theirs = await createCollection(other);
    const mySchema = await createSchemaDoc(account);
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
    const schemaId = await createSchemaDoc(account);
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
    const collection = await createCollection(account, "people");
    const schemaId = await createSchemaDoc(account);
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
    const collection = await createCollection(account, "bare");
    const expected = `{"collectionName":"bare","metadata":{"id":"${collection.id}","createdAt":"${collection.createdAt}"}}`;
    expect(
      await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/remove`, { headers: master(account) })),
    ).toBe(expected);
    // And again after a detach: the second detach has nothing left to name.
    const schemaId = await createSchemaDoc(account);
    await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/add/${schemaId}`, { headers: master(account) }));
    await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/remove`, { headers: master(account) }));
    expect(
      await okText(await call("PUT", `/v3/c/${collection.id}/schemadoc/remove`, { headers: master(account) })),
    ).toBe(expected);
  });

  it("refuses a malformed id and answers Collection not found for an unknown or another account's collection", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await createCollection(other);
    const theirSchema = await createSchemaDoc(other);
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
