import { describe, expect, it } from "vitest";
import {
  access,
  BAD_ACCESS,
  BAD_MASTER,
  BIN_DELETED,
  BIN_NOT_FOUND_OR_NOT_YOURS,
  call,
  createAccessKey,
  createAccount,
  createBin,
  expectError,
  FORBIDDEN,
  INVALID_MASTER,
  master,
  NEED_MASTER,
  NEED_MASTER_FOR_COUNT,
  NO_KEY,
  NOT_YOURS,
  randomKey,
  type TestAccount,
} from "../helpers";

// The key table of contract §3.0 and the owner-only rules of §3.5–§3.8, for v3 bins.

type Operation = "read" | "update" | "delete";

/** The request for a bin operation; updates send a fresh record. */
function binRequest(operation: Operation, id: string, headers: Record<string, string>): Promise<Response> {
  switch (operation) {
    case "read":
      return call("GET", `/v3/b/${id}`, { headers });
    case "update":
      return call("PUT", `/v3/b/${id}`, { headers, body: { updated: true } });
    case "delete":
      return call("DELETE", `/v3/b/${id}`, { headers });
  }
}

const createRequest = (headers: Record<string, string>) => call("POST", "/v3/b", { headers, body: { made: "now" } });

/** Reads a bin with its owner's master key, meta off: the stored record itself. */
async function recordOf(owner: TestAccount, id: string): Promise<unknown> {
  const res = await call("GET", `/v3/b/${id}`, { headers: { ...master(owner), "X-Bin-Meta": "false" } });
  expect(res.status).toBe(200);
  return res.json();
}

async function expectStillThere(owner: TestAccount, id: string, record: unknown = { hello: "world" }): Promise<void> {
  expect(await recordOf(owner, id)).toEqual(record);
}

const OPERATIONS: Operation[] = ["read", "update", "delete"];

describe("private bins", () => {
  it.each(OPERATIONS)("refuses to %s a private bin without a key", async (operation) => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    await expectError(await binRequest(operation, bin.id, {}), 401, NO_KEY[operation]);
    await expectStillThere(owner, bin.id);
  });

  it.each(OPERATIONS)("refuses to %s a private bin with an unknown master key", async (operation) => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    await expectError(await binRequest(operation, bin.id, { "X-Master-Key": randomKey() }), 401, BAD_MASTER[operation]);
    await expectStillThere(owner, bin.id);
  });

  it.each(OPERATIONS)("refuses to %s a private bin with another account's master key", async (operation) => {
    const owner = await createAccount();
    const stranger = await createAccount();
    const bin = await createBin(owner);
    await expectError(await binRequest(operation, bin.id, master(stranger)), 401, BAD_MASTER[operation]);
    await expectStillThere(owner, bin.id);
  });

  it("treats an empty X-Master-Key as no key", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    await expectError(await binRequest("read", bin.id, { "X-Master-Key": "" }), 401, NO_KEY.read);
  });

  it("compares master keys case-sensitively", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    const flipped = [...owner.masterKey]
      .map((ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()))
      .join("");
    expect(flipped).not.toBe(owner.masterKey);
    await expectError(await binRequest("read", bin.id, { "X-Master-Key": flipped }), 401, BAD_MASTER.read);
  });

  it("lets the owner's master key read, update and delete a private bin", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    expect((await binRequest("read", bin.id, master(owner))).status).toBe(200);
    expect((await binRequest("update", bin.id, master(owner))).status).toBe(200);
    expect(await recordOf(owner, bin.id)).toEqual({ updated: true });
    expect((await binRequest("delete", bin.id, master(owner))).status).toBe(200);
  });
});

describe("creating a bin", () => {
  it("refuses to create a bin without a key", async () => {
    await expectError(await createRequest({}), 401, NO_KEY.create);
  });

  it("refuses to create a bin with an unknown master key", async () => {
    await expectError(await createRequest({ "X-Master-Key": randomKey() }), 401, BAD_MASTER.create);
  });

  it("checks the key before the body", async () => {
    const res = await call("POST", "/v3/b", { headers: { "Content-Type": "text/plain" }, body: "not json" });
    await expectError(res, 401, NO_KEY.create);
  });
});

