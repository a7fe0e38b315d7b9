import { type AuthorisedBy, authorizeBin, isOwnerMaster } from "../auth/bin-access";
import type { Credentials, KeyFacts } from "../auth/credentials";
import { AppError } from "../errors/app-error";
import type { Dialect } from "../errors/spec";
import { decideVersioning } from "./versioning";

/**
 * Who asks to change a bin's record, under which API's rules: what the route decided with. The bin's
 * writer decides again against the head it holds, because the bin may have turned private while the
 * write waited in its queue, and its commit re-checks the keys the decision rested on, because a
 * key may have been deleted or rotated meanwhile.
 */
export interface UpdateAuthority {
  api: Dialect;
  creds: Credentials;
  facts: KeyFacts;
  /** The versioning header as sent (`X-Bin-Versioning` on v3, `versioning` on v2/v1). */
  requestedVersioning?: boolean | undefined;
}

type BinFacts = { private: boolean; ownerId: string | null };

/**
 * The update column of each API's key rules: v3 §3.0; v2 §8.3 (a private bin takes its owner's
 * secret-key); v1 §9.2 (a private bin is invisible without it). Raises that API's error.
 */
export function authorizeUpdate(authority: UpdateAuthority, bin: BinFacts): AuthorisedBy {
  const { api, creds, facts } = authority;
  if (api === "v3") return authorizeBin("update", bin, creds, facts);
  if (!bin.private) return "public";
  if (api === "v1") {
    if (!isOwnerMaster(bin, facts)) throw new AppError("binNotFound");
    return "master";
  }
  if (!creds.masterHash) throw new AppError("secretKeyMissing", { action: "updateBin" });
  if (!isOwnerMaster(bin, facts)) throw new AppError("secretKeyInvalid");
  return "master";
}

export interface UpdateDecision {
  versioned: boolean;
  /** The key hashes the decision rested on: the commit goes through only while they are still valid. */
  relies: { masterHash?: string; accessHash?: string };
}

/** Authorises the update (raising the API's error) and decides its versioning (§3.0; v2 versions private bins by default). */
export function decideUpdate(authority: UpdateAuthority, bin: BinFacts): UpdateDecision {
  const by = authorizeUpdate(authority, bin);
  const { facts, creds, requestedVersioning } = authority;
  const versioned = decideVersioning(bin, facts, requestedVersioning, authority.api === "v2");
  // A public bin's owner may turn versioning off with the master key: that decision rests on the key too.
  const ownerMasterDecided = !bin.private && requestedVersioning === false && isOwnerMaster(bin, facts);
  return {
    versioned,
    relies: {
      ...((by === "master" || ownerMasterDecided) && creds.masterHash ? { masterHash: creds.masterHash } : {}),
      ...(by === "access" && creds.accessHash ? { accessHash: creds.accessHash } : {}),
    },
  };
}
