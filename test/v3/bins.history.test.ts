import { describe, expect, it } from "vitest";
import { applyPatch } from "../../src/bins/patch/engine";
import { toStoredRecord } from "../../src/bins/records";
import {
  BIN_NOT_FOUND,
  BIN_NOT_FOUND_OR_NOT_YOURS,
  BIN_VERSION_INVALID,
  BIN_VERSION_NOT_FOUND,
  BIN_VERSIONING_NOT_BOOLEAN,
  call,
  createAccount,
  createBin,
  DEEP_AND_WIDE,
  expectError,
  INVALID_BIN_ID,
  INVALID_VERSION_RANGE,
  master,
  NOT_YOURS,
  PRECONDITION_FAILED,
  patchAccount,
  ROUTE_NOT_FOUND,
  seedVersions,
  type TestAccount,
  UNKNOWN_ID,
} from "../helpers";

const versioned = (account: TestAccount) => ({ ...master(account), "X-Bin-Versioning": "true" });

/** A bin whose base is records[0] and whose versions 1..n are the rest. */
async function binWithVersions(account: TestAccount, records: unknown[], headers: Record<string, string> = {}) {
  const bin = await createBin(account, records[0], headers);
  for (const record of records.slice(1)) {
    const res = await call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: record });
    expect(res.status).toBe(200);
  }
  return bin.id;
}

