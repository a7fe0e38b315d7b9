import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AccountStreams } from "../../src/bins/streams/account-streams";
import type { Env } from "../../src/env";
import {
  ADMIN_KEY,
  BIN_NOT_FOUND_OR_NOT_YOURS,
  call,
  callWithEnv,
  createAccount,
  createBin,
  type Event,
  env,
  eventually,
  expectError,
  INVALID_BIN_ID,
  JSON_PATCH,
  master,
  NOT_YOURS,
  openEvents,
  openSocket,
  STREAM_NEEDS_UPGRADE,
  type Subscriber,
  setWriterEnv,
  type TestAccount,
  UNKNOWN_ID,
  writerStub,
} from "../helpers";

// §10.4 change streams, through the HTTP surface: WebSocket (upgrade) and SSE (`Accept: text/event-stream`).

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const versioned = (account: TestAccount) => ({ ...master(account), "X-Bin-Versioning": "true" });
const TRANSPORTS = [
  ["WebSocket", openSocket],
  ["SSE", openEvents],
] as const;

async function put(account: TestAccount | null, id: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await call("PUT", `/v3/b/${id}`, { headers: { ...(account ? master(account) : {}), ...headers }, body });
  expect(res.status, await res.clone().text()).toBe(200);
  return res;
}

/** The record's last write time, as the version listing reports it (§10.3): an `update` event's `at`. */
async function writtenAt(account: TestAccount, id: string, version: number): Promise<string> {
  const res = await call("GET", `/v3/b/${id}/versions?limit=100`, { headers: master(account) });
  const { versions } = (await res.json()) as { versions: { version: number; createdAt: string }[] };
  return versions.find((v) => v.version === version)!.createdAt;
}

/** The exact text of the `update` a write answered with `res` must produce. */
async function expectedUpdate(account: TestAccount, id: string, res: Response, isVersioned: boolean) {
  const version = Number(res.headers.get("X-Bin-Version"));
  const at = await writtenAt(account, id, version);
  return `{"event":"update","version":${version},"etag":${JSON.stringify(res.headers.get("ETag"))},"versioned":${isVersioned},"at":"${at}"}`;
}

/** The same, for a write whose answer carries no version headers (legacy, admin import): from a v3 read. */
async function expectedUpdateOf(account: TestAccount, id: string, version: number, isVersioned: boolean) {
  const read = await call("GET", `/v3/b/${id}/${version}`, { headers: master(account) });
  const at = await writtenAt(account, id, version);
  return `{"event":"update","version":${version},"etag":${JSON.stringify(read.headers.get("ETag"))},"versioned":${isVersioned},"at":"${at}"}`;
}

async function readyOf(sub: Subscriber): Promise<Event> {
  const ready = await sub.next();
  expect(ready.event).toBe("ready");
  return ready;
}

const usedRequests = async (account: TestAccount): Promise<number> => {
  const res = await call("GET", "/v3/account/usage", { headers: master(account) });
  return ((await res.json()) as { requests: { used: number } }).requests.used;
};

const registryStub = (accountId: string) => env.ACCOUNT_STREAMS.get(env.ACCOUNT_STREAMS.idFromName(accountId));

