import { master, type TestAccount } from "./accounts";
import { call, okJson, okText } from "./http";

/** A 24-hex id that no resource has (distinct from UNKNOWN_ID). */
export const OTHER_UNKNOWN_ID = "fedcba9876543210fedcba98";

export const withCollectionName = (account: TestAccount, name: string) => ({
  ...master(account),
  "X-Collection-Name": name,
});

export interface CreatedCollection {
  id: string;
  createdAt: string;
  name: string;
}

export async function createCollection(account: TestAccount, name = "things"): Promise<CreatedCollection> {
  const res = await call("POST", "/v3/c", { headers: withCollectionName(account, name) });
  const body = await okJson<{ record: string; metadata: { createdAt: string; name: string } }>(res);
  return { id: body.record, createdAt: body.metadata.createdAt, name: body.metadata.name };
}

/** A schema doc of `account`'s; returns its id. */
export async function createSchemaDoc(
  account: TestAccount,
  name = "a schema",
  schema: unknown = { type: "object" },
): Promise<string> {
  const res = await call("POST", "/v3/s", { headers: { ...master(account), "X-Schema-Doc-Name": name }, body: schema });
  return (await okJson<{ metadata: { id: string } }>(res)).metadata.id;
}

export async function listCollectionsText(account: TestAccount): Promise<string> {
  return okText(await call("GET", "/v3/c", { headers: master(account) }));
}

/** An item of a bins listing (§4.4). */
export interface ListedBin {
  private: boolean;
  snippetMeta: { name?: string };
  record: string;
  createdAt: string;
}

/** One page of a bins listing, e.g. `/v3/c/<id>/bins` or `/v3/c/uncategorized/bins/<lastBinId>`. */
export async function listingPage(
  account: TestAccount,
  path: string,
  headers: Record<string, string> = {},
): Promise<ListedBin[]> {
  return okJson(await call("GET", path, { headers: { ...master(account), ...headers } }));
}
