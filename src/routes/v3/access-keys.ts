import { Hono } from "hono";
import {
  type AccessKeyRow,
  deleteAccessKey,
  findAccessKey,
  insertAccessKey,
  listAccessKeys,
  permissionsOf,
} from "../../accounts/access-keys";
import { effectiveLimits } from "../../accounts/limits";
import type { Permissions } from "../../auth/credentials";
import { generateKey, sha256Hex } from "../../auth/keys";
import { closeStreams } from "../../bins/streams/service";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import { readBodyText } from "../../http/body";
import { requiredName } from "../../http/headers";
import { jsonResponse } from "../../http/json";
import { newId, parseId } from "../../ids";
import { isBlank, isMediaType, isPlainObject, parseJson } from "../../values";
import { charge } from "../charging";
import { requireMasterAccount } from "../keys";

/** §6: bin-only permissions; master key only; keys are shown once and never again. */
export const accessKeys = new Hono<HonoEnv>();

const PERMISSIONS = ["create", "read", "update", "delete"] as const;

/** `{"bins": {...}}`: missing permissions are false, unknown keys ignored, an empty body grants nothing. */
function parsePermissions(text: string): Permissions {
  const none: Permissions = { create: false, read: false, update: false, delete: false };
  if (isBlank(text)) return none;
  const parsed = parseJson(text);
  if (!parsed.ok) throw new AppError("invalidJson");
  if (!isPlainObject(parsed.value)) throw new AppError("accessKeyPermissionsInvalid");
  const bins = parsed.value.bins;
  if (bins === undefined) return none;
  if (!isPlainObject(bins)) throw new AppError("accessKeyPermissionsInvalid");
  for (const p of PERMISSIONS) {
    const v = bins[p];
    if (v === undefined) continue;
    if (typeof v !== "boolean") throw new AppError("accessKeyPermissionsInvalid");
    none[p] = v;
  }
  return none;
}

const describe = (row: AccessKeyRow) => ({
  keyPermissions: { bins: permissionsOf(row) },
  accessKeyId: row.id,
  metadata: { name: row.name, createdAt: row.created_at },
});

accessKeys.post("/", async (c) => {
  const text = await readBodyText(c);
  const name = requiredName(c, "accessKey");
  const account = await requireMasterAccount(c);
  await charge(c, account);
  if (!isMediaType(c.req.header("Content-Type"))) throw new AppError("contentTypeNotJson");
  const permissions = parsePermissions(text);
  const accessKey = generateKey();
  const row: AccessKeyRow = {
    id: newId(),
    account_id: account.id,
    key_hash: await sha256Hex(accessKey),
    name,
    can_create: permissions.create ? 1 : 0,
    can_read: permissions.read ? 1 : 0,
    can_update: permissions.update ? 1 : 0,
    can_delete: permissions.delete ? 1 : 0,
    created_at: new Date().toISOString(),
  };
  if (!(await insertAccessKey(c.env.DB, row, effectiveLimits(c.env, account).maxAccessKeys))) {
    throw new AppError("accessKeyLimit");
  }
  const { keyPermissions, accessKeyId, metadata } = describe(row);
  return jsonResponse({ accessKey, accessKeyId, keyPermissions, metadata });
});

accessKeys.get("/", async (c) => {
  const account = await requireMasterAccount(c, { route: "listAccessKeys" });
  await charge(c, account);
  return jsonResponse((await listAccessKeys(c.env.DB, account.id)).map(describe));
});

accessKeys.delete("/:id", async (c) => {
  const id = parseId(c.req.param("id"), "invalidAccessKeyId");
  const account = await requireMasterAccount(c, { route: "deleteAccessKey" });
  const row = await findAccessKey(c.env.DB, account.id, id);
  if (!row) throw new AppError("accessKeyNotFound");
  await charge(c, account);
  await deleteAccessKey(c.env.DB, id);
  // The streams it authorised close after the response (§6.3).
  c.executionCtx.waitUntil(closeStreams(c.env, account.id, row.key_hash));
  return jsonResponse({ metadata: { id, name: row.name }, message: "Access Key deleted successfully" });
});
