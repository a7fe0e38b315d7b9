import { describe, expect, it } from "vitest";
import {
  ADMIN_KEY,
  BIN_DELETED,
  BIN_NOT_FOUND_OR_NOT_YOURS,
  BIN_VERSION_NOT_FOUND,
  call,
  createAccount,
  createBin,
  DEEP_AND_WIDE,
  etagOf,
  expectError,
  ISO,
  JSON_TYPE,
  master,
  NO_KEY,
  NO_VERSIONS_FOUND,
  PATH_NOT_FOUND,
  PRECONDITION_FAILED,
  recordText,
  type TestAccount,
  updateBin,
  VERSIONS_DELETED,
  VERSIONS_DELETED_LATEST_PRESERVED,
  versionCount,
} from "../helpers";

const read = (path: string, headers: Record<string, string> = {}) => call("GET", `/v3/b/${path}`, { headers });

/** A private bin with versions 1..`versions` holding `{"v": n}`; the base holds `{"v": 0}`. */
async function binWithVersions(account: TestAccount, versions: number, headers: Record<string, string> = {}) {
  const bin = await createBin(account, { v: 0 }, headers);
  for (let n = 1; n <= versions; n++) {
    const res = await updateBin(account, bin.id, { v: n }, { "X-Bin-Versioning": "true" });
    expect(res.status).toBe(200);
  }
  return bin;
}