describe("GET /v3/b/<id>/stream: connecting", () => {
  it("answers 400 for a malformed id", async () => {
    await expectError(
      await call("GET", "/v3/b/nope/stream", { headers: { Accept: "text/event-stream" } }),
      400,
      INVALID_BIN_ID,
    );
  });

  it("answers 400 without a WebSocket upgrade or an event-stream Accept, before looking the bin up", async () => {
    const message = STREAM_NEEDS_UPGRADE;
    await expectError(await call("GET", `/v3/b/${UNKNOWN_ID}/stream`), 400, message);
    await expectError(
      await call("GET", `/v3/b/${UNKNOWN_ID}/stream`, { headers: { Accept: "application/json" } }),
      400,
      message,
    );
  });

  for (const [name, transport] of [
    ["WebSocket", { Upgrade: "websocket" }],
    ["SSE", { Accept: "application/json, text/event-stream" }],
  ] as const) {
    it(`${name}: answers the read errors: unknown bin, missing key, another account's key, a key without read`, async () => {
      const owner = await createAccount();
      const other = await createAccount();
      const bin = await createBin(owner);
      const stream = (id: string, headers: Record<string, string> = {}) =>
        call("GET", `/v3/b/${id}/stream`, { headers: { ...transport, ...headers } });
      await expectError(await stream(UNKNOWN_ID), 404, BIN_NOT_FOUND_OR_NOT_YOURS);
      await expectError(
        await stream(bin.id),
        401,
        "You need to pass X-Master-Key or X-Access-Key in the header to read a private bin",
      );
      await expectError(await stream(bin.id, master(other)), 401, NOT_YOURS);
      const key = await call("POST", "/v3/a", {
        headers: { ...master(owner), "X-Key-Name": "no-read" },
        body: { bins: { update: true } },
      });
      const { accessKey } = (await key.json()) as { accessKey: string };
      await expectError(
        await stream(bin.id, { "X-Access-Key": accessKey }),
        403,
        "X-Access-Key passed does not have permission to read the bin",
      );
    });
  }

  it("serves SSE as text/event-stream with no-cache, each event as `event:`, `data:` and a blank line", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const sub = await openEvents(bin.id, master(account));
    expect(sub.response.headers.get("Content-Type")).toBe("text/event-stream");
    expect(sub.response.headers.get("Cache-Control")).toBe("no-cache");
    const ready = await sub.nextText();
    const res = await put(account, bin.id, { n: 1 });
    const update = await sub.nextText();
    expect(sub.raw()).toEqual([`event: ready\ndata: ${ready}`, `event: update\ndata: ${update}`]);
    expect(update).toBe(await expectedUpdate(account, bin.id, res, false));
    sub.close();
  });

  for (const [name, open] of TRANSPORTS) {
    it(`${name}: counts one request on connect and none for events`, async () => {
      const account = await createAccount();
      const bin = await createBin(account, { n: 0 }, { "X-Bin-Private": "false" });
      const before = await usedRequests(account);
      const sub = await open(bin.id);
      await readyOf(sub);
      // Counting is settled after the response; the usage read itself is not counted.
      await expect.poll(() => usedRequests(account)).toBe(before + 1);
      await put(null, bin.id, { n: 1 });
      await sub.next();
      await expect.poll(() => usedRequests(account)).toBe(before + 2);
      sub.close();
    });

    it(`${name}: starts with ready: the latest version and its ETag`, async () => {
      const account = await createAccount();
      const bin = await createBin(account, { n: 0 });
      const res = await put(account, bin.id, { n: 1 }, versioned(account));
      const sub = await open(bin.id, master(account));
      expect(await sub.nextText()).toBe(
        `{"event":"ready","version":1,"etag":${JSON.stringify(res.headers.get("ETag"))}}`,
      );
      sub.close();
    });
  }
});

