import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import {
  BAD_ACCESS,
  BASE,
  call,
  createAccount,
  createBin,
  eventually,
  expectError,
  expectLegacyError,
  INVALID_COLLECTION_ID,
  master,
  NEED_SECRET_TO_UPDATE,
  SNIPPET_NOT_FOUND,
  storageOf,
  type TestAccount,
} from "../helpers";

/**
 * A write whose route has decided (found the bin, authorised, charged) but whose call to the bin's
 * writer waits until `release()`: what the owner changes meanwhile is what the writer must notice.
 */
async function heldAtTheWriter(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: unknown },
  rpc: "write" | "create" = "write",
) {
  let reached = false;
  let arrived!: () => void;
  const atWriter = new Promise<void>((r) => (arrived = r)).then(() => {
    reached = true;
  });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const bound = (target: object, prop: string | symbol) => {
    const value = Reflect.get(target, prop);
    return typeof value === "function" ? value.bind(target) : value;
  };
  const namespace = new Proxy(env.BIN_WRITER, {
    get(target, prop) {
      if (prop !== "get") return bound(target, prop);
      return (id: DurableObjectId) => {
        const stub = target.get(id);
        return new Proxy(stub, {
          get(s, name) {
            if (name !== rpc) return bound(s, name);
            return async (...args: unknown[]) => {
              arrived();
              await gate;
              return (s as unknown as Record<string, (...a: unknown[]) => unknown>)[rpc]!(...args);
            };
          },
        });
      };
    },
  });
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers["Content-Type"] ??= "application/json";
  const request = new Request(`${BASE}${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
  const ctx = createExecutionContext();
  const response = (async () => {
    const res = await worker.fetch(request, { ...env, BIN_WRITER: namespace } as typeof env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  })();
  // A request refused before it reaches the writer would never arrive there: fail instead of hanging.
  await Promise.race([
    atWriter,
    response.then(async (res) => {
      if (!reached) throw new Error(`answered ${res.status} before reaching the writer: ${await res.clone().text()}`);
    }),
  ]);
  return { response, release };
}

const raw = (account: TestAccount) => ({ ...master(account), "X-Bin-Meta": "false" });

async function latest(account: TestAccount, id: string): Promise<unknown> {
  return (await call("GET", `/v3/b/${id}`, { headers: raw(account) })).json();
}

async function accessKey(account: TestAccount, permissions: Record<string, boolean>) {
  const res = await call("POST", "/v3/a", {
    headers: { ...master(account), "X-Key-Name": "writer" },
    body: { bins: permissions },
  });
  return (await res.json()) as { accessKey: string; accessKeyId: string };
}

// Issue "hardening round 2", item 10: the writer decides again from the head it holds.
describe("a write the route allowed, reaching the writer after the owner changed something", () => {
  it("is refused when the bin turned private meanwhile (v3, no key)", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 }, { "X-Bin-Private": "false" });
    const held = await heldAtTheWriter("PUT", `/v3/b/${bin.id}`, { body: { v: "keyless" } });
    const privacy = await call("PUT", `/v3/b/${bin.id}/meta/privacy`, {
      headers: { ...master(account), "X-Bin-Private": "true" },
    });
    expect(privacy.status).toBe(200);
    held.release();
    await expectError(
      await held.response,
      401,
      "You need to pass X-Master-Key or X-Access-Key in the header to update a private bin",
    );
    expect(await latest(account, bin.id)).toEqual({ v: 0 });
  });

  it("is refused with v2's and v1's own errors when the bin turned private meanwhile", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 }, { "X-Bin-Private": "false" });
    const v2 = await heldAtTheWriter("PUT", `/b/${bin.id}`, { body: { v: "v2" } });
    await call("PUT", `/v3/b/${bin.id}/meta/privacy`, { headers: { ...master(account), "X-Bin-Private": "true" } });
    v2.release();
    await expectLegacyError(await v2.response, 401, NEED_SECRET_TO_UPDATE);

    const other = await createBin(account, { v: 0 }, { "X-Bin-Private": "false" });
    const v1 = await heldAtTheWriter("POST", `/b/update/${other.id}`, { body: { snippet: '{"v":"v1"}' } });
    await call("PUT", `/v3/b/${other.id}/meta/privacy`, { headers: { ...master(account), "X-Bin-Private": "true" } });
    v1.release();
    await expectLegacyError(await v1.response, 422, SNIPPET_NOT_FOUND);
    expect([await latest(account, bin.id), await latest(account, other.id)]).toEqual([{ v: 0 }, { v: 0 }]);
  });

  it("is refused when the access key that authorised it was deleted meanwhile", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    const key = await accessKey(account, { update: true });
    const held = await heldAtTheWriter("PUT", `/v3/b/${bin.id}`, {
      headers: { "X-Access-Key": key.accessKey },
      body: { v: "with the key" },
    });
    expect((await call("DELETE", `/v3/a/${key.accessKeyId}`, { headers: master(account) })).status).toBe(200);
    held.release();
    await expectError(await held.response, 401, BAD_ACCESS);
    expect(await latest(account, bin.id)).toEqual({ v: 0 });
  });

  it("is refused when the master key that authorised it was rotated meanwhile", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    const held = await heldAtTheWriter("PATCH", `/v3/b/${bin.id}`, { headers: master(account), body: { v: 1 } });
    const rotated = await call("POST", "/v3/account/master-key/rotate", { headers: master(account) });
    const { masterKey } = (await rotated.json()) as { masterKey: string };
    held.release();
    await expectError(
      await held.response,
      401,
      "Invalid X-Master-Key provided or the bin does not belong to your account",
    );
    expect(await latest({ ...account, masterKey }, bin.id)).toEqual({ v: 0 });
  });

  it("is validated against a schema attached to its collection meanwhile", async () => {
    const account = await createAccount();
    const collection = (await (
      await call("POST", "/v3/c", { headers: { ...master(account), "X-Collection-Name": "c" } })
    ).json()) as { record: string };
    const bin = await createBin(account, { name: "ok" }, { "X-Collection-Id": collection.record });
    const schema = (await (
      await call("POST", "/v3/s", {
        headers: { ...master(account), "X-Schema-Doc-Name": "needs-name" },
        body: { type: "object", required: ["name"] },
      })
    ).json()) as { metadata: { id: string } };
    const held = await heldAtTheWriter("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: { other: 1 } });
    const attached = await call("PUT", `/v3/c/${collection.record}/schemadoc/add`, {
      headers: { ...master(account), "X-Schema-Doc-Id": schema.metadata.id },
    });
    expect(attached.status).toBe(200);
    held.release();
    const res = await held.response;
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: "Schema Doc Validation Mismatch:  Should have required property 'name'",
      schemaDocID: schema.metadata.id,
      schemaDocName: "needs-name",
    });
    expect(await latest(account, bin.id)).toEqual({ name: "ok" });
  });

  it("is validated against the new text of its collection's schema when that changed meanwhile", async () => {
    const account = await createAccount();
    const schema = (await (
      await call("POST", "/v3/s", {
        headers: { ...master(account), "X-Schema-Doc-Name": "loose" },
        body: { type: "object" },
      })
    ).json()) as { metadata: { id: string } };
    const collection = (await (
      await call("POST", "/v3/c", { headers: { ...master(account), "X-Collection-Name": "c" } })
    ).json()) as { record: string };
    await call("PUT", `/v3/c/${collection.record}/schemadoc/add/${schema.metadata.id}`, { headers: master(account) });
    const bin = await createBin(account, { name: "ok" }, { "X-Collection-Id": collection.record });
    const held = await heldAtTheWriter("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: { other: 1 } });
    const tightened = await call("PUT", `/v3/s/${schema.metadata.id}`, {
      headers: master(account),
      body: { type: "object", required: ["name"] },
    });
    expect(tightened.status).toBe(200);
    held.release();
    await expect((await held.response).json()).resolves.toMatchObject({
      message: "Schema Doc Validation Mismatch:  Should have required property 'name'",
    });
    expect(await latest(account, bin.id)).toEqual({ name: "ok" });
  });

  it("still commits when nothing it rested on changed", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    const held = await heldAtTheWriter("PUT", `/v3/b/${bin.id}`, {
      headers: { ...master(account), "X-Bin-Versioning": "true" },
      body: { v: 1 },
    });
    // A change of something else (the name) does not matter to it.
    await call("PUT", `/v3/b/${bin.id}/meta/name`, { headers: { ...master(account), "X-Bin-Name": "renamed" } });
    held.release();
    const res = await held.response;
    expect(await res.json()).toEqual({ record: { v: 1 }, metadata: { parentId: bin.id, private: true, version: 1 } });
  });
});

// Item 4: the create counterpart. The bin row's collection reference fails once the collection is gone.
describe("a create the route allowed, reaching the writer after its collection was deleted", () => {
  it("answers 400 Invalid Collection Id provided and leaves no bin and no body", async () => {
    const account = await createAccount();
    const created = await call("POST", "/v3/c", { headers: { ...master(account), "X-Collection-Name": "brief" } });
    const collection = ((await created.json()) as { record: string }).record;
    const bodiesBefore = new Set((await env.BODIES.list()).objects.map((o) => o.key));
    const held = await heldAtTheWriter(
      "POST",
      "/v3/b",
      { headers: { ...master(account), "X-Collection-Id": collection }, body: { a: 1 } },
      "create",
    );
    expect((await call("DELETE", `/v3/c/${collection}`, { headers: master(account) })).status).toBe(200);
    held.release();
    await expectError(await held.response, 400, INVALID_COLLECTION_ID);
    expect(await storageOf(account)).toEqual({ bins: 0, storageBytes: 0 });
    const { results } = await env.DB.prepare("SELECT id FROM bins WHERE account_id = ?").bind(account.accountId).all();
    expect(results).toEqual([]);
    await eventually(async () =>
      expect((await env.BODIES.list()).objects.filter((o) => !bodiesBefore.has(o.key))).toEqual([]),
    );
  });
});
