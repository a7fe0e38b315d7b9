import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  BASE,
  BIN_BLANK,
  BIN_NAME_INVALID,
  BIN_NOT_FOUND,
  BIN_NOT_FOUND_OR_NOT_YOURS,
  BIN_PRIVATE_NOT_BOOLEAN,
  BIN_VERSION_INVALID,
  BIN_VERSION_NOT_FOUND,
  BIN_VERSIONING_NOT_BOOLEAN,
  BODY_CUT_OFF,
  BODY_TOO_LARGE,
  call,
  createAccount,
  createBin,
  DOT_PATH_INVALID,
  expectError,
  FREE_CREATE_TOO_LARGE,
  FREE_UPDATE_TOO_LARGE,
  fetchDirectly,
  freeCreateOver,
  freeUpdateOver,
  INVALID_BIN_ID,
  INVALID_COLLECTION_ID,
  INVALID_JSON,
  INVALID_MASTER,
  JSON_PATH_INVALID,
  master,
  NEED_BIN_NAME,
  NEED_BIN_PRIVATE,
  NEED_JSON,
  NEED_MASTER,
  NEED_MASTER_FOR_COUNT,
  NO_KEY,
  NOT_OBJECT_OR_ARRAY,
  NOT_YOURS,
  notUtf8,
  PATH_NOT_FOUND,
  PRECONDITION_FAILED,
  PRESERVE_LATEST_NOT_BOOLEAN,
  PRO_TOO_LARGE,
  patchAccount,
  ROUTE_NOT_FOUND,
  recordOfSize,
  recordSizeOver,
  recordText,
  STREAM_NEEDS_UPGRADE,
  send,
  storageOf,
  type TestAccount,
  UNKNOWN_ID,
  versionCount,
} from "../helpers";

const MAX_REQUEST_BYTES = 10_485_760;

const read = (account: TestAccount | null, path: string, headers: Record<string, string> = {}) =>
  call("GET", `/v3/b/${path}`, { headers: { ...(account ? master(account) : {}), ...headers } });

// Record body rules R1–R5 (§1.2): [description, Content-Type (null = none), body, status, message].
const BODY_RULES: [string, string | null, string, number, string][] = [
  ["a missing Content-Type with an invalid body gives R1", null, "{not json", 400, NEED_JSON],
  ["a missing Content-Type with a valid body gives R1", null, '{"a":1}', 400, NEED_JSON],
  ["text/plain gives R1", "text/plain", '{"a":1}', 400, NEED_JSON],
  ["text/plain with an empty body gives R1 before R2", "text/plain", "", 400, NEED_JSON],
  ["application/jsonp gives R1", "application/jsonp", '{"a":1}', 400, NEED_JSON],
  ["application/merge-patch+json gives R1", "application/merge-patch+json", '{"a":1}', 400, NEED_JSON],
  ["an empty body gives R2", "application/json", "", 400, BIN_BLANK],
  ["a whitespace-only body gives R2", "application/json", " \n\t\r ", 400, BIN_BLANK],
  ["invalid JSON gives R3", "application/json", '{"a":', 400, INVALID_JSON],
  ["single-quoted JSON gives R3", "application/json", "{'a':1}", 400, INVALID_JSON],
  ["trailing garbage gives R3", "application/json", '{"a":1} x', 400, INVALID_JSON],
  ["{} gives R4", "application/json", "{}", 400, BIN_BLANK],
  ["{} with whitespace gives R4", "application/json", " { \n } ", 400, BIN_BLANK],
  ["a string gives R5", "application/json", '"text"', 400, NOT_OBJECT_OR_ARRAY],
  ["a number gives R5", "application/json", "42", 400, NOT_OBJECT_OR_ARRAY],
  ["a boolean gives R5", "application/json", "true", 400, NOT_OBJECT_OR_ARRAY],
  ["null gives R5", "application/json", "null", 400, NOT_OBJECT_OR_ARRAY],
];

describe("record body rules on POST /v3/b", () => {
  for (const [description, contentType, body, status, message] of BODY_RULES) {
    it(`refuses a create where ${description}`, async () => {
      const account = await createAccount();
      const headers = { ...master(account), ...(contentType ? { "Content-Type": contentType } : {}) };
      await expectError(await send("POST", "/v3/b", headers, body), status, message);
      expect(await storageOf(account)).toEqual({ bins: 0, storageBytes: 0 });
    });
  }

  it("accepts application/json with a charset parameter and in upper case", async () => {
    const account = await createAccount();
    for (const contentType of [
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
      "Application/Json;charset=UTF-8",
    ]) {
      const res = await send("POST", "/v3/b", { ...master(account), "Content-Type": contentType }, '{"a":1}');
      expect({ contentType, status: res.status }).toEqual({ contentType, status: 200 });
    }
  });
});

