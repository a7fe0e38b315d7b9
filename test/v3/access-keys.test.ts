import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  BAD_ACCESS,
  BASE,
  call,
  createAccount,
  createBin,
  env,
  expectError,
  INVALID_ACCESS_KEY_ID,
  INVALID_JSON,
  INVALID_MASTER,
  ISO,
  KEY_DELETED,
  KEY_LIMIT,
  KEY_NAME_BLANK,
  KEY_NAME_TOO_LONG,
  KEY_NOT_FOUND,
  KEY_PERMISSIONS_NOT_BOOLEAN,
  master,
  NEED_JSON,
  NEED_KEY_NAME,
  NEED_MASTER,
  NEED_MASTER_TO_DELETE_KEY,
  NEED_MASTER_TO_LIST_KEYS,
  NOT_YOURS,
  okText,
  patchAccount,
  sha256Hex,
  sleep,
  type TestAccount,
  UNKNOWN_ID,
} from "../helpers";

// §6 Access keys: `POST /v3/a`, `GET /v3/a`, `DELETE /v3/a/<id>` (master key only), and what a key
// deletion or a master-key rotation does to the very next request.

interface Permissions {
  create: boolean;
  read: boolean;
  update: boolean;
  delete: boolean;
}

interface CreatedKey {
  accessKey: string;
  accessKeyId: string;
  keyPermissions: { bins: Permissions };
  metadata: { name: string; createdAt: string };
}

const NONE: Permissions = { create: false, read: false, update: false, delete: false };
const ALL: Permissions = { create: true, read: true, update: true, delete: true };

/** `POST /v3/a` as sent: `body` objects go out as JSON (with `Content-Type: application/json`). */
function postKey(account: TestAccount, name: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
  return call("POST", "/v3/a", {
    headers: { ...master(account), ...(name === undefined ? {} : { "X-Key-Name": name }), ...headers },
    body,
  });
}

