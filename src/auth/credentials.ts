import type { Context } from "hono";
import { header } from "../http/headers";
import { sha256Hex } from "./keys";

/** The keys a request presents, as hashes: only hashes are ever compared or stored. */
export interface Credentials {
  masterHash?: string;
  accessHash?: string;
}

export async function readV3Credentials(c: Context): Promise<Credentials> {
  const master = header(c, "X-Master-Key");
  const access = header(c, "X-Access-Key");
  return {
    ...(master ? { masterHash: await sha256Hex(master) } : {}),
    ...(access ? { accessHash: await sha256Hex(access) } : {}),
  };
}

/** v2/v1 know only `secret-key`, which is the account's master key. */
export async function readLegacyCredentials(c: Context): Promise<Credentials> {
  const secret = header(c, "secret-key");
  return secret ? { masterHash: await sha256Hex(secret) } : {};
}

export interface Permissions {
  create: boolean;
  read: boolean;
  update: boolean;
  delete: boolean;
}

/** What the presented keys turned out to be, looked up in the same query as the resource. */
export interface KeyFacts {
  /** The account whose master key was presented, or null (none presented, or unknown). */
  masterAccountId: string | null;
  /** The presented access key, or null (none presented, or unknown). */
  accessKey: { id: string; accountId: string; permissions: Permissions } | null;
}
