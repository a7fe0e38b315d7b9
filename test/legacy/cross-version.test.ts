import { describe, expect, it } from "vitest";
import {
  BIN_NOT_FOUND_OR_NOT_YOURS,
  call,
  createAccount,
  createBin,
  expectError,
  expectLegacyError,
  expectText,
  INVALID_SECRET,
  master,
  NOT_YOURS,
  recordText,
  schemaMismatch,
  secret,
  seedVersions,
  v2Create,
  v3Collection,
  versionCount,
} from "../helpers";

const MISMATCH = schemaMismatch("Should have required property 'username'");

describe("one store behind v3, v2 and v1", () => {
  it("reads and updates a v3 bin through v2, and v3 sees the versions with the right numbers", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    await expectText(await call("GET", `/b/${bin.id}`, { headers: secret(account) }), '{"v":0}');

    const put = (v: number, headers: Record<string, string> = {}) =>
      call("PUT", `/b/${bin.id}`, { headers: { ...secret(account), ...headers }, body: { v } });
    await expectText(await put(1), `{"success":true,"data":{"v":1},"parentId":"${bin.id}","version":1}`);
    await expectText(await put(2), `{"success":true,"data":{"v":2},"parentId":"${bin.id}","version":2}`);
    await expectText(await put(3, { versioning: "false" }), `{"success":true,"data":{"v":3},"parentId":"${bin.id}"}`);

    expect(await versionCount(account, bin.id)).toBe(2);
    expect(await recordText(account, `${bin.id}/0`)).toBe('{"v":0}');
    expect(await recordText(account, `${bin.id}/1`)).toBe('{"v":1}');
    expect(await recordText(account, `${bin.id}/2`)).toBe('{"v":3}');
    const latest = await call("GET", `/v3/b/${bin.id}`, { headers: master(account) });
    expect(latest.headers.get("X-Bin-Version")).toBe("2");

    const v3Put = await call("PUT", `/v3/b/${bin.id}`, {
      headers: { ...master(account), "X-Bin-Versioning": "true" },
      body: { v: 4 },
    });
    expect(((await v3Put.json()) as { metadata: { version: number } }).metadata.version).toBe(3);
    await expectText(await call("GET", `/b/${bin.id}/3`, { headers: secret(account) }), '{"v":4}');
    const listed = (await (await call("GET", `/e/${bin.id}/versions`, { headers: secret(account) })).json()) as {
      versionCount: number;
    };
    expect(listed.versionCount).toBe(3);
  });

  it("creates in v1 and reads in v3 as a public bin of the key's account", async () => {
    const account = await createAccount();
    const res = await call("POST", "/b/new", { headers: secret(account), body: { snippet: '{"from":"v1"}' } });
    const { id } = (await res.json()) as { id: string };
    const read = await call("GET", `/v3/b/${id}`);
    const text = await read.text();
    const { metadata } = JSON.parse(text) as { metadata: { createdAt: string } };
    expect(text).toBe(
      `{"record":{"from":"v1"},"metadata":{"id":"${id}","private":false,"createdAt":"${metadata.createdAt}"}}`,
    );
    const count = await call("GET", "/v3/c/uncategorized/bins", { headers: master(account) });
    expect(((await count.json()) as { record: string }[]).map((b) => b.record)).toEqual([id]);
  });

  it("creates in v2 with a name and collection that v3 reports", async () => {
    const account = await createAccount();
    const collection = await v3Collection(account);
    const id = await v2Create(account, { a: 1 }, { name: "legacy bin", "collection-id": collection.id });
    const read = await call("GET", `/v3/b/${id}`, { headers: master(account) });
    expect(((await read.json()) as { metadata: unknown }).metadata).toMatchObject({
      id,
      private: true,
      name: "legacy bin",
      collectionId: collection.id,
    });
    const listing = await call("GET", `/v3/c/${collection.id}/bins`, { headers: master(account) });
    expect(((await listing.json()) as { record: string }[]).map((b) => b.record)).toEqual([id]);
  });

  it("validates updates of a bin in a collection with a schema: v2 answers 401, v1 422, v3 400", async () => {
    const account = await createAccount();
    const collection = await v3Collection(account, true);
    const bin = await createBin(
      account,
      { username: "ada" },
      { "X-Collection-Id": collection.id, "X-Bin-Private": "false" },
    );

    const v2 = await call("PUT", `/b/${bin.id}`, { headers: secret(account), body: { name: "ada" } });
    // v2 names the schema doc like v3 (contract §8, as JSONBin's v2 answers).
    expect({ status: v2.status, body: await v2.json() }).toEqual({
      status: 401,
      body: { success: false, message: MISMATCH, schemaDocID: collection.schemaId, schemaDocName: "users" },
    });
    const v1 = await call("POST", `/b/update/${bin.id}`, { body: { snippet: '{"name":"ada"}' } });
    await expectLegacyError(v1, 422, MISMATCH);
    const v3 = await call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: { name: "ada" } });
    expect(v3.status).toBe(400);
    expect(await v3.json()).toEqual({ message: MISMATCH, schemaDocID: collection.schemaId, schemaDocName: "users" });

    expect(await recordText(account, bin.id)).toBe('{"username":"ada"}');
    expect((await call("PUT", `/b/${bin.id}`, { headers: secret(account), body: { username: "bob" } })).status).toBe(
      200,
    );
    expect((await call("POST", `/b/update/${bin.id}`, { body: { snippet: '{"username":"cy"}' } })).status).toBe(200);
    expect(await recordText(account, bin.id)).toBe('{"username":"cy"}');
  });

  it("uses v2 schema docs and collections from v3 and the reverse", async () => {
    const account = await createAccount();
    const schemaRes = await call("POST", "/s", {
      headers: { ...secret(account), name: "v2doc" },
      body: { type: "object" },
    });
    const schemaId = ((await schemaRes.json()) as { id: string }).id;
    const v3Schema = await call("GET", `/v3/s/${schemaId}`, { headers: master(account) });
    expect(((await v3Schema.json()) as { record: unknown }).record).toEqual({ type: "object" });

    const v3c = await v3Collection(account);
    const attach = await call("PUT", `/c/${v3c.id}`, { headers: { ...secret(account), "schema-doc-id": schemaId } });
    expect(attach.status).toBe(200);
    const list = (await (await call("GET", "/v3/c", { headers: master(account) })).json()) as {
      schemaDocId?: string;
    }[];
    expect(list[0]?.schemaDocId).toBe(schemaId);
  });

  it("lets only the owner delete a v1 bin, through any API", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const res = await call("POST", "/b/new", { headers: secret(account), body: { snippet: "[1]" } });
    const { id } = (await res.json()) as { id: string };
    await expectError(await call("DELETE", `/v3/b/${id}`, { headers: master(other) }), 401, NOT_YOURS);
    await expectLegacyError(await call("DELETE", `/b/${id}`, { headers: secret(other) }), 401, INVALID_SECRET);
    expect((await call("DELETE", `/b/${id}`, { headers: secret(account) })).status).toBe(200);
    await expectError(await call("GET", `/v3/b/${id}`), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
  });
});

// Seeding 1000 bodies into local R2 takes a few seconds, more on a loaded machine.
describe("the 1000-version cap through the legacy APIs", { timeout: 30_000 }, () => {
  it("overwrites version 1000 in place from v2 and v1, without a version and with the cap header", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 }, { "X-Bin-Private": "false" });
    await seedVersions(bin.id, 1000);
    const v2 = await call("PUT", `/b/${bin.id}`, { body: { via: "v2" } });
    expect(v2.headers.get("X-Bin-Version-Cap-Reached")).toBe("true");
    await expectText(v2, `{"success":true,"data":{"via":"v2"},"parentId":"${bin.id}"}`);
    const v1 = await call("POST", `/b/update/${bin.id}`, { body: { snippet: '{"via":"v1"}' } });
    expect(v1.headers.get("X-Bin-Version-Cap-Reached")).toBe("true");
    await expectText(v1, `{"success":true,"data":{"via":"v1"},"parentId":"${bin.id}"}`);
    expect(await versionCount(account, bin.id)).toBe(1000);
    await expectText(await call("GET", `/b/${bin.id}/1000`), '{"via":"v1"}');
    await expectText(await call("GET", `/b/${bin.id}/999`), '{"seeded":999}');
  });
});