async function newKey(account: TestAccount, name = "key", bins: Partial<Permissions> = {}): Promise<CreatedKey> {
  const res = await postKey(account, name, { bins });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

const listKeys = (account: TestAccount) => call("GET", "/v3/a", { headers: master(account) });
const deleteKey = (account: TestAccount, id: string) => call("DELETE", `/v3/a/${id}`, { headers: master(account) });
const access = (key: CreatedKey | string) => ({ "X-Access-Key": typeof key === "string" ? key : key.accessKey });

/** The exact list entry of a created key: the create response minus the secret, in list key order. */
const listed = (key: CreatedKey) => ({
  keyPermissions: key.keyPermissions,
  accessKeyId: key.accessKeyId,
  metadata: key.metadata,
});

/** Permissions of a new key made with `body`, as the create response reports them. */
async function permissionsFor(
  account: TestAccount,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Permissions> {
  const res = await postKey(account, "p", body, headers);
  const created = JSON.parse(await okText(res)) as CreatedKey;
  return created.keyPermissions.bins;
}

describe("POST /v3/a", () => {
  it("returns the key, its id, all four permissions and the metadata, in contract order", async () => {
    const account = await createAccount();
    const before = Date.now();
    const res = await postKey(account, "ci deploy", { bins: { create: true, read: true } });
    const text = await okText(res);
    const body = JSON.parse(text) as CreatedKey;
    expect(body.accessKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.accessKeyId).toMatch(/^[0-9a-f]{24}$/);
    expect(body.metadata.createdAt).toMatch(ISO);
    expect(Date.parse(body.metadata.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(text).toBe(
      `{"accessKey":"${body.accessKey}","accessKeyId":"${body.accessKeyId}",` +
        `"keyPermissions":{"bins":{"create":true,"read":true,"update":false,"delete":false}},` +
        `"metadata":{"name":"ci deploy","createdAt":"${body.metadata.createdAt}"}}`,
    );
  });

  it("gives every key its own id and secret", async () => {
    const account = await createAccount();
    const a = await newKey(account, "a");
    const b = await newKey(account, "b");
    expect(a.accessKey).not.toBe(b.accessKey);
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    expect(a.accessKey).not.toBe(account.masterKey);
  });

  it("stores the key only as the lowercase hex SHA-256 of the key string", async () => {
    const account = await createAccount();
    const key = await newKey(account, "hashed", { read: true });
    const row = await env.DB.prepare("SELECT * FROM access_keys WHERE id = ?")
      .bind(key.accessKeyId)
      .first<Record<string, unknown>>();
    expect(row?.key_hash).toBe(await sha256Hex(key.accessKey));
    expect(Object.values(row ?? {})).not.toContain(key.accessKey);
  });

  it("makes a working key: it reads a private bin of its account with read", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { secret: 1 });
    const key = await newKey(account, "reader", { read: true });
    const res = await call("GET", `/v3/b/${bin.id}`, { headers: { ...access(key), "X-Bin-Meta": "false" } });
    expect(await okText(res)).toBe('{"secret":1}');
  });

  it("treats missing permissions as false", async () => {
    const account = await createAccount();
    expect(await permissionsFor(account, { bins: { update: true } })).toEqual({ ...NONE, update: true });
    expect(await permissionsFor(account, { bins: { create: false, delete: true } })).toEqual({ ...NONE, delete: true });
  });

  it("grants nothing for an empty or whitespace-only body", async () => {
    const account = await createAccount();
    expect(await permissionsFor(account, undefined, { "Content-Type": "application/json" })).toEqual(NONE);
    expect(await permissionsFor(account, " \n\t ", { "Content-Type": "application/json" })).toEqual(NONE);
  });

  it("grants nothing for {} and for an empty bins object", async () => {
    const account = await createAccount();
    expect(await permissionsFor(account, {})).toEqual(NONE);
    expect(await permissionsFor(account, { bins: {} })).toEqual(NONE);
  });

  it("grants every permission asked for", async () => {
    const account = await createAccount();
    expect(await permissionsFor(account, { bins: ALL })).toEqual(ALL);
  });

  it("ignores unknown keys, at the top level and inside bins", async () => {
    const account = await createAccount();
    const body = { bins: { create: true, admin: true, write: "yes" }, collections: { read: true }, note: 1 };
    expect(await permissionsFor(account, body)).toEqual({ ...NONE, create: true });
  });

  it("accepts a JSON Content-Type in any case and with parameters", async () => {
    const account = await createAccount();
    for (const type of ["application/json; charset=utf-8", "APPLICATION/JSON", "Application/Json ; charset=UTF-8"]) {
      expect(await permissionsFor(account, JSON.stringify({ bins: { read: true } }), { "Content-Type": type })).toEqual(
        {
          ...NONE,
          read: true,
        },
      );
    }
  });

  it("needs Content-Type set to application/json, even for an empty body", async () => {
    const account = await createAccount();
    const body = JSON.stringify({ bins: { read: true } });
    await expectError(await postKey(account, "k", body, { "Content-Type": "text/plain" }), 400, NEED_JSON);
    await expectError(await postKey(account, "k", body, { "Content-Type": "application/jsonx" }), 400, NEED_JSON);
    await expectError(await postKey(account, "k"), 400, NEED_JSON);
    // A body without any Content-Type header (sent as bytes, so none is added).
    const bare = new Request(`${BASE}/v3/a`, {
      method: "POST",
      headers: { ...master(account), "X-Key-Name": "k" },
      body: new TextEncoder().encode(body),
    });
    expect(bare.headers.get("Content-Type")).toBeNull();
    await expectError(await exports.default.fetch(bare), 400, NEED_JSON);
    expect(JSON.parse(await okText(await listKeys(account)))).toEqual([]);
  });

  it("refuses a body that is not JSON", async () => {
    const account = await createAccount();
    for (const body of ["{", '{"bins": {"read": true}', "bins=read", "'x'"]) {
      await expectError(await postKey(account, "k", body), 400, INVALID_JSON);
    }
  });

  it.each([
    ["an array body", "[]"],
    ["a string body", '"all"'],
    ["a number body", "1"],
    ["a boolean body", "true"],
    ["a null body", "null"],
    ["bins as an array", '{"bins": ["read"]}'],
    ["bins as a string", '{"bins": "all"}'],
    ["bins as a boolean", '{"bins": true}'],
    ["bins as null", '{"bins": null}'],
    ["a permission as a string", '{"bins": {"read": "true"}}'],
    ["a permission as a number", '{"bins": {"create": 1}}'],
    ["a permission as null", '{"bins": {"delete": null}}'],
    ["a permission as an object", '{"bins": {"update": {}}}'],
    ["one bad permission among good ones", '{"bins": {"create": true, "read": true, "update": "no"}}'],
  ])("refuses %s with 400 Access Key permissions must be booleans", async (_case, body) => {
    const account = await createAccount();
    await expectError(await postKey(account, "k", body), 400, KEY_PERMISSIONS_NOT_BOOLEAN);
    expect(JSON.parse(await okText(await listKeys(account)))).toEqual([]);
  });

  it("needs X-Key-Name", async () => {
    const account = await createAccount();
    await expectError(await postKey(account, undefined, { bins: { read: true } }), 400, NEED_KEY_NAME);
  });

  it("refuses a blank X-Key-Name", async () => {
    const account = await createAccount();
    await expectError(await postKey(account, "", { bins: {} }), 400, KEY_NAME_BLANK);
    await expectError(await postKey(account, "   ", { bins: {} }), 400, KEY_NAME_BLANK);
  });

  it("accepts names of 1 and 32 code points, trimmed, and refuses 33", async () => {
    const account = await createAccount();
    expect((await newKey(account, "k")).metadata.name).toBe("k");
    expect((await newKey(account, "n".repeat(32))).metadata.name).toBe("n".repeat(32));
    expect((await newKey(account, `  ${"😀".repeat(32)}  `)).metadata.name).toBe("😀".repeat(32));
    await expectError(await postKey(account, "n".repeat(33), {}), 400, KEY_NAME_TOO_LONG);
    await expectError(await postKey(account, "😀".repeat(33), {}), 400, KEY_NAME_TOO_LONG);
  });

  it("checks the name before the key, and the key before the body", async () => {
    const account = await createAccount();
    await expectError(await call("POST", "/v3/a", { body: { bins: {} } }), 400, NEED_KEY_NAME);
    await expectError(await call("POST", "/v3/a", { headers: { "X-Key-Name": "k" }, body: "{" }), 401, NEED_MASTER);
    await expectError(
      await call("POST", "/v3/a", {
        headers: { "X-Key-Name": "k", "X-Master-Key": "nope", "Content-Type": "text/plain" },
        body: "[]",
      }),
      401,
      INVALID_MASTER,
    );
    await expectError(await postKey(account, "k", "[]", { "Content-Type": "text/plain" }), 400, NEED_JSON);
  });

  it("needs X-Master-Key and ignores X-Access-Key", async () => {
    const account = await createAccount();
    const key = await newKey(account, "all", ALL);
    await expectError(await call("POST", "/v3/a", { headers: { "X-Key-Name": "k" }, body: {} }), 401, NEED_MASTER);
    await expectError(
      await call("POST", "/v3/a", { headers: { "X-Key-Name": "k", ...access(key) }, body: {} }),
      401,
      NEED_MASTER,
    );
    await expectError(
      await call("POST", "/v3/a", { headers: { "X-Key-Name": "k", "X-Master-Key": "" }, body: {} }),
      401,
      NEED_MASTER,
    );
  });

  it("refuses an unknown master key and an access key passed as the master key", async () => {
    const account = await createAccount();
    const key = await newKey(account, "all", ALL);
    for (const wrong of ["not-a-key", key.accessKey, account.masterKey.toUpperCase()]) {
      await expectError(
        await call("POST", "/v3/a", { headers: { "X-Key-Name": "k", "X-Master-Key": wrong }, body: {} }),
        401,
        INVALID_MASTER,
      );
    }
  });

  it("allows 4 keys on the free plan and refuses the 5th with 403", async () => {
    const account = await createAccount();
    for (let i = 1; i <= 4; i++) await newKey(account, `k${i}`);
    await expectError(await postKey(account, "k5", { bins: { read: true } }), 403, KEY_LIMIT);
    expect((JSON.parse(await okText(await listKeys(account))) as unknown[]).length).toBe(4);
  });

  it("allows 4 keys on the pro plan too", async () => {
    const account = await createAccount({ plan: "pro" });
    for (let i = 1; i <= 4; i++) await newKey(account, `k${i}`);
    await expectError(await postKey(account, "k5", {}), 403, KEY_LIMIT);
  });

  it("checks the body before the limit", async () => {
    const account = await createAccount();
    for (let i = 1; i <= 4; i++) await newKey(account, `k${i}`);
    await expectError(await postKey(account, "k5", '{"bins": {"read": 1}}'), 400, KEY_PERMISSIONS_NOT_BOOLEAN);
    await expectError(await postKey(account, "k5", "{"), 400, INVALID_JSON);
  });

  it("follows a per-account maxAccessKeys override, raised or lowered", async () => {
    const account = await createAccount();
    expect((await patchAccount(account.accountId, { limits: { maxAccessKeys: 6 } })).status).toBe(200);
    for (let i = 1; i <= 6; i++) await newKey(account, `k${i}`);
    await expectError(await postKey(account, "k7", {}), 403, KEY_LIMIT);

    // Lowered under the current count: existing keys stay and keep working, new ones are refused.
    expect((await patchAccount(account.accountId, { limits: { maxAccessKeys: 2 } })).status).toBe(200);
    await expectError(await postKey(account, "k7", {}), 403, KEY_LIMIT);
    const keys = JSON.parse(await okText(await listKeys(account))) as { accessKeyId: string }[];
    expect(keys.length).toBe(6);
    for (const { accessKeyId } of keys.slice(0, 4)) expect((await deleteKey(account, accessKeyId)).status).toBe(200);
    await expectError(await postKey(account, "k7", {}), 403, KEY_LIMIT);
    expect((await deleteKey(account, keys[4]!.accessKeyId)).status).toBe(200);
    await newKey(account, "k7");
    await expectError(await postKey(account, "k8", {}), 403, KEY_LIMIT);

    // Removing the override falls back to the plan's 4.
    expect((await patchAccount(account.accountId, { limits: { maxAccessKeys: null } })).status).toBe(200);
    await newKey(account, "k8");
    await newKey(account, "k9");
    await expectError(await postKey(account, "k10", {}), 403, KEY_LIMIT);
  });

  it("frees a place when a key is deleted", async () => {
    const account = await createAccount();
    const keys: CreatedKey[] = [];
    for (let i = 1; i <= 4; i++) keys.push(await newKey(account, `k${i}`));
    await expectError(await postKey(account, "k5", {}), 403, KEY_LIMIT);
    expect((await deleteKey(account, keys[0]!.accessKeyId)).status).toBe(200);
    expect((await newKey(account, "k5")).metadata.name).toBe("k5");
  });

  it("never passes the limit under concurrent creates", async () => {
    const account = await createAccount();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => postKey(account, `k${i}`, {})));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 403, 403, 403, 403, 403, 403]);
    for (const res of results.filter((r) => r.status === 403)) await expectError(res, 403, KEY_LIMIT);
    expect((JSON.parse(await okText(await listKeys(account))) as unknown[]).length).toBe(4);
  });

  it("counts each account's keys separately", async () => {
    const a = await createAccount();
    const b = await createAccount();
    for (let i = 1; i <= 4; i++) await newKey(a, `k${i}`);
    expect((await newKey(b, "mine")).metadata.name).toBe("mine");
  });
});

