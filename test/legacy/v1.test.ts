import { describe, expect, it } from "vitest";
import {
  BIN_VERSION_NOT_FOUND,
  call,
  createAccount,
  createBin,
  expectLegacyError,
  expectText,
  FREE_CREATE_TOO_LARGE,
  FREE_UPDATE_TOO_LARGE,
  INVALID_RECORD_ID,
  INVALID_SECRET,
  INVALID_SNIPPET,
  INVALID_SNIPPET_ID,
  JSON_TYPE,
  legacyNotBoolean,
  master,
  NEED_SECRET_TO_CREATE_BIN,
  okText,
  ROUTE_NOT_FOUND,
  recordOfSize,
  recordText,
  SNIPPET_NOT_FOUND,
  secret,
  send,
  type TestAccount,
  UNKNOWN_ID,
  versionCount,
} from "../helpers";

const snippet = (value: unknown) => ({ snippet: JSON.stringify(value) });

async function v1Create(account: TestAccount, value: unknown = { hello: "world" }): Promise<string> {
  const res = await call("POST", "/b/new", { headers: secret(account), body: snippet(value) });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

const update = (
  account: TestAccount | null,
  id: string,
  value: unknown,
  headers: Record<string, string> = {},
  method = "POST",
) =>
  call(method, `/b/update/${id}`, {
    headers: { ...(account ? secret(account) : {}), ...headers },
    body: snippet(value),
  });

describe("POST /b/new", () => {
  it("creates a public bin owned by the secret-key's account from a stringified snippet", async () => {
    const account = await createAccount();
    const res = await call("POST", "/b/new", {
      headers: secret(account),
      body: { snippet: '{ "b": [1, 2],  "a": "x" }' },
    });
    const text = await res.text();
    const { id } = JSON.parse(text) as { id: string };
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
    expect(text).toBe(`{"success":true,"data":{"b":[1,2],"a":"x"},"id":"${id}"}`);
    await expectText(await call("GET", `/b/${id}`), '{"b":[1,2],"a":"x"}');
    const meta = (await (await call("GET", `/v3/b/${id}`, { headers: master(account) })).json()) as {
      metadata: { private: boolean };
    };
    expect(meta.metadata.private).toBe(false);
    expect((await call("DELETE", `/v3/b/${id}`, { headers: master(account) })).status).toBe(200);
  });

  it("accepts an array snippet, even an empty one", async () => {
    const account = await createAccount();
    const res = await call("POST", "/b/new", { headers: secret(account), body: { snippet: "[]" } });
    expect(((await res.json()) as { data: unknown }).data).toEqual([]);
  });

  it("needs a secret-key unless anonymous bins are allowed, and refuses an unknown one", async () => {
    await expectLegacyError(await call("POST", "/b/new", { body: snippet({ a: 1 }) }), 401, NEED_SECRET_TO_CREATE_BIN);
    await expectLegacyError(
      await call("POST", "/b/new", { headers: { "secret-key": "nope" }, body: snippet({ a: 1 }) }),
      401,
      INVALID_SECRET,
    );
  });

  it("answers Invalid snippet for every body problem", async () => {
    const account = await createAccount();
    const json = { ...secret(account), "Content-Type": "application/json" };
    await expectLegacyError(
      await send("POST", "/b/new", secret(account), JSON.stringify(snippet({ a: 1 }))),
      422,
      INVALID_SNIPPET,
    );
    await expectLegacyError(
      await send(
        "POST",
        "/b/new",
        { ...secret(account), "Content-Type": "text/plain" },
        JSON.stringify(snippet({ a: 1 })),
      ),
      422,
      INVALID_SNIPPET,
    );
    for (const body of [
      "",
      "{not json",
      "{}",
      "[]",
      '{"snip":"{}"}',
      '{"snippet":{"a":1}}',
      '{"snippet":5}',
      '{"snippet":"{not json"}',
      '{"snippet":""}',
      '{"snippet":"   "}',
      '{"snippet":"{}"}',
      '{"snippet":"5"}',
      '{"snippet":"\\"text\\""}',
      '{"snippet":"null"}',
    ]) {
      await expectLegacyError(await send("POST", "/b/new", json, body), 422, INVALID_SNIPPET);
    }
  });

  it("refuses a snippet over the plan's limit with the create message", async () => {
    const account = await createAccount();
    const res = await call("POST", "/b/new", { headers: secret(account), body: snippet(recordOfSize(102_401)) });
    await expectLegacyError(res, 403, FREE_CREATE_TOO_LARGE);
  });
});

describe("POST /b/update/<id> and PUT /b/update/<id>", () => {
  it("versions a public bin and reports the version", async () => {
    const account = await createAccount();
    const id = await v1Create(account, { v: 0 });
    await expectText(
      await update(null, id, { v: 1 }),
      `{"success":true,"data":{"v":1},"parentId":"${id}","version":1}`,
    );
    await expectText(
      await update(account, id, { v: 2 }, {}, "PUT"),
      `{"success":true,"data":{"v":2},"parentId":"${id}","version":2}`,
    );
    expect(await recordText(account, `${id}/0`)).toBe('{"v":0}');
    expect(await recordText(account, `${id}/1`)).toBe('{"v":1}');
    expect(await recordText(account, `${id}/latest`)).toBe('{"v":2}');
  });

  it("overwrites the latest in place only for the owner's secret-key with versioning false", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const id = await v1Create(account, { v: 0 });
    await expectText(
      await update(other, id, { v: 1 }, { versioning: "false" }),
      `{"success":true,"data":{"v":1},"parentId":"${id}","version":1}`,
    );
    await expectText(
      await update(account, id, { v: 2 }, { versioning: "false" }),
      `{"success":true,"data":{"v":2},"parentId":"${id}"}`,
    );
    expect(await versionCount(account, id)).toBe(1);
    expect(await recordText(account, `${id}/1`)).toBe('{"v":2}');
  });

  it("updates a private bin with the owner's secret-key, unversioned unless versioning is true", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    await expectText(await update(account, bin.id, { v: 1 }), `{"success":true,"data":{"v":1},"parentId":"${bin.id}"}`);
    await expectText(
      await update(account, bin.id, { v: 2 }, { versioning: "true" }),
      `{"success":true,"data":{"v":2},"parentId":"${bin.id}","version":1}`,
    );
    expect(await recordText(account, `${bin.id}/0`)).toBe('{"v":1}');
  });

  it("answers Snippet not found for an unknown bin or a private bin without its owner's secret-key", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const bin = await createBin(account, { v: 0 });
    await expectLegacyError(await update(account, UNKNOWN_ID, { a: 1 }), 422, SNIPPET_NOT_FOUND);
    await expectLegacyError(await update(null, bin.id, { a: 1 }), 422, SNIPPET_NOT_FOUND);
    await expectLegacyError(await update(other, bin.id, { a: 1 }), 422, SNIPPET_NOT_FOUND);
    await expectLegacyError(await update(null, bin.id, { a: 1 }, { "secret-key": "nope" }), 422, SNIPPET_NOT_FOUND);
    expect(await recordText(account, bin.id)).toBe('{"v":0}');
  });

  it("answers Invalid snippet ID for a malformed id", async () => {
    const account = await createAccount();
    await expectLegacyError(await update(account, "nope", { a: 1 }), 422, INVALID_SNIPPET_ID);
    await expectLegacyError(await update(account, "nope", { a: 1 }, {}, "PUT"), 422, INVALID_SNIPPET_ID);
  });

  it("answers Invalid snippet for a bad body and a bad versioning header with its own message", async () => {
    const account = await createAccount();
    const id = await v1Create(account);
    const json = { ...secret(account), "Content-Type": "application/json" };
    await expectLegacyError(
      await send("POST", `/b/update/${id}`, secret(account), JSON.stringify(snippet({ a: 1 }))),
      422,
      INVALID_SNIPPET,
    );
    await expectLegacyError(await send("POST", `/b/update/${id}`, json, '{"snippet":"{}"}'), 422, INVALID_SNIPPET);
    await expectLegacyError(await send("PUT", `/b/update/${id}`, json, '{"snippet":"[1,"}'), 422, INVALID_SNIPPET);
    await expectLegacyError(
      await update(account, id, { a: 1 }, { versioning: "no" }),
      422,
      legacyNotBoolean("versioning"),
    );
  });

  it("refuses a snippet over the plan's limit with the update message", async () => {
    const account = await createAccount();
    const id = await v1Create(account);
    await expectLegacyError(await update(account, id, recordOfSize(102_401)), 403, FREE_UPDATE_TOO_LARGE);
  });
});

