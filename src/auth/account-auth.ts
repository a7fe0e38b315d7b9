import { type AccountRow, findAccountByMasterHash } from "../accounts/store";
import { AppError } from "../errors/app-error";
import type { ErrorParams, SecretKeyAction } from "../errors/codes";
import { secretsEqual, sha256Hex } from "./keys";

/**
 * Account routes are master-key only (§2.2): an access key is ignored there.
 * `missing` picks the route's own "you need to pass" wording.
 */
export async function masterAccount(
  db: D1Database,
  key: string | undefined,
  missing?: ErrorParams["masterKeyMissing"],
): Promise<AccountRow> {
  if (!key) throw new AppError("masterKeyMissing", missing);
  const account = await findAccountByMasterHash(db, await sha256Hex(key));
  if (!account) throw new AppError("masterKeyInvalid");
  return account;
}

/** v2: `secret-key` is the master key; `action` picks the message for a missing one. */
export async function secretKeyAccount(
  db: D1Database,
  key: string | undefined,
  action: SecretKeyAction,
): Promise<AccountRow> {
  if (!key) throw new AppError("secretKeyMissing", { action });
  const account = await findAccountByMasterHash(db, await sha256Hex(key));
  if (!account) throw new AppError("secretKeyInvalid");
  return account;
}

/** The admin routes exist only when ADMIN_KEY is set (see routes/v3/admin.ts). */
export async function checkAdminKey(given: string | undefined, expected: string): Promise<void> {
  if (!(await secretsEqual(given ?? "", expected))) throw new AppError("adminKeyInvalid");
}
