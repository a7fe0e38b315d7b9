// The accounts and resources a fuzz run aims at, and the two views of them that must not change
// under bad requests: what the API reports and what D1 and R2 hold.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import {
  ADMIN_KEY,
  call,
  createAccessKey,
  createAccount,
  createBin,
  createCollection,
  createSchemaDoc,
  master,
  okJson,
  type Permission,
  type TestAccount,
  updateBin,
} from "../helpers";

export type Who = "owner" | "foreign";
export type Permissions = Record<Permission, boolean>;

/** A key the run may present, and what it is worth: whose, which role, which permissions. */
export interface Credential {
  label: string;
  role: "master" | "access" | "admin";
  /** null: well-formed but no account's. */
  account: Who | null;
  permissions?: Permissions;
  value: string;
}

export interface BinTarget {
  kind: "bin";
  id: string;
  owner: Who | null;
  private: boolean;
  versionCount: number;
  /** ETag of each version, base first: the latest is the last. */
  etags: string[];
  /** Members of the latest record (a merge patch nulling them all leaves `{}`). */
  latestKeys: string[];
  /** In a collection whose schema requires `canary`. */
  schema: boolean;
}

export interface ResourceTarget {
  kind: "collection" | "schema" | "accessKey" | "account";
  id: string;
  owner: Who | null;
}

export type Target = BinTarget | ResourceTarget;

export interface World {
  name: string;
  accounts: Record<Who, TestAccount>;
  credentials: Credential[];
  bins: BinTarget[];
  collections: ResourceTarget[];
  schemas: ResourceTarget[];
  accessKeys: ResourceTarget[];
  accountTargets: ResourceTarget[];
  /** In every record of the owner's private bin, and in nothing a bad request may see. */
  privateToken: string;
  /** Today's log day, `DD-MM-YYYY` (UTC). */
  today: string;
}

const ALL: Permissions = { create: true, read: true, update: true, delete: true };
const granted = (permissions: Permissions) => (Object.keys(permissions) as Permission[]).filter((p) => permissions[p]);

/** A key made through `POST /v3/a`, as a credential and as an access key id in the world. */
async function accessKeyOf(account: TestAccount, who: Who, label: string, permissions: Permissions) {
  const value = await createAccessKey(account, granted(permissions), label);
  const list = await okJson<{ accessKeyId: string; metadata: { name: string } }[]>(
    await call("GET", "/v3/a", { headers: master(account) }),
  );
  const id = list.find((k) => k.metadata.name === label)!.accessKeyId;
  return {
    credential: {
      label: `${who} access key (${granted(permissions).join("+") || "none"})`,
      role: "access",
      account: who,
      permissions,
      value,
    } as Credential,
    target: { kind: "accessKey", id, owner: who } as ResourceTarget,
  };
}

/** Appends versions with the owner's key and returns the bin as a target. */
async function binWithVersions(
  account: TestAccount,
  who: Who,
  record: (version: number) => Record<string, unknown>,
  versions: number,
  headers: Record<string, string>,
  schema: boolean,
): Promise<BinTarget> {
  const created = await createBin(account, record(0), headers);
  const etags = [created.etag];
  for (let v = 1; v <= versions; v++) {
    const res = await updateBin(account, created.id, record(v), { "X-Bin-Versioning": "true" });
    expect(res.status, await res.clone().text()).toBe(200);
    etags.push(res.headers.get("ETag")!);
  }
  return {
    kind: "bin",
    id: created.id,
    owner: who,
    private: headers["X-Bin-Private"] !== "false",
    versionCount: versions,
    etags,
    latestKeys: Object.keys(record(versions)),
    schema,
  };
}

/**
 * Two accounts: the owner, whose resources the run aims at (a private bin in a collection with a
 * schema, a public bin, an empty collection, access keys with partial permissions), and a foreign
 * account whose key and resources are always someone else's to the owner's.
 */
