import { describe, expect, it } from "vitest";
import {
  BODY_TOO_LARGE,
  call,
  createAccount,
  expectError,
  ID,
  INVALID_JSON,
  INVALID_JSON_SCHEMA,
  INVALID_MASTER,
  INVALID_SCHEMA_ID,
  ISO,
  master,
  NEED_JSON,
  NEED_MASTER,
  NEED_SCHEMA_NAME,
  okText,
  patchAccount,
  REQUESTS_EXHAUSTED,
  ROUTE_NOT_FOUND,
  SCHEMA_DOC_NOT_FOUND,
  SCHEMA_NAME_BLANK,
  SCHEMA_NAME_TOO_LONG,
  send,
  type TestAccount,
  UNKNOWN_ID,
} from "../helpers";

// §5.1–§5.3 schema docs (master key only). Validation of records is in validation.test.ts.

const USER_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  required: ["username"],
  properties: { username: { type: "string" } },
};
const USER_SCHEMA_TEXT = JSON.stringify(USER_SCHEMA);

const named = (account: TestAccount, name: string) => ({ ...master(account), "X-Schema-Doc-Name": name });

interface SchemaDoc {
  id: string;
  createdAt: string;
  name: string;
}

async function newSchema(account: TestAccount, name = "users", schema: unknown = USER_SCHEMA): Promise<SchemaDoc> {
  const text = await okText(await call("POST", "/v3/s", { headers: named(account, name), body: schema }));
  const { metadata } = JSON.parse(text) as { metadata: SchemaDoc };
  return metadata;
}

const docText = (doc: SchemaDoc, schemaText: string, name = doc.name) =>
  `{"record":${schemaText},"metadata":{"id":"${doc.id}","createdAt":"${doc.createdAt}","name":${JSON.stringify(name)}}}`;

async function readText(account: TestAccount, id: string): Promise<string> {
  return okText(await call("GET", `/v3/s/${id}`, { headers: master(account) }));
}

describe("the master key on schema doc routes", () => {
  const json = { "Content-Type": "application/json" };
  const routes: [string, string, string, Record<string, string>, string | undefined][] = [
    ["creating", "POST", "/v3/s", { ...json, "X-Schema-Doc-Name": "x" }, "{}"],
    ["reading", "GET", `/v3/s/${UNKNOWN_ID}`, {}, undefined],
    ["updating", "PUT", `/v3/s/${UNKNOWN_ID}`, json, '{"type":"object"}'],
    ["renaming", "PUT", `/v3/s/${UNKNOWN_ID}/meta/name`, { "X-Schema-Doc-Name": "x" }, undefined],
  ];
  for (const [what, method, path, headers, body] of routes) {
    it(`is required for ${what} a schema doc`, async () => {
      await expectError(await send(method, path, headers, body), 401, NEED_MASTER);
      await expectError(
        await send(method, path, { ...headers, "X-Access-Key": "an-access-key" }, body),
        401,
        NEED_MASTER,
      );
      await expectError(await send(method, path, { ...headers, "X-Master-Key": "" }, body), 401, NEED_MASTER);
    });

    it(`must be valid for ${what} a schema doc`, async () => {
      await expectError(
        await send(method, path, { ...headers, "X-Master-Key": "not-a-real-key" }, body),
        401,
        INVALID_MASTER,
      );
    });
  }

  it("has no delete route and no listing route", async () => {
    const account = await createAccount();
    const doc = await newSchema(account);
    await expectError(await call("DELETE", `/v3/s/${doc.id}`, { headers: master(account) }), 404, ROUTE_NOT_FOUND);
    await expectError(await call("GET", "/v3/s", { headers: master(account) }), 404, ROUTE_NOT_FOUND);
    await readText(account, doc.id);
  });
});

