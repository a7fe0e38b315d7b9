import type { Context } from "hono";
import type { AccountRow } from "../accounts/store";
import { checkAdminKey, masterAccount, secretKeyAccount } from "../auth/account-auth";
import type { Credentials } from "../auth/credentials";
import { sha256Hex } from "../auth/keys";
import type { HonoEnv } from "../env";
import type { ErrorParams, SecretKeyAction } from "../errors/codes";
import { header } from "../http/headers";

type C = Context<HonoEnv>;

// Where each API version carries its keys (§1.1), read once per request and hashed at once.

export async function readV3Credentials(c: C): Promise<Credentials> {
  const master = header(c, "X-Master-Key");
  const access = header(c, "X-Access-Key");
  return {
    ...(master ? { masterHash: await sha256Hex(master) } : {}),
    ...(access ? { accessHash: await sha256Hex(access) } : {}),
  };
}

/** v2/v1 know only `secret-key`, which is the account's master key. */
export async function readLegacyCredentials(c: C): Promise<Credentials> {
  const secret = header(c, "secret-key");
  return secret ? { masterHash: await sha256Hex(secret) } : {};
}

export const requireMasterAccount = (c: C, missing?: ErrorParams["masterKeyMissing"]): Promise<AccountRow> =>
  masterAccount(c.env.DB, header(c, "X-Master-Key"), missing);

export const requireSecretKeyAccount = (c: C, action: SecretKeyAction): Promise<AccountRow> =>
  secretKeyAccount(c.env.DB, header(c, "secret-key"), action);

export const requireAdmin = (c: C): Promise<void> => checkAdminKey(c.req.header("X-Admin-Key"), c.env.ADMIN_KEY ?? "");