describe("GET /v3/a", () => {
  it("returns [] when the account has no keys", async () => {
    const account = await createAccount();
    expect(await okText(await listKeys(account))).toBe("[]");
  });

  it("lists the account's keys oldest first, in contract shape, never with the secret", async () => {
    const account = await createAccount();
    const first = await newKey(account, "first", { read: true });
    await sleep(5);
    const second = await newKey(account, "second", ALL);
    await sleep(5);
    const third = await newKey(account, "third");
    const text = await okText(await listKeys(account));
    expect(text).toBe(JSON.stringify([listed(first), listed(second), listed(third)]));
    expect(text).toBe(
      "[" +
        `{"keyPermissions":{"bins":{"create":false,"read":true,"update":false,"delete":false}},"accessKeyId":"${first.accessKeyId}","metadata":{"name":"first","createdAt":"${first.metadata.createdAt}"}},` +
        `{"keyPermissions":{"bins":{"create":true,"read":true,"update":true,"delete":true}},"accessKeyId":"${second.accessKeyId}","metadata":{"name":"second","createdAt":"${second.metadata.createdAt}"}},` +
        `{"keyPermissions":{"bins":{"create":false,"read":false,"update":false,"delete":false}},"accessKeyId":"${third.accessKeyId}","metadata":{"name":"third","createdAt":"${third.metadata.createdAt}"}}` +
        "]",
    );
    for (const key of [first, second, third]) expect(text).not.toContain(key.accessKey);
    expect(text).not.toContain('accessKey"');
  });

  it("never lists another account's keys", async () => {
    const account = await createAccount();
    const other = await createAccount();
    await newKey(other, "theirs");
    const mine = await newKey(account, "mine");
    expect(await okText(await listKeys(account))).toBe(JSON.stringify([listed(mine)]));
  });

  it("has its own message for a missing X-Master-Key, and ignores X-Access-Key", async () => {
    const account = await createAccount();
    const key = await newKey(account, "all", ALL);
    await expectError(await call("GET", "/v3/a"), 401, NEED_MASTER_TO_LIST_KEYS);
    await expectError(await call("GET", "/v3/a", { headers: access(key) }), 401, NEED_MASTER_TO_LIST_KEYS);
  });

  it("refuses an unknown master key", async () => {
    await expectError(await call("GET", "/v3/a", { headers: { "X-Master-Key": "not-a-key" } }), 401, INVALID_MASTER);
  });
});