describe("POST /v3/b", () => {
  it("returns the record and metadata in contract order with version 0 headers", async () => {
    const account = await createAccount();
    const before = Date.now();
    const res = await call("POST", "/v3/b", { headers: master(account), body: { hello: "world" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
    const text = await res.text();
    const { metadata } = JSON.parse(text) as { metadata: { id: string; createdAt: string } };
    expect(metadata.id).toMatch(/^[0-9a-f]{24}$/);
    expect(metadata.createdAt).toMatch(ISO);
    expect(Date.parse(metadata.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(metadata.createdAt)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(text).toBe(
      `{"record":{"hello":"world"},"metadata":{"id":"${metadata.id}","createdAt":"${metadata.createdAt}","private":true}}`,
    );
    expect(res.headers.get("X-Bin-Version")).toBe("0");
    expect(res.headers.get("ETag")).toBe(await etagOf(0, '{"hello":"world"}'));
    expect(res.headers.get("ETag")).toMatch(/^"0-[0-9a-f]{16}"$/);
  });

  it("gives every new bin its own id", async () => {
    const account = await createAccount();
    const first = await createBin(account);
    const second = await createBin(account);
    expect(first.id).not.toBe(second.id);
  });

  it("creates a private bin by default that a keyless read cannot open", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    expect(bin.metadata.private).toBe(true);
    await expectError(await read(bin.id), 401, NO_KEY.read);
  });

  it("creates a public bin with X-Bin-Private: false that anyone can read", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { open: true }, { "X-Bin-Private": "false" });
    expect(bin.metadata.private).toBe(false);
    const res = await read(bin.id, { "X-Bin-Meta": "false" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"open":true}');
  });

  it("accepts X-Bin-Private in any case", async () => {
    const account = await createAccount();
    expect((await createBin(account, { a: 1 }, { "X-Bin-Private": "FALSE" })).metadata.private).toBe(false);
    expect((await createBin(account, { a: 1 }, { "X-Bin-Private": "True" })).metadata.private).toBe(true);
  });

  it("stores the trimmed X-Bin-Name and returns it after private", async () => {
    const account = await createAccount();
    const res = await call("POST", "/v3/b", {
      headers: { ...master(account), "X-Bin-Name": "  My Bin  ", "X-Bin-Private": "false" },
      body: { a: 1 },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { metadata: Record<string, unknown> };
    expect(Object.keys(body)).toEqual(["record", "metadata"]);
    expect(Object.keys(body.metadata)).toEqual(["id", "createdAt", "private", "name"]);
    expect(body.metadata.private).toBe(false);
    expect(body.metadata.name).toBe("My Bin");
  });

  it("accepts a top-level array, including an empty one", async () => {
    const account = await createAccount();
    for (const record of [[1, "two", { three: 3 }], []]) {
      const res = await call("POST", "/v3/b", { headers: master(account), body: record });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { record: unknown; metadata: { id: string } };
      expect(body.record).toEqual(record);
      expect(await recordText(account, body.metadata.id)).toBe(JSON.stringify(record));
    }
  });

  it("stores the compact re-serialisation of the body, keeping member order", async () => {
    const account = await createAccount();
    const res = await call("POST", "/v3/b", {
      headers: master(account),
      body: '{ "b" : 1.0 ,\n\t"a" : [ 1e2 , "x" ], "c": { "z": null, "y": false } }\n',
    });
    expect(res.status).toBe(200);
    const compact = '{"b":1,"a":[100,"x"],"c":{"z":null,"y":false}}';
    const text = await res.text();
    expect(text.startsWith(`{"record":${compact},"metadata":`)).toBe(true);
    expect(res.headers.get("ETag")).toBe(await etagOf(0, compact));
    const id = (JSON.parse(text) as { metadata: { id: string } }).metadata.id;
    expect(await recordText(account, id)).toBe(compact);
  });

  it("stores a record nested deeper than the native serialiser's stack exactly as sent", async () => {
    const account = await createAccount();
    const res = await call("POST", "/v3/b", { headers: master(account), body: DEEP_AND_WIDE.record });
    const text = await res.text();
    expect(res.status, text.slice(0, 200)).toBe(200);
    expect(text.startsWith(`{"record":${DEEP_AND_WIDE.record},"metadata":`)).toBe(true);
    expect(res.headers.get("ETag")).toBe(await etagOf(0, DEEP_AND_WIDE.record));
    const id = (JSON.parse(text) as { metadata: { id: string } }).metadata.id;
    expect(await recordText(account, id)).toBe(DEEP_AND_WIDE.record);
  });

  it("stores unicode text unescaped and escaped input decoded", async () => {
    const account = await createAccount();
    const res = await call("POST", "/v3/b", {
      headers: master(account),
      body: '{"greeting":"h\\u00e9llo 🌍","日本":"語"}',
    });
    expect(res.status).toBe(200);
    const compact = '{"greeting":"héllo 🌍","日本":"語"}';
    const id = ((await res.json()) as { metadata: { id: string } }).metadata.id;
    expect(await recordText(account, id)).toBe(compact);
    const latest = await read(id, master(account));
    expect(latest.headers.get("ETag")).toBe(await etagOf(0, compact));
  });

  it("returns a unicode X-Bin-Name unchanged", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Name": "Überbin 🎉" });
    expect(bin.metadata.name).toBe("Überbin 🎉");
  });

  it("ignores a query string", async () => {
    const account = await createAccount();
    const res = await call("POST", "/v3/b?private=false", { headers: master(account), body: { a: 1 } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { metadata: { private: boolean } }).metadata.private).toBe(true);
  });
});

describe("GET /v3/b/<id>", () => {
  it("reads the latest record with metadata in contract order", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { hello: "world" }, { "X-Bin-Name": "greetings" });
    const res = await read(bin.id, master(account));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
    expect(await res.text()).toBe(
      `{"record":{"hello":"world"},"metadata":{"id":"${bin.id}","private":true,"createdAt":"${bin.metadata.createdAt}","name":"greetings"}}`,
    );
  });

  it("sends X-Bin-Version, ETag, Vary and a private Cache-Control for a private bin", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const res = await read(bin.id, master(account));
    expect(res.headers.get("X-Bin-Version")).toBe("0");
    expect(res.headers.get("ETag")).toBe(await etagOf(0, '{"a":1}'));
    expect(res.headers.get("Vary")).toBe("X-Bin-Meta, X-JSON-Path");
    expect(res.headers.get("Cache-Control")).toBe("private, no-cache");
  });

  it("sends Cache-Control no-cache for a public bin", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Private": "false" });
    const res = await read(bin.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
    expect(res.headers.get("Vary")).toBe("X-Bin-Meta, X-JSON-Path");
    expect(await res.text()).toBe(
      `{"record":{"a":1},"metadata":{"id":"${bin.id}","private":false,"createdAt":"${bin.metadata.createdAt}"}}`,
    );
  });

  it("reads the latest version at /v3/b/<id> and /latest", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 2);
    for (const path of [bin.id, `${bin.id}/latest`]) {
      const res = await read(path, master(account));
      expect(res.status).toBe(200);
      expect(res.headers.get("X-Bin-Version")).toBe("2");
      expect(res.headers.get("ETag")).toBe(await etagOf(2, '{"v":2}'));
      expect(((await res.json()) as { record: unknown }).record).toEqual({ v: 2 });
    }
  });

  it("reads version n at /<n> and the base at /0", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 2);
    for (const n of [0, 1, 2]) {
      const res = await read(`${bin.id}/${n}`, master(account));
      expect(res.status).toBe(200);
      expect(res.headers.get("X-Bin-Version")).toBe(String(n));
      expect(res.headers.get("ETag")).toBe(await etagOf(n, `{"v":${n}}`));
      const body = (await res.json()) as { record: unknown; metadata: Record<string, unknown> };
      expect(body.record).toEqual({ v: n });
      expect(Object.keys(body.metadata)).toEqual(["id", "private", "createdAt"]);
    }
  });

  it("accepts version numbers with leading zeros", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 1);
    const res = await read(`${bin.id}/001`, master(account));
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Bin-Version")).toBe("1");
  });

  it("returns the bare record with X-Bin-Meta: false in any case", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 1);
    for (const value of ["false", "FALSE"]) {
      for (const path of [bin.id, `${bin.id}/latest`, `${bin.id}/0`]) {
        const res = await read(path, { ...master(account), "X-Bin-Meta": value });
        expect(res.status).toBe(200);
        expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
        expect(await res.text()).toBe(path.endsWith("/0") ? '{"v":0}' : '{"v":1}');
      }
    }
  });

  it("returns the bare record with ?meta=false in any case", async () => {
    const account = await createAccount();
    const bin = await createBin(account, [1, 2]);
    for (const path of [`${bin.id}/latest?meta=false`, `${bin.id}?meta=False`, `${bin.id}/0?meta=FALSE`]) {
      const res = await read(path, master(account));
      expect({ path, status: res.status, body: await res.text() }).toEqual({ path, status: 200, body: "[1,2]" });
    }
  });

  it("keeps metadata on for X-Bin-Meta: 0, X-Bin-Meta: true and ?meta=0", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const expected = `{"record":{"a":1},"metadata":{"id":"${bin.id}","private":true,"createdAt":"${bin.metadata.createdAt}"}}`;
    for (const [path, headers] of [
      [bin.id, { "X-Bin-Meta": "0" }],
      [bin.id, { "X-Bin-Meta": "true" }],
      [`${bin.id}?meta=0`, {}],
    ] as const) {
      const res = await read(path, { ...master(account), ...headers });
      expect(await res.text()).toBe(expected);
    }
  });

  it("ignores an unrelated query string", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const res = await read(`${bin.id}?cache=bust`, { ...master(account), "X-Bin-Meta": "false" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"a":1}');
  });
});

