import { isOwnerMaster } from "../auth/bin-access";
import type { KeyFacts } from "../auth/credentials";

/**
 * The versioning table of §3.0. Private bins follow the header (`privateDefault` when absent: false
 * on v3 and v1, true on v2); public bins are always versioned unless the owner's master key says
 * `false`.
 */
export function decideVersioning(
  bin: { private: boolean; ownerId: string | null },
  keys: KeyFacts,
  requested: boolean | undefined,
  privateDefault = false,
): boolean {
  if (bin.private) return requested ?? privateDefault;
  return !(requested === false && isOwnerMaster(bin, keys));
}
