import { describe, expect, it } from "vitest";
import {
  BIN_BLANK,
  call,
  createAccount,
  createBin,
  createSchemaDoc,
  env,
  FREE_CREATE_TOO_LARGE,
  JSON_TYPE,
  latestRecord,
  master,
  NOT_OBJECT_OR_ARRAY,
  okJson,
  SCHEMA_NOT_APPLICABLE,
  schemaMismatch,
  storageOf,
  type TestAccount,
  updateBin,
  versionCount,
} from "../helpers";

// §5.4 record validation against the schema attached to a bin's collection.

const DRAFT_04 = "http://json-schema.org/draft-04/schema#";
const DRAFT_07 = "http://json-schema.org/draft-07/schema#";
const DRAFT_2019 = "https://json-schema.org/draft/2019-09/schema";
const DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema";

async function newCollection(account: TestAccount, name = "validated"): Promise<string> {
  const res = await call("POST", "/v3/c", { headers: { ...master(account), "X-Collection-Name": name } });
  return (await okJson<{ record: string }>(res)).record;
}

async function attach(account: TestAccount, collectionId: string, schemaId: string): Promise<void> {
  await okJson(await call("PUT", `/v3/c/${collectionId}/schemadoc/add/${schemaId}`, { headers: master(account) }));
}

async function detach(account: TestAccount, collectionId: string): Promise<void> {
  await okJson(await call("PUT", `/v3/c/${collectionId}/schemadoc/remove`, { headers: master(account) }));
}

/** A collection with `schema` attached under `name`. */
async function validated(account: TestAccount, name: string, schema: unknown) {
  const schemaId = await createSchemaDoc(account, name, schema);
  const collectionId = await newCollection(account);
  await attach(account, collectionId, schemaId);
  return { schemaId, collectionId };
}

const createIn = (account: TestAccount, collectionId: string, record: unknown) =>
  call("POST", "/v3/b", { headers: { ...master(account), "X-Collection-Id": collectionId }, body: record });

/** Asserts the exact v3 mismatch body (§5.4): two spaces after the colon, then the schema's id and name. */
async function expectMismatch(res: Response, message: string, schemaId: string, schemaName: string): Promise<void> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toEqual({
    status: 400,
    body: JSON.stringify({
      message: schemaMismatch(`${message}`),
      schemaDocID: schemaId,
      schemaDocName: schemaName,
    }),
  });
  expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
  expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
}

async function listed(account: TestAccount, path: string): Promise<string[]> {
  const items = await okJson<{ record: string }[]>(await call("GET", path, { headers: master(account) }));
  return items.map((i) => i.record);
}

interface Case {
  draft: string;
  keyword: string;
  schema: Record<string, unknown>;
  invalid: unknown;
  valid: unknown;
  message: string;
}

const withDraft = (uri: string | null, schema: Record<string, unknown>) =>
  uri === null ? schema : { $schema: uri, ...schema };

