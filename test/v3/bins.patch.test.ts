import { describe, expect, it } from "vitest";
import {
  BIN_BLANK,
  BIN_NOT_FOUND,
  call,
  createAccessKey,
  createAccount,
  createBin,
  DEEP_AND_WIDE,
  expectError,
  FORBIDDEN,
  freeUpdateOver,
  INVALID_JSON,
  INVALID_JSON_PATCH,
  JSON_PATCH,
  latestRecord,
  MERGE,
  master,
  NO_KEY,
  NOT_OBJECT_OR_ARRAY,
  PATCH_CONFLICT,
  PATCH_NEED_CONTENT_TYPE,
  PRECONDITION_FAILED,
  patchAccount,
  recordText,
  schemaMismatch,
  type TestAccount,
  UNKNOWN_ID,
  versionCount,
} from "../helpers";

const patch = (
  account: TestAccount | null,
  id: string,
  type: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  call("PATCH", `/v3/b/${id}`, {
    headers: { ...(account ? master(account) : {}), "Content-Type": type, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("PATCH /v3/b/<id> with a merge patch (RFC 7396)", () => {
  it("merges members, deletes those set to null, and answers like a PUT", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { name: "a", tags: ["x"], nested: { keep: 1, drop: 2 } });
    const res = await patch(account, bin.id, MERGE, { name: "b", nested: { drop: null, add: 3 }, extra: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      `{"record":{"name":"b","tags":["x"],"nested":{"keep":1,"add":3},"extra":true},"metadata":{"parentId":"${bin.id}","private":true}}`,
    );
    expect(res.headers.get("X-Bin-Version")).toBe("0");
    expect(res.headers.get("ETag")).toMatch(/^"0-[0-9a-f]{16}"$/);
    expect(await latestRecord(account, bin.id)).toEqual({
      name: "b",
      tags: ["x"],
      nested: { keep: 1, add: 3 },
      extra: true,
    });
  });

  it("treats application/json as a merge patch and appends a version when asked", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 1 });
    const res = await patch(
      account,
      bin.id,
      "application/json; charset=utf-8",
      { n: 2 },
      { "X-Bin-Versioning": "true" },
    );
    expect(((await res.json()) as { metadata: { version: number } }).metadata.version).toBe(1);
    expect(res.headers.get("X-Bin-Version")).toBe("1");
    expect(await versionCount(account, bin.id)).toBe(1);
  });

  it("still writes a version when the patch changes nothing", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 1 });
    const res = await patch(account, bin.id, MERGE, {}, { "X-Bin-Versioning": "true" });
    expect(res.status).toBe(200);
    expect(await versionCount(account, bin.id)).toBe(1);
  });

  it("loses no update when 40 patches of one bin run in parallel", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { start: true });
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        patch(account, bin.id, MERGE, { [`k${i}`]: i }, { "X-Bin-Versioning": "true" }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(200));
    const record = (await latestRecord(account, bin.id)) as Record<string, unknown>;
    expect(Object.keys(record)).toHaveLength(41);
    for (let i = 0; i < 40; i++) expect(record[`k${i}`]).toBe(i);
    expect(await versionCount(account, bin.id)).toBe(40);
  }, 30_000);
});

describe("PATCH /v3/b/<id> with a JSON Patch (RFC 6902)", () => {
  it("applies add, replace, remove, move, copy and test in order", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1, list: [1, 2], old: "x" });
    const res = await patch(account, bin.id, JSON_PATCH, [
      { op: "test", path: "/a", value: 1 },
      { op: "replace", path: "/a", value: 10 },
      { op: "add", path: "/list/-", value: 3 },
      { op: "remove", path: "/list/0" },
      { op: "move", from: "/old", path: "/new" },
      { op: "copy", from: "/a", path: "/b" },
    ]);
    expect(res.status).toBe(200);
    expect(await latestRecord(account, bin.id)).toEqual({ a: 10, list: [2, 3], new: "x", b: 10 });
  });

  it("patches a record nested deeper than the native serialiser's stack", async () => {
    const account = await createAccount();
    const bin = await createBin(account, DEEP_AND_WIDE.record);
    const res = await patch(account, bin.id, JSON_PATCH, [{ op: "add", path: "/n", value: 1 }]);
    expect(res.status, (await res.clone().text()).slice(0, 200)).toBe(200);
    expect((await recordText(account, bin.id)) === `{"inner":${DEEP_AND_WIDE.inner},"n":1}`).toBe(true);
  });

  it("applies nothing when one operation fails, answering 409", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const res = await patch(account, bin.id, JSON_PATCH, [
      { op: "replace", path: "/a", value: 2 },
      { op: "test", path: "/a", value: 1 },
    ]);
    await expectError(res, 409, PATCH_CONFLICT);
    expect(await latestRecord(account, bin.id)).toEqual({ a: 1 });
    await expectError(
      await patch(account, bin.id, JSON_PATCH, [{ op: "remove", path: "/missing" }]),
      409,
      PATCH_CONFLICT,
    );
  });

  it.each([
    ["an object instead of an array", { op: "add", path: "/a", value: 1 }],
    ["an unknown op", [{ op: "merge", path: "/a", value: 1 }]],
    ["a missing value", [{ op: "add", path: "/a" }]],
    ["a path without a leading slash", [{ op: "add", path: "a", value: 1 }]],
    ["a move without from", [{ op: "move", path: "/a" }]],
  ])("refuses %s as an invalid JSON Patch document", async (_, body) => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    await expectError(await patch(account, bin.id, JSON_PATCH, body), 400, INVALID_JSON_PATCH);
  });
});