describe("GET /v3/b/<id> with X-JSON-Path", () => {
  const tweets = {
    tweets: [
      { id: 1, category: "x" },
      { id: 2, category: "y" },
      { id: 3, category: "x" },
    ],
    user: { name: "ann" },
  };

  it("returns the bare array of matches with metadata off", async () => {
    const account = await createAccount();
    const bin = await createBin(account, tweets);
    const res = await read(bin.id, {
      ...master(account),
      "X-Bin-Meta": "false",
      "X-JSON-Path": '$.tweets[?(@.category=="x")]',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('[{"id":1,"category":"x"},{"id":3,"category":"x"}]');
  });

  it("wraps the matches in record with metadata on", async () => {
    const account = await createAccount();
    const bin = await createBin(account, tweets);
    const res = await read(bin.id, { ...master(account), "X-JSON-Path": "$.user.name" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      `{"record":["ann"],"metadata":{"id":"${bin.id}","private":true,"createdAt":"${bin.metadata.createdAt}"}}`,
    );
  });

  it("treats the leading $ as optional", async () => {
    const account = await createAccount();
    const bin = await createBin(account, tweets);
    const cases: [string, unknown][] = [
      ['tweets[?(@.category=="x")].id', [1, 3]],
      ["tweets..category", ["x", "y", "x"]],
      [".user.name", ["ann"]],
      ["..id", [1, 2, 3]],
      ["['user'].name", ["ann"]],
      ["$.user.name", ["ann"]],
    ];
    for (const [path, expected] of cases) {
      const res = await read(bin.id, { ...master(account), "X-Bin-Meta": "false", "X-JSON-Path": path });
      expect({ path, status: res.status, body: await res.json() }).toEqual({ path, status: 200, body: expected });
    }
  });

  it("returns an empty array when nothing matches", async () => {
    const account = await createAccount();
    const bin = await createBin(account, tweets);
    const res = await read(bin.id, {
      ...master(account),
      "X-Bin-Meta": "false",
      "X-JSON-Path": '$.tweets[?(@.missing=="x")]',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("[]");
  });

  it("applies to a named version and describes it in X-Bin-Version and ETag", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 2);
    const res = await read(`${bin.id}/1`, { ...master(account), "X-Bin-Meta": "false", "X-JSON-Path": "$.v" });
    expect(await res.text()).toBe("[1]");
    expect(res.headers.get("X-Bin-Version")).toBe("1");
    expect(res.headers.get("ETag")).toBe(await etagOf(1, '{"v":1}'));
  });

  it("selects a subtree nested deeper than the native serialiser's stack", async () => {
    const account = await createAccount();
    const { id } = await createBin(account, DEEP_AND_WIDE.record);
    const res = await read(id, { ...master(account), "X-Bin-Meta": "false", "X-JSON-Path": "$.inner" });
    expect({ status: res.status, isInner: (await res.text()) === `[${DEEP_AND_WIDE.inner}]` }).toEqual({
      status: 200,
      isInner: true,
    });
  });

  it("ignores an empty X-JSON-Path", async () => {
    const account = await createAccount();
    const bin = await createBin(account, tweets);
    const res = await read(bin.id, { ...master(account), "X-Bin-Meta": "false", "X-JSON-Path": "" });
    expect(await res.text()).toBe(JSON.stringify(tweets));
  });

  it("wins over X-Dot-Path when both are sent", async () => {
    const account = await createAccount();
    const bin = await createBin(account, tweets);
    const res = await read(bin.id, {
      ...master(account),
      "X-Bin-Meta": "false",
      "X-JSON-Path": "$.tweets[0].id",
      "X-Dot-Path": "user.name",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("[1]");
  });
});

describe("GET /v3/b/<id> with X-Dot-Path", () => {
  const doc = { name: "edgebin", users: [{ email: "a@example.com" }, { email: "b@example.com", tags: [] }] };

  it("returns the single value at the path with metadata off", async () => {
    const account = await createAccount();
    const bin = await createBin(account, doc);
    const cases: [string, string][] = [
      ["name", '"edgebin"'],
      ["users.1.email", '"b@example.com"'],
      ["users.0", '{"email":"a@example.com"}'],
      ["users.1.tags", "[]"],
    ];
    for (const [path, expected] of cases) {
      const res = await read(bin.id, { ...master(account), "X-Bin-Meta": "false", "X-Dot-Path": path });
      expect({ path, status: res.status, body: await res.text() }).toEqual({ path, status: 200, body: expected });
    }
  });

  it("wraps the value in record with metadata on", async () => {
    const account = await createAccount();
    const bin = await createBin(account, doc);
    const res = await read(bin.id, { ...master(account), "X-Dot-Path": "users.0.email" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      `{"record":"a@example.com","metadata":{"id":"${bin.id}","private":true,"createdAt":"${bin.metadata.createdAt}"}}`,
    );
  });

  it("selects a value nested deeper than the native serialiser's stack", async () => {
    const account = await createAccount();
    const { id } = await createBin(account, DEEP_AND_WIDE.record);
    const res = await read(id, { ...master(account), "X-Bin-Meta": "false", "X-Dot-Path": "inner" });
    expect({ status: res.status, isInner: (await res.text()) === DEEP_AND_WIDE.inner }).toEqual({
      status: 200,
      isInner: true,
    });
  });

  it("answers 404 for a path that does not exist", async () => {
    const account = await createAccount();
    const bin = await createBin(account, doc);
    for (const path of ["missing", "users.2.email", "name.length", "users.0.email.x", "$.name"]) {
      await expectError(await read(bin.id, { ...master(account), "X-Dot-Path": path }), 404, PATH_NOT_FOUND);
    }
  });
});

describe("PUT /v3/b/<id>", () => {
  it("overwrites the base of a private bin in place when versioning is not requested", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    const res = await updateBin(account, bin.id, { v: "new" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
    expect(await res.text()).toBe(`{"record":{"v":"new"},"metadata":{"parentId":"${bin.id}","private":true}}`);
    expect(res.headers.get("X-Bin-Version")).toBe("0");
    expect(res.headers.get("ETag")).toBe(await etagOf(0, '{"v":"new"}'));
    expect(res.headers.get("X-Bin-Version-Cap-Reached")).toBeNull();
    expect(await recordText(account, `${bin.id}/0`)).toBe('{"v":"new"}');
    expect(await versionCount(account, bin.id)).toBe(0);
  });

  it("treats X-Bin-Versioning: false on a private bin like no header", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    const res = await updateBin(account, bin.id, { v: "new" }, { "X-Bin-Versioning": "false" });
    expect(await res.text()).toBe(`{"record":{"v":"new"},"metadata":{"parentId":"${bin.id}","private":true}}`);
    expect(await versionCount(account, bin.id)).toBe(0);
  });

  it("appends a version to a private bin with X-Bin-Versioning: true", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    const res = await updateBin(account, bin.id, { v: 1 }, { "X-Bin-Versioning": "TRUE" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`{"record":{"v":1},"metadata":{"parentId":"${bin.id}","private":true,"version":1}}`);
    expect(res.headers.get("X-Bin-Version")).toBe("1");
    expect(res.headers.get("ETag")).toBe(await etagOf(1, '{"v":1}'));
    expect(await versionCount(account, bin.id)).toBe(1);
    expect(await recordText(account, `${bin.id}/0`)).toBe('{"v":0}');
    expect(await recordText(account, `${bin.id}/1`)).toBe('{"v":1}');
  });

  it("numbers appended versions without gaps", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    for (const n of [1, 2, 3]) {
      const res = await updateBin(account, bin.id, { v: n }, { "X-Bin-Versioning": "true" });
      expect(((await res.json()) as { metadata: { version: number } }).metadata.version).toBe(n);
    }
    expect(await versionCount(account, bin.id)).toBe(3);
  });

  it("overwrites the latest version, not the base, when an unversioned update follows versions", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 2);
    const res = await updateBin(account, bin.id, { v: "two again" });
    expect(await res.text()).toBe(`{"record":{"v":"two again"},"metadata":{"parentId":"${bin.id}","private":true}}`);
    expect(res.headers.get("X-Bin-Version")).toBe("2");
    expect(res.headers.get("ETag")).toBe(await etagOf(2, '{"v":"two again"}'));
    expect(await versionCount(account, bin.id)).toBe(2);
    expect(await recordText(account, `${bin.id}/0`)).toBe('{"v":0}');
    expect(await recordText(account, `${bin.id}/1`)).toBe('{"v":1}');
    expect(await recordText(account, bin.id)).toBe('{"v":"two again"}');
  });

  it("versions every update of a public bin by its owner's master key", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 }, { "X-Bin-Private": "false" });
    const res = await updateBin(account, bin.id, { v: 1 });
    expect(await res.text()).toBe(`{"record":{"v":1},"metadata":{"parentId":"${bin.id}","private":false,"version":1}}`);
    expect(res.headers.get("X-Bin-Version")).toBe("1");
  });

  it("lets anyone update a public bin without a key, always versioned even with X-Bin-Versioning: false", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 }, { "X-Bin-Private": "false" });
    const first = await updateBin(null, bin.id, { v: 1 });
    expect(await first.text()).toBe(
      `{"record":{"v":1},"metadata":{"parentId":"${bin.id}","private":false,"version":1}}`,
    );
    const second = await updateBin(null, bin.id, { v: 2 }, { "X-Bin-Versioning": "false" });
    expect(await second.text()).toBe(
      `{"record":{"v":2},"metadata":{"parentId":"${bin.id}","private":false,"version":2}}`,
    );
    expect(await versionCount(account, bin.id)).toBe(2);
  });

  it("ignores X-Bin-Versioning: false from another account's master key on a public bin", async () => {
    const owner = await createAccount();
    const stranger = await createAccount();
    const bin = await createBin(owner, { v: 0 }, { "X-Bin-Private": "false" });
    const res = await updateBin(stranger, bin.id, { v: 1 }, { "X-Bin-Versioning": "false" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`{"record":{"v":1},"metadata":{"parentId":"${bin.id}","private":false,"version":1}}`);
    expect(await versionCount(owner, bin.id)).toBe(1);
  });

  it("ignores X-Bin-Versioning: false from an unknown master key on a public bin", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner, { v: 0 }, { "X-Bin-Private": "false" });
    const res = await call("PUT", `/v3/b/${bin.id}`, {
      headers: { "X-Master-Key": "not-a-real-key", "X-Bin-Versioning": "false" },
      body: { v: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Bin-Version")).toBe("1");
  });

  it("overwrites the latest of a public bin in place when its owner's master key sends X-Bin-Versioning: false", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 }, { "X-Bin-Private": "false" });
    await updateBin(account, bin.id, { v: 1 });
    const res = await updateBin(account, bin.id, { v: "one again" }, { "X-Bin-Versioning": "false" });
    expect(await res.text()).toBe(`{"record":{"v":"one again"},"metadata":{"parentId":"${bin.id}","private":false}}`);
    expect(res.headers.get("X-Bin-Version")).toBe("1");
    expect(res.headers.get("ETag")).toBe(await etagOf(1, '{"v":"one again"}'));
    expect(await versionCount(account, bin.id)).toBe(1);
    expect(await recordText(account, `${bin.id}/0`)).toBe('{"v":0}');
  });

  it("ignores X-Bin-Private, X-Bin-Name and X-Collection-Id, even with invalid values", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 }, { "X-Bin-Name": "kept" });
    const res = await updateBin(
      account,
      bin.id,
      { v: 1 },
      {
        "X-Bin-Private": "maybe",
        "X-Bin-Name": " ",
        "X-Collection-Id": "nonsense",
      },
    );
    expect(res.status).toBe(200);
    const after = (await (await read(bin.id, master(account))).json()) as { metadata: Record<string, unknown> };
    expect(after.metadata).toEqual({ id: bin.id, private: true, createdAt: bin.metadata.createdAt, name: "kept" });
  });

  it("stores a record nested deeper than the native serialiser's stack as a new version", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    const res = await updateBin(account, bin.id, DEEP_AND_WIDE.record, { "X-Bin-Versioning": "true" });
    expect(res.status, (await res.clone().text()).slice(0, 200)).toBe(200);
    expect(res.headers.get("ETag")).toBe(await etagOf(1, DEEP_AND_WIDE.record));
    expect((await recordText(account, `${bin.id}/1`)) === DEEP_AND_WIDE.record).toBe(true);
  });

  it("stores the compact form of the new body and keeps the bin's createdAt", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    const res = await updateBin(account, bin.id, '[ { "b" : 2 , "a" : 1 } ]');
    expect(await res.text()).toBe(`{"record":[{"b":2,"a":1}],"metadata":{"parentId":"${bin.id}","private":true}}`);
    const after = await read(bin.id, master(account));
    expect(await after.text()).toBe(
      `{"record":[{"b":2,"a":1}],"metadata":{"id":"${bin.id}","private":true,"createdAt":"${bin.metadata.createdAt}"}}`,
    );
  });
});

