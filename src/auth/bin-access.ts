import { AppError } from "../errors/app-error";
import type { ErrorParams } from "../errors/codes";
import type { Credentials, KeyFacts } from "./credentials";

export type BinOperation = "read" | "update" | "delete";

type KeyProblem = ErrorParams["binKey"]["problem"];

/** Which presented key a decision rested on; `public` = none was needed. */
export type AuthorisedBy = "master" | "access" | "public";

/**
 * Either key may authorise; the master key is evaluated first and, when neither authorises,
 * its error is the one reported (clients commonly send both headers).
 * `ownerId` is null for bin creation (any valid account) and for anonymous bins (nobody).
 */
function authorize(
  operation: BinOperation | "create",
  ownerId: string | null,
  creds: Credentials,
  facts: KeyFacts,
): { accountId: string; by: AuthorisedBy } {
  const refuse = (problem: KeyProblem) => new AppError("binKey", { problem, operation });
  if (!creds.masterHash && !creds.accessHash) throw refuse("missing");
  let failure: AppError | undefined;
  if (creds.masterHash) {
    const account = facts.masterAccountId;
    if (account && (operation === "create" || account === ownerId)) return { accountId: account, by: "master" };
    failure = refuse("badMaster");
  }
  if (creds.accessHash) {
    const key = facts.accessKey;
    if (!key || (operation !== "create" && key.accountId !== ownerId)) {
      failure ??= refuse("badAccess");
    } else if (!key.permissions[operation]) {
      failure ??= refuse("forbidden");
    } else {
      return { accountId: key.accountId, by: "access" };
    }
  }
  throw failure!;
}

/** Returns the account that will own the new bin. */
export const authorizeCreate = (creds: Credentials, facts: KeyFacts): string =>
  authorize("create", null, creds, facts).accountId;

/** Public bins are open for read and update; keys there only prove ownership. */
export function authorizeBin(
  operation: BinOperation,
  bin: { ownerId: string | null; private: boolean },
  creds: Credentials,
  facts: KeyFacts,
): AuthorisedBy {
  if (operation !== "delete" && !bin.private) return "public";
  return authorize(operation, bin.ownerId, creds, facts).by;
}

/**
 * Owner-only routes that take the master key alone (§3.6–§3.8, version count of a private bin).
 * `missing` picks the route's own "you need to pass" wording; the version count reports an unknown
 * key as "not yours" (decision 7), the others as an invalid key.
 */
export function authorizeOwnerMaster(
  bin: { ownerId: string | null },
  creds: Credentials,
  facts: KeyFacts,
  options: { missing?: ErrorParams["masterKeyMissing"]; unknownKeyIsNotOwned?: boolean } = {},
): void {
  if (!creds.masterHash) throw new AppError("masterKeyMissing", options.missing);
  if (!facts.masterAccountId) throw new AppError(options.unknownKeyIsNotOwned ? "binNotOwned" : "masterKeyInvalid");
  if (facts.masterAccountId !== bin.ownerId) throw new AppError("binNotOwned");
}

export const isOwnerMaster = (bin: { ownerId: string | null }, facts: KeyFacts): boolean =>
  facts.masterAccountId !== null && facts.masterAccountId === bin.ownerId;

/**
 * The owner key a stream (§10.4) rests on: the one that would authorise reading the bin were it
 * private, master first. Rotating or deleting it closes the stream (§2.4, §6.3). Null when no
 * presented key is the owner's with `read`: such a stream is authorised only because the bin is public.
 */
export function streamKey(ownerId: string | null, creds: Credentials, facts: KeyFacts): string | null {
  try {
    const by = authorizeBin("read", { ownerId, private: true }, creds, facts);
    return (by === "master" ? creds.masterHash : creds.accessHash) ?? null;
  } catch (err) {
    if (err instanceof AppError) return null;
    throw err;
  }
}