const CASES: Case[] = [
  // ---- draft-04 ----
  {
    draft: "draft-04",
    keyword: "required",
    schema: withDraft(DRAFT_04, {
      type: "object",
      required: ["username"],
      properties: { username: { type: "string" } },
    }),
    invalid: { name: "amy" },
    valid: { username: "amy" },
    message: "Should have required property 'username'",
  },
  {
    draft: "draft-04",
    keyword: "type (integer)",
    schema: withDraft(DRAFT_04, { type: "object", properties: { age: { type: "integer" } } }),
    invalid: { age: "ten" },
    valid: { age: 10 },
    message: "Should be integer",
  },
  {
    draft: "draft-04",
    keyword: "$ref to #/definitions",
    schema: withDraft(DRAFT_04, {
      definitions: { name: { type: "string" } },
      type: "object",
      properties: { name: { $ref: "#/definitions/name" } },
    }),
    invalid: { name: 5 },
    valid: { name: "five" },
    message: "Should be string",
  },
  {
    draft: "draft-04",
    keyword: "boolean exclusiveMinimum",
    schema: withDraft(DRAFT_04, { properties: { price: { type: "number", minimum: 0, exclusiveMinimum: true } } }),
    invalid: { price: 0 },
    valid: { price: 0.5 },
    message: "Should be > 0",
  },
  {
    draft: "draft-04",
    keyword: "maxLength",
    schema: withDraft(DRAFT_04, { properties: { code: { type: "string", maxLength: 5 } } }),
    invalid: { code: "toolong" },
    valid: { code: "short" },
    message: "Should NOT be longer than 5 characters",
  },
  // ---- draft-07 ----
  {
    draft: "draft-07",
    keyword: "enum",
    schema: withDraft(DRAFT_07, { properties: { role: { enum: ["admin", "user"] } } }),
    invalid: { role: "root" },
    valid: { role: "admin" },
    message: "Should be equal to one of the allowed values",
  },
  {
    draft: "draft-07",
    keyword: "minimum",
    schema: withDraft(DRAFT_07, { properties: { age: { type: "integer", minimum: 18 } } }),
    invalid: { age: 17 },
    valid: { age: 18 },
    message: "Should be >= 18",
  },
  {
    draft: "draft-07",
    keyword: "pattern",
    schema: withDraft(DRAFT_07, { properties: { slug: { type: "string", pattern: "^[a-z]+$" } } }),
    invalid: { slug: "Not-A-Slug" },
    valid: { slug: "slug" },
    message: 'Should match pattern "^[a-z]+$"',
  },
  {
    draft: "draft-07",
    keyword: "additionalProperties",
    schema: withDraft(DRAFT_07, { type: "object", properties: { a: { type: "number" } }, additionalProperties: false }),
    invalid: { a: 1, b: 2 },
    valid: { a: 1 },
    message: "Should NOT have additional properties",
  },
  {
    draft: "draft-07",
    keyword: "$ref to #/definitions inside array items",
    schema: withDraft(DRAFT_07, {
      definitions: { tag: { type: "string", maxLength: 5 } },
      properties: { tags: { type: "array", items: { $ref: "#/definitions/tag" } } },
    }),
    invalid: { tags: ["ok", "much too long"] },
    valid: { tags: ["ok", "fine"] },
    message: "Should NOT be longer than 5 characters",
  },
  {
    draft: "draft-07",
    keyword: "const",
    schema: withDraft(DRAFT_07, { properties: { kind: { const: "user" } } }),
    invalid: { kind: "admin" },
    valid: { kind: "user" },
    message: "Should be equal to constant",
  },
  {
    draft: "draft-07",
    keyword: "type with several types",
    schema: withDraft(DRAFT_07, { properties: { note: { type: ["string", "null"] } } }),
    invalid: { note: 1 },
    valid: { note: null },
    message: "Should be string,null",
  },
  {
    draft: "draft-07 (no $schema)",
    keyword: "required in a nested object",
    schema: withDraft(null, {
      type: "object",
      properties: {
        user: { type: "object", required: ["email"], properties: { email: { type: "string" } } },
      },
    }),
    invalid: { user: { name: "amy" } },
    valid: { user: { email: "amy@example.com" } },
    message: "Should have required property 'email'",
  },
  // ---- 2019-09 ----
  {
    draft: "2019-09",
    keyword: "minItems",
    schema: withDraft(DRAFT_2019, { type: "object", properties: { items: { type: "array", minItems: 1 } } }),
    invalid: { items: [] },
    valid: { items: [1] },
    message: "Should NOT have fewer than 1 items",
  },
  {
    draft: "2019-09",
    keyword: "$ref to #/$defs",
    schema: withDraft(DRAFT_2019, {
      $defs: { age: { type: "integer", minimum: 0 } },
      type: "object",
      properties: { age: { $ref: "#/$defs/age" } },
    }),
    invalid: { age: -1 },
    valid: { age: 0 },
    message: "Should be >= 0",
  },
  {
    draft: "2019-09",
    keyword: "maxItems on a top-level array",
    schema: withDraft(DRAFT_2019, { type: "array", maxItems: 2 }),
    invalid: [1, 2, 3],
    valid: [1, 2],
    message: "Should NOT have more than 2 items",
  },
  {
    draft: "2019-09",
    keyword: "type of a top-level record",
    schema: withDraft(DRAFT_2019, { type: "object" }),
    invalid: [1, 2],
    valid: { a: 1 },
    message: "Should be object",
  },
  // ---- 2020-12 ----
  {
    draft: "2020-12",
    keyword: "$ref to #/$defs with additionalProperties in a nested object",
    schema: withDraft(DRAFT_2020, {
      $defs: {
        address: { type: "object", properties: { city: { type: "string" } }, additionalProperties: false },
      },
      type: "object",
      properties: { address: { $ref: "#/$defs/address" } },
    }),
    invalid: { address: { city: "Oslo", zip: "0150" } },
    valid: { address: { city: "Oslo" } },
    message: "Should NOT have additional properties",
  },
  {
    draft: "2020-12",
    keyword: "type of array items",
    schema: withDraft(DRAFT_2020, { properties: { scores: { type: "array", items: { type: "number" } } } }),
    invalid: { scores: [1, "two", 3] },
    valid: { scores: [1, 2.5, 3] },
    message: "Should be number",
  },
  {
    draft: "2020-12",
    keyword: "required (second of two)",
    schema: withDraft(DRAFT_2020, { type: "object", required: ["username", "email"] }),
    invalid: { username: "amy" },
    valid: { username: "amy", email: "amy@example.com" },
    message: "Should have required property 'email'",
  },
  {
    draft: "2020-12",
    keyword: "numeric exclusiveMinimum",
    schema: withDraft(DRAFT_2020, { properties: { price: { type: "number", exclusiveMinimum: 0 } } }),
    invalid: { price: 0 },
    valid: { price: 1 },
    message: "Should be > 0",
  },
  {
    draft: "2020-12",
    keyword: "minLength",
    schema: withDraft(DRAFT_2020, { properties: { name: { type: "string", minLength: 3 } } }),
    invalid: { name: "ab" },
    valid: { name: "abc" },
    message: "Should NOT be shorter than 3 characters",
  },
  {
    draft: "2020-12",
    keyword: "enum inside a nested array of objects",
    schema: withDraft(DRAFT_2020, {
      properties: {
        users: {
          type: "array",
          items: { type: "object", properties: { role: { enum: ["admin", "user"] } } },
        },
      },
    }),
    invalid: { users: [{ role: "user" }, { role: "guest" }] },
    valid: { users: [{ role: "user" }, { role: "admin" }] },
    message: "Should be equal to one of the allowed values",
  },
];