describe("record body rules on PUT /v3/b/<id>", () => {
  for (const [description, contentType, body, status, message] of BODY_RULES) {
    it(`refuses an update where ${description} and keeps the record`, async () => {
      const account = await createAccount();
      const bin = await createBin(account, { kept: true });
      const headers = { ...master(account), ...(contentType ? { "Content-Type": contentType } : {}) };
      await expectError(await send("PUT", `/v3/b/${bin.id}`, headers, body), status, message);
      expect(await recordText(account, bin.id)).toBe('{"kept":true}');
    });
  }

  it("accepts application/json with a charset parameter and in upper case", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    for (const contentType of ["application/json; charset=utf-8", "APPLICATION/JSON"]) {
      const res = await send("PUT", `/v3/b/${bin.id}`, { ...master(account), "Content-Type": contentType }, '{"a":2}');
      expect({ contentType, status: res.status }).toEqual({ contentType, status: 200 });
    }
  });
});

describe("the request body cap", () => {
  it("refuses a create body of 10485761 bytes with 413", async () => {
    const account = await createAccount();
    const res = await send(
      "POST",
      "/v3/b",
      { ...master(account), "Content-Type": "application/json" },
      " ".repeat(MAX_REQUEST_BYTES + 1),
    );
    await expectError(res, 413, BODY_TOO_LARGE);
    expect(await storageOf(account)).toEqual({ bins: 0, storageBytes: 0 });
  });

  it("reads a body of exactly 10485760 bytes and applies the body rules to it", async () => {
    const account = await createAccount();
    const res = await send(
      "POST",
      "/v3/b",
      { ...master(account), "Content-Type": "application/json" },
      " ".repeat(MAX_REQUEST_BYTES),
    );
    await expectError(res, 400, BIN_BLANK);
  });

  it("judges the cap by a declared Content-Length before reading", async () => {
    const account = await createAccount();
    // The declared length alone is over the cap; the bytes actually sent are a valid record.
    const body = new Blob(['{"a":1}']).stream();
    const res = await exports.default.fetch(
      new Request(`${BASE}/v3/b`, {
        method: "POST",
        headers: {
          ...master(account),
          "Content-Type": "application/json",
          "Content-Length": String(MAX_REQUEST_BYTES + 1),
        },
        body,
        duplex: "half",
      } as RequestInit),
    );
    await expectError(res, 413, BODY_TOO_LARGE);
    expect(await storageOf(account)).toEqual({ bins: 0, storageBytes: 0 });
  });

  it("refuses an update body over the cap with 413 and keeps the record", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { kept: true });
    const res = await send(
      "PUT",
      `/v3/b/${bin.id}`,
      { ...master(account), "Content-Type": "application/json" },
      " ".repeat(MAX_REQUEST_BYTES + 1),
    );
    await expectError(res, 413, BODY_TOO_LARGE);
    expect(await recordText(account, bin.id)).toBe('{"kept":true}');
  });

  it("checks the cap before header values and keys", async () => {
    const res = await send(
      "POST",
      "/v3/b",
      { "Content-Type": "application/json", "X-Bin-Private": "maybe" },
      " ".repeat(MAX_REQUEST_BYTES + 1),
    );
    await expectError(res, 413, BODY_TOO_LARGE);
  });

  it("checks the id before the cap", async () => {
    const res = await send(
      "PUT",
      "/v3/b/not-an-id",
      { "Content-Type": "application/json" },
      " ".repeat(MAX_REQUEST_BYTES + 1),
    );
    await expectError(res, 400, INVALID_BIN_ID);
  });
});
describe("a request body that never arrives whole", () => {
  /** A body stream that sends `first` and then fails or never ends, as a client gone away or still uploading does. */
  const stalled = (first: string, ending: "error" | "never") => {
    let pulls = 0;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (pulls++ === 0) return controller.enqueue(new TextEncoder().encode(first));
        if (ending === "error") controller.error(new Error("the client went away"));
        else await new Promise(() => {});
      },
    });
  };

  it("answers 413 from a Content-Length over the cap without reading the body", async () => {
    const account = await createAccount();
    // The body never ends: if the Worker waited for it, this request would never be answered.
    const res = await exports.default.fetch(
      new Request(`${BASE}/v3/b`, {
        method: "POST",
        headers: {
          ...master(account),
          "Content-Type": "application/json",
          "Content-Length": String(MAX_REQUEST_BYTES + 1),
        },
        body: stalled("{", "never"),
        duplex: "half",
      } as RequestInit),
    );
    await expectError(res, 413, BODY_TOO_LARGE);
  });

  it("answers 400, not 500, when the body is cut off mid-stream, and stores nothing", async () => {
    const account = await createAccount();
    const res = await fetchDirectly(
      new Request(`${BASE}/v3/b`, {
        method: "POST",
        headers: { ...master(account), "Content-Type": "application/json" },
        body: stalled('{"half": "a rec', "error"),
        duplex: "half",
      } as RequestInit),
    );
    await expectError(res, 400, BODY_CUT_OFF);
    expect(await storageOf(account)).toEqual({ bins: 0, storageBytes: 0 });
  });
});