describe("public bins", () => {
  async function publicBin() {
    const owner = await createAccount();
    const stranger = await createAccount();
    const bin = await createBin(owner, { hello: "world" }, { "X-Bin-Private": "false" });
    // An access key of the owner's that holds no permission at all.
    const powerless = await createAccessKey(owner, []);
    const strangersKey = await createAccessKey(stranger, ["create", "read", "update", "delete"]);
    return { owner, stranger, bin, powerless, strangersKey };
  }

  const visitors = (ctx: Awaited<ReturnType<typeof publicBin>>): [string, Record<string, string>][] => [
    ["no key", {}],
    ["an unknown master key", { "X-Master-Key": randomKey() }],
    ["another account's master key", master(ctx.stranger)],
    ["the owner's access key without the permission", access(ctx.powerless)],
    ["another account's access key", access(ctx.strangersKey)],
    ["an unknown access key", access(randomKey())],
  ];

  it("is readable by anyone, whatever key they send", async () => {
    const ctx = await publicBin();
    for (const [who, headers] of visitors(ctx)) {
      const res = await call("GET", `/v3/b/${ctx.bin.id}`, { headers: { ...headers, "X-Bin-Meta": "false" } });
      expect({ who, status: res.status, body: await res.json() }).toEqual({
        who,
        status: 200,
        body: { hello: "world" },
      });
    }
  });

  it("is updatable by anyone, whatever key they send", async () => {
    const ctx = await publicBin();
    for (const [who, headers] of visitors(ctx)) {
      const res = await call("PUT", `/v3/b/${ctx.bin.id}`, { headers, body: { by: who } });
      expect({ who, status: res.status }).toEqual({ who, status: 200 });
      expect(await recordOf(ctx.owner, ctx.bin.id)).toEqual({ by: who });
    }
  });

  it("can be counted for versions without a key", async () => {
    const ctx = await publicBin();
    const res = await call("GET", `/v3/b/${ctx.bin.id}/versions/count`);
    expect(res.status).toBe(200);
    const metadata = { id: ctx.bin.id, versionCount: 0, private: false };
    expect(await res.json()).toEqual({ metadata, metaData: metadata });
  });

  it("cannot be deleted without a key", async () => {
    const ctx = await publicBin();
    await expectError(await binRequest("delete", ctx.bin.id, {}), 401, NO_KEY.delete);
    await expectStillThere(ctx.owner, ctx.bin.id);
  });

  it("cannot be deleted with an unknown or another account's master key", async () => {
    const ctx = await publicBin();
    await expectError(await binRequest("delete", ctx.bin.id, { "X-Master-Key": randomKey() }), 401, BAD_MASTER.delete);
    await expectError(await binRequest("delete", ctx.bin.id, master(ctx.stranger)), 401, BAD_MASTER.delete);
    await expectStillThere(ctx.owner, ctx.bin.id);
  });

  it("cannot be deleted with another account's access key or an owner's key without delete", async () => {
    const ctx = await publicBin();
    await expectError(await binRequest("delete", ctx.bin.id, access(ctx.strangersKey)), 401, BAD_ACCESS);
    await expectError(await binRequest("delete", ctx.bin.id, access(ctx.powerless)), 403, FORBIDDEN.delete);
    await expectStillThere(ctx.owner, ctx.bin.id);
  });

  it("is deleted by its owner's master key", async () => {
    const ctx = await publicBin();
    const res = await binRequest("delete", ctx.bin.id, master(ctx.owner));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      metadata: { id: ctx.bin.id, versionsDeleted: 0 },
      message: BIN_DELETED,
    });
  });
});

describe("owner-only routes", () => {
  const routes: [string, (id: string, headers: Record<string, string>) => Promise<Response>][] = [
    ["deleting versions", (id, headers) => call("DELETE", `/v3/b/${id}/versions`, { headers })],
    [
      "renaming",
      (id, headers) => call("PUT", `/v3/b/${id}/meta/name`, { headers: { ...headers, "X-Bin-Name": "renamed" } }),
    ],
    [
      "changing privacy",
      (id, headers) => call("PUT", `/v3/b/${id}/meta/privacy`, { headers: { ...headers, "X-Bin-Private": "false" } }),
    ],
  ];

  describe.each(routes)("%s", (_route, send) => {
    it("needs X-Master-Key", async () => {
      const owner = await createAccount();
      const bin = await createBin(owner);
      await expectError(await send(bin.id, {}), 401, NEED_MASTER);
    });

    it("ignores an access key, even the owner's with every permission", async () => {
      const owner = await createAccount();
      const bin = await createBin(owner);
      const key = await createAccessKey(owner, ["create", "read", "update", "delete"]);
      await expectError(await send(bin.id, access(key)), 401, NEED_MASTER);
    });

    it("refuses an unknown master key", async () => {
      const owner = await createAccount();
      const bin = await createBin(owner);
      await expectError(await send(bin.id, { "X-Master-Key": randomKey() }), 401, INVALID_MASTER);
    });

    it("refuses another account's master key on a private bin", async () => {
      const owner = await createAccount();
      const stranger = await createAccount();
      const bin = await createBin(owner);
      await expectError(await send(bin.id, master(stranger)), 401, NOT_YOURS);
    });

    it("refuses another account's master key on a public bin", async () => {
      const owner = await createAccount();
      const stranger = await createAccount();
      const bin = await createBin(owner, { hello: "world" }, { "X-Bin-Private": "false" });
      await expectError(await send(bin.id, master(stranger)), 401, NOT_YOURS);
      const meta = await call("GET", `/v3/b/${bin.id}`);
      expect(((await meta.json()) as { metadata: unknown }).metadata).toEqual({
        id: bin.id,
        private: false,
        createdAt: bin.metadata.createdAt,
      });
    });

    it("accepts the owner's master key", async () => {
      const owner = await createAccount();
      const bin = await createBin(owner);
      expect((await send(bin.id, master(owner))).status).toBe(200);
    });
  });
});