describe("DELETE /v3/b/<id>", () => {
  it("deletes the bin and reports how many versions it had", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 3);
    const res = await call("DELETE", `/v3/b/${bin.id}`, { headers: master(account) });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
    expect(await res.text()).toBe(`{"metadata":{"id":"${bin.id}","versionsDeleted":3},"message":"${BIN_DELETED}"}`);
    for (const path of [bin.id, `${bin.id}/0`, `${bin.id}/1`]) {
      await expectError(await read(path, master(account)), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
    }
  });

  it("reports zero versions for a bin that only has its base", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const res = await call("DELETE", `/v3/b/${bin.id}`, { headers: master(account) });
    expect(await res.json()).toEqual({
      metadata: { id: bin.id, versionsDeleted: 0 },
      message: BIN_DELETED,
    });
  });

  it("lets the owner delete a public bin", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Private": "false" });
    const res = await call("DELETE", `/v3/b/${bin.id}`, { headers: master(account) });
    expect(res.status).toBe(200);
    await expectError(await read(bin.id), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
  });

  it("ignores a body and its Content-Type", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const res = await call("DELETE", `/v3/b/${bin.id}`, {
      headers: { ...master(account), "Content-Type": "text/plain" },
      body: "not json",
    });
    expect(res.status).toBe(200);
  });

  it("removes the bin from the owner's usage", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await call("DELETE", `/v3/b/${bin.id}`, { headers: master(account) });
    const res = await call("GET", `/v3/admin/accounts/${account.accountId}`, { headers: { "X-Admin-Key": ADMIN_KEY } });
    expect(((await res.json()) as { usage: unknown }).usage).toEqual({
      requestsUsed: expect.any(Number),
      bins: 0,
      storageBytes: 0,
    });
  });
});