describe("header values", () => {
  it("refuses an X-Bin-Private other than true or false on create", async () => {
    const account = await createAccount();
    for (const value of ["yes", "1", "0", "no", "truee"]) {
      const res = await call("POST", "/v3/b", {
        headers: { ...master(account), "X-Bin-Private": value },
        body: { a: 1 },
      });
      await expectError(res, 400, BIN_PRIVATE_NOT_BOOLEAN);
    }
    expect(await storageOf(account)).toEqual({ bins: 0, storageBytes: 0 });
  });

  it("treats an empty X-Bin-Private as absent on create", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Private": "" });
    expect(bin.metadata.private).toBe(true);
  });

  it("refuses an X-Bin-Versioning other than true or false on update and writes nothing", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { kept: true });
    const res = await call("PUT", `/v3/b/${bin.id}`, {
      headers: { ...master(account), "X-Bin-Versioning": "1" },
      body: { a: 2 },
    });
    await expectError(res, 400, BIN_VERSIONING_NOT_BOOLEAN);
    expect(await recordText(account, bin.id)).toBe('{"kept":true}');
  });

  it("refuses an X-Preserve-Latest other than true or false and keeps the versions", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    await call("PUT", `/v3/b/${bin.id}`, {
      headers: { ...master(account), "X-Bin-Versioning": "true" },
      body: { v: 1 },
    });
    const res = await call("DELETE", `/v3/b/${bin.id}/versions`, {
      headers: { ...master(account), "X-Preserve-Latest": "maybe" },
    });
    await expectError(res, 400, PRESERVE_LATEST_NOT_BOOLEAN);
    expect(await versionCount(account, bin.id)).toBe(1);
  });

  it("refuses an X-Bin-Private other than true or false on the privacy route", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const res = await call("PUT", `/v3/b/${bin.id}/meta/privacy`, {
      headers: { ...master(account), "X-Bin-Private": "public" },
    });
    await expectError(res, 400, BIN_PRIVATE_NOT_BOOLEAN);
  });

  it("asks for X-Bin-Private on the privacy route when it is missing or empty", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    for (const headers of [{}, { "X-Bin-Private": "" }] as Record<string, string>[]) {
      const res = await call("PUT", `/v3/b/${bin.id}/meta/privacy`, { headers: { ...master(account), ...headers } });
      await expectError(res, 400, NEED_BIN_PRIVATE);
    }
  });
});

describe("X-Bin-Name", () => {
  // The runtime decodes header bytes as UTF-8 and turns what is not UTF-8 into U+FFFD (workerd#6927);
  // test/e2e/headers.test.ts sends the raw bytes.
  it("refuses a name the runtime could not decode as UTF-8 instead of storing U+FFFD", async () => {
    const account = await createAccount();
    const create = await call("POST", "/v3/b", {
      headers: { ...master(account), "X-Bin-Name": "\uFFFDberbin" },
      body: { a: 1 },
    });
    await expectError(create, 400, notUtf8("X-Bin-Name"));
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Name": "Überbin" });
    expect(bin.metadata.name).toBe("Überbin");
    const rename = await call("PUT", `/v3/b/${bin.id}/meta/name`, {
      headers: { ...master(account), "X-Bin-Name": "\uFFFD" },
    });
    await expectError(rename, 400, notUtf8("X-Bin-Name"));
    expect(await storageOf(account)).toMatchObject({ bins: 1 });
  });

  it("refuses a blank name on create", async () => {
    const account = await createAccount();
    for (const name of ["", "   "]) {
      const res = await call("POST", "/v3/b", { headers: { ...master(account), "X-Bin-Name": name }, body: { a: 1 } });
      await expectError(res, 400, BIN_NAME_INVALID);
    }
  });

  it("accepts 128 code points and refuses 129 on create", async () => {
    const account = await createAccount();
    expect((await createBin(account, { a: 1 }, { "X-Bin-Name": "n".repeat(128) })).metadata.name).toBe("n".repeat(128));
    const res = await call("POST", "/v3/b", {
      headers: { ...master(account), "X-Bin-Name": "n".repeat(129) },
      body: { a: 1 },
    });
    await expectError(res, 400, BIN_NAME_INVALID);
  });

  it("counts code points, not UTF-16 units: 128 emoji are accepted and 129 refused", async () => {
    const account = await createAccount();
    const name = "😀".repeat(128);
    expect(name.length).toBe(256);
    expect((await createBin(account, { a: 1 }, { "X-Bin-Name": name })).metadata.name).toBe(name);
    const res = await call("POST", "/v3/b", {
      headers: { ...master(account), "X-Bin-Name": "😀".repeat(129) },
      body: { a: 1 },
    });
    await expectError(res, 400, BIN_NAME_INVALID);
  });

  it("counts the name after trimming", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Name": `  ${"n".repeat(128)}  ` });
    expect(bin.metadata.name).toBe("n".repeat(128));
  });

  it("asks for X-Bin-Name on rename when it is missing", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const res = await call("PUT", `/v3/b/${bin.id}/meta/name`, { headers: master(account) });
    await expectError(res, 400, NEED_BIN_NAME);
  });

  it("refuses a blank or 129-code-point name on rename and keeps the old name", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Name": "old" });
    for (const name of ["", "  ", "n".repeat(129), "😀".repeat(129)]) {
      const res = await call("PUT", `/v3/b/${bin.id}/meta/name`, {
        headers: { ...master(account), "X-Bin-Name": name },
      });
      await expectError(res, 400, BIN_NAME_INVALID);
    }
    const renamed = await call("PUT", `/v3/b/${bin.id}/meta/name`, {
      headers: { ...master(account), "X-Bin-Name": "😀".repeat(128) },
    });
    expect(renamed.status).toBe(200);
  });
});

