import { describe, expect, it } from "vitest";
import {
  BAD_ACCESS,
  BAD_MASTER,
  BIN_DELETED,
  call,
  createAccessKey,
  createAccount,
  createBin,
  expectError,
  FORBIDDEN,
  master,
  NO_KEY,
  randomKey,
  type TestAccount,
} from "../helpers";

// The v3 authorisation matrix of contract §2.2 and the key table of §3.0: every bin operation ×
// every kind of key presented × private/public bin, each case with its own accounts and real
// access keys made through `POST /v3/a`. For create there is no bin: the axis is the
// `X-Bin-Private` of the new bin, which must not change who may create it.

type Operation = "create" | "read" | "update" | "delete";
type Privacy = "private" | "public";
type Who = "owner" | "stranger";

const OPERATIONS: Operation[] = ["create", "read", "update", "delete"];
const PRIVACIES: Privacy[] = ["private", "public"];

/** What a case must produce: success (for create: which account owns the new bin), or an exact error. */
type Outcome = { ok: Who } | { status: 401 | 403; message: string };

/** Everything a case may present: two accounts and three real access keys. */
interface Fixture {
  owner: TestAccount;
  stranger: TestAccount;
  /** The owner's key holding only the permission under test. */
  ownerWith: string;
  /** The owner's key holding every permission except the one under test. */
  ownerWithout: string;
  /** The stranger's key holding every permission. */
  strangerAll: string;
}

const m = (key: string) => ({ "X-Master-Key": key });
const a = (key: string) => ({ "X-Access-Key": key });

/**
 * The rows of the matrix, written out rather than derived: the outcome of each key combination
 * for each operation on a PRIVATE bin. Public bins differ only for read and update, which are open
 * to anyone (§2.2: an invalid, foreign or insufficient key is treated as no key); delete stays
 * owner-only and create ignores the axis.
 */