export async function buildWorld(name: string): Promise<World> {
  const owner = await createAccount({ name: `${name} owner` });
  const foreign = await createAccount({ name: `${name} foreign` });
  const privateToken = `private-${crypto.randomUUID()}`;

  const schemaId = await createSchemaDoc(owner, "canary schema", { type: "object", required: ["canary"] });
  const withSchema = await createCollection(owner, "canary bins");
  const attach = await call("PUT", `/v3/c/${withSchema.id}/schemadoc/add/${schemaId}`, { headers: master(owner) });
  expect(attach.status).toBe(200);
  const empty = await createCollection(owner, "empty");
  const foreignSchemaId = await createSchemaDoc(foreign, "foreign schema");
  const foreignCollection = await createCollection(foreign, "foreign bins");

  const privateBin = await binWithVersions(
    owner,
    "owner",
    (v) => ({ canary: privateToken, v, items: [1, "two", { three: 3 }] }),
    3,
    { "X-Collection-Id": withSchema.id },
    true,
  );
  const publicBin = await binWithVersions(
    owner,
    "owner",
    (v) => ({ public: true, v }),
    2,
    { "X-Bin-Private": "false" },
    false,
  );
  const foreignBin = await binWithVersions(foreign, "foreign", (v) => ({ foreign: true, v }), 1, {}, false);

  const full = await accessKeyOf(owner, "owner", "full", ALL);
  const readOnly = await accessKeyOf(owner, "owner", "read only", {
    ...ALL,
    create: false,
    update: false,
    delete: false,
  });
  const noUpdate = await accessKeyOf(owner, "owner", "no update", { ...ALL, update: false });
  const foreignFull = await accessKeyOf(foreign, "foreign", "foreign full", ALL);

  const now = new Date();
  const today = [now.getUTCDate(), now.getUTCMonth() + 1]
    .map((n) => String(n).padStart(2, "0"))
    .concat(String(now.getUTCFullYear()))
    .join("-");

  return {
    name,
    accounts: { owner, foreign },
    credentials: [
      { label: "owner master key", role: "master", account: "owner", value: owner.masterKey },
      { label: "foreign master key", role: "master", account: "foreign", value: foreign.masterKey },
      full.credential,
      readOnly.credential,
      noUpdate.credential,
      foreignFull.credential,
      { label: "admin key", role: "admin", account: null, value: ADMIN_KEY },
    ],
    bins: [privateBin, publicBin, foreignBin],
    collections: [
      { kind: "collection", id: withSchema.id, owner: "owner" },
      { kind: "collection", id: empty.id, owner: "owner" },
      { kind: "collection", id: foreignCollection.id, owner: "foreign" },
    ],
    schemas: [
      { kind: "schema", id: schemaId, owner: "owner" },
      { kind: "schema", id: foreignSchemaId, owner: "foreign" },
    ],
    accessKeys: [full.target, readOnly.target, noUpdate.target, foreignFull.target],
    accountTargets: [
      { kind: "account", id: owner.accountId, owner: "owner" },
      { kind: "account", id: foreign.accountId, owner: "foreign" },
    ],
    privateToken,
    today,
  };
}

/** Every key value of the world, none of which a response may ever contain. */
export const secretsOf = (world: World) => world.credentials.map((c) => c.value);

/**
 * What the API says about the world's resources: each bin's version list and every record's exact
 * text, each account as the operator sees it (bins, storage bytes, limits), its collections, access keys
 * and schema docs.
 */
export async function apiView(world: World) {
  const view: Record<string, unknown> = {};
  for (const bin of world.bins) {
    const account = world.accounts[bin.owner!];
    const versions = await call("GET", `/v3/b/${bin.id}/versions?limit=100`, { headers: master(account) });
    view[`bin ${bin.id} versions`] = await okJson(versions);
    for (let v = 0; v <= bin.versionCount; v++) {
      const res = await call("GET", `/v3/b/${bin.id}/${v}`, { headers: { ...master(account), "X-Bin-Meta": "false" } });
      view[`bin ${bin.id} version ${v}`] = await res.text();
    }
  }
  for (const who of ["owner", "foreign"] as const) {
    const account = world.accounts[who];
    view[`${who} collections`] = await okJson(await call("GET", "/v3/c", { headers: master(account) }));
    view[`${who} access keys`] = await okJson(await call("GET", "/v3/a", { headers: master(account) }));
    const admin = await okJson<{ usage: { requestsUsed?: number } }>(
      await call("GET", `/v3/admin/accounts/${account.accountId}`, { headers: { "X-Admin-Key": ADMIN_KEY } }),
    );
    delete admin.usage.requestsUsed;
    view[`${who} account`] = admin;
  }
  for (const schema of world.schemas) {
    const account = world.accounts[schema.owner!];
    view[`schema ${schema.id}`] = await okJson(await call("GET", `/v3/s/${schema.id}`, { headers: master(account) }));
  }
  return view;
}

// Tables whose rows only good requests may change. Counting and logs (requests_used, access_logs)
// change with every charged request, good or bad.
const TABLES: Record<string, string> = {
  accounts:
    "SELECT id, name, plan, master_key_hash, created_at, max_record_bytes, max_collections, max_access_keys, request_quota FROM accounts ORDER BY id",
  access_keys: "SELECT * FROM access_keys ORDER BY id",
  schema_docs: "SELECT * FROM schema_docs ORDER BY id",
  collections: "SELECT * FROM collections ORDER BY id",
  bins: "SELECT * FROM bins ORDER BY id",
  records: "SELECT * FROM records ORDER BY bin_id, version",
};

/** Every stored row that describes data (not counting), and every body in R2 with its size and etag. */
export async function storedState() {
  const state: Record<string, unknown> = {};
  for (const [table, sql] of Object.entries(TABLES)) state[table] = (await env.DB.prepare(sql).all()).results;
  const bodies: { key: string; size: number; etag: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.BODIES.list({ cursor });
    bodies.push(...page.objects.map((o) => ({ key: o.key, size: o.size, etag: o.etag })));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  state.bodies = bodies;
  return state;
}