describe("X-Collection-Id on create", () => {
  it("refuses a malformed or unknown collection id and creates nothing", async () => {
    const account = await createAccount();
    for (const collectionId of ["abc", "0123456789abcdef0123456z", UNKNOWN_ID]) {
      const res = await call("POST", "/v3/b", {
        headers: { ...master(account), "X-Collection-Id": collectionId },
        body: { a: 1 },
      });
      await expectError(res, 400, INVALID_COLLECTION_ID);
    }
    expect(await storageOf(account)).toEqual({ bins: 0, storageBytes: 0 });
  });

  it("checks a malformed collection id before the key", async () => {
    await expectError(
      await call("POST", "/v3/b", { headers: { "X-Collection-Id": "abc" }, body: { a: 1 } }),
      400,
      INVALID_COLLECTION_ID,
    );
  });
});

describe("master-key messages of the owner-only routes", () => {
  const ownerOnly: [string, (id: string) => string, Record<string, string>][] = [
    ["DELETE", (id) => `/v3/b/${id}/versions`, {}],
    ["PUT", (id) => `/v3/b/${id}/meta/name`, { "X-Bin-Name": "n" }],
    ["PUT", (id) => `/v3/b/${id}/meta/privacy`, { "X-Bin-Private": "false" }],
  ];

  it("asks for the master key, refuses an unknown one and another account's", async () => {
    const owner = await createAccount();
    const stranger = await createAccount();
    const bin = await createBin(owner, { a: 1 }, { "X-Bin-Private": "false" });
    for (const [method, path, headers] of ownerOnly) {
      for (const [keys, message] of [
        [{}, NEED_MASTER],
        [{ "X-Master-Key": "not-a-real-key" }, INVALID_MASTER],
        [master(stranger), NOT_YOURS],
      ] as const) {
        const res = await call(method, path(bin.id), { headers: { ...headers, ...keys } });
        expect({ route: `${method} ${path("<id>")}`, status: res.status, text: await res.text() }).toEqual({
          route: `${method} ${path("<id>")}`,
          status: 401,
          text: JSON.stringify({ message }),
        });
      }
    }
    const after = (await (await read(null, bin.id)).json()) as { metadata: Record<string, unknown> };
    expect(after.metadata).toEqual({ id: bin.id, private: false, createdAt: bin.metadata.createdAt });
  });

  it("asks for the master key to count the versions of a private bin", async () => {
    const owner = await createAccount();
    const stranger = await createAccount();
    const bin = await createBin(owner);
    const count = (headers: Record<string, string>) => call("GET", `/v3/b/${bin.id}/versions/count`, { headers });
    await expectError(await count({}), 401, NEED_MASTER_FOR_COUNT);
    await expectError(await count({ "X-Master-Key": "not-a-real-key" }), 401, NOT_YOURS);
    await expectError(await count(master(stranger)), 401, NOT_YOURS);
  });
});

describe("bin ids", () => {
  const malformed = ["123", "0123456789abcdef0123456", "0123456789abcdef012345678", "0123456789abcdef0123456g", "xyz"];

  const routes: [string, (id: string) => string, Record<string, string>, unknown][] = [
    ["GET", (id) => `/v3/b/${id}`, {}, undefined],
    ["GET", (id) => `/v3/b/${id}/latest`, {}, undefined],
    ["GET", (id) => `/v3/b/${id}/1`, {}, undefined],
    ["PUT", (id) => `/v3/b/${id}`, {}, { a: 1 }],
    ["DELETE", (id) => `/v3/b/${id}`, {}, undefined],
    ["GET", (id) => `/v3/b/${id}/versions/count`, {}, undefined],
    ["DELETE", (id) => `/v3/b/${id}/versions`, {}, undefined],
    ["PUT", (id) => `/v3/b/${id}/meta/name`, { "X-Bin-Name": "n" }, undefined],
    ["PUT", (id) => `/v3/b/${id}/meta/privacy`, { "X-Bin-Private": "false" }, undefined],
  ];

  it("refuses a malformed id on every bin route, before the key", async () => {
    for (const [method, path, headers, body] of routes) {
      for (const id of malformed) {
        const res = await call(method, path(id), { headers, body });
        const text = await res.text();
        expect({ route: `${method} ${path(id)}`, status: res.status, text }).toEqual({
          route: `${method} ${path(id)}`,
          status: 400,
          text: JSON.stringify({ message: INVALID_BIN_ID }),
        });
      }
    }
  });

  it("refuses an id padded with white space, which is not 24 hex characters", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    for (const padded of [`%20${bin.id}`, `${bin.id}%0A`, `%09${bin.id}%20`]) {
      await expectError(await read(account, padded), 400, INVALID_BIN_ID);
      await expectError(
        await call("PUT", `/v3/b/${padded}`, { headers: master(account), body: { a: 1 } }),
        400,
        INVALID_BIN_ID,
      );
    }
  });

  it("refuses a malformed id with a valid key too", async () => {
    const account = await createAccount();
    await expectError(await read(account, "0123456789ABCDEF0123456Z"), 400, INVALID_BIN_ID);
  });

  it("accepts an upper-case id on the owner-only routes", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const upper = bin.id.toUpperCase();
    const rename = await call("PUT", `/v3/b/${upper}/meta/name`, {
      headers: { ...master(account), "X-Bin-Name": "n" },
    });
    expect(await rename.text()).toBe(`{"record":"${bin.id}","metadata":{"name":"n"}}`);
    const privacy = await call("PUT", `/v3/b/${upper}/meta/privacy`, {
      headers: { ...master(account), "X-Bin-Private": "false" },
    });
    expect(await privacy.text()).toBe(`{"record":"${bin.id}","metadata":{"private":false}}`);
  });
});