describe("PATCH errors", () => {
  it("needs a patch content type", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await expectError(await patch(account, bin.id, "text/plain", { a: 1 }), 400, PATCH_NEED_CONTENT_TYPE);
    await expectError(
      await call("PATCH", `/v3/b/${bin.id}`, { headers: master(account), body: undefined }),
      400,
      PATCH_NEED_CONTENT_TYPE,
    );
  });

  it("refuses an empty or unparseable body", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await expectError(await patch(account, bin.id, MERGE, "   "), 400, INVALID_JSON);
    await expectError(await patch(account, bin.id, JSON_PATCH, "[{"), 400, INVALID_JSON);
  });

  it("refuses a result that is blank or not an object or array", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { only: 1 });
    await expectError(await patch(account, bin.id, MERGE, { only: null }), 400, BIN_BLANK);
    await expectError(await patch(account, bin.id, MERGE, "5"), 400, NOT_OBJECT_OR_ARRAY);
    expect(await latestRecord(account, bin.id)).toEqual({ only: 1 });
  });

  it("applies the owner's record size limit with the update wording", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxRecordBytes: 2048 } })).status).toBe(200);
    const bin = await createBin(account, { small: true });
    await expectError(await patch(account, bin.id, MERGE, { big: "x".repeat(3000) }), 403, freeUpdateOver("2kb"));
  });

  it("validates the result against the collection's schema", async () => {
    const account = await createAccount();
    const schema = await call("POST", "/v3/s", {
      headers: { ...master(account), "X-Schema-Doc-Name": "person" },
      body: { type: "object", properties: { age: { type: "integer" } } },
    });
    const schemaId = ((await schema.json()) as { metadata: { id: string } }).metadata.id;
    const collection = await call("POST", "/v3/c", { headers: { ...master(account), "X-Collection-Name": "people" } });
    const collectionId = ((await collection.json()) as { record: string }).record;
    await call("PUT", `/v3/c/${collectionId}/schemadoc/add/${schemaId}`, { headers: master(account) });
    const bin = await createBin(account, { age: 1 }, { "X-Collection-Id": collectionId });
    const res = await patch(account, bin.id, MERGE, { age: "old" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: schemaMismatch("Should be integer"),
      schemaDocID: schemaId,
      schemaDocName: "person",
    });
    expect(await latestRecord(account, bin.id)).toEqual({ age: 1 });
  });

  it("honours If-Match", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const read = await call("GET", `/v3/b/${bin.id}`, { headers: master(account) });
    const etag = read.headers.get("ETag")!;
    const stale = await patch(account, bin.id, MERGE, { a: 2 }, { "If-Match": '"9-0000000000000000"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("ETag")).toBe(etag);
    expect(await stale.json()).toEqual({ message: PRECONDITION_FAILED });
    expect((await patch(account, bin.id, MERGE, { a: 3 }, { "If-Match": etag })).status).toBe(200);
  });

  it("answers 404 Bin not found and the update key errors", async () => {
    const account = await createAccount();
    await expectError(await patch(account, UNKNOWN_ID, MERGE, { a: 1 }), 404, BIN_NOT_FOUND);
    const bin = await createBin(account);
    await expectError(await patch(null, bin.id, MERGE, { a: 1 }), 401, NO_KEY.update);
    const accessKey = await createAccessKey(account, ["read"], "reader");
    await expectError(
      await call("PATCH", `/v3/b/${bin.id}`, {
        headers: { "X-Access-Key": accessKey, "Content-Type": MERGE },
        body: '{"a":1}',
      }),
      403,
      FORBIDDEN.update,
    );
  });

  it("lets anyone patch a public bin, always as a new version", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Private": "false" });
    const res = await patch(null, bin.id, MERGE, { b: 2 }, { "X-Bin-Versioning": "false" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { metadata: { version: number } }).metadata.version).toBe(1);
  });
});
