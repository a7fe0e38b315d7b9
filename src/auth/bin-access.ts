import { AppError } from "../errors";
import type { Credentials, KeyFacts, Permissions } from "./credentials";

export type BinOperation = "read" | "update" | "delete";

interface KeyMessages {
  noKey: string;
  badMaster: string;
  badAccess: string;
  forbidden: string;
}

const BAD_ACCESS = "X-Access-Key is invalid or the bin doesn't belong to your account";
const NOT_YOURS = "X-Master-Key is invalid or the bin doesn't belong to your account";

// The key table of contract §3.0, one column per operation.
const MESSAGES: Record<BinOperation | "create", KeyMessages> = {
  create: {
    noKey: "You need to pass X-Master-Key or X-Access-Key in the header to create a bin",
    badMaster: "Invalid X-Master-Key provided",
    badAccess: BAD_ACCESS,
    forbidden: "X-Access-Key passed does not have permission to create a bin",
  },
  read: {
    noKey: "You need to pass X-Master-Key or X-Access-Key in the header to read a private bin",
    badMaster: NOT_YOURS,
    badAccess: BAD_ACCESS,
    forbidden: "X-Access-Key passed does not have permission to read the bin",
  },
  update: {
    noKey: "You need to pass X-Master-Key or X-Access-Key in the header to update a private bin",
    badMaster: "Invalid X-Master-Key provided or the bin does not belong to your account",
    badAccess: BAD_ACCESS,
    forbidden: "X-Access-Key passed does not have permission to update the bin",
  },
  delete: {
    noKey: "You need to pass X-Master-Key or X-Access-Key in the header to delete a bin",
    badMaster: NOT_YOURS,
    badAccess: BAD_ACCESS,
    forbidden: "X-Access-Key passed does not have permission to delete the bin",
  },
};

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
): string {
  const m = MESSAGES[operation];
  if (!creds.masterHash && !creds.accessHash) throw new AppError(401, m.noKey);
  const permission: keyof Permissions = operation;
  let failure: AppError | undefined;
  if (creds.masterHash) {
    const account = facts.masterAccountId;
    if (account && (operation === "create" || account === ownerId)) return account;
    failure = new AppError(401, m.badMaster);
  }
  if (creds.accessHash) {
    const key = facts.accessKey;
    if (!key || (operation !== "create" && key.accountId !== ownerId)) {
      failure ??= new AppError(401, m.badAccess);
    } else if (!key.permissions[permission]) {
      failure ??= new AppError(403, m.forbidden);
    } else {
      return key.accountId;
    }
  }
  throw failure!;
}

/** Returns the account that will own the new bin. */
export const authorizeCreate = (creds: Credentials, facts: KeyFacts): string => authorize("create", null, creds, facts);

/** Public bins are open for read and update; keys there only prove ownership. */
export function authorizeBin(
  operation: BinOperation,
  bin: { ownerId: string | null; private: boolean },
  creds: Credentials,
  facts: KeyFacts,
): void {
  if (operation !== "delete" && !bin.private) return;
  authorize(operation, bin.ownerId, creds, facts);
}

/**
 * Owner-only routes that take the master key alone (§3.6–§3.8, version count of a private bin).
 * `missing` is the route's own "you need to pass" message.
 */
export function authorizeOwnerMaster(
  bin: { ownerId: string | null },
  creds: Credentials,
  facts: KeyFacts,
  missing: string,
  unknownKey = "Invalid X-Master-Key provided",
): void {
  if (!creds.masterHash) throw new AppError(401, missing);
  if (!facts.masterAccountId) throw new AppError(401, unknownKey);
  if (facts.masterAccountId !== bin.ownerId) throw new AppError(401, NOT_YOURS);
}

export const isOwnerMaster = (bin: { ownerId: string | null }, facts: KeyFacts): boolean =>
  facts.masterAccountId !== null && facts.masterAccountId === bin.ownerId;
