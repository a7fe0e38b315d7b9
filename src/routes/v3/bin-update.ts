import type { Context } from "hono";
import { ifMatchPasses } from "../../bins/conditional";
import { etagOf, type StoredRecord } from "../../bins/records";
import type { WriteResult } from "../../bins/writer-protocol";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import { booleanHeader, header } from "../../http/headers";
import { rawJsonResponse } from "../../http/json";
import type { BinView } from "../../storage/bin-reads";
import { readV3Credentials } from "../keys";
import { openForUpdate } from "../open-bin";

// What every v3 write of a bin's record shares (PUT, PATCH, restore): §3.3's steps and answer.

type C = Context<HonoEnv>;

/** If-Match is checked here in request order (§1.6 step 7) and again by the writer, atomically. */
export function checkIfMatch(c: C, view: BinView): string | undefined {
  const ifMatch = header(c, "If-Match");
  const etag = view.record && etagOf(view.record.version, view.record.hash);
  if (etag && !ifMatchPasses(ifMatch, etag)) throw new AppError("preconditionFailed", { etag });
  return ifMatch;
}

/**
 * §1.6 steps 4–7 of an update, after the id and the body cap: the versioning header, the bin with
 * the `update` key rules, the charge, If-Match. The authority goes on to the writer, which decides again.
 */
export async function openV3Update(c: C, id: string) {
  const requestedVersioning = booleanHeader(c, "X-Bin-Versioning");
  const creds = await readV3Credentials(c);
  const { view, authority } = await openForUpdate(
    c,
    id,
    { api: "v3", creds, requestedVersioning },
    "binNotFoundForUpdate",
  );
  return { view, authority, ifMatch: checkIfMatch(c, view) };
}

/** §3.3's answer to a write of the latest; `extra` metadata goes last (a restore's `restoredFrom`). */
export function updateResponse(
  view: BinView,
  record: StoredRecord,
  result: WriteResult,
  extra: Record<string, unknown> = {},
): Response {
  const metadata = {
    parentId: view.id,
    private: result.private,
    ...(result.appended ? { version: result.version } : {}),
    ...extra,
  };
  return rawJsonResponse(`{"record":${record.text},"metadata":${JSON.stringify(metadata)}}`, 200, {
    "X-Bin-Version": String(result.version),
    ETag: result.etag,
    ...(result.capReached ? { "X-Bin-Version-Cap-Reached": "true" } : {}),
  });
}