describe("version count of a private bin", () => {
  const count = (id: string, headers: Record<string, string> = {}) =>
    call("GET", `/v3/b/${id}/versions/count`, { headers });

  it("needs X-Master-Key", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    await expectError(await count(bin.id), 401, NEED_MASTER_FOR_COUNT);
  });

  it("treats an access key alone as no key, even one with read", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    const key = await createAccessKey(owner, ["read"]);
    await expectError(await count(bin.id, access(key)), 401, NEED_MASTER_FOR_COUNT);
  });

  it("refuses an unknown master key", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    await expectError(await count(bin.id, { "X-Master-Key": randomKey() }), 401, NOT_YOURS);
  });

  it("refuses another account's master key", async () => {
    const owner = await createAccount();
    const stranger = await createAccount();
    const bin = await createBin(owner);
    await expectError(await count(bin.id, master(stranger)), 401, NOT_YOURS);
  });

  it("answers the owner's master key", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    await call("PUT", `/v3/b/${bin.id}`, { headers: { ...master(owner), "X-Bin-Versioning": "true" }, body: { v: 1 } });
    const res = await count(bin.id, master(owner));
    expect(res.status).toBe(200);
    const metadata = { id: bin.id, versionCount: 1, private: true };
    expect(await res.json()).toEqual({ metadata, metaData: metadata });
  });
});

describe("both key headers", () => {
  it("is authorised by a valid master key alongside an unknown access key", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    const res = await binRequest("read", bin.id, { ...master(owner), ...access(randomKey()) });
    expect(res.status).toBe(200);
  });

  it("is authorised by the owner's access key alongside an unknown master key", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    const key = await createAccessKey(owner, ["read"]);
    const res = await binRequest("read", bin.id, { "X-Master-Key": randomKey(), ...access(key) });
    expect(res.status).toBe(200);
  });

  it("is authorised by the owner's access key alongside another account's master key", async () => {
    const owner = await createAccount();
    const stranger = await createAccount();
    const bin = await createBin(owner);
    const key = await createAccessKey(owner, ["update"]);
    expect((await binRequest("update", bin.id, { ...master(stranger), ...access(key) })).status).toBe(200);
    expect(await recordOf(owner, bin.id)).toEqual({ updated: true });
  });

  it.each(OPERATIONS)("reports the master key's error when neither key may %s the bin", async (operation) => {
    const owner = await createAccount();
    const stranger = await createAccount();
    const bin = await createBin(owner);
    const powerless = await createAccessKey(owner, []);
    // The access key alone would be a 403; with a master key present the master's 401 wins.
    await expectError(
      await binRequest(operation, bin.id, { ...master(stranger), ...access(powerless) }),
      401,
      BAD_MASTER[operation],
    );
    await expectError(
      await binRequest(operation, bin.id, { "X-Master-Key": randomKey(), ...access(randomKey()) }),
      401,
      BAD_MASTER[operation],
    );
    await expectStillThere(owner, bin.id);
  });

  it("creates the bin for the access key's account when only the access key is valid", async () => {
    const owner = await createAccount();
    const key = await createAccessKey(owner, ["create"]);
    const res = await createRequest({ "X-Master-Key": randomKey(), ...access(key) });
    expect(res.status).toBe(200);
    const { metadata } = (await res.json()) as { metadata: { id: string } };
    expect(await recordOf(owner, metadata.id)).toEqual({ made: "now" });
  });

  it("reports the master key's error when neither key may create", async () => {
    const owner = await createAccount();
    const powerless = await createAccessKey(owner, []);
    await expectError(
      await createRequest({ "X-Master-Key": randomKey(), ...access(powerless) }),
      401,
      BAD_MASTER.create,
    );
  });
});