describe("the request quota on schema doc routes", () => {
  it("answers 403 Requests exhausted once the quota is used up, changing nothing", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "before");
    expect((await patchAccount(account.accountId, { limits: { requestQuota: 0 } })).status).toBe(200);
    await expectError(
      await call("POST", "/v3/s", { headers: named(account, "after"), body: {} }),
      403,
      REQUESTS_EXHAUSTED,
    );
    await expectError(await call("GET", `/v3/s/${doc.id}`, { headers: master(account) }), 403, REQUESTS_EXHAUSTED);
    await expectError(
      await call("PUT", `/v3/s/${doc.id}`, { headers: master(account), body: {} }),
      403,
      REQUESTS_EXHAUSTED,
    );
    await expectError(
      await call("PUT", `/v3/s/${doc.id}/meta/name`, { headers: named(account, "after") }),
      403,
      REQUESTS_EXHAUSTED,
    );
    // Not found (§1.6 step 5) is decided before the quota (step 6).
    await expectError(
      await call("GET", `/v3/s/${UNKNOWN_ID}`, { headers: master(account) }),
      404,
      SCHEMA_DOC_NOT_FOUND,
    );
    expect((await patchAccount(account.accountId, { limits: { requestQuota: null } })).status).toBe(200);
    expect(await readText(account, doc.id)).toBe(docText(doc, USER_SCHEMA_TEXT, "before"));
  });
});