describe("DELETE /v3/a/<id>", () => {
  it("deletes the key and answers with its id and name", async () => {
    const account = await createAccount();
    const key = await newKey(account, "doomed", ALL);
    const keep = await newKey(account, "kept");
    const text = await okText(await deleteKey(account, key.accessKeyId));
    expect(text).toBe(`{"metadata":{"id":"${key.accessKeyId}","name":"doomed"},"message":"${KEY_DELETED}"}`);
    expect(await okText(await listKeys(account))).toBe(JSON.stringify([listed(keep)]));
  });

  it("accepts the id in any case and answers in lowercase", async () => {
    const account = await createAccount();
    const key = await newKey(account, "upper");
    const text = await okText(await deleteKey(account, key.accessKeyId.toUpperCase()));
    expect(text).toBe(`{"metadata":{"id":"${key.accessKeyId}","name":"upper"},"message":"${KEY_DELETED}"}`);
  });

  it("refuses a malformed id with 400, before checking the key", async () => {
    const account = await createAccount();
    for (const id of ["abc", `${UNKNOWN_ID}0`, "g".repeat(24), UNKNOWN_ID.slice(1)]) {
      await expectError(await deleteKey(account, id), 400, INVALID_ACCESS_KEY_ID);
      await expectError(await call("DELETE", `/v3/a/${id}`), 400, INVALID_ACCESS_KEY_ID);
    }
  });

  it("answers 404 for an unknown key and for a key already deleted", async () => {
    const account = await createAccount();
    await expectError(await deleteKey(account, UNKNOWN_ID), 404, KEY_NOT_FOUND);
    const key = await newKey(account);
    expect((await deleteKey(account, key.accessKeyId)).status).toBe(200);
    await expectError(await deleteKey(account, key.accessKeyId), 404, KEY_NOT_FOUND);
  });

  it("answers 404 for another account's key and leaves that key working", async () => {
    const owner = await createAccount();
    const stranger = await createAccount();
    const bin = await createBin(owner);
    const key = await newKey(owner, "owners", { read: true });
    await expectError(await deleteKey(stranger, key.accessKeyId), 404, KEY_NOT_FOUND);
    expect((await call("GET", `/v3/b/${bin.id}`, { headers: access(key) })).status).toBe(200);
    expect(await okText(await listKeys(owner))).toBe(JSON.stringify([listed(key)]));
  });

  it("has its own message for a missing X-Master-Key, and ignores X-Access-Key", async () => {
    const account = await createAccount();
    const key = await newKey(account, "all", ALL);
    await expectError(await call("DELETE", `/v3/a/${key.accessKeyId}`), 401, NEED_MASTER_TO_DELETE_KEY);
    await expectError(
      await call("DELETE", `/v3/a/${key.accessKeyId}`, { headers: access(key) }),
      401,
      NEED_MASTER_TO_DELETE_KEY,
    );
    expect(await okText(await listKeys(account))).toBe(JSON.stringify([listed(key)]));
  });

  it("refuses an unknown master key before looking the key up", async () => {
    await expectError(
      await call("DELETE", `/v3/a/${UNKNOWN_ID}`, { headers: { "X-Master-Key": "not-a-key" } }),
      401,
      INVALID_MASTER,
    );
  });

  it("refuses a deleted access key on the very next request", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const key = await newKey(account, "gone", ALL);
    expect((await call("GET", `/v3/b/${bin.id}`, { headers: access(key) })).status).toBe(200);
    expect((await deleteKey(account, key.accessKeyId)).status).toBe(200);
    await expectError(await call("GET", `/v3/b/${bin.id}`, { headers: access(key) }), 401, BAD_ACCESS);
    await expectError(await call("PUT", `/v3/b/${bin.id}`, { headers: access(key), body: { a: 1 } }), 401, BAD_ACCESS);
    await expectError(await call("DELETE", `/v3/b/${bin.id}`, { headers: access(key) }), 401, BAD_ACCESS);
    await expectError(await call("POST", "/v3/b", { headers: access(key), body: { a: 1 } }), 401, BAD_ACCESS);
  });
});