describe("GET /v3/b/<id>/versions/count", () => {
  it("reports the count under both metadata and metaData", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 2);
    const res = await call("GET", `/v3/b/${bin.id}/versions/count`, { headers: master(account) });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
    const metadata = `{"id":"${bin.id}","versionCount":2,"private":true}`;
    expect(await res.text()).toBe(`{"metadata":${metadata},"metaData":${metadata}}`);
  });

  it("counts zero for a new bin", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    expect(await versionCount(account, bin.id)).toBe(0);
  });

  it("needs no key for a public bin", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Private": "false" });
    await updateBin(null, bin.id, { a: 2 });
    const res = await call("GET", `/v3/b/${bin.id}/versions/count`);
    expect(res.status).toBe(200);
    const metadata = `{"id":"${bin.id}","versionCount":1,"private":false}`;
    expect(await res.text()).toBe(`{"metadata":${metadata},"metaData":${metadata}}`);
  });
});

describe("DELETE /v3/b/<id>/versions", () => {
  const deleteVersions = (account: TestAccount, id: string, headers: Record<string, string> = {}) =>
    call("DELETE", `/v3/b/${id}/versions`, { headers: { ...master(account), ...headers } });

  it("answers No versions found and changes nothing when the bin has no versions", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    for (const preserve of ["false", "true"]) {
      const res = await deleteVersions(account, bin.id, { "X-Preserve-Latest": preserve });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(JSON.stringify({ message: NO_VERSIONS_FOUND }));
    }
    expect(await recordText(account, bin.id)).toBe('{"v":0}');
    const latest = await read(bin.id, master(account));
    expect(latest.headers.get("ETag")).toBe(await etagOf(0, '{"v":0}'));
  });

  it("deletes versions 1..N and keeps the base by default", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 3);
    const res = await deleteVersions(account, bin.id);
    expect(res.status).toBe(200);
    const metadata = `{"id":"${bin.id}","versionsDeleted":3}`;
    expect(await res.text()).toBe(`{"metadata":${metadata},"metaData":${metadata},"message":"${VERSIONS_DELETED}"}`);
    expect(await versionCount(account, bin.id)).toBe(0);
    expect(await recordText(account, bin.id)).toBe('{"v":0}');
    const latest = await read(bin.id, master(account));
    expect(latest.headers.get("X-Bin-Version")).toBe("0");
    expect(latest.headers.get("ETag")).toBe(await etagOf(0, '{"v":0}'));
    await expectError(await read(`${bin.id}/1`, master(account)), 404, BIN_VERSION_NOT_FOUND);
  });

  it("behaves the same with X-Preserve-Latest: false", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 1);
    const res = await deleteVersions(account, bin.id, { "X-Preserve-Latest": "False" });
    expect(((await res.json()) as { message: string }).message).toBe(VERSIONS_DELETED);
    expect(await recordText(account, bin.id)).toBe('{"v":0}');
  });

  it("copies the latest version over the base with X-Preserve-Latest: true", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 2);
    const res = await deleteVersions(account, bin.id, { "X-Preserve-Latest": "true" });
    expect(res.status).toBe(200);
    const metadata = `{"id":"${bin.id}","versionsDeleted":2}`;
    expect(await res.text()).toBe(
      `{"metadata":${metadata},"metaData":${metadata},"message":"${VERSIONS_DELETED_LATEST_PRESERVED}"}`,
    );
    expect(await versionCount(account, bin.id)).toBe(0);
    expect(await recordText(account, `${bin.id}/0`)).toBe('{"v":2}');
    const latest = await read(bin.id, master(account));
    expect(latest.headers.get("X-Bin-Version")).toBe("0");
    expect(latest.headers.get("ETag")).toBe(await etagOf(0, '{"v":2}'));
    await expectError(await read(`${bin.id}/2`, master(account)), 404, BIN_VERSION_NOT_FOUND);
  });

  it("numbers the next version 1 again", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 2);
    await deleteVersions(account, bin.id);
    const res = await updateBin(account, bin.id, { v: "fresh" }, { "X-Bin-Versioning": "true" });
    expect(((await res.json()) as { metadata: { version: number } }).metadata.version).toBe(1);
    expect(await recordText(account, `${bin.id}/1`)).toBe('{"v":"fresh"}');
  });

  it("works on a public bin for its owner", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 }, { "X-Bin-Private": "false" });
    await updateBin(null, bin.id, { v: 1 });
    const res = await deleteVersions(account, bin.id);
    expect(((await res.json()) as { metadata: unknown }).metadata).toEqual({ id: bin.id, versionsDeleted: 1 });
  });
});