describe("POST /v3/s", () => {
  it("stores the schema and returns it with id, createdAt and name in contract order", async () => {
    const account = await createAccount();
    const before = Date.now();
    const res = await send(
      "POST",
      "/v3/s",
      { ...named(account, "User schema"), "Content-Type": "application/json" },
      JSON.stringify(USER_SCHEMA, null, 2),
    );
    const text = await okText(res);
    const { metadata } = JSON.parse(text) as { metadata: SchemaDoc };
    expect(metadata.id).toMatch(ID);
    expect(metadata.createdAt).toMatch(ISO);
    expect(Date.parse(metadata.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(metadata.createdAt)).toBeLessThanOrEqual(Date.now() + 1000);
    // Compact, member order kept.
    expect(text).toBe(
      `{"record":${USER_SCHEMA_TEXT},"metadata":{"id":"${metadata.id}","createdAt":"${metadata.createdAt}","name":"User schema"}}`,
    );
    expect(await readText(account, metadata.id)).toBe(text);
  });

  it("accepts the empty schema {}", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "anything", {});
    expect(await readText(account, doc.id)).toBe(docText(doc, "{}"));
  });

  it("accepts application/json with a charset parameter and in upper case", async () => {
    const account = await createAccount();
    for (const type of ["application/json; charset=utf-8", "Application/JSON"]) {
      const res = await send(
        "POST",
        "/v3/s",
        { ...named(account, "typed"), "Content-Type": type },
        '{"type":"object"}',
      );
      expect(JSON.parse(await okText(res)).record).toEqual({ type: "object" });
    }
  });

  it("accepts each supported $schema, over http or https, with or without the trailing #", async () => {
    const account = await createAccount();
    const drafts = [
      "json-schema.org/draft-04/schema",
      "json-schema.org/draft-07/schema",
      "json-schema.org/draft/2019-09/schema",
      "json-schema.org/draft/2020-12/schema",
    ];
    for (const draft of drafts) {
      for (const uri of [`http://${draft}#`, `https://${draft}#`, `http://${draft}`, `https://${draft}`]) {
        const schema = { $schema: uri, type: "object" };
        const res = await call("POST", "/v3/s", { headers: named(account, "draft"), body: schema });
        expect({ uri, status: res.status }).toEqual({ uri, status: 200 });
        expect(JSON.parse(await res.text()).record).toEqual(schema);
      }
    }
  });

  it("asks for X-Schema-Doc-Name when it is missing", async () => {
    const account = await createAccount();
    await expectError(
      await call("POST", "/v3/s", { headers: master(account), body: USER_SCHEMA }),
      400,
      NEED_SCHEMA_NAME,
    );
  });

  it("refuses an empty or whitespace-only name as blank", async () => {
    const account = await createAccount();
    for (const name of ["", "  "]) {
      await expectError(
        await call("POST", "/v3/s", { headers: named(account, name), body: USER_SCHEMA }),
        400,
        SCHEMA_NAME_BLANK,
      );
    }
  });

  it("accepts a 32-code-point name and refuses 33, counting emoji as one each and after trimming", async () => {
    const account = await createAccount();
    expect((await newSchema(account, "s".repeat(32))).name).toBe("s".repeat(32));
    expect((await newSchema(account, "😀".repeat(32))).name).toBe("😀".repeat(32));
    expect((await newSchema(account, ` ${"t".repeat(32)} `)).name).toBe("t".repeat(32));
    for (const name of ["s".repeat(33), "😀".repeat(33)]) {
      await expectError(
        await call("POST", "/v3/s", { headers: named(account, name), body: USER_SCHEMA }),
        400,
        SCHEMA_NAME_TOO_LONG,
      );
    }
  });

  it("asks for Content-Type application/json when it is missing or another type", async () => {
    const account = await createAccount();
    await expectError(await send("POST", "/v3/s", named(account, "x"), USER_SCHEMA_TEXT), 400, NEED_JSON);
    await expectError(
      await send("POST", "/v3/s", { ...named(account, "x"), "Content-Type": "text/plain" }, USER_SCHEMA_TEXT),
      400,
      NEED_JSON,
    );
  });

  it("refuses a body that is not JSON", async () => {
    const account = await createAccount();
    for (const body of ['{"type": "object"', "{type: object}", "not json"]) {
      await expectError(await call("POST", "/v3/s", { headers: named(account, "x"), body }), 400, INVALID_JSON);
    }
  });

  it("refuses an empty or whitespace-only body as an invalid schema", async () => {
    const account = await createAccount();
    for (const body of ["", "  \n "]) {
      await expectError(
        await send("POST", "/v3/s", { ...named(account, "x"), "Content-Type": "application/json" }, body),
        400,
        INVALID_JSON_SCHEMA,
      );
    }
    await expectError(
      await send("POST", "/v3/s", { ...named(account, "x"), "Content-Type": "application/json" }),
      400,
      INVALID_JSON_SCHEMA,
    );
  });

  it("refuses JSON that is not a schema object", async () => {
    const account = await createAccount();
    const notSchemas = ["[]", '[{"type":"object"}]', '"object"', "42", "true", "false", "null"];
    for (const body of notSchemas) {
      const res = await call("POST", "/v3/s", { headers: named(account, "x"), body });
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      await expectError(res, 400, INVALID_JSON_SCHEMA);
    }
  });

  it("refuses objects that break their draft's meta-schema", async () => {
    const account = await createAccount();
    const invalid: unknown[] = [
      { type: 5 },
      { type: "strnig" },
      { required: "username" },
      { properties: [] },
      { minimum: "18" },
      { minLength: -1 },
      { enum: "a" },
      { additionalProperties: "no" },
      { $schema: "http://json-schema.org/draft-04/schema#", required: [] },
      { $schema: "https://json-schema.org/draft/2020-12/schema", properties: { a: { type: "text" } } },
    ];
    for (const schema of invalid) {
      const res = await call("POST", "/v3/s", { headers: named(account, "x"), body: schema });
      expect({ schema, status: res.status }).toEqual({ schema, status: 400 });
      await expectError(res, 400, INVALID_JSON_SCHEMA);
    }
  });

  it("refuses an unknown $schema", async () => {
    const account = await createAccount();
    for (const uri of [
      "http://json-schema.org/draft-06/schema#",
      "http://json-schema.org/draft-03/schema#",
      "http://json-schema.org/schema#",
      "https://example.com/my-schema",
      "draft-07",
    ]) {
      const res = await call("POST", "/v3/s", { headers: named(account, "x"), body: { $schema: uri, type: "object" } });
      expect({ uri, status: res.status }).toEqual({ uri, status: 400 });
      await expectError(res, 400, INVALID_JSON_SCHEMA);
    }
  });

  it("refuses a $ref that does not resolve inside the document", async () => {
    const account = await createAccount();
    for (const schema of [
      { properties: { a: { $ref: "#/definitions/missing" } } },
      { $schema: "https://json-schema.org/draft/2020-12/schema", properties: { a: { $ref: "#/$defs/missing" } } },
      { properties: { a: { $ref: "https://example.com/remote.json" } } },
    ]) {
      const res = await call("POST", "/v3/s", { headers: named(account, "x"), body: schema });
      expect({ schema, status: res.status }).toEqual({ schema, status: 400 });
      await expectError(res, 400, INVALID_JSON_SCHEMA);
    }
  });

  it("checks the name, then the key, then the body", async () => {
    await expectError(await send("POST", "/v3/s", { "X-Master-Key": "bad" }, "not json"), 400, NEED_SCHEMA_NAME);
    await expectError(
      await send("POST", "/v3/s", { "X-Master-Key": "bad", "X-Schema-Doc-Name": "x" }, "not json"),
      401,
      INVALID_MASTER,
    );
  });

  it("refuses a schema document over 1 MiB with 413, before it reaches D1", async () => {
    const account = await createAccount();
    const schema = { type: "object", description: "d".repeat(1_048_576) };
    const res = await call("POST", "/v3/s", {
      headers: { ...master(account), "X-Schema-Doc-Name": "huge" },
      body: schema,
    });
    await expectError(res, 413, BODY_TOO_LARGE);
  });
});