describe("access keys", () => {
  it("refuses an unknown access key for every operation", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    await expectError(await createRequest(access(randomKey())), 401, BAD_ACCESS);
    for (const operation of OPERATIONS) {
      await expectError(await binRequest(operation, bin.id, access(randomKey())), 401, BAD_ACCESS);
    }
    await expectStillThere(owner, bin.id);
  });

  it.each(OPERATIONS)("refuses another account's access key to %s a private bin", async (operation) => {
    const owner = await createAccount();
    const stranger = await createAccount();
    const bin = await createBin(owner);
    const key = await createAccessKey(stranger, ["create", "read", "update", "delete"]);
    await expectError(await binRequest(operation, bin.id, access(key)), 401, BAD_ACCESS);
    await expectStillThere(owner, bin.id);
  });

  it("refuses to create a bin with an owner's key lacking create", async () => {
    const owner = await createAccount();
    const key = await createAccessKey(owner, ["read", "update", "delete"]);
    await expectError(await createRequest(access(key)), 403, FORBIDDEN.create);
  });

  it.each(OPERATIONS)("refuses to %s a private bin with an owner's key lacking the permission", async (operation) => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    const others = (["create", "read", "update", "delete"] as const).filter((p) => p !== operation);
    const key = await createAccessKey(owner, others);
    await expectError(await binRequest(operation, bin.id, access(key)), 403, FORBIDDEN[operation]);
    await expectStillThere(owner, bin.id);
  });

  it("creates a bin owned by the key's account with create", async () => {
    const owner = await createAccount();
    const key = await createAccessKey(owner, ["create"]);
    const res = await createRequest(access(key));
    expect(res.status).toBe(200);
    const { metadata } = (await res.json()) as { metadata: { id: string; private: boolean } };
    expect(metadata.private).toBe(true);
    expect(await recordOf(owner, metadata.id)).toEqual({ made: "now" });
  });

  it("reads a private bin with read", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    const key = await createAccessKey(owner, ["read"]);
    const res = await call("GET", `/v3/b/${bin.id}`, { headers: { ...access(key), "X-Bin-Meta": "false" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hello: "world" });
  });

  it("updates a private bin with update", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    const key = await createAccessKey(owner, ["update"]);
    const res = await binRequest("update", bin.id, access(key));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ record: { updated: true }, metadata: { parentId: bin.id, private: true } });
    expect(await recordOf(owner, bin.id)).toEqual({ updated: true });
  });

  it("deletes a private bin with delete", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    const key = await createAccessKey(owner, ["delete"]);
    const res = await binRequest("delete", bin.id, access(key));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      metadata: { id: bin.id, versionsDeleted: 0 },
      message: BIN_DELETED,
    });
    await expectError(await binRequest("read", bin.id, master(owner)), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
  });
});

describe("master key rotation", () => {
  const rotate = async (account: TestAccount): Promise<string> => {
    const res = await call("POST", "/v3/account/master-key/rotate", { headers: master(account) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { masterKey: string }).masterKey;
  };

  it("refuses the old key on the very next request while the new one works", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    const newKey = await rotate(owner);
    await expectError(await binRequest("read", bin.id, master(owner)), 401, BAD_MASTER.read);
    await expectError(await createRequest(master(owner)), 401, BAD_MASTER.create);
    const res = await createRequest({ "X-Master-Key": newKey });
    expect(res.status).toBe(200);
  });

  it("keeps existing bins readable, updatable and deletable with the new key", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    const rotated = { ...owner, masterKey: await rotate(owner) };
    await expectStillThere(rotated, bin.id);
    expect((await binRequest("update", bin.id, master(rotated))).status).toBe(200);
    expect(
      (await call("PUT", `/v3/b/${bin.id}/meta/name`, { headers: { ...master(rotated), "X-Bin-Name": "kept" } }))
        .status,
    ).toBe(200);
    expect((await binRequest("delete", bin.id, master(rotated))).status).toBe(200);
  });

  it("leaves the account's access keys working", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner);
    const key = await createAccessKey(owner, ["read"]);
    await rotate(owner);
    const res = await call("GET", `/v3/b/${bin.id}`, { headers: { ...access(key), "X-Bin-Meta": "false" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hello: "world" });
  });
});