describe("PUT /v3/b/<id>/meta/name", () => {
  it("renames the bin and returns the id as record", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Name": "old" });
    const res = await call("PUT", `/v3/b/${bin.id}/meta/name`, {
      headers: { ...master(account), "X-Bin-Name": "  new name 🎉 " },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(JSON_TYPE);
    expect(await res.text()).toBe(`{"record":"${bin.id}","metadata":{"name":"new name 🎉"}}`);
    const after = (await (await read(bin.id, master(account))).json()) as { metadata: { name: string } };
    expect(after.metadata.name).toBe("new name 🎉");
  });

  it("names a bin that had no name and leaves its record alone", async () => {
    const account = await createAccount();
    const bin = await binWithVersions(account, 1);
    await call("PUT", `/v3/b/${bin.id}/meta/name`, { headers: { ...master(account), "X-Bin-Name": "named" } });
    const res = await read(bin.id, master(account));
    expect(res.headers.get("X-Bin-Version")).toBe("1");
    expect(await res.text()).toBe(
      `{"record":{"v":1},"metadata":{"id":"${bin.id}","private":true,"createdAt":"${bin.metadata.createdAt}","name":"named"}}`,
    );
  });

  it("ignores the body and its Content-Type", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const res = await call("PUT", `/v3/b/${bin.id}/meta/name`, {
      headers: { ...master(account), "X-Bin-Name": "x", "Content-Type": "text/plain" },
      body: "{ not json",
    });
    expect(res.status).toBe(200);
  });
});