describe("GET /v3/s/<id>", () => {
  it("returns the schema doc, accepting the id in upper case", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "users");
    expect(await readText(account, doc.id.toUpperCase())).toBe(docText(doc, USER_SCHEMA_TEXT));
  });

  it("refuses a malformed id before checking the key", async () => {
    await expectError(await call("GET", "/v3/s/abc"), 400, INVALID_SCHEMA_ID);
    await expectError(await call("GET", "/v3/s/0123456789abcdef0123456g"), 400, INVALID_SCHEMA_ID);
  });

  it("answers Schema Doc not found for an unknown id and for another account's doc", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await newSchema(other, "theirs");
    for (const id of [UNKNOWN_ID, theirs.id]) {
      await expectError(await call("GET", `/v3/s/${id}`, { headers: master(account) }), 404, SCHEMA_DOC_NOT_FOUND);
    }
  });
});

describe("PUT /v3/s/<id>/meta/name", () => {
  it("renames only, ignoring the body, and returns the whole doc", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "old");
    const res = await send(
      "PUT",
      `/v3/s/${doc.id}/meta/name`,
      { ...named(account, "new"), "Content-Type": "text/plain" },
      "not a schema",
    );
    expect(await okText(res)).toBe(docText(doc, USER_SCHEMA_TEXT, "new"));
    expect(await readText(account, doc.id)).toBe(docText(doc, USER_SCHEMA_TEXT, "new"));
  });

  it("applies the name rules and keeps the old name", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "kept");
    const path = `/v3/s/${doc.id}/meta/name`;
    await expectError(await call("PUT", path, { headers: master(account) }), 400, NEED_SCHEMA_NAME);
    await expectError(await call("PUT", path, { headers: named(account, "") }), 400, SCHEMA_NAME_BLANK);
    await expectError(await call("PUT", path, { headers: named(account, "😀".repeat(33)) }), 400, SCHEMA_NAME_TOO_LONG);
    expect(await readText(account, doc.id)).toBe(docText(doc, USER_SCHEMA_TEXT, "kept"));
    expect(await okText(await call("PUT", path, { headers: named(account, "😀".repeat(32)) }))).toBe(
      docText(doc, USER_SCHEMA_TEXT, "😀".repeat(32)),
    );
  });

  it("refuses a malformed id and answers Schema Doc not found for an unknown or another account's doc", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await newSchema(other, "theirs");
    await expectError(
      await call("PUT", "/v3/s/xyz/meta/name", { headers: named(account, "n") }),
      400,
      INVALID_SCHEMA_ID,
    );
    for (const id of [UNKNOWN_ID, theirs.id]) {
      await expectError(
        await call("PUT", `/v3/s/${id}/meta/name`, { headers: named(account, "stolen") }),
        404,
        SCHEMA_DOC_NOT_FOUND,
      );
    }
    expect(await readText(other, theirs.id)).toBe(docText(theirs, USER_SCHEMA_TEXT, "theirs"));
  });

  it("checks the id, then the name, then the key", async () => {
    await expectError(await call("PUT", "/v3/s/xyz/meta/name"), 400, INVALID_SCHEMA_ID);
    await expectError(
      await call("PUT", `/v3/s/${UNKNOWN_ID}/meta/name`, { headers: { "X-Master-Key": "bad" } }),
      400,
      NEED_SCHEMA_NAME,
    );
    await expectError(
      await call("PUT", `/v3/s/${UNKNOWN_ID}/meta/name`, {
        headers: { "X-Master-Key": "bad", "X-Schema-Doc-Name": "n" },
      }),
      401,
      INVALID_MASTER,
    );
  });
});