describe("master key rotation and access keys", () => {
  it("refuses the rotated master key on the very next request, while access keys keep working", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const key = await newKey(account, "survivor", { read: true });
    const rotation = await call("POST", "/v3/account/master-key/rotate", { headers: master(account) });
    expect(rotation.status).toBe(200);
    const { masterKey } = (await rotation.json()) as { masterKey: string };

    await expectError(await call("GET", `/v3/b/${bin.id}`, { headers: master(account) }), 401, NOT_YOURS);
    await expectError(await listKeys(account), 401, INVALID_MASTER);
    await expectError(await postKey(account, "new", {}), 401, INVALID_MASTER);
    await expectError(await deleteKey(account, key.accessKeyId), 401, INVALID_MASTER);

    expect((await call("GET", `/v3/b/${bin.id}`, { headers: access(key) })).status).toBe(200);
    expect(await okText(await call("GET", "/v3/a", { headers: { "X-Master-Key": masterKey } }))).toBe(
      JSON.stringify([listed(key)]),
    );
  });
});

describe("access keys on account routes", () => {
  it("are ignored: a request with only X-Access-Key gets the route's need-X-Master-Key message", async () => {
    const account = await createAccount();
    const key = await newKey(account, "all", ALL);
    const headers = access(key);
    const cases: [string, Promise<Response>, string][] = [
      ["GET /v3/c", call("GET", "/v3/c", { headers }), NEED_MASTER],
      ["POST /v3/c", call("POST", "/v3/c", { headers: { ...headers, "X-Collection-Name": "c" } }), NEED_MASTER],
      ["GET /v3/c/<id>/bins", call("GET", `/v3/c/${UNKNOWN_ID}/bins`, { headers }), NEED_MASTER],
      ["GET /v3/c/uncategorized/bins", call("GET", "/v3/c/uncategorized/bins", { headers }), NEED_MASTER],
      [
        "POST /v3/s",
        call("POST", "/v3/s", { headers: { ...headers, "X-Schema-Doc-Name": "s" }, body: { type: "object" } }),
        NEED_MASTER,
      ],
      ["GET /v3/s/<id>", call("GET", `/v3/s/${UNKNOWN_ID}`, { headers }), NEED_MASTER],
      ["POST /v3/a", call("POST", "/v3/a", { headers: { ...headers, "X-Key-Name": "k" }, body: {} }), NEED_MASTER],
      ["GET /v3/a", call("GET", "/v3/a", { headers }), NEED_MASTER_TO_LIST_KEYS],
      ["DELETE /v3/a/<id>", call("DELETE", `/v3/a/${key.accessKeyId}`, { headers }), NEED_MASTER_TO_DELETE_KEY],
      ["GET /v3/l", call("GET", "/v3/l", { headers }), NEED_MASTER],
      ["GET /v3/account/usage", call("GET", "/v3/account/usage", { headers }), NEED_MASTER],
      ["POST /v3/account/master-key/rotate", call("POST", "/v3/account/master-key/rotate", { headers }), NEED_MASTER],
    ];
    for (const [route, pending, message] of cases) {
      const res = await pending;
      const text = await res.text();
      expect({ route, status: res.status, body: text }).toEqual({
        route,
        status: 401,
        body: JSON.stringify({ message }),
      });
    }
    // Nothing was created or deleted on the account.
    expect(await okText(await call("GET", "/v3/c", { headers: master(account) }))).toBe("[]");
    expect(await okText(await listKeys(account))).toBe(JSON.stringify([listed(key)]));
  });
});