describe("version segments", () => {
  it("refuses a version that is not latest or 1 to 9 digits", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    for (const version of ["abc", "-1", "1234567890", "1.5", "LATEST", "0x1", "+1", "1e3"]) {
      await expectError(await read(account, `${bin.id}/${version}`), 400, BIN_VERSION_INVALID);
    }
  });

  it("checks the version format before looking up the bin or the key", async () => {
    await expectError(await read(null, `${UNKNOWN_ID}/abc`), 400, BIN_VERSION_INVALID);
  });

  it("answers Bin version not found beyond the latest version", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    await expectError(await read(account, `${bin.id}/1`), 404, BIN_VERSION_NOT_FOUND);
    await call("PUT", `/v3/b/${bin.id}`, {
      headers: { ...master(account), "X-Bin-Versioning": "true" },
      body: { v: 1 },
    });
    await expectError(await read(account, `${bin.id}/2`), 404, BIN_VERSION_NOT_FOUND);
    await expectError(await read(account, `${bin.id}/999999999`), 404, BIN_VERSION_NOT_FOUND);
  });

  it("answers Bin version not found for a public bin without a key", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 }, { "X-Bin-Private": "false" });
    await expectError(await read(null, `${bin.id}/5`), 404, BIN_VERSION_NOT_FOUND);
  });

  it("authorises before revealing whether a version of a private bin exists", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    await expectError(await read(null, `${bin.id}/5`), 401, NO_KEY.read);
  });

  it("answers the bin's 404 for a version of an unknown bin", async () => {
    const account = await createAccount();
    await expectError(await read(account, `${UNKNOWN_ID}/1`), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
  });
});

