import type { Context } from "hono";
import type { Payer } from "../../accounts/limits";
import { isOwnerMaster } from "../../auth/bin-access";
import type { Credentials } from "../../auth/credentials";
import type { StoredRecord } from "../../bins/records";
import { readRecordText } from "../../bins/service";
import type { WriteResult } from "../../bins/writer-protocol";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import { jsonObjectText, RawJson, rawJsonResponse } from "../../http/json";
import { type BinView, loadCreateContext, type SchemaRef } from "../../storage/bin-reads";
import { charge } from "../charging";
import { readLegacyCredentials } from "../keys";
import { openBin } from "../open-bin";

// What v2 and v1 share: `secret-key` is the master key, and on a bin only its owner's key counts.

const anonymousBinsAllowed = (env: Env): boolean => env.ALLOW_ANONYMOUS_BINS?.trim().toLowerCase() === "true";

/** An anonymous bin has no owner, so no key ever passes this: it can never be deleted or reconfigured. */
export const isOwner = (view: BinView): boolean => isOwnerMaster(view, view.keys);

export interface Creator {
  /** Null for an anonymous bin. */
  ownerId: string | null;
  payer: Payer | null;
  schema: SchemaRef | null;
}

/**
 * Who owns a bin created through v2/v1: the `secret-key`'s account, or nobody when no key is sent,
 * the operator allows anonymous bins and the request asks for nothing an owner is needed for.
 * A `collectionId` (v2 only) must be the key account's own collection.
 */
export async function resolveCreator(
  c: Context<HonoEnv>,
  options: { anonymousOk: boolean; collectionId?: string | null },
): Promise<Creator> {
  const creds = await readLegacyCredentials(c);
  if (!creds.masterHash) {
    if (!options.anonymousOk || !anonymousBinsAllowed(c.env)) {
      throw new AppError("secretKeyMissing", { action: "createBin" });
    }
    return { ownerId: null, payer: null, schema: null };
  }
  const context = await loadCreateContext(c.env.DB, creds, options.collectionId ?? null);
  const ownerId = context.keys.masterAccountId;
  if (!ownerId) throw new AppError("secretKeyInvalid");
  if (options.collectionId && context.collection?.accountId !== ownerId) throw new AppError("invalidCollectionId");
  const payer = context.payer(ownerId);
  if (payer) await charge(c, payer);
  return { ownerId, payer, schema: context.collection?.schema ?? null };
}

/** A legacy read's version segment: none = the base (§8.2, unlike v3), `latest`, or 1..N. */
function legacyVersion(segment: string | undefined): number | null {
  if (segment === undefined) return 0;
  if (segment === "latest") return null;
  const n = /^\d{1,9}$/.test(segment) ? Number(segment) : 0;
  if (n < 1) throw new AppError("binVersionNotFound");
  return n;
}

/** The selected record's compact text, for v2 raw reads and v1 pretty reads alike. */
export async function readLegacyRecord(
  c: Context<HonoEnv>,
  id: string,
  segment: string | undefined,
  authorizeView: (view: BinView, creds: Credentials) => void,
): Promise<string> {
  const version = legacyVersion(segment);
  const creds = await readLegacyCredentials(c);
  const authorize = (v: BinView) => authorizeView(v, creds);
  const view = await openBin(c, id, creds, { version, authorize, read: true });
  if (!view.record) throw new AppError("binVersionNotFound");
  const found = await readRecordText(c.env, view, creds, version, authorize);
  // Gone between the lookup and the body fetch: the bin was deleted, or its versions were.
  if (!found) throw new AppError(version ? "binVersionNotFound" : "binNotFound");
  return found.text;
}

/** v2 and v1 answer an update the same way (§8.3, §9.2); at the cap, the header replaces `version`. */
export function legacyUpdateResponse(id: string, record: StoredRecord, result: WriteResult): Response {
  return rawJsonResponse(
    jsonObjectText({
      success: true,
      data: new RawJson(record.text),
      parentId: id,
      version: result.appended ? result.version : undefined,
    }),
    200,
    result.capReached ? { "X-Bin-Version-Cap-Reached": "true" } : undefined,
  );
}