describe("PUT /v3/b/<id>/meta/privacy", () => {
  it("makes a private bin public so keyless reads work", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const res = await call("PUT", `/v3/b/${bin.id}/meta/privacy`, {
      headers: { ...master(account), "X-Bin-Private": "false" },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`{"record":"${bin.id}","metadata":{"private":false}}`);
    const keyless = await read(bin.id);
    expect(keyless.status).toBe(200);
    expect(keyless.headers.get("Cache-Control")).toBe("no-cache");
    expect(await keyless.text()).toBe(
      `{"record":{"a":1},"metadata":{"id":"${bin.id}","private":false,"createdAt":"${bin.metadata.createdAt}"}}`,
    );
  });

  it("makes a public bin private again so keyless reads are refused", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Private": "false" });
    const res = await call("PUT", `/v3/b/${bin.id}/meta/privacy`, {
      headers: { ...master(account), "X-Bin-Private": "TRUE" },
    });
    expect(await res.text()).toBe(`{"record":"${bin.id}","metadata":{"private":true}}`);
    await expectError(await read(bin.id), 401, NO_KEY.read);
    const owner = await read(bin.id, master(account));
    expect(owner.headers.get("Cache-Control")).toBe("private, no-cache");
  });

  it("makes keyless updates of a now-public bin work", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    await call("PUT", `/v3/b/${bin.id}/meta/privacy`, { headers: { ...master(account), "X-Bin-Private": "false" } });
    const res = await updateBin(null, bin.id, { a: 2 });
    expect(await res.text()).toBe(`{"record":{"a":2},"metadata":{"parentId":"${bin.id}","private":false,"version":1}}`);
  });
});

