import { describe, expect, it } from "vitest";
import { budgetFor, MAX_NESTED_CHECKS } from "../../src/schemas/limits";
import { call, createAccount, expectError, expectLegacyError, INVALID_JSON_SCHEMA, master } from "../helpers";

// Issue "Hardening round 2", items 1 and 2: schema work that used to fail with a 500 or hold the
// Worker for seconds, shown through the HTTP surface. Each request finishes with a normal answer;
// none of these tests measures time.

type Account = Awaited<ReturnType<typeof createAccount>>;

async function okJson<T>(res: Response): Promise<T> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toEqual({ status: 200, body: expect.any(String) });
  return JSON.parse(text) as T;
}

function createSchema(account: Account, schema: unknown): Promise<Response> {
  return call("POST", "/v3/s", { headers: { ...master(account), "X-Schema-Doc-Name": "hostile" }, body: schema });
}

/** A collection with `schema` attached, as §4.5 and §5.1 make one. */
async function validated(account: Account, schema: unknown): Promise<{ schemaId: string; collectionId: string }> {
  const schemaId = (await okJson<{ metadata: { id: string } }>(await createSchema(account, schema))).metadata.id;
  const collectionId = (
    await okJson<{ record: string }>(
      await call("POST", "/v3/c", { headers: { ...master(account), "X-Collection-Name": "hostile" } }),
    )
  ).record;
  await okJson(
    await call("PUT", `/v3/c/${collectionId}/schemadoc/add`, {
      headers: { ...master(account), "X-Schema-Doc-Id": schemaId },
    }),
  );
  return { schemaId, collectionId };
}

const createIn = (account: Account, collectionId: string, record: unknown) =>
  call("POST", "/v3/b", { headers: { ...master(account), "X-Collection-Id": collectionId }, body: record });

const update = (account: Account, binId: string, record: unknown) =>
  call("PUT", `/v3/b/${binId}`, { headers: master(account), body: record });

async function expectMismatch(res: Response, message: string, schemaId: string): Promise<void> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toEqual({
    status: 400,
    body: JSON.stringify({
      message: `Schema Doc Validation Mismatch:  ${message}`,
      schemaDocID: schemaId,
      schemaDocName: "hostile",
    }),
  });
}

function nested(levels: number, leaf: unknown = {}): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe("recursive schemas and deep records (item 1)", () => {
  const recursive = { properties: { a: { $ref: "#" } } };

  it("stores a valid 1000-level record under a recursive schema, on create and on update", async () => {
    const account = await createAccount();
    const { collectionId } = await validated(account, recursive);
    const record = nested(1000);
    expect(JSON.stringify(record).length).toBe(6002);
    const res = await createIn(account, collectionId, record);
    const created = await okJson<{ metadata: { id: string } }>(res);
    expect((await update(account, created.metadata.id, nested(1000, { b: 1 }))).status).toBe(200);
  });

  it("names the innermost error of an invalid 1000-level record", async () => {
    const account = await createAccount();
    const { schemaId, collectionId } = await validated(account, { ...recursive, type: "object" });
    await expectMismatch(await createIn(account, collectionId, nested(1000, 5)), "Should be object", schemaId);
  });

  it("refuses a record too deep to check with a sentence naming the bound, not a 500", async () => {
    const account = await createAccount();
    const { schemaId, collectionId } = await validated(account, recursive);
    await expectMismatch(
      await createIn(account, collectionId, nested(MAX_NESTED_CHECKS)),
      `Record is nested too deeply to validate against this schema (more than ${MAX_NESTED_CHECKS} nested subschemas)`,
      schemaId,
    );
  });

  it("still stores a deep record whose deep part the schema never looks at", async () => {
    const account = await createAccount();
    const { collectionId } = await validated(account, { type: "object", required: ["a"] });
    expect((await createIn(account, collectionId, nested(10_000))).status).toBe(200);
  });
});