describe("X-JSON-Path and X-Dot-Path errors", () => {
  it("refuses an invalid X-JSON-Path expression", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { tweets: [{ category: "x" }] });
    for (const path of ['$.tweets[?(@.category=="x"', "$..[", "$.tweets[", "$.a[?(alert(1))]", "$$", "$.tweets[0"]) {
      await expectError(await read(account, bin.id, { "X-JSON-Path": path }), 400, JSON_PATH_INVALID);
    }
  });

  it("accepts an X-JSON-Path of 1000 characters and refuses 1001", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const ok = await read(account, bin.id, { "X-Bin-Meta": "false", "X-JSON-Path": `$.${"a".repeat(998)}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("[]");
    await expectError(await read(account, bin.id, { "X-JSON-Path": `$.${"a".repeat(999)}` }), 400, JSON_PATH_INVALID);
  });

  it("refuses an invalid X-JSON-Path even when X-Dot-Path is valid", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    await expectError(
      await read(account, bin.id, { "X-JSON-Path": "$..[", "X-Dot-Path": "a" }),
      400,
      JSON_PATH_INVALID,
    );
  });

  it("refuses an empty X-Dot-Path and one over 1000 characters", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    for (const path of ["", "a".repeat(1001)]) {
      await expectError(await read(account, bin.id, { "X-Dot-Path": path }), 400, DOT_PATH_INVALID);
    }
    await expectError(await read(account, bin.id, { "X-Dot-Path": "a".repeat(1000) }), 404, PATH_NOT_FOUND);
  });

  it("answers Path not found in the record with metadata off too", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: [1] });
    await expectError(await read(account, bin.id, { "X-Dot-Path": "a.1", "X-Bin-Meta": "false" }), 404, PATH_NOT_FOUND);
  });

  it("refuses an X-JSON-Path whose selection would multiply the record many times over", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: "x".repeat(50_000) });
    const repeated = `$[${Array(200).fill("'a'").join(",")}]`;
    await expectError(
      await call("GET", `/v3/b/${bin.id}`, { headers: { ...master(account), "X-JSON-Path": repeated } }),
      400,
      JSON_PATH_INVALID,
    );
    // A modest repetition is still answered, each match in full.
    const res = await call("GET", `/v3/b/${bin.id}`, {
      headers: { ...master(account), "X-JSON-Path": "$['a','a']", "X-Bin-Meta": "false" },
    });
    expect(await res.json()).toEqual(["x".repeat(50_000), "x".repeat(50_000)]);
    // The expression itself is valid and within the length limit: over a small record it is answered.
    const small = await createBin(account, { a: "x" });
    const answered = await call("GET", `/v3/b/${small.id}`, {
      headers: { ...master(account), "X-JSON-Path": repeated, "X-Bin-Meta": "false" },
    });
    expect(await answered.json()).toEqual(Array(200).fill("x"));
  });
});

describe("unknown bins", () => {
  it("answers each route's 404 for a well-formed unknown id", async () => {
    const account = await createAccount();
    const cases: [string, string, Record<string, string>, unknown, string][] = [
      ["GET", `/v3/b/${UNKNOWN_ID}`, {}, undefined, BIN_NOT_FOUND_OR_NOT_YOURS],
      ["GET", `/v3/b/${UNKNOWN_ID}/latest`, {}, undefined, BIN_NOT_FOUND_OR_NOT_YOURS],
      ["GET", `/v3/b/${UNKNOWN_ID}/0`, {}, undefined, BIN_NOT_FOUND_OR_NOT_YOURS],
      ["PUT", `/v3/b/${UNKNOWN_ID}`, {}, { a: 1 }, BIN_NOT_FOUND],
      ["DELETE", `/v3/b/${UNKNOWN_ID}`, {}, undefined, BIN_NOT_FOUND_OR_NOT_YOURS],
      ["GET", `/v3/b/${UNKNOWN_ID}/versions/count`, {}, undefined, BIN_NOT_FOUND_OR_NOT_YOURS],
      ["DELETE", `/v3/b/${UNKNOWN_ID}/versions`, {}, undefined, BIN_NOT_FOUND_OR_NOT_YOURS],
      ["PUT", `/v3/b/${UNKNOWN_ID}/meta/name`, { "X-Bin-Name": "n" }, undefined, BIN_NOT_FOUND_OR_NOT_YOURS],
      ["PUT", `/v3/b/${UNKNOWN_ID}/meta/privacy`, { "X-Bin-Private": "true" }, undefined, BIN_NOT_FOUND_OR_NOT_YOURS],
    ];
    for (const [method, path, headers, body, message] of cases) {
      const res = await call(method, path, { headers: { ...master(account), ...headers }, body });
      expect({ route: `${method} ${path}`, status: res.status, text: await res.text() }).toEqual({
        route: `${method} ${path}`,
        status: 404,
        text: JSON.stringify({ message }),
      });
    }
  });

  it("answers 404 to a repeated delete", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    expect((await call("DELETE", `/v3/b/${bin.id}`, { headers: master(account) })).status).toBe(200);
    await expectError(
      await call("DELETE", `/v3/b/${bin.id}`, { headers: master(account) }),
      404,
      BIN_NOT_FOUND_OR_NOT_YOURS,
    );
    await expectError(
      await call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: { a: 1 } }),
      404,
      BIN_NOT_FOUND,
    );
  });
});

describe("unknown routes", () => {
  it("answers Route not found for unknown paths and unsupported methods", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const cases: [string, string][] = [
      ["PATCH", "/v3/b"],
      ["GET", "/v3/b"],
      ["PUT", "/v3/b"],
      ["DELETE", "/v3/b"],
      ["POST", `/v3/b/${bin.id}`],
      ["POST", `/v3/b/${bin.id}/versions/count`],
      ["PUT", `/v3/b/${bin.id}/versions/count`],
      ["GET", `/v3/b/${bin.id}/meta/name`],
      ["POST", `/v3/b/${bin.id}/meta/privacy`],
      ["GET", `/v3/b/${bin.id}/1/extra`],
      ["PUT", `/v3/b/${bin.id}/meta/NAME`],
      ["GET", `/v3/b/${bin.id}/versions/COUNT`],
      ["GET", `/v3/B/${bin.id}`],
      ["GET", `/v3/bins/${bin.id}`],
      ["GET", "/v3/nothing-here"],
    ];
    for (const [method, path] of cases) {
      const res = await call(method, path, { headers: master(account), body: method === "GET" ? undefined : { a: 1 } });
      expect({ route: `${method} ${path}`, status: res.status, text: await res.text() }).toEqual({
        route: `${method} ${path}`,
        status: 404,
        text: JSON.stringify({ message: ROUTE_NOT_FOUND }),
      });
    }
    expect(await recordText(account, bin.id)).toBe('{"hello":"world"}');
  });

  it("renders Route not found in the v3 shape with CORS", async () => {
    await expectError(await call("PATCH", "/v3/b"), 404, ROUTE_NOT_FOUND);
  });

  it("answers HEAD as an unsupported method, without charging anyone", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const res = await call("HEAD", `/v3/b/${bin.id}`, { headers: master(account) });
    expect(res.status).toBe(404);
    expect(res.headers.get("X-Requests-Used")).toBeNull();
  });

  it("takes /stream for the stream route, never for a version segment", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await expectError(
      await call("GET", `/v3/b/${bin.id}/stream`, { headers: master(account) }),
      400,
      STREAM_NEEDS_UPGRADE,
    );
  });
});

describe("order of checks", () => {
  it("checks the id format before the key", async () => {
    await expectError(await call("GET", "/v3/b/nope"), 400, INVALID_BIN_ID);
    await expectError(await call("PUT", "/v3/b/nope", { body: { a: 1 } }), 400, INVALID_BIN_ID);
    await expectError(await call("DELETE", "/v3/b/nope"), 400, INVALID_BIN_ID);
  });

  it("looks up the bin before the key, so an unknown bin is 404 without a key", async () => {
    await expectError(await call("GET", `/v3/b/${UNKNOWN_ID}`), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
    await expectError(await call("PUT", `/v3/b/${UNKNOWN_ID}`, { body: { a: 1 } }), 404, BIN_NOT_FOUND);
    await expectError(await call("DELETE", `/v3/b/${UNKNOWN_ID}`), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
    await expectError(await call("GET", `/v3/b/${UNKNOWN_ID}/versions/count`), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
    await expectError(await call("DELETE", `/v3/b/${UNKNOWN_ID}/versions`), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
  });

  it("checks header values before the key", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await expectError(
      await call("POST", "/v3/b", { headers: { "X-Bin-Private": "maybe" }, body: { a: 1 } }),
      400,
      BIN_PRIVATE_NOT_BOOLEAN,
    );
    await expectError(
      await call("POST", "/v3/b", { headers: { "X-Bin-Name": " " }, body: { a: 1 } }),
      400,
      BIN_NAME_INVALID,
    );
    await expectError(
      await call("PUT", `/v3/b/${bin.id}`, { headers: { "X-Bin-Versioning": "maybe" }, body: { a: 1 } }),
      400,
      BIN_VERSIONING_NOT_BOOLEAN,
    );
    await expectError(
      await call("DELETE", `/v3/b/${bin.id}/versions`, { headers: { "X-Preserve-Latest": "maybe" } }),
      400,
      PRESERVE_LATEST_NOT_BOOLEAN,
    );
    await expectError(
      await call("PUT", `/v3/b/${bin.id}/meta/name`, { headers: { "X-Bin-Name": "n".repeat(129) } }),
      400,
      BIN_NAME_INVALID,
    );
    await expectError(
      await call("PUT", `/v3/b/${bin.id}/meta/privacy`, { headers: { "X-Bin-Private": "nah" } }),
      400,
      BIN_PRIVATE_NOT_BOOLEAN,
    );
  });

  it("checks header values before looking up the bin", async () => {
    await expectError(
      await call("PUT", `/v3/b/${UNKNOWN_ID}`, { headers: { "X-Bin-Versioning": "maybe" }, body: { a: 1 } }),
      400,
      BIN_VERSIONING_NOT_BOOLEAN,
    );
    await expectError(await call("PUT", `/v3/b/${UNKNOWN_ID}/meta/privacy`, {}), 400, NEED_BIN_PRIVATE);
  });

  it("checks the key before the body rules", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await expectError(await send("POST", "/v3/b", {}, "not json"), 401, NO_KEY.create);
    await expectError(
      await send("PUT", `/v3/b/${bin.id}`, { "Content-Type": "application/json" }, "{}"),
      401,
      NO_KEY.update,
    );
  });

  it("checks If-Match before the body rules", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const res = await send(
      "PUT",
      `/v3/b/${bin.id}`,
      { ...master(account), "Content-Type": "application/json", "If-Match": '"0-0000000000000000"' },
      "{}",
    );
    await expectError(res, 412, PRECONDITION_FAILED);
  });

  it("authorises before checking If-Match", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    await expectError(
      await call("PUT", `/v3/b/${bin.id}`, { headers: { "If-Match": '"0-0000000000000000"' }, body: { a: 2 } }),
      401,
      NO_KEY.update,
    );
    await expectError(
      await call("DELETE", `/v3/b/${bin.id}`, { headers: { "If-Match": '"0-0000000000000000"' } }),
      401,
      NO_KEY.delete,
    );
  });

  it("answers 404, not 412, for an unknown bin with If-Match", async () => {
    const account = await createAccount();
    await expectError(
      await call("PUT", `/v3/b/${UNKNOWN_ID}`, {
        headers: { ...master(account), "If-Match": '"0-0000000000000000"' },
        body: { a: 1 },
      }),
      404,
      BIN_NOT_FOUND,
    );
    await expectError(
      await call("DELETE", `/v3/b/${UNKNOWN_ID}`, {
        headers: { ...master(account), "If-Match": '"0-0000000000000000"' },
      }),
      404,
      BIN_NOT_FOUND_OR_NOT_YOURS,
    );
  });

  it("authorises before answering If-None-Match", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    await expectError(await read(null, bin.id, { "If-None-Match": "*" }), 401, NO_KEY.read);
    await expectError(await read(account, `${bin.id}/3`, { "If-None-Match": "*" }), 404, BIN_VERSION_NOT_FOUND);
  });

  it("checks the body rules before the record size", async () => {
    const account = await createAccount();
    await expectError(
      await send(
        "POST",
        "/v3/b",
        { ...master(account), "Content-Type": "application/json" },
        `{"a":"${"x".repeat(200_000)}"`,
      ),
      400,
      INVALID_JSON,
    );
  });
});

describe("record size limits", () => {
  const create = (account: TestAccount, record: unknown) =>
    call("POST", "/v3/b", { headers: master(account), body: record });
  const update = (account: TestAccount | null, id: string, record: unknown, headers: Record<string, string> = {}) =>
    call("PUT", `/v3/b/${id}`, { headers: { ...(account ? master(account) : {}), ...headers }, body: record });

  it("accepts a free record of exactly 102400 bytes and refuses 102401 on create", async () => {
    const account = await createAccount();
    expect(JSON.stringify(recordOfSize(102_400)).length).toBe(102_400);
    expect((await create(account, recordOfSize(102_400))).status).toBe(200);
    await expectError(await create(account, recordOfSize(102_401)), 403, FREE_CREATE_TOO_LARGE);
    expect(await storageOf(account)).toEqual({ bins: 1, storageBytes: 102_400 });
  });

  it("measures the compact form, not the request body", async () => {
    const account = await createAccount();
    const spaced = `{ "a" :   ${JSON.stringify("x".repeat(102_400 - 8))}   ${" ".repeat(5000)} }`;
    const res = await send("POST", "/v3/b", { ...master(account), "Content-Type": "application/json" }, spaced);
    expect(res.status).toBe(200);
  });

  it("measures UTF-8 bytes, not characters", async () => {
    const account = await createAccount();
    // 9 + 2 × 51196 = 102401 bytes in 51205 characters.
    const record = { a: `x${"é".repeat(51_196)}` };
    expect(JSON.stringify(record).length).toBe(51_205);
    await expectError(await create(account, record), 403, FREE_CREATE_TOO_LARGE);
    expect((await create(account, { a: "é".repeat(51_196) })).status).toBe(200);
  });

  it("refuses a free update over 100kb and keeps the record and version count", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { kept: true });
    expect((await update(account, bin.id, recordOfSize(102_400), { "X-Bin-Versioning": "true" })).status).toBe(200);
    await expectError(
      await update(account, bin.id, recordOfSize(102_401), { "X-Bin-Versioning": "true" }),
      403,
      FREE_UPDATE_TOO_LARGE,
    );
    expect(await versionCount(account, bin.id)).toBe(1);
    expect(await recordText(account, `${bin.id}/0`)).toBe('{"kept":true}');
    expect((await recordText(account, bin.id)).length).toBe(102_400);
  });

  it("applies the owner's limit to a keyless update of a public bin", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { kept: true }, { "X-Bin-Private": "false" });
    await expectError(await update(null, bin.id, recordOfSize(102_401)), 403, FREE_UPDATE_TOO_LARGE);
    expect(await versionCount(account, bin.id)).toBe(0);
  });

  it("allows a pro account 1mb and refuses more with the pro message", async () => {
    const account = await createAccount({ plan: "pro" });
    const res = await create(account, recordOfSize(1_048_576));
    expect(res.status).toBe(200);
    const id = ((await res.json()) as { metadata: { id: string } }).metadata.id;
    await expectError(await create(account, recordOfSize(1_048_577)), 403, PRO_TOO_LARGE);
    await expectError(await update(account, id, recordOfSize(1_048_577)), 403, PRO_TOO_LARGE);
    expect((await update(account, id, recordOfSize(200_000))).status).toBe(200);
    expect(await storageOf(account)).toEqual({ bins: 1, storageBytes: 200_000 });
  });

  it("follows a per-account override in the limit and the message", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxRecordBytes: 2048 } })).status).toBe(200);
    const bin = await createBin(account, recordOfSize(2048));
    await expectError(await create(account, recordOfSize(2049)), 403, freeCreateOver("2kb"));
    await expectError(await update(account, bin.id, recordOfSize(2049)), 403, freeUpdateOver("2kb"));
    expect((await recordText(account, bin.id)).length).toBe(2048);
  });

  it("rounds an override down to whole kb, or shows whole mb", async () => {
    const pro = await createAccount({ plan: "pro" });
    await patchAccount(pro.accountId, { limits: { maxRecordBytes: 3000 } });
    await expectError(await create(pro, recordOfSize(3001)), 403, recordSizeOver("2kb"));
    const free = await createAccount();
    await patchAccount(free.accountId, { limits: { maxRecordBytes: 2_097_152 } });
    expect((await create(free, recordOfSize(2_097_152))).status).toBe(200);
    await expectError(await create(free, recordOfSize(2_097_153)), 403, freeCreateOver("2mb"));
  });

  it("stores nothing when a create fails", async () => {
    const account = await createAccount();
    await expectError(await create(account, recordOfSize(102_401)), 403, FREE_CREATE_TOO_LARGE);
    await expectError(await send("POST", "/v3/b", master(account), '{"a":1}'), 400, NEED_JSON);
    await expectError(
      await call("POST", "/v3/b", { headers: { ...master(account), "X-Bin-Private": "x" }, body: { a: 1 } }),
      400,
      BIN_PRIVATE_NOT_BOOLEAN,
    );
    expect(await storageOf(account)).toEqual({ bins: 0, storageBytes: 0 });
  });
});