describe("GET /b/<id>/pretty, /b/<id>/latest/pretty, /b/<id>/<n>/pretty", () => {
  it("pretty-prints the base, the latest and version n with two spaces", async () => {
    const account = await createAccount();
    const id = await v1Create(account, { v: 0, list: [1, { a: null }], empty: {} });
    expect((await update(null, id, { v: 1 })).status).toBe(200);
    expect((await update(null, id, { v: 2 })).status).toBe(200);
    await expectText(
      await call("GET", `/b/${id}/pretty`),
      '{\n  "v": 0,\n  "list": [\n    1,\n    {\n      "a": null\n    }\n  ],\n  "empty": {}\n}',
    );
    await expectText(await call("GET", `/b/${id}/latest/pretty`), '{\n  "v": 2\n}');
    await expectText(await call("GET", `/b/${id.toUpperCase()}/1/pretty/`), '{\n  "v": 1\n}');
  });

  it("indents at most 32 levels, so a deeply nested record cannot be blown up into a huge answer", async () => {
    const account = await createAccount();
    const deep = (levels: number) => JSON.parse(`${"[".repeat(levels)}1${"]".repeat(levels)}`);
    const id = await v1Create(account, { deep: deep(40) });
    const text = await okText(await call("GET", `/b/${id}/pretty`));
    expect(JSON.parse(text)).toEqual({ deep: deep(40) });
    const lines = text.split("\n");
    // The line of the innermost value is indented 32 levels, not 41.
    expect(lines.find((line) => line.trim() === "1")).toBe(`${"  ".repeat(32)}1`);
  });

  it("answers the compact record when the pretty form would be many times larger (10 KB nested 5,000 deep)", async () => {
    const account = await createAccount();
    for (const levels of [5_000, 8_000]) {
      const record = `${"[".repeat(levels)}${"]".repeat(levels)}`;
      const created = await call("POST", "/b/new", { headers: secret(account), body: { snippet: record } });
      expect(created.status).toBe(200);
      const { id } = (await created.json()) as { id: string };
      const res = await call("GET", `/b/${id}/pretty`);
      expect({ status: res.status, length: (await res.clone().text()).length }).toEqual({
        status: 200,
        length: 2 * levels,
      });
      await expectText(res, record);
    }
  });

  it("leaves reads without /pretty to v2", async () => {
    const account = await createAccount();
    const id = await v1Create(account, { v: 0 });
    expect((await update(null, id, { v: 1 })).status).toBe(200);
    await expectText(await call("GET", `/b/${id}`), '{"v":0}');
    await expectText(await call("GET", `/b/${id}/latest`), '{"v":1}');
    await expectLegacyError(await call("GET", `/b/${id}/9`), 404, BIN_VERSION_NOT_FOUND);
  });

  it("answers Snippet not found for a missing or invalid version", async () => {
    const account = await createAccount();
    const id = await v1Create(account);
    for (const segment of ["0", "1", "-1", "abc", "pretty"]) {
      await expectLegacyError(await call("GET", `/b/${id}/${segment}/pretty`), 422, SNIPPET_NOT_FOUND);
    }
  });

  it("shows a private bin only to its owner's secret-key", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const bin = await createBin(account, { secret: true });
    await expectLegacyError(await call("GET", `/b/${bin.id}/pretty`), 422, SNIPPET_NOT_FOUND);
    await expectLegacyError(
      await call("GET", `/b/${bin.id}/latest/pretty`, { headers: secret(other) }),
      422,
      SNIPPET_NOT_FOUND,
    );
    await expectLegacyError(
      await call("GET", `/b/${bin.id}/pretty`, { headers: master(account) }),
      422,
      SNIPPET_NOT_FOUND,
    );
    await expectText(
      await call("GET", `/b/${bin.id}/latest/pretty`, { headers: secret(account) }),
      '{\n  "secret": true\n}',
    );
  });

  it("answers Invalid snippet ID for a malformed id and Snippet not found for an unknown bin", async () => {
    await expectLegacyError(await call("GET", "/b/nope/pretty"), 422, INVALID_SNIPPET_ID);
    await expectLegacyError(await call("GET", "/b/nope/latest/pretty"), 422, INVALID_SNIPPET_ID);
    await expectLegacyError(await call("GET", `/b/${UNKNOWN_ID}/pretty`), 422, SNIPPET_NOT_FOUND);
    await expectLegacyError(await call("GET", `/b/${UNKNOWN_ID}/1/pretty`), 422, SNIPPET_NOT_FOUND);
  });

  it("refuses an id padded with white space as malformed, on pretty reads and updates", async () => {
    const account = await createAccount();
    const id = await v1Create(account, { v: 0 });
    for (const padded of [`%20${id}`, `${id}%0A`, `%09${id}%20`]) {
      await expectLegacyError(await call("GET", `/b/${padded}/pretty`), 422, INVALID_SNIPPET_ID);
      await expectLegacyError(await call("GET", `/b/${padded}/latest/pretty`), 422, INVALID_SNIPPET_ID);
      await expectLegacyError(await update(account, padded, { v: 1 }), 422, INVALID_SNIPPET_ID);
    }
    await expectText(await call("GET", `/b/${id}/latest/pretty`), '{\n  "v": 0\n}');
  });
});

describe("v1 routing", () => {
  it("does not take other methods on its literal paths", async () => {
    const account = await createAccount();
    const id = await v1Create(account);
    await expectLegacyError(
      await call("DELETE", `/b/update/${id}`, { headers: secret(account) }),
      404,
      ROUTE_NOT_FOUND,
    );
    await expectLegacyError(
      await call("PUT", "/b/new", { headers: secret(account), body: snippet({ a: 1 }) }),
      422,
      INVALID_RECORD_ID,
    );
    await expectLegacyError(await call("POST", `/b/${id}/pretty`), 404, ROUTE_NOT_FOUND);
  });
});