const KEY_CASES: {
  keys: string;
  headers: (f: Fixture) => Record<string, string>;
  expect: Record<Operation, Outcome>;
}[] = [
  {
    keys: "no key",
    headers: () => ({}),
    expect: {
      create: { status: 401, message: NO_KEY.create },
      read: { status: 401, message: NO_KEY.read },
      update: { status: 401, message: NO_KEY.update },
      delete: { status: 401, message: NO_KEY.delete },
    },
  },
  {
    keys: "an unknown master key",
    headers: () => m(randomKey()),
    expect: {
      create: { status: 401, message: BAD_MASTER.create },
      read: { status: 401, message: BAD_MASTER.read },
      update: { status: 401, message: BAD_MASTER.update },
      delete: { status: 401, message: BAD_MASTER.delete },
    },
  },
  {
    keys: "an unknown access key",
    headers: () => a(randomKey()),
    expect: {
      create: { status: 401, message: BAD_ACCESS },
      read: { status: 401, message: BAD_ACCESS },
      update: { status: 401, message: BAD_ACCESS },
      delete: { status: 401, message: BAD_ACCESS },
    },
  },
  {
    keys: "another account's master key",
    headers: (f) => m(f.stranger.masterKey),
    expect: {
      create: { ok: "stranger" },
      read: { status: 401, message: BAD_MASTER.read },
      update: { status: 401, message: BAD_MASTER.update },
      delete: { status: 401, message: BAD_MASTER.delete },
    },
  },
  {
    keys: "another account's access key with every permission",
    headers: (f) => a(f.strangerAll),
    expect: {
      create: { ok: "stranger" },
      read: { status: 401, message: BAD_ACCESS },
      update: { status: 401, message: BAD_ACCESS },
      delete: { status: 401, message: BAD_ACCESS },
    },
  },
  {
    keys: "the owner's access key with the permission",
    headers: (f) => a(f.ownerWith),
    expect: { create: { ok: "owner" }, read: { ok: "owner" }, update: { ok: "owner" }, delete: { ok: "owner" } },
  },
  {
    keys: "the owner's access key without the permission",
    headers: (f) => a(f.ownerWithout),
    expect: {
      create: { status: 403, message: FORBIDDEN.create },
      read: { status: 403, message: FORBIDDEN.read },
      update: { status: 403, message: FORBIDDEN.update },
      delete: { status: 403, message: FORBIDDEN.delete },
    },
  },
  {
    keys: "the owner's master key",
    headers: (f) => m(f.owner.masterKey),
    expect: { create: { ok: "owner" }, read: { ok: "owner" }, update: { ok: "owner" }, delete: { ok: "owner" } },
  },
  {
    keys: "the owner's master key and the owner's access key without the permission",
    headers: (f) => ({ ...m(f.owner.masterKey), ...a(f.ownerWithout) }),
    expect: { create: { ok: "owner" }, read: { ok: "owner" }, update: { ok: "owner" }, delete: { ok: "owner" } },
  },
  {
    keys: "an unknown master key and the owner's access key with the permission",
    headers: (f) => ({ ...m(randomKey()), ...a(f.ownerWith) }),
    expect: { create: { ok: "owner" }, read: { ok: "owner" }, update: { ok: "owner" }, delete: { ok: "owner" } },
  },
  {
    keys: "an unknown master key and an unknown access key",
    headers: () => ({ ...m(randomKey()), ...a(randomKey()) }),
    expect: {
      create: { status: 401, message: BAD_MASTER.create },
      read: { status: 401, message: BAD_MASTER.read },
      update: { status: 401, message: BAD_MASTER.update },
      delete: { status: 401, message: BAD_MASTER.delete },
    },
  },
  {
    // For create the master key is evaluated first and is valid: the bin goes to ITS account.
    keys: "another account's master key and the owner's access key with the permission",
    headers: (f) => ({ ...m(f.stranger.masterKey), ...a(f.ownerWith) }),
    expect: { create: { ok: "stranger" }, read: { ok: "owner" }, update: { ok: "owner" }, delete: { ok: "owner" } },
  },
  {
    // Neither authorises: the master key's 401 wins over the access key's 403.
    keys: "another account's master key and the owner's access key without the permission",
    headers: (f) => ({ ...m(f.stranger.masterKey), ...a(f.ownerWithout) }),
    expect: {
      create: { ok: "stranger" },
      read: { status: 401, message: BAD_MASTER.read },
      update: { status: 401, message: BAD_MASTER.update },
      delete: { status: 401, message: BAD_MASTER.delete },
    },
  },
];

interface Case {
  title: string;
  operation: Operation;
  privacy: Privacy;
  headers: (f: Fixture) => Record<string, string>;
  outcome: Outcome;
}

function outcomeFor(operation: Operation, privacy: Privacy, row: (typeof KEY_CASES)[number]): Outcome {
  if (privacy === "public" && (operation === "read" || operation === "update")) return { ok: "owner" };
  return row.expect[operation];
}

const describeOutcome = (o: Outcome) =>
  "ok" in o ? `200${o.ok === "stranger" ? " (the other account's bin)" : ""}` : `${o.status} ${o.message}`;

const cases: Case[] = OPERATIONS.flatMap((operation) =>
  PRIVACIES.flatMap((privacy) =>
    KEY_CASES.map((row) => {
      const outcome = outcomeFor(operation, privacy, row);
      return {
        title: `${operation} a ${privacy} bin with ${row.keys} → ${describeOutcome(outcome)}`,
        operation,
        privacy,
        headers: row.headers,
        outcome,
      };
    }),
  ),
);

const PERMISSIONS: Operation[] = ["create", "read", "update", "delete"];

async function fixture(operation: Operation): Promise<Fixture> {
  const [owner, stranger] = await Promise.all([createAccount(), createAccount()]);
  const [ownerWith, ownerWithout, strangerAll] = await Promise.all([
    createAccessKey(owner, [operation], "matrix"),
    createAccessKey(
      owner,
      PERMISSIONS.filter((p) => p !== operation),
      "matrix",
    ),
    createAccessKey(stranger, PERMISSIONS, "matrix"),
  ]);
  return { owner, stranger, ownerWith, ownerWithout, strangerAll };
}

const ORIGINAL = { hello: "world" };
const UPDATED = { updated: true };
const CREATED = { made: "now" };