describe("schema validation of records (§5.4)", () => {
  it.each(CASES)(
    "rejects a $draft record that breaks $keyword, with the exact mismatch body, and accepts a valid one",
    async (c) => {
      const account = await createAccount();
      const name = `${c.draft} ${c.keyword}`.slice(0, 32).trim();
      const { schemaId, collectionId } = await validated(account, name, c.schema);
      await expectMismatch(await createIn(account, collectionId, c.invalid), c.message, schemaId, name);
      const created = await okJson<{ record: unknown; metadata: { collectionId: string } }>(
        await createIn(account, collectionId, c.valid),
      );
      expect(created.record).toEqual(c.valid);
      expect(created.metadata.collectionId).toBe(collectionId);
    },
  );

  it.each(CASES)("rejects a $draft update that breaks $keyword and accepts a valid one", async (c) => {
    const account = await createAccount();
    const name = `${c.draft} ${c.keyword}`.slice(0, 32).trim();
    const { schemaId, collectionId } = await validated(account, name, c.schema);
    const bin = await okJson<{ metadata: { id: string } }>(await createIn(account, collectionId, c.valid));
    await expectMismatch(await updateBin(account, bin.metadata.id, c.invalid), c.message, schemaId, name);
    expect(await latestRecord(account, bin.metadata.id)).toEqual(c.valid);
    await okJson(await updateBin(account, bin.metadata.id, c.valid, { "X-Bin-Versioning": "true" }));
  });

  it("covers all four drafts with at least 12 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(12);
    const drafts = new Set(CASES.map((c) => c.schema.$schema ?? DRAFT_07));
    expect(drafts).toEqual(new Set([DRAFT_04, DRAFT_07, DRAFT_2019, DRAFT_2020]));
  });
});

