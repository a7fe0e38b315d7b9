import { describe, expect, it } from "vitest";
import {
  call,
  callWithAnonymous,
  createAccount,
  expectError,
  expectLegacyError,
  expectText,
  FREE_CREATE_TOO_LARGE,
  INVALID_SECRET,
  master,
  NEED_SECRET_TO_CREATE_BIN,
  NEED_SECRET_TO_CREATE_COLLECTION,
  NEED_SECRET_TO_CREATE_SCHEMA,
  NEED_SECRET_TO_DELETE,
  NEED_SECRET_TO_READ,
  NO_KEY,
  NOT_YOURS,
  recordOfSize,
  secret,
} from "../helpers";

async function anonymousBin(): Promise<string> {
  const res = await callWithAnonymous("true", "POST", "/b", { body: { anonymous: true } });
  const text = await res.text();
  const { id } = JSON.parse(text) as { id: string };
  expect({ status: res.status, text }).toEqual({
    status: 200,
    text: `{"success":true,"data":{"anonymous":true},"id":"${id}","private":false}`,
  });
  return id;
}

describe("keyless creation with ALLOW_ANONYMOUS_BINS unset or false", () => {
  for (const [label, send] of [
    ["unset (the test default)", (path: string, body: unknown, headers = {}) => call("POST", path, { headers, body })],
    [
      "false",
      (path: string, body: unknown, headers = {}) => callWithAnonymous("false", "POST", path, { headers, body }),
    ],
  ] as const) {
    it(`creates nothing when ${label}`, async () => {
      await expectLegacyError(await send("/b", { a: 1 }), 401, NEED_SECRET_TO_CREATE_BIN);
      await expectLegacyError(await send("/b", { a: 1 }, { private: "false" }), 401, NEED_SECRET_TO_CREATE_BIN);
      await expectLegacyError(await send("/b/new", { snippet: '{"a":1}' }), 401, NEED_SECRET_TO_CREATE_BIN);
      await expectLegacyError(await send("/c", { name: "things" }), 401, NEED_SECRET_TO_CREATE_COLLECTION);
      await expectLegacyError(await send("/s", { type: "object" }, { name: "doc" }), 401, NEED_SECRET_TO_CREATE_SCHEMA);
      await expectError(await send("/v3/b", { a: 1 }), 401, NO_KEY.create);
    });
  }
});

describe("keyless creation with ALLOW_ANONYMOUS_BINS=true", () => {
  it("creates a public bin that anyone can read and update, through every API", async () => {
    const id = await anonymousBin();
    await expectText(await call("GET", `/b/${id}`), '{"anonymous":true}');
    await expectText(await call("GET", `/b/${id}/pretty`), '{\n  "anonymous": true\n}');
    const v3 = await call("GET", `/v3/b/${id}`, { headers: { "X-Bin-Meta": "false" } });
    expect(await v3.text()).toBe('{"anonymous":true}');
    await expectText(
      await call("PUT", `/b/${id}`, { body: { v: 1 } }),
      `{"success":true,"data":{"v":1},"parentId":"${id}","version":1}`,
    );
    await expectText(
      await call("POST", `/b/update/${id}`, { body: { snippet: '{"v":2}' }, headers: { versioning: "false" } }),
      `{"success":true,"data":{"v":2},"parentId":"${id}","version":2}`,
    );
  });

  it("never lets anyone delete an anonymous bin, since it has no owner", async () => {
    const account = await createAccount();
    const id = await anonymousBin();
    await expectLegacyError(await call("DELETE", `/b/${id}`), 401, NEED_SECRET_TO_DELETE);
    await expectLegacyError(await call("DELETE", `/b/${id}`, { headers: secret(account) }), 401, INVALID_SECRET);
    await expectError(await call("DELETE", `/v3/b/${id}`, { headers: master(account) }), 401, NOT_YOURS);
    const anonymousDelete = await callWithAnonymous("true", "DELETE", `/b/${id}`);
    await expectLegacyError(anonymousDelete, 401, NEED_SECRET_TO_DELETE);
    await expectText(await call("GET", `/b/${id}`), '{"anonymous":true}');
  });

  it("creates an anonymous bin through v1 too", async () => {
    const res = await callWithAnonymous("true", "POST", "/b/new", { body: { snippet: "[1,2]" } });
    const text = await res.text();
    const { id } = JSON.parse(text) as { id: string };
    expect({ status: res.status, text }).toEqual({ status: 200, text: `{"success":true,"data":[1,2],"id":"${id}"}` });
    await expectText(await call("GET", `/b/${id}/latest`), "[1,2]");
  });

  it("accepts private false but refuses a keyless private bin or collection", async () => {
    const ok = await callWithAnonymous("true", "POST", "/b", { headers: { private: "false" }, body: { a: 1 } });
    expect(((await ok.json()) as { private: boolean }).private).toBe(false);
    const priv = await callWithAnonymous("true", "POST", "/b", { headers: { private: "true" }, body: { a: 1 } });
    await expectLegacyError(priv, 401, NEED_SECRET_TO_CREATE_BIN);
    const account = await createAccount();
    const c = await call("POST", "/c", { headers: secret(account), body: { name: "things" } });
    const { id } = (await c.json()) as { id: string };
    const inCollection = await callWithAnonymous("true", "POST", "/b", {
      headers: { "collection-id": id },
      body: { a: 1 },
    });
    await expectLegacyError(inCollection, 401, NEED_SECRET_TO_CREATE_BIN);
  });

  it("still needs a key for collections, schema docs and v3 bins", async () => {
    await expectLegacyError(
      await callWithAnonymous("true", "POST", "/c", { body: { name: "things" } }),
      401,
      NEED_SECRET_TO_CREATE_COLLECTION,
    );
    await expectLegacyError(
      await callWithAnonymous("true", "POST", "/s", { headers: { name: "doc" }, body: {} }),
      401,
      NEED_SECRET_TO_CREATE_SCHEMA,
    );
    await expectError(await callWithAnonymous("true", "POST", "/v3/b", { body: { a: 1 } }), 401, NO_KEY.create);
  });

  it("still makes a keyed create private and owned", async () => {
    const account = await createAccount();
    const res = await callWithAnonymous("true", "POST", "/b", { headers: secret(account), body: { a: 1 } });
    const { id, private: isPrivate } = (await res.json()) as { id: string; private: boolean };
    expect(isPrivate).toBe(true);
    await expectLegacyError(await call("GET", `/b/${id}`), 401, NEED_SECRET_TO_READ);
  });

  it("holds anonymous records to the free plan's size limit", async () => {
    const res = await callWithAnonymous("true", "POST", "/b", { body: recordOfSize(102_401) });
    await expectLegacyError(res, 403, FREE_CREATE_TOO_LARGE);
  });
});