describe("conditional requests", () => {
  it("answers a GET whose If-None-Match matches with 304, the ETag and X-Bin-Version, and no body", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const etag = await etagOf(0, '{"a":1}');
    const res = await read(bin.id, { ...master(account), "If-None-Match": etag });
    expect(res.status).toBe(304);
    expect(res.headers.get("ETag")).toBe(etag);
    expect(res.headers.get("X-Bin-Version")).toBe("0");
    expect(await res.text()).toBe("");
  });

  it("matches If-None-Match weakly, within a list, and for *", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const etag = await etagOf(0, '{"a":1}');
    for (const value of [`W/${etag}`, `"0-0000000000000000", ${etag}`, "*"]) {
      const res = await read(bin.id, { ...master(account), "If-None-Match": value });
      expect({ value, status: res.status }).toEqual({ value, status: 304 });
    }
  });

  it("returns the record when If-None-Match holds an older ETag", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const old = await etagOf(0, '{"a":1}');
    await updateBin(account, bin.id, { a: 2 }, { "X-Bin-Versioning": "true" });
    const res = await read(bin.id, { ...master(account), "If-None-Match": old });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe(await etagOf(1, '{"a":2}'));
    expect(((await res.json()) as { record: unknown }).record).toEqual({ a: 2 });
  });

  it("compares If-None-Match with the version that would be returned", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    await updateBin(account, bin.id, { a: 2 }, { "X-Bin-Versioning": "true" });
    const base = await etagOf(0, '{"a":1}');
    const res = await read(`${bin.id}/0`, { ...master(account), "If-None-Match": base });
    expect(res.status).toBe(304);
    expect(res.headers.get("X-Bin-Version")).toBe("0");
    const latest = await read(`${bin.id}/latest`, { ...master(account), "If-None-Match": base });
    expect(latest.status).toBe(200);
  });

  it("sees an in-place overwrite as a change even though the version number is the same", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const before = await etagOf(0, '{"a":1}');
    await updateBin(account, bin.id, { a: 2 });
    const res = await read(bin.id, { ...master(account), "If-None-Match": before });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe(await etagOf(0, '{"a":2}'));
  });

  it("refuses a PUT whose If-Match does not match with 412 and the current ETag, writing nothing", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    await updateBin(account, bin.id, { a: 2 }, { "X-Bin-Versioning": "true" });
    const current = await etagOf(1, '{"a":2}');
    const stale = await etagOf(0, '{"a":1}');
    const res = await updateBin(account, bin.id, { a: 3 }, { "X-Bin-Versioning": "true", "If-Match": stale });
    await expectError(res, 412, PRECONDITION_FAILED);
    expect(res.headers.get("ETag")).toBe(current);
    expect(await versionCount(account, bin.id)).toBe(1);
    expect(await recordText(account, bin.id)).toBe('{"a":2}');
  });

  it("accepts a PUT whose If-Match lists the current ETag, or is *", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const current = await etagOf(0, '{"a":1}');
    const first = await updateBin(account, bin.id, { a: 2 }, { "If-Match": `"0-ffffffffffffffff", ${current}` });
    expect(first.status).toBe(200);
    expect(first.headers.get("ETag")).toBe(await etagOf(0, '{"a":2}'));
    const second = await updateBin(account, bin.id, { a: 3 }, { "If-Match": "*" });
    expect(second.status).toBe(200);
    expect(await recordText(account, bin.id)).toBe('{"a":3}');
  });

  it("never matches a weak ETag in If-Match", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const current = await etagOf(0, '{"a":1}');
    const res = await updateBin(account, bin.id, { a: 2 }, { "If-Match": `W/${current}` });
    await expectError(res, 412, PRECONDITION_FAILED);
    expect(res.headers.get("ETag")).toBe(current);
    expect(await recordText(account, bin.id)).toBe('{"a":1}');
  });

  it("refuses a DELETE whose If-Match does not match and keeps the bin", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const current = await etagOf(0, '{"a":1}');
    const res = await call("DELETE", `/v3/b/${bin.id}`, {
      headers: { ...master(account), "If-Match": '"0-0000000000000000"' },
    });
    await expectError(res, 412, PRECONDITION_FAILED);
    expect(res.headers.get("ETag")).toBe(current);
    expect(await recordText(account, bin.id)).toBe('{"a":1}');
  });

  it("deletes when If-Match on DELETE matches", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const res = await call("DELETE", `/v3/b/${bin.id}`, {
      headers: { ...master(account), "If-Match": await etagOf(0, '{"a":1}') },
    });
    expect(res.status).toBe(200);
    await expectError(await read(bin.id, master(account)), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
  });

  it("sends the ETag of the new latest from a versioned PUT that a following If-Match can use", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const first = await updateBin(account, bin.id, { a: 2 }, { "X-Bin-Versioning": "true" });
    const etag = first.headers.get("ETag")!;
    const second = await updateBin(account, bin.id, { a: 3 }, { "X-Bin-Versioning": "true", "If-Match": etag });
    expect(second.status).toBe(200);
    expect(second.headers.get("ETag")).toBe(await etagOf(2, '{"a":3}'));
  });
});

describe("trailing slashes and id case", () => {
  it("ignores one trailing slash", async () => {
    const account = await createAccount();
    const created = await call("POST", "/v3/b/", { headers: master(account), body: { a: 1 } });
    expect(created.status).toBe(200);
    const id = ((await created.json()) as { metadata: { id: string } }).metadata.id;
    expect((await read(`${id}/`, master(account))).status).toBe(200);
    expect((await read(`${id}/latest/`, master(account))).status).toBe(200);
    expect((await updateBin(account, `${id}/`, { a: 2 })).status).toBe(200);
    const count = await call("GET", `/v3/b/${id}/versions/count/`, { headers: master(account) });
    expect(count.status).toBe(200);
    const rename = await call("PUT", `/v3/b/${id}/meta/name/`, { headers: { ...master(account), "X-Bin-Name": "n" } });
    expect(rename.status).toBe(200);
    expect((await call("DELETE", `/v3/b/${id}/`, { headers: master(account) })).status).toBe(200);
  });

  it("accepts an upper-case id and answers with the lower-case one", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 });
    const upper = bin.id.toUpperCase();
    const res = await read(upper, master(account));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { metadata: { id: string } }).metadata.id).toBe(bin.id);
    const put = await updateBin(account, upper, { a: 2 });
    expect(((await put.json()) as { metadata: { parentId: string } }).metadata.parentId).toBe(bin.id);
    const count = await call("GET", `/v3/b/${upper}/versions/count`, { headers: master(account) });
    expect(((await count.json()) as { metadata: { id: string } }).metadata.id).toBe(bin.id);
    const del = await call("DELETE", `/v3/b/${upper}`, { headers: master(account) });
    expect(((await del.json()) as { metadata: { id: string } }).metadata.id).toBe(bin.id);
  });
});
