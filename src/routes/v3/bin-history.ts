import { type Context, Hono } from "hono";
import { authorizeBin } from "../../auth/bin-access";
import { diffVersions, recordToRestore } from "../../bins/history";
import { checkAndWriteRecord } from "../../bins/service";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import { jsonResponse } from "../../http/json";
import { parseId } from "../../ids";
import { readV3Credentials } from "../keys";
import { openBin } from "../open-bin";
import { openV3Update, updateResponse } from "./bin-update";

/**
 * A bin's history beyond the version list: the diff between two records (§10.6) and restoring one
 * (§10.7). Mounted before `bins`, so `/<id>/diff` is never read as a version segment.
 */
export const binHistory = new Hono<HonoEnv>();

type C = Context<HonoEnv>;

const binId = (c: C) => parseId(c.req.param("id"), "invalidBinId");

/** `from`/`to`: a version number (1–9 digits) or `latest`; null when absent. */
function versionQuery(c: C, name: "from" | "to"): number | "latest" | null {
  const raw = c.req.query(name)?.trim();
  if (raw === undefined) return null;
  if (raw.toLowerCase() === "latest") return "latest";
  if (!/^\d{1,9}$/.test(raw)) throw new AppError("versionRangeInvalid");
  return Number(raw);
}

/** Keys as a read. `to` defaults to the latest, `from` to the record before `to`; either order may be asked. */
binHistory.get("/:id/diff", async (c) => {
  const id = binId(c);
  const rawFrom = versionQuery(c, "from");
  const rawTo = versionQuery(c, "to");
  const creds = await readV3Credentials(c);
  const view = await openBin(c, id, creds, {
    authorize: (v) => authorizeBin("read", v, creds, v.keys),
    read: true,
  });
  const resolve = (v: number | "latest") => (v === "latest" ? view.versionCount : v);
  const to = rawTo === null ? view.versionCount : resolve(rawTo);
  const from = rawFrom === null ? Math.max(0, to - 1) : resolve(rawFrom);
  if (from > view.versionCount || to > view.versionCount) throw new AppError("binVersionNotFound");
  const patch = await diffVersions(c.env, id, from, to);
  return jsonResponse({ from, to, patch });
});

/** Exactly a PUT of record n (§3.3: keys, versioning, cap, If-Match, checks), body ignored. */
binHistory.post("/:id/versions/:version/restore", async (c) => {
  const id = binId(c);
  const segment = c.req.param("version");
  if (!/^\d{1,9}$/.test(segment)) throw new AppError("binVersionInvalid");
  const version = Number(segment);
  const { view, ifMatch, authority } = await openV3Update(c, id);
  if (version > view.versionCount) throw new AppError("binVersionNotFound");
  const value = await recordToRestore(c.env, id, version);
  const { record, result } = await checkAndWriteRecord(c.env, view, value, { authority, ifMatch });
  return updateResponse(view, record, result, { restoredFrom: version });
});
