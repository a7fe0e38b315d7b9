import type { Context } from "hono";
import { type AccountRow, findAccountByMasterHash } from "../accounts/store";
import type { HonoEnv } from "../env";
import { AppError } from "../errors";
import { header } from "../http/headers";
import { secretsEqual, sha256Hex } from "./keys";

export const NEED_MASTER_KEY = "You need to pass X-Master-Key in the header";

/**
 * Account routes are master-key only (§2.2): an access key is ignored there.
 * `missing` lets a route use its own "you need to pass" wording.
 */
export async function requireMasterAccount(c: Context<HonoEnv>, missing = NEED_MASTER_KEY): Promise<AccountRow> {
  const key = header(c, "X-Master-Key");
  if (!key) throw new AppError(401, missing);
  const account = await findAccountByMasterHash(c.env.DB, await sha256Hex(key));
  if (!account) throw new AppError(401, "Invalid X-Master-Key provided");
  return account;
}

/** v2: `secret-key` is the master key. */
export async function requireSecretKeyAccount(c: Context<HonoEnv>, missing: string): Promise<AccountRow> {
  const key = header(c, "secret-key");
  if (!key) throw new AppError(401, missing);
  const account = await findAccountByMasterHash(c.env.DB, await sha256Hex(key));
  if (!account) throw new AppError(401, "Invalid secret key provided.");
  return account;
}

/** Checks X-Admin-Key; the admin routes exist only when ADMIN_KEY is set (see routes/v3/admin.ts). */
export async function requireAdmin(c: Context<HonoEnv>): Promise<void> {
  const expected = c.env.ADMIN_KEY ?? "";
  const given = c.req.header("X-Admin-Key") ?? "";
  if (!(await secretsEqual(given, expected))) throw new AppError(401, "Invalid X-Admin-Key provided");
}