async function recordText(account: TestAccount, id: string, version: number | "latest"): Promise<string> {
  const res = await call("GET", `/v3/b/${id}/${version}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
  expect(res.status).toBe(200);
  return res.text();
}

async function accessKey(account: TestAccount, bins: Record<string, boolean>): Promise<string> {
  const res = await call("POST", "/v3/a", { headers: { ...master(account), "X-Key-Name": "k" }, body: { bins } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessKey: string }).accessKey;
}

const diff = (id: string, query: string, headers: Record<string, string> = {}) =>
  call("GET", `/v3/b/${id}/diff${query}`, { headers });
const restore = (id: string, n: number | string, headers: Record<string, string> = {}) =>
  call("POST", `/v3/b/${id}/versions/${n}/restore`, { headers });

describe("GET /v3/b/<id>/diff", () => {
  it("answers the patch from the version before the latest to the latest by default", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ a: 1 }, { a: 1, b: 2 }, { a: 3, b: 2 }]);
    const res = await diff(id, "", master(account));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"from":1,"to":2,"patch":[{"op":"replace","path":"/a","value":3}]}');
  });

  it("gives a patch that turns record a into record b exactly, for every pair of a bin's versions", async () => {
    const account = await createAccount();
    const records = [
      { name: "x", tags: ["a", "b"], n: 1 },
      { tags: ["a", "c", "b"], name: "x", n: 1.5 },
      { name: "y", tags: [], extra: { deep: [1, { k: null }] } },
      [1, 2, { three: 3 }],
    ];
    const id = await binWithVersions(account, records);
    for (let a = 0; a < records.length; a++) {
      for (let b = 0; b < records.length; b++) {
        const res = await diff(id, `?from=${a}&to=${b}`, master(account));
        expect(res.status).toBe(200);
        const body = (await res.json()) as { from: number; to: number; patch: unknown };
        expect([body.from, body.to]).toEqual([a, b]);
        const from = JSON.parse(await recordText(account, id, a));
        const patched = applyPatch(from, { format: "json-patch", document: body.patch });
        expect(JSON.stringify(patched)).toBe(await recordText(account, id, b));
      }
    }
  });

  it("answers a patch whose value is nested deeper than the native serialiser's stack", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ x: 1 }, DEEP_AND_WIDE.record]);
    const res = await diff(id, "?from=0&to=1", master(account));
    const text = await res.text();
    expect(res.status, text.slice(0, 200)).toBe(200);
    expect(
      text ===
        `{"from":0,"to":1,"patch":[{"op":"remove","path":"/x"},{"op":"add","path":"/inner","value":${DEEP_AND_WIDE.inner}}]}`,
    ).toBe(true);
  });

  it("takes `latest` for either end and resolves it to the version number", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ a: 0 }, { a: 1 }, { a: 2 }]);
    const body = await (await diff(id, "?from=latest&to=0", master(account))).json();
    expect(body).toEqual({ from: 2, to: 0, patch: [{ op: "replace", path: "/a", value: 0 }] });
    expect(await (await diff(id, "?from=1&to=LATEST", master(account))).json()).toMatchObject({ from: 1, to: 2 });
  });

  it("diffs the base with itself when the bin has no versions", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ a: 0 }]);
    expect(await (await diff(id, "", master(account))).json()).toEqual({ from: 0, to: 0, patch: [] });
    expect(await (await diff(id, "?to=0", master(account))).json()).toEqual({ from: 0, to: 0, patch: [] });
  });

  it("defaults `from` to the version before an explicit `to`", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ a: 0 }, { a: 1 }, { a: 2 }]);
    expect(await (await diff(id, "?to=1", master(account))).json()).toMatchObject({ from: 0, to: 1 });
  });

  it.each(["from=abc", "to=-1", "from=1.5", "to=", "from=1234567890", "to=0x1"])(
    "refuses the version range %s",
    async (query) => {
      const account = await createAccount();
      const id = await binWithVersions(account, [{ a: 0 }]);
      await expectError(await diff(id, `?${query}`, master(account)), 400, INVALID_VERSION_RANGE);
    },
  );

  it("answers 404 for a version past the latest", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ a: 0 }, { a: 1 }]);
    await expectError(await diff(id, "?from=0&to=2", master(account)), 404, BIN_VERSION_NOT_FOUND);
    await expectError(await diff(id, "?from=5", master(account)), 404, BIN_VERSION_NOT_FOUND);
  });

  it("checks the id, the bin and the keys as a read does", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const id = await binWithVersions(account, [{ a: 0 }, { a: 1 }]);
    await expectError(await diff("nope", "", master(account)), 400, INVALID_BIN_ID);
    await expectError(await diff(UNKNOWN_ID, "", master(account)), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
    await expectError(
      await diff(id, ""),
      401,
      "You need to pass X-Master-Key or X-Access-Key in the header to read a private bin",
    );
    await expectError(await diff(id, "", master(other)), 401, NOT_YOURS);
    const writeOnly = await accessKey(account, { update: true });
    await expectError(
      await diff(id, "", { "X-Access-Key": writeOnly }),
      403,
      "X-Access-Key passed does not have permission to read the bin",
    );
    const reader = await accessKey(account, { read: true });
    expect((await diff(id, "", { "X-Access-Key": reader })).status).toBe(200);
  });

  it("is open to anyone on a public bin", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ a: 0 }, { a: 1 }], { "X-Bin-Private": "false" });
    expect((await diff(id, "")).status).toBe(200);
  });

  it("refuses two records over 4 MiB together", { timeout: 60_000 }, async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxRecordBytes: 3_000_000 } })).status).toBe(200);
    const big = (fill: string) => ({ data: fill.repeat(2_200_000) });
    const id = await binWithVersions(account, [big("a"), big("b")]);
    await expectError(await diff(id, "", master(account)), 403, "Versions too large to diff");
    // Each record alone is well under the bound: diffing one with itself is not refused.
    expect((await diff(id, "?from=1&to=1", master(account))).status).toBe(200);
  });
});

describe("POST /v3/b/<id>/versions/<n>/restore", () => {
  it("writes record n as a new version when versioned, with restoredFrom last in the metadata", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ v: 0 }, { v: 1 }, { v: 2 }]);
    const res = await restore(id, 1, versioned(account));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      `{"record":{"v":1},"metadata":{"parentId":"${id}","private":true,"version":3,"restoredFrom":1}}`,
    );
    expect(res.headers.get("X-Bin-Version")).toBe("3");
    const stored = await toStoredRecord({ v: 1 });
    expect(res.headers.get("ETag")).toBe(`"3-${stored.hash}"`);
    expect(await recordText(account, id, "latest")).toBe('{"v":1}');
    expect(await recordText(account, id, 2)).toBe('{"v":2}');
  });

  it("overwrites the latest in place on a private bin without X-Bin-Versioning", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ v: 0 }, { v: 1 }, { v: 2 }]);
    const res = await restore(id, 0, master(account));
    expect(await res.text()).toBe(`{"record":{"v":0},"metadata":{"parentId":"${id}","private":true,"restoredFrom":0}}`);
    expect(res.headers.get("X-Bin-Version")).toBe("2");
    expect(await recordText(account, id, 2)).toBe('{"v":0}');
  });

  it("follows the versioning table on a public bin", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ v: 0 }, { v: 1 }], { "X-Bin-Private": "false" });
    // No key: versioned, whatever the header says.
    const anyone = await restore(id, 0, { "X-Bin-Versioning": "false" });
    expect(((await anyone.json()) as { metadata: unknown }).metadata).toEqual({
      parentId: id,
      private: false,
      version: 2,
      restoredFrom: 0,
    });
    // The owner's master key with false: in place.
    const owner = await restore(id, 1, { ...master(account), "X-Bin-Versioning": "false" });
    expect(((await owner.json()) as { metadata: unknown }).metadata).toEqual({
      parentId: id,
      private: false,
      restoredFrom: 1,
    });
    expect(owner.headers.get("X-Bin-Version")).toBe("2");
  });

  it("overwrites version 1000 at the cap and says so", { timeout: 60_000 }, async () => {
    const account = await createAccount();
    const bin = await createBin(account, { base: true });
    await seedVersions(bin.id, 1000);
    const res = await restore(bin.id, 0, versioned(account));
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Bin-Version-Cap-Reached")).toBe("true");
    expect(res.headers.get("X-Bin-Version")).toBe("1000");
    expect(((await res.json()) as { metadata: unknown }).metadata).toEqual({
      parentId: bin.id,
      private: true,
      restoredFrom: 0,
    });
    expect(await recordText(account, bin.id, 1000)).toBe('{"base":true}');
  });

  it("honours If-Match against the latest record's ETag", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ v: 0 }, { v: 1 }]);
    const latest = await call("GET", `/v3/b/${id}`, { headers: master(account) });
    const etag = latest.headers.get("ETag")!;
    const stale = await restore(id, 0, { ...versioned(account), "If-Match": '"0-0000000000000000"' });
    await expectError(stale, 412, PRECONDITION_FAILED);
    expect(stale.headers.get("ETag")).toBe(etag);
    const fresh = await restore(id, 0, { ...versioned(account), "If-Match": etag });
    expect(fresh.status).toBe(200);
    // The restore moved the latest on: the old ETag no longer matches.
    await expectError(await restore(id, 1, { ...versioned(account), "If-Match": etag }), 412, PRECONDITION_FAILED);
  });

  it("ignores the body and its Content-Type", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ v: 0 }, { v: 1 }]);
    const res = await call("POST", `/v3/b/${id}/versions/0/restore`, {
      headers: { ...versioned(account), "Content-Type": "text/plain" },
      body: "not json",
    });
    expect(res.status).toBe(200);
    expect(await recordText(account, id, "latest")).toBe('{"v":0}');
  });

  it("validates the record against the collection's schema as a PUT would", async () => {
    const account = await createAccount();
    const schema = await call("POST", "/v3/s", {
      headers: { ...master(account), "X-Schema-Doc-Name": "needs-name" },
      body: { type: "object", required: ["name"] },
    });
    const schemaId = ((await schema.json()) as { metadata: { id: string } }).metadata.id;
    const collection = await call("POST", "/v3/c", { headers: { ...master(account), "X-Collection-Name": "c" } });
    const collectionId = ((await collection.json()) as { record: string }).record;
    const id = await binWithVersions(account, [{ v: 0 }, { v: 1, name: "n" }], { "X-Collection-Id": collectionId });
    // Attached after the records were written: existing records are not re-validated, restores are.
    const attach = await call("PUT", `/v3/c/${collectionId}/schemadoc/add`, {
      headers: { ...master(account), "X-Schema-Doc-Id": schemaId },
    });
    expect(attach.status).toBe(200);
    const res = await restore(id, 0, versioned(account));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: "Schema Doc Validation Mismatch:  Should have required property 'name'",
      schemaDocID: schemaId,
      schemaDocName: "needs-name",
    });
    expect((await restore(id, 1, versioned(account))).status).toBe(200);
  });

  it("applies the owner's record size limit as it stands now", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ data: "x".repeat(2000) }, { small: true }]);
    expect((await patchAccount(account.accountId, { limits: { maxRecordBytes: 1024 } })).status).toBe(200);
    await expectError(await restore(id, 0, versioned(account)), 403, "Free users cannot update a record over 1kb");
  });

  it("answers the update errors of §3.3 and 404 for a missing version", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const id = await binWithVersions(account, [{ v: 0 }, { v: 1 }]);
    await expectError(await restore("nope", 0, master(account)), 400, INVALID_BIN_ID);
    for (const segment of ["abc", "latest", "-1", "1234567890"]) {
      await expectError(await restore(id, segment, master(account)), 400, BIN_VERSION_INVALID);
    }
    await expectError(
      await restore(id, 0, { ...master(account), "X-Bin-Versioning": "maybe" }),
      400,
      BIN_VERSIONING_NOT_BOOLEAN,
    );
    await expectError(await restore(UNKNOWN_ID, 0, master(account)), 404, BIN_NOT_FOUND);
    await expectError(await restore(id, 2, master(account)), 404, BIN_VERSION_NOT_FOUND);
    await expectError(
      await restore(id, 0),
      401,
      "You need to pass X-Master-Key or X-Access-Key in the header to update a private bin",
    );
    await expectError(
      await restore(id, 0, master(other)),
      401,
      "Invalid X-Master-Key provided or the bin does not belong to your account",
    );
    const reader = await accessKey(account, { read: true });
    await expectError(
      await restore(id, 0, { "X-Access-Key": reader }),
      403,
      "X-Access-Key passed does not have permission to update the bin",
    );
    const updater = await accessKey(account, { update: true });
    expect((await restore(id, 0, { "X-Access-Key": updater })).status).toBe(200);
  });

  it("is refused on other methods", async () => {
    const account = await createAccount();
    const id = await binWithVersions(account, [{ v: 0 }]);
    await expectError(
      await call("GET", `/v3/b/${id}/versions/0/restore`, { headers: master(account) }),
      404,
      ROUTE_NOT_FOUND,
    );
  });
});