describe("what a failed validation leaves behind", () => {
  it("stores nothing for a failing create: no bin in the listing, no bin or bytes in the account usage", async () => {
    const account = await createAccount();
    const { schemaId, collectionId } = await validated(account, "users", { required: ["username"] });
    const before = await storageOf(account);
    await expectMismatch(
      await createIn(account, collectionId, { name: "amy" }),
      "Should have required property 'username'",
      schemaId,
      "users",
    );
    expect(await listed(account, `/v3/c/${collectionId}/bins`)).toEqual([]);
    expect(await listed(account, "/v3/c/uncategorized/bins")).toEqual([]);
    expect(await storageOf(account)).toEqual(before);
    expect(before).toEqual({ bins: 0, storageBytes: 0 });
  });

  it("keeps the previous latest and adds no version when an update fails, versioned or not", async () => {
    const account = await createAccount();
    const { schemaId, collectionId } = await validated(account, "users", {
      type: "object",
      required: ["username"],
    });
    const bin = await okJson<{ metadata: { id: string } }>(await createIn(account, collectionId, { username: "v0" }));
    const id = bin.metadata.id;
    await okJson(await updateBin(account, id, { username: "v1" }, { "X-Bin-Versioning": "true" }));
    const before = await storageOf(account);
    for (const headers of [{ "X-Bin-Versioning": "true" }, { "X-Bin-Versioning": "false" }, {}] as Record<
      string,
      string
    >[]) {
      await expectMismatch(
        await updateBin(account, id, { name: "bad" }, headers),
        "Should have required property 'username'",
        schemaId,
        "users",
      );
    }
    expect(await latestRecord(account, id)).toEqual({ username: "v1" });
    expect(await versionCount(account, id)).toBe(1);
    const base = await call("GET", `/v3/b/${id}/0`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
    expect(await base.json()).toEqual({ username: "v0" });
    expect(await storageOf(account)).toEqual(before);
  });
});

describe("a schema doc stored before the validator refused what it holds", () => {
  it("refuses writes it can no longer check, naming the schema doc, instead of storing them unchecked", async () => {
    const account = await createAccount();
    const collectionId = await newCollection(account);
    const schemaId = await createSchemaDoc(account, "old", { type: "object" });
    await attach(account, collectionId, schemaId);
    // A backreference was accepted once; the validator now refuses patterns it cannot run in linear time.
    await env.DB.prepare("UPDATE schema_docs SET schema = ?, revision = revision + 1 WHERE id = ?")
      .bind(JSON.stringify({ type: "object", properties: { a: { type: "string", pattern: "(a)\\1" } } }), schemaId)
      .run();
    const res = await call("POST", "/v3/b", {
      headers: { ...master(account), "X-Collection-Id": collectionId },
      body: { a: "aa" },
    });
    await expectMismatch(res, SCHEMA_NOT_APPLICABLE, schemaId, "old");
    expect(await storageOf(account)).toMatchObject({ bins: 0 });
  });
});

describe("when validation applies", () => {
  it("validates updates to a bin whose collection got a schema after the bin was created, without re-validating it", async () => {
    const account = await createAccount();
    const collectionId = await newCollection(account);
    const bin = await createBin(account, { anything: true }, { "X-Collection-Id": collectionId });
    const schemaId = await createSchemaDoc(account, "strict", { type: "object", required: ["username"] });
    await attach(account, collectionId, schemaId);
    // The existing record is not re-validated: it still reads back as stored.
    expect(await latestRecord(account, bin.id)).toEqual({ anything: true });
    await expectMismatch(
      await updateBin(account, bin.id, { still: "no username" }),
      "Should have required property 'username'",
      schemaId,
      "strict",
    );
    expect(await latestRecord(account, bin.id)).toEqual({ anything: true });
    await okJson(await updateBin(account, bin.id, { username: "amy" }));
    expect(await latestRecord(account, bin.id)).toEqual({ username: "amy" });
  });

  it("stops validating creates and updates once the schema is detached", async () => {
    const account = await createAccount();
    const { schemaId, collectionId } = await validated(account, "strict", { required: ["username"] });
    const bin = await okJson<{ metadata: { id: string } }>(await createIn(account, collectionId, { username: "amy" }));
    await expectMismatch(
      await updateBin(account, bin.metadata.id, { x: 1 }),
      "Should have required property 'username'",
      schemaId,
      "strict",
    );
    await detach(account, collectionId);
    await okJson(await updateBin(account, bin.metadata.id, { x: 1 }));
    expect(await latestRecord(account, bin.metadata.id)).toEqual({ x: 1 });
    const created = await okJson<{ record: unknown }>(await createIn(account, collectionId, { y: 2 }));
    expect(created.record).toEqual({ y: 2 });
  });

  it("uses the schema attached last when a collection's schema is replaced", async () => {
    const account = await createAccount();
    const { collectionId } = await validated(account, "first", { required: ["a"] });
    const second = await createSchemaDoc(account, "second", { required: ["b"] });
    await attach(account, collectionId, second);
    await expectMismatch(
      await createIn(account, collectionId, { a: 1 }),
      "Should have required property 'b'",
      second,
      "second",
    );
    await okJson(await createIn(account, collectionId, { b: 1 }));
  });

  it("uses a schema doc's new content and name from the next write on", async () => {
    const account = await createAccount();
    const { schemaId, collectionId } = await validated(account, "before", { required: ["a"] });
    await expectMismatch(
      await createIn(account, collectionId, { b: 1 }),
      "Should have required property 'a'",
      schemaId,
      "before",
    );
    await okJson(
      await call("PUT", `/v3/s/${schemaId}`, {
        headers: { ...master(account), "X-Schema-Doc-Name": "after" },
        body: { required: ["b"] },
      }),
    );
    await okJson(await createIn(account, collectionId, { b: 1 }));
    await expectMismatch(
      await createIn(account, collectionId, { a: 1 }),
      "Should have required property 'b'",
      schemaId,
      "after",
    );
  });

  it("does not validate bins outside the collection", async () => {
    const account = await createAccount();
    await validated(account, "strict", { required: ["username"] });
    const otherCollection = await newCollection(account, "free-form");
    await createBin(account, { free: true });
    await createBin(account, { free: true }, { "X-Collection-Id": otherCollection });
  });

  it("applies the record body rules before the schema", async () => {
    const account = await createAccount();
    const { collectionId } = await validated(account, "strict", { required: ["username"] });
    const res = await createIn(account, collectionId, {});
    expect({ status: res.status, body: await res.text() }).toEqual({
      status: 400,
      body: JSON.stringify({ message: BIN_BLANK }),
    });
    const scalar = await createIn(account, collectionId, "42");
    expect({ status: scalar.status, body: await scalar.text() }).toEqual({
      status: 400,
      body: JSON.stringify({ message: NOT_OBJECT_OR_ARRAY }),
    });
  });

  it("applies the record size limit before the schema", async () => {
    const account = await createAccount();
    const { collectionId } = await validated(account, "strict", { required: ["username"] });
    const res = await createIn(account, collectionId, { big: "x".repeat(102_400) });
    expect({ status: res.status, body: await res.text() }).toEqual({
      status: 403,
      body: JSON.stringify({ message: FREE_CREATE_TOO_LARGE }),
    });
  });

  it("reports the first error only, in Ajv v6's keyword order", async () => {
    const account = await createAccount();
    const { schemaId, collectionId } = await validated(account, "two errors", {
      $schema: DRAFT_07,
      type: "object",
      required: ["username"],
      properties: { age: { type: "integer" } },
    });
    // Both `required` and `properties/age/type` fail; Ajv v6 checks `required` first.
    await expectMismatch(
      await createIn(account, collectionId, { age: "old" }),
      "Should have required property 'username'",
      schemaId,
      "two errors",
    );
  });
});