describe("schema work that grew faster than the input (item 2)", () => {
  it("accepts a 100,000-item enum and checks records against it", async () => {
    const account = await createAccount();
    const values = Array.from({ length: 100_000 }, (_, i) => i);
    expect(JSON.stringify({ enum: values }).length).toBeGreaterThan(575_000);
    const { schemaId, collectionId } = await validated(account, { properties: { n: { enum: values } } });
    expect((await createIn(account, collectionId, { n: 99_999 })).status).toBe(200);
    await expectMismatch(
      await createIn(account, collectionId, { n: 100_000 }),
      "Should be equal to one of the allowed values",
      schemaId,
    );
  });

  it("refuses a 100,000-item enum with one repeated value as invalid (uniqueItems of the meta-schema)", async () => {
    const account = await createAccount();
    const values = [...Array.from({ length: 100_000 }, (_, i) => i), 12_345];
    await expectError(await createSchema(account, { enum: values }), 400, INVALID_JSON_SCHEMA);
  });

  it("checks uniqueItems of a 169 KB array, and names the pair Ajv v6 names", async () => {
    const account = await createAccount({ plan: "pro" });
    const { schemaId, collectionId } = await validated(account, {
      properties: { items: { type: "array", uniqueItems: true } },
    });
    const items = Array.from({ length: 14_000 }, (_, i) => ({ id: 10_000 + i }));
    expect(JSON.stringify({ items }).length).toBeGreaterThan(169_000);
    const bin = await okJson<{ metadata: { id: string } }>(await createIn(account, collectionId, { items }));
    await expectMismatch(
      await update(account, bin.metadata.id, { items: [...items, { id: 10_000 }] }),
      "Should NOT have duplicate items (items ## 0 and 14000 are identical)",
      schemaId,
    );
  });

  it("runs ^(a+)+$ in linear time instead of refusing it", async () => {
    const account = await createAccount();
    const { schemaId, collectionId } = await validated(account, { properties: { s: { pattern: "^(a+)+$" } } });
    await expectMismatch(
      await createIn(account, collectionId, { s: `${"a".repeat(31)}b` }),
      'Should match pattern "^(a+)+$"',
      schemaId,
    );
    await expectMismatch(
      await createIn(account, collectionId, { s: `${"a".repeat(90_000)}b` }),
      'Should match pattern "^(a+)+$"',
      schemaId,
    );
    expect((await createIn(account, collectionId, { s: "a".repeat(90_000) })).status).toBe(200);
  });

  it("runs the same in patternProperties keys and the url format", async () => {
    const account = await createAccount();
    const { schemaId, collectionId } = await validated(account, {
      patternProperties: { "^(a|aa)+$": { type: "string", format: "url" } },
    });
    await expectMismatch(
      await createIn(account, collectionId, { [`${"a".repeat(40)}`]: `http://${"a".repeat(40)}!` }),
      'Should match format "url"',
      schemaId,
    );
    expect((await createIn(account, collectionId, { [`${"a".repeat(40)}b`]: 1 })).status).toBe(200);
  });

  it("refuses patterns the linear engine cannot run: backreferences and inline modifiers", async () => {
    const account = await createAccount();
    for (const schema of [
      { pattern: "^(a+)\\1$" },
      { patternProperties: { "(?<x>a)\\k<x>": {} } },
      { properties: { s: { pattern: "(?i:abc)" } } },
    ]) {
      await expectError(await createSchema(account, schema), 400, INVALID_JSON_SCHEMA);
    }
  });

  it("stops a schema whose checks double with each level at a bound relative to the record", async () => {
    const account = await createAccount();
    const $defs: Record<string, unknown> = { d40: { type: "string" } };
    for (let i = 0; i < 40; i++)
      $defs[`d${i}`] = { allOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
    const { schemaId, collectionId } = await validated(account, {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $defs,
      properties: { s: { $ref: "#/$defs/d0" } },
    });
    const record = { s: "x" };
    await expectMismatch(
      await createIn(account, collectionId, record),
      `Record needs more than ${budgetFor(record).limit} steps to validate against this schema`,
      schemaId,
    );
    expect((await createIn(account, collectionId, { t: 1 })).status).toBe(200);
  });

  it("answers a v2 schema with a backreference with 422, as any other invalid schema", async () => {
    const account = await createAccount();
    const res = await call("POST", "/s", {
      headers: { "secret-key": account.masterKey, name: "hostile" },
      body: { pattern: "(a)\\1" },
    });
    await expectLegacyError(res, 422, INVALID_JSON_SCHEMA);
  });
});