describe("GET /v3/b/<id>/stream: events after each kind of write", () => {
  for (const [name, open] of TRANSPORTS) {
    it(`${name}: versioned and unversioned PUT, PATCH, v2 and v1 updates: one update each, exact JSON`, async () => {
      const account = await createAccount();
      const bin = await createBin(account, { n: 0 }, { "X-Bin-Private": "false" });
      const sub = await open(bin.id, master(account));
      await readyOf(sub);

      const appended = await put(account, bin.id, { n: 1 }, versioned(account));
      expect(await sub.nextText()).toBe(await expectedUpdate(account, bin.id, appended, true));

      // The owner's master key with `X-Bin-Versioning: false` overwrites a public bin's latest in place.
      const inPlace = await put(account, bin.id, { n: 2 }, { "X-Bin-Versioning": "false" });
      expect(await sub.nextText()).toBe(await expectedUpdate(account, bin.id, inPlace, false));

      const patched = await call("PATCH", `/v3/b/${bin.id}`, {
        headers: { ...master(account), "Content-Type": "application/merge-patch+json" },
        body: JSON.stringify({ p: true }),
      });
      expect(patched.status).toBe(200);
      expect(await sub.nextText()).toBe(await expectedUpdate(account, bin.id, patched, true));

      // The legacy answers carry no version headers: each event has the ETag a v3 read of its version answers.
      const v2 = await call("PUT", `/b/${bin.id}`, { body: { v: 2 } });
      expect(v2.status).toBe(200);
      expect(await sub.nextText()).toBe(await expectedUpdateOf(account, bin.id, 3, true));
      const v1 = await call("POST", `/b/update/${bin.id}`, { body: { snippet: '{"v":1}' } });
      expect(v1.status).toBe(200);
      expect(await sub.nextText()).toBe(await expectedUpdateOf(account, bin.id, 4, true));
      expect(sub.queued()).toBe(0);
      sub.close();
    });

    it(`${name}: a JSON Patch, a restore and an imported version: one update each, exact JSON`, async () => {
      const account = await createAccount();
      const id = randomBytes(12).toString("hex");
      const admin = { "X-Admin-Key": ADMIN_KEY };
      const imported = await call("PUT", `/v3/admin/accounts/${account.accountId}/bins/${id}`, {
        headers: admin,
        body: { private: true, createdAt: "2026-01-02T03:04:05.000Z", record: { n: 0 } },
      });
      expect(imported.status, await imported.clone().text()).toBe(200);
      const sub = await open(id, master(account));
      await readyOf(sub);

      const version = await call("PUT", `/v3/admin/accounts/${account.accountId}/bins/${id}/versions/1`, {
        headers: admin,
        body: { record: { n: 1 }, createdAt: "2026-01-03T03:04:05.000Z" },
      });
      expect(version.status, await version.clone().text()).toBe(200);
      expect(await sub.nextText()).toBe(await expectedUpdateOf(account, id, 1, true));

      const patched = await call("PATCH", `/v3/b/${id}`, {
        headers: { ...versioned(account), "Content-Type": JSON_PATCH },
        body: JSON.stringify([{ op: "replace", path: "/n", value: 2 }]),
      });
      expect(patched.status, await patched.clone().text()).toBe(200);
      expect(await sub.nextText()).toBe(await expectedUpdate(account, id, patched, true));

      const restored = await call("POST", `/v3/b/${id}/versions/0/restore`, { headers: versioned(account) });
      expect(restored.status, await restored.clone().text()).toBe(200);
      expect(await sub.nextText()).toBe(await expectedUpdate(account, id, restored, true));
      expect(restored.headers.get("X-Bin-Version")).toBe("3");
      expect(sub.queued()).toBe(0);
      sub.close();
    });

    it(`${name}: a refused write sends nothing`, async () => {
      const account = await createAccount();
      const bin = await createBin(account, { n: 0 });
      const sub = await open(bin.id, master(account));
      await readyOf(sub);
      const refused = await call("PUT", `/v3/b/${bin.id}`, {
        headers: { ...master(account), "If-Match": '"9-0000000000000000"' },
        body: { n: 1 },
      });
      expect(refused.status).toBe(412);
      const tooBig = await call("PUT", `/v3/b/${bin.id}`, { headers: master(account), body: "[1," });
      expect(tooBig.status).toBe(400);
      const accepted = await put(account, bin.id, { n: 2 });
      expect(await sub.nextText()).toBe(await expectedUpdate(account, bin.id, accepted, false));
      sub.close();
    });

    it(`${name}: deleting versions sends versions-deleted with the base's new ETag`, async () => {
      const account = await createAccount();
      const bin = await createBin(account, { n: 0 });
      const sub = await open(bin.id, master(account));
      await readyOf(sub);
      for (const n of [1, 2]) await put(account, bin.id, { n }, versioned(account));
      await sub.next();
      await sub.next();

      const preserved = await call("DELETE", `/v3/b/${bin.id}/versions`, {
        headers: { ...master(account), "X-Preserve-Latest": "true" },
      });
      expect(preserved.status).toBe(200);
      const base = await call("GET", `/v3/b/${bin.id}/0`, { headers: master(account) });
      const text = (await sub.nextText())!;
      const { at } = JSON.parse(text) as { at: string };
      expect(at).toMatch(ISO);
      expect(text).toBe(JSON.stringify({ event: "versions-deleted", version: 0, etag: base.headers.get("ETag"), at }));

      await put(account, bin.id, { n: 3 }, versioned(account));
      await sub.next();
      await call("DELETE", `/v3/b/${bin.id}/versions`, { headers: master(account) });
      // Without preserve the base is left as it was: `{"n":2}` copied over it above.
      expect(await sub.next()).toMatchObject({ event: "versions-deleted", etag: base.headers.get("ETag") });
      sub.close();
    });

    it(`${name}: deleting the bin sends deleted, then the stream ends`, async () => {
      const account = await createAccount();
      const bin = await createBin(account, { n: 0 });
      const sub = await open(bin.id, master(account));
      await readyOf(sub);
      const res = await call("DELETE", `/v3/b/${bin.id}`, { headers: master(account) });
      expect(res.status).toBe(200);
      const text = await sub.nextText();
      expect(text).toMatch(/^\{"event":"deleted","at":"[^"]+"\}$/);
      expect(JSON.parse(text!).at).toMatch(ISO);
      await sub.ended();
      await expectError(
        await call("GET", `/v3/b/${bin.id}/stream`, { headers: { ...master(account), Upgrade: "websocket" } }),
        404,
        BIN_NOT_FOUND_OR_NOT_YOURS,
      );
    });
  }

  it("keeps commit order under 50 concurrent writers: every subscriber sees versions 1..50, none missing", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const subs = [
      await openSocket(bin.id, master(account)),
      await openSocket(bin.id, master(account)),
      await openEvents(bin.id, master(account)),
      await openEvents(bin.id, master(account)),
    ];
    for (const sub of subs) await readyOf(sub);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call("PUT", `/v3/b/${bin.id}`, { headers: versioned(account), body: { n: i + 1 } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const etags = new Map(responses.map((r) => [Number(r.headers.get("X-Bin-Version")), r.headers.get("ETag")]));
    for (const sub of subs) {
      const seen: Event[] = [];
      for (let i = 0; i < 50; i++) seen.push(await sub.next());
      expect(seen.map((e) => e.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(seen.every((e) => e.event === "update" && e.etag === etags.get(e.version as number))).toBe(true);
      sub.close();
    }
  });
});

describe("GET /v3/b/<id>/stream: closing", () => {
  for (const [name, open] of TRANSPORTS) {
    it(`${name}: a bin turned private closes the streams no key authorises; keyed streams go on`, async () => {
      const account = await createAccount();
      const bin = await createBin(account, { n: 0 }, { "X-Bin-Private": "false" });
      const keyless = await open(bin.id);
      const keyed = await open(bin.id, master(account));
      await readyOf(keyless);
      await readyOf(keyed);
      const res = await call("PUT", `/v3/b/${bin.id}/meta/privacy`, {
        headers: { ...master(account), "X-Bin-Private": "true" },
      });
      expect(res.status).toBe(200);
      const text = await keyless.nextText();
      expect(text).toMatch(/^\{"event":"closed","at":"[^"]+"\}$/);
      expect(JSON.parse(text!).at).toMatch(ISO);
      await keyless.ended();

      const write = await put(account, bin.id, { n: 1 });
      expect(await keyed.nextText()).toBe(await expectedUpdate(account, bin.id, write, false));
      // Turning it public again closes nothing.
      await call("PUT", `/v3/b/${bin.id}/meta/privacy`, { headers: { ...master(account), "X-Bin-Private": "false" } });
      await put(account, bin.id, { n: 2 }, { "X-Bin-Versioning": "false" });
      expect((await keyed.next()).event).toBe("update");
      keyed.close();
    });
  }

  it("a rotated master key closes its streams on every bin of the account, WebSocket and SSE; others go on", async () => {
    const account = await createAccount();
    const bins = [await createBin(account, { n: 0 }), await createBin(account, { n: 0 })];
    const open = [
      await openSocket(bins[0]!.id, master(account)),
      await openEvents(bins[0]!.id, master(account)),
      await openSocket(bins[1]!.id, master(account)),
      await openEvents(bins[1]!.id, master(account)),
    ];
    const key = await call("POST", "/v3/a", {
      headers: { ...master(account), "X-Key-Name": "reader" },
      body: { bins: { read: true } },
    });
    const { accessKey } = (await key.json()) as { accessKey: string };
    const byAccessKey = await openSocket(bins[0]!.id, { "X-Access-Key": accessKey });
    const publicBin = await createBin(account, { n: 0 }, { "X-Bin-Private": "false" });
    const keyless = await openEvents(publicBin.id);
    for (const sub of [...open, byAccessKey, keyless]) await readyOf(sub);

    const rotated = await call("POST", "/v3/account/master-key/rotate", { headers: master(account) });
    expect(rotated.status).toBe(200);
    for (const sub of open) {
      expect(await sub.next()).toEqual({ event: "closed", at: expect.stringMatching(ISO) });
      await sub.ended();
    }
    const renewed = { ...account, masterKey: ((await rotated.json()) as { masterKey: string }).masterKey };
    await put(renewed, bins[0]!.id, { n: 1 });
    await put(renewed, publicBin.id, { n: 1 });
    expect((await byAccessKey.next()).event).toBe("update");
    expect((await keyless.next()).event).toBe("update");
    byAccessKey.close();
    keyless.close();
  });

  it("a deleted access key closes its streams on every bin of the account; master-key streams go on", async () => {
    const account = await createAccount();
    const bins = [await createBin(account, { n: 0 }), await createBin(account, { n: 0 })];
    const key = await call("POST", "/v3/a", {
      headers: { ...master(account), "X-Key-Name": "reader" },
      body: { bins: { read: true } },
    });
    const { accessKey, accessKeyId } = (await key.json()) as { accessKey: string; accessKeyId: string };
    const byKey = [
      await openEvents(bins[0]!.id, { "X-Access-Key": accessKey }),
      await openSocket(bins[1]!.id, { "X-Access-Key": accessKey }),
    ];
    const byMaster = await openSocket(bins[1]!.id, master(account));
    for (const sub of [...byKey, byMaster]) await readyOf(sub);

    expect((await call("DELETE", `/v3/a/${accessKeyId}`, { headers: master(account) })).status).toBe(200);
    for (const sub of byKey) {
      expect(await sub.next()).toEqual({ event: "closed", at: expect.stringMatching(ISO) });
      await sub.ended();
    }
    await put(account, bins[1]!.id, { n: 1 });
    expect((await byMaster.next()).event).toBe("update");
    byMaster.close();
  });
});

describe("GET /v3/b/<id>/stream: a connect racing a key rotation", () => {
  it("a connect whose key is rotated while it is being admitted is refused, not left open", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    // The writer's second look at the keys (after registering) returns what it read, but only once
    // released: the rotation lands, and closes the key's streams, while the connect is pending.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held = false;
    const holdFirst = (stmt: D1PreparedStatement): D1PreparedStatement =>
      new Proxy(stmt, {
        get(target, prop) {
          if (prop === "bind") return (...args: unknown[]) => holdFirst(target.bind(...args));
          if (prop === "first") {
            return async () => {
              const row = await target.first();
              held = true;
              await gate;
              return row;
            };
          }
          const value = Reflect.get(target, prop);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    const db = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare") {
          return (sql: string) =>
            sql.includes("FROM (SELECT 1) LEFT JOIN access_keys")
              ? holdFirst(target.prepare(sql))
              : target.prepare(sql);
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await setWriterEnv(bin.id, { ...env, DB: db } as Env);

    const connecting = call("GET", `/v3/b/${bin.id}/stream`, { headers: { ...master(account), Upgrade: "websocket" } });
    await eventually(() => expect(held).toBe(true));
    expect((await call("POST", "/v3/account/master-key/rotate", { headers: master(account) })).status).toBe(200);
    const revoked = () =>
      runInDurableObject(writerStub(bin.id), (instance) =>
        [...(instance as unknown as { streams: { pending: Set<{ revoked: boolean }> } }).streams.pending].some(
          (p) => p.revoked,
        ),
      );
    await eventually(async () => expect(await revoked()).toBe(true));
    release();
    await expectError(await connecting, 401, NOT_YOURS);
  });
});

describe("GET /v3/b/<id>/stream: hibernation", () => {
  it("subscribers survive the bin's object being evicted: the next write and a privacy change still reach them", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 }, { "X-Bin-Private": "false" });
    const subs = [await openSocket(bin.id), await openEvents(bin.id), await openSocket(bin.id, master(account))];
    for (const sub of subs) await readyOf(sub);

    await evictDurableObject(writerStub(bin.id));
    const write = await put(account, bin.id, { n: 1 }, versioned(account));
    const expected = await expectedUpdate(account, bin.id, write, true);
    for (const sub of subs) expect(await sub.nextText()).toBe(expected);

    // The keyless ones are told apart after waking by their tags and attachments.
    await evictDurableObject(writerStub(bin.id));
    await call("PUT", `/v3/b/${bin.id}/meta/privacy`, { headers: { ...master(account), "X-Bin-Private": "true" } });
    for (const sub of subs.slice(0, 2)) expect((await sub.next()).event).toBe("closed");
    await put(account, bin.id, { n: 2 });
    expect((await subs[2]!.next()).event).toBe("update");
    subs[2]!.close();
  });

  it("a master key rotated while the bin's object is evicted still closes its streams", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const sub = await openSocket(bin.id, master(account));
    await readyOf(sub);
    await evictDurableObject(writerStub(bin.id));
    await call("POST", "/v3/account/master-key/rotate", { headers: master(account) });
    expect((await sub.next()).event).toBe("closed");
    await sub.ended();
  });
});

describe("GET /v3/b/<id>/stream: pings", () => {
  it("the bin's object pings its WebSocket subscribers from its alarm, not the SSE relays it holds", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const socket = await openSocket(bin.id, master(account));
    const events = await openEvents(bin.id, master(account));
    await readyOf(socket);
    await readyOf(events);
    // Connecting a WebSocket armed the alarm; running it now stands in for the 30 s wait.
    expect(await runDurableObjectAlarm(writerStub(bin.id))).toBe(true);
    expect(await socket.nextText()).toBe('{"event":"ping"}');
    // Still subscribed, so the next ping is armed.
    expect(await runDurableObjectAlarm(writerStub(bin.id))).toBe(true);
    expect(await socket.nextText()).toBe('{"event":"ping"}');
    await put(account, bin.id, { n: 1 });
    expect((await events.next()).event).toBe("update");
    socket.close();
    events.close();
  });

  it("the Worker pings SSE clients every STREAM_PING_SECONDS", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const sub = await openEvents(bin.id, master(account), {
      fetcher: (path, headers) => callWithEnv({ STREAM_PING_SECONDS: "0.05" }, "GET", path, { headers }),
    });
    await readyOf(sub);
    expect(await sub.nextText()).toBe('{"event":"ping"}');
    expect(await sub.nextText()).toBe('{"event":"ping"}');
    expect(sub.raw().at(-1)).toBe('event: ping\ndata: {"event":"ping"}');
    sub.close();
  });
});

describe("GET /v3/b/<id>/stream: limits", () => {
  it("refuses a stream past MAX_STREAMS_PER_BIN with 403, and admits one again once a stream closed", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    await setWriterEnv(bin.id, { ...env, MAX_STREAMS_PER_BIN: "2" } as Env);
    const first = await openSocket(bin.id, master(account));
    const second = await openEvents(bin.id, master(account));
    await readyOf(first);
    await readyOf(second);
    const transports: Record<string, string>[] = [{ Upgrade: "websocket" }, { Accept: "text/event-stream" }];
    for (const transport of transports) {
      await expectError(
        await call("GET", `/v3/b/${bin.id}/stream`, { headers: { ...master(account), ...transport } }),
        403,
        "Stream limit reached for this bin",
      );
    }
    first.close();
    await first.ended();
    await expect
      .poll(
        async () =>
          (await call("GET", `/v3/b/${bin.id}/stream`, { headers: { ...master(account), Upgrade: "websocket" } }))
            .status,
      )
      .toBe(101);
    second.close();
  });

  it("refuses a stream past MAX_STREAMS_PER_ACCOUNT across the account's bins, and admits one again once a stream closed", async () => {
    const account = await createAccount();
    const bins = [await createBin(account, { n: 0 }), await createBin(account, { n: 0 })];
    await runInDurableObject(registryStub(account.accountId), (instance: AccountStreams) => {
      (instance as unknown as { env: Env }).env = { ...env, MAX_STREAMS_PER_ACCOUNT: "3" } as Env;
    });
    const subs = [
      await openSocket(bins[0]!.id, master(account)),
      await openSocket(bins[0]!.id, master(account)),
      await openEvents(bins[1]!.id, master(account)),
    ];
    for (const sub of subs) await readyOf(sub);
    await expectError(
      await call("GET", `/v3/b/${bins[1]!.id}/stream`, { headers: { ...master(account), Upgrade: "websocket" } }),
      403,
      "Stream limit reached for this account",
    );
    subs[0]!.close();
    await subs[0]!.ended();
    await expect
      .poll(
        async () =>
          (await call("GET", `/v3/b/${bins[1]!.id}/stream`, { headers: { ...master(account), Upgrade: "websocket" } }))
            .status,
      )
      .toBe(101);
  });

  it("a registry that lost track of closed streams (a crash) forgets them when it reaches the cap", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    await runInDurableObject(registryStub(account.accountId), (instance: AccountStreams, state) => {
      (instance as unknown as { env: Env }).env = { ...env, MAX_STREAMS_PER_ACCOUNT: "2" } as Env;
      for (const id of ["lost-1", "lost-2"]) {
        state.storage.sql.exec("INSERT INTO streams (id, bin_id, key_hash) VALUES (?, ?, NULL)", id, bin.id);
      }
    });
    const sub = await openSocket(bin.id, master(account));
    await readyOf(sub);
    sub.close();
  });

  it("an SSE client that stops reading is cut off; the writer and the other subscribers do not wait for it", {
    timeout: 60_000,
  }, async () => {
    const account = await createAccount();
    const bin = await createBin(account, { n: 0 });
    const allowance = 2048;
    const slow = await openEvents(bin.id, master(account), {
      paused: true,
      fetcher: (path, headers) => callWithEnv({ STREAM_BUFFER_BYTES: String(allowance) }, "GET", path, { headers }),
    });
    const reader = await openSocket(bin.id, master(account));
    await readyOf(reader);
    // Each update is about 130 bytes: 150 of them are far more than the allowance plus what the
    // runtime's pipes hold.
    for (let n = 1; n <= 150; n++) {
      await put(account, bin.id, { n }, versioned(account));
      expect((await reader.next()).version).toBe(n);
    }
    // Only now does the slow one read: what was buffered, then the end of its stream.
    slow.resume();
    await slow.ended();
    expect(slow.raw().length).toBeLessThan(150);
    reader.close();
  });
});