describe("PUT /v3/s/<id>", () => {
  it("replaces the schema, keeping id, createdAt and name", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "users");
    const next = { $schema: "https://json-schema.org/draft/2020-12/schema", type: "array", minItems: 1 };
    const text = await okText(await call("PUT", `/v3/s/${doc.id}`, { headers: master(account), body: next }));
    expect(text).toBe(docText(doc, JSON.stringify(next), "users"));
    expect(await readText(account, doc.id)).toBe(text);
  });

  it("renames and replaces when a name header comes with a real schema", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "old");
    const next = { type: "object", required: ["email"] };
    const text = await okText(await call("PUT", `/v3/s/${doc.id}`, { headers: named(account, "new"), body: next }));
    expect(text).toBe(docText(doc, JSON.stringify(next), "new"));
    expect(await readText(account, doc.id)).toBe(text);
  });

  it("only renames when the name header comes with an empty body and no Content-Type", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "old");
    for (const body of [undefined, "", "  \n"]) {
      const text = await okText(await send("PUT", `/v3/s/${doc.id}`, named(account, "renamed"), body));
      expect(text).toBe(docText(doc, USER_SCHEMA_TEXT, "renamed"));
    }
    expect(await readText(account, doc.id)).toBe(docText(doc, USER_SCHEMA_TEXT, "renamed"));
  });

  it("only renames when the name header comes with {} and no Content-Type", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "old");
    for (const body of ["{}", " { } ", "{\n}"]) {
      const text = await okText(await send("PUT", `/v3/s/${doc.id}`, named(account, `r${body.length}`), body));
      expect(text).toBe(docText(doc, USER_SCHEMA_TEXT, `r${body.length}`));
    }
  });

  it("only renames when the name header comes with {} and a JSON Content-Type", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "old");
    expect(await okText(await call("PUT", `/v3/s/${doc.id}`, { headers: named(account, "renamed"), body: {} }))).toBe(
      docText(doc, USER_SCHEMA_TEXT, "renamed"),
    );
  });

  it("sets the schema to {} when {} comes without a name header", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "users");
    expect(await okText(await call("PUT", `/v3/s/${doc.id}`, { headers: master(account), body: {} }))).toBe(
      docText(doc, "{}", "users"),
    );
    expect(await readText(account, doc.id)).toBe(docText(doc, "{}", "users"));
  });

  it("refuses an empty body without a name header as an invalid schema", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "users");
    for (const body of [undefined, "", "   "]) {
      await expectError(
        await send("PUT", `/v3/s/${doc.id}`, { ...master(account), "Content-Type": "application/json" }, body),
        400,
        INVALID_JSON_SCHEMA,
      );
    }
    expect(await readText(account, doc.id)).toBe(docText(doc, USER_SCHEMA_TEXT));
  });

  it("needs Content-Type application/json to replace the schema", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "users");
    await expectError(await send("PUT", `/v3/s/${doc.id}`, master(account), '{"type":"array"}'), 400, NEED_JSON);
    await expectError(await send("PUT", `/v3/s/${doc.id}`, master(account), "{}"), 400, NEED_JSON);
    await expectError(await send("PUT", `/v3/s/${doc.id}`, named(account, "n"), '{"type":"array"}'), 400, NEED_JSON);
    await expectError(
      await send("PUT", `/v3/s/${doc.id}`, { ...master(account), "Content-Type": "text/plain" }, '{"type":"array"}'),
      400,
      NEED_JSON,
    );
    expect(await readText(account, doc.id)).toBe(docText(doc, USER_SCHEMA_TEXT));
  });

  it("refuses a body that is not JSON, with or without a name header, and changes nothing", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "users");
    for (const headers of [master(account), named(account, "renamed")]) {
      await expectError(await call("PUT", `/v3/s/${doc.id}`, { headers, body: '{"type":' }), 400, INVALID_JSON);
    }
    expect(await readText(account, doc.id)).toBe(docText(doc, USER_SCHEMA_TEXT, "users"));
  });

  it("refuses an invalid schema, with or without a name header, and changes nothing", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "users");
    for (const body of ["[]", "42", '{"type":5}', '{"$schema":"http://json-schema.org/draft-06/schema#"}']) {
      for (const headers of [master(account), named(account, "renamed")]) {
        const res = await call("PUT", `/v3/s/${doc.id}`, { headers, body });
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        await expectError(res, 400, INVALID_JSON_SCHEMA);
      }
    }
    expect(await readText(account, doc.id)).toBe(docText(doc, USER_SCHEMA_TEXT, "users"));
  });

  it("applies the name rules when a name header is sent, and changes nothing", async () => {
    const account = await createAccount();
    const doc = await newSchema(account, "users");
    await expectError(
      await call("PUT", `/v3/s/${doc.id}`, { headers: named(account, ""), body: {} }),
      400,
      SCHEMA_NAME_BLANK,
    );
    await expectError(
      await call("PUT", `/v3/s/${doc.id}`, { headers: named(account, "x".repeat(33)), body: { type: "array" } }),
      400,
      SCHEMA_NAME_TOO_LONG,
    );
    expect(await readText(account, doc.id)).toBe(docText(doc, USER_SCHEMA_TEXT, "users"));
  });

  it("refuses a malformed id and answers Schema Doc not found for an unknown or another account's doc", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const theirs = await newSchema(other, "theirs");
    await expectError(await call("PUT", "/v3/s/nope", { headers: master(account), body: {} }), 400, INVALID_SCHEMA_ID);
    for (const id of [UNKNOWN_ID, theirs.id]) {
      await expectError(
        await call("PUT", `/v3/s/${id}`, { headers: master(account), body: { type: "array" } }),
        404,
        SCHEMA_DOC_NOT_FOUND,
      );
      await expectError(await send("PUT", `/v3/s/${id}`, named(account, "stolen"), ""), 404, SCHEMA_DOC_NOT_FOUND);
    }
    expect(await readText(other, theirs.id)).toBe(docText(theirs, USER_SCHEMA_TEXT, "theirs"));
  });

  it("checks the id, then the name, then the key, then the doc, then the body", async () => {
    const account = await createAccount();
    await expectError(await call("PUT", "/v3/s/nope", { body: "x" }), 400, INVALID_SCHEMA_ID);
    await expectError(
      await call("PUT", `/v3/s/${UNKNOWN_ID}`, { headers: { "X-Schema-Doc-Name": "" }, body: "x" }),
      400,
      SCHEMA_NAME_BLANK,
    );
    await expectError(await send("PUT", `/v3/s/${UNKNOWN_ID}`, {}, "x"), 401, NEED_MASTER);
    await expectError(await send("PUT", `/v3/s/${UNKNOWN_ID}`, master(account), "x"), 404, SCHEMA_DOC_NOT_FOUND);
  });
});