/** The owner's view of a bin: its record (meta off), or null once it is gone. */
async function storedRecord(owner: TestAccount, id: string): Promise<unknown> {
  const res = await call("GET", `/v3/b/${id}`, { headers: { ...master(owner), "X-Bin-Meta": "false" } });
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return res.json();
}

async function binCount(account: TestAccount): Promise<number> {
  const res = await call("GET", "/v3/account/usage", { headers: master(account) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { bins: number }).bins;
}

function send(
  operation: Operation,
  privacy: Privacy,
  binId: string | null,
  headers: Record<string, string>,
): Promise<Response> {
  switch (operation) {
    case "create":
      return call("POST", "/v3/b", {
        headers: { ...headers, "X-Bin-Private": String(privacy === "private") },
        body: CREATED,
      });
    case "read":
      return call("GET", `/v3/b/${binId}`, { headers });
    case "update":
      return call("PUT", `/v3/b/${binId}`, { headers, body: UPDATED });
    case "delete":
      return call("DELETE", `/v3/b/${binId}`, { headers });
  }
}

describe(`authorisation matrix (${cases.length} cases: ${OPERATIONS.length} operations × ${KEY_CASES.length} key combinations × ${PRIVACIES.length} privacies)`, () => {
  it("covers every operation, key combination and privacy once", () => {
    expect(cases.length).toBe(OPERATIONS.length * KEY_CASES.length * PRIVACIES.length);
    expect(new Set(cases.map((c) => c.title)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.title, c] as const))("%s", async (_title, c) => {
    const f = await fixture(c.operation);
    const isPrivate = c.privacy === "private";
    const bin =
      c.operation === "create" ? null : await createBin(f.owner, ORIGINAL, { "X-Bin-Private": String(isPrivate) });
    const res = await send(c.operation, c.privacy, bin?.id ?? null, c.headers(f));

    if (!("ok" in c.outcome)) {
      await expectError(res, c.outcome.status, c.outcome.message);
      // A refused request changes nothing.
      if (bin) {
        expect(await storedRecord(f.owner, bin.id)).toEqual(ORIGINAL);
      } else {
        expect([await binCount(f.owner), await binCount(f.stranger)]).toEqual([0, 0]);
      }
      return;
    }

    const text = await res.text();
    expect({ status: res.status, body: text }).toEqual({ status: 200, body: expect.any(String) });
    switch (c.operation) {
      case "create": {
        const { metadata } = JSON.parse(text) as { metadata: { id: string; createdAt: string } };
        expect(text).toBe(
          `{"record":${JSON.stringify(CREATED)},"metadata":{"id":"${metadata.id}","createdAt":"${metadata.createdAt}","private":${isPrivate}}}`,
        );
        const owner = c.outcome.ok === "owner" ? f.owner : f.stranger;
        const other = c.outcome.ok === "owner" ? f.stranger : f.owner;
        expect([await binCount(owner), await binCount(other)]).toEqual([1, 0]);
        expect(await storedRecord(owner, metadata.id)).toEqual(CREATED);
        break;
      }
      case "read":
        expect(text).toBe(
          `{"record":${JSON.stringify(ORIGINAL)},"metadata":{"id":"${bin!.id}","private":${isPrivate},"createdAt":"${bin!.metadata.createdAt}"}}`,
        );
        break;
      case "update":
        // Private bins are not versioned without X-Bin-Versioning; public bins always are unless
        // the owner's master key sends `false` (§3.0), so a fresh public bin gets version 1.
        expect(text).toBe(
          `{"record":${JSON.stringify(UPDATED)},"metadata":{"parentId":"${bin!.id}","private":${isPrivate}${isPrivate ? "" : ',"version":1'}}}`,
        );
        expect(await storedRecord(f.owner, bin!.id)).toEqual(UPDATED);
        break;
      case "delete":
        expect(text).toBe(`{"metadata":{"id":"${bin!.id}","versionsDeleted":0},"message":"${BIN_DELETED}"}`);
        expect(await storedRecord(f.owner, bin!.id)).toBeNull();
        break;
    }
  });
});
