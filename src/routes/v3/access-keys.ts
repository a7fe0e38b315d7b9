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
import { requireMasterAccount } from "../../auth/account-auth";
import type { Permissions } from "../../auth/credentials";
import { generateKey, sha256Hex } from "../../auth/keys";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors";
import { isBlank, isJsonContentType, isPlainObject, parseJson, readBodyText } from "../../http/body";
import { type NameRules, requiredName } from "../../http/headers";
import { newId, parseId } from "../../http/ids";
import { jsonResponse } from "../../http/json";
import { charge } from "../../usage/charge";

/** §6: bin-only permissions; master key only; keys are shown once and never again. */
export const accessKeys = new Hono<HonoEnv>();

const NAME: NameRules = {
  header: "X-Key-Name",
  max: 32,
  missing: "You need to pass X-Key-Name header to set a name for the Access Key",
  blank: "X-Key-Name cannot be blank",
  tooLong: "Name of the Access Key cannot be above 32 characters",
};

const PERMISSIONS = ["create", "read", "update", "delete"] as const;
const BAD_PERMISSIONS = "Access Key permissions must be booleans";

/** `{"bins": {...}}`: missing permissions are false, unknown keys ignored, an empty body grants nothing. */
function parsePermissions(text: string): Permissions {
  const none: Permissions = { create: false, read: false, update: false, delete: false };
  if (isBlank(text)) return none;
  const parsed = parseJson(text);
  if (!parsed.ok) throw new AppError(400, "Invalid JSON. Please try again");
  if (!isPlainObject(parsed.value)) throw new AppError(400, BAD_PERMISSIONS);
  const bins = parsed.value.bins;
  if (bins === undefined) return none;
  if (!isPlainObject(bins)) throw new AppError(400, BAD_PERMISSIONS);
  for (const p of PERMISSIONS) {
    const v = bins[p];
    if (v === undefined) continue;
    if (typeof v !== "boolean") throw new AppError(400, BAD_PERMISSIONS);
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
  const name = requiredName(c, NAME);
  const account = await requireMasterAccount(c);
  await charge(c, account);
  if (!isJsonContentType(c)) throw new AppError(400, "You need to pass Content-Type set to application/json");
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
    throw new AppError(403, "Access Key limit reached for your plan");
  }
  const { keyPermissions, accessKeyId, metadata } = describe(row);
  return jsonResponse({ accessKey, accessKeyId, keyPermissions, metadata });
});

accessKeys.get("/", async (c) => {
  const account = await requireMasterAccount(
    c,
    "You need to pass X-Master-Key in the header to fetch a list of Access Keys.",
  );
  await charge(c, account);
  return jsonResponse((await listAccessKeys(c.env.DB, account.id)).map(describe));
});

accessKeys.delete("/:id", async (c) => {
  const id = parseId(c.req.param("id"), "Invalid Access Key Id provided");
  const account = await requireMasterAccount(
    c,
    "You need to pass X-Master-Key in the header to delete the access key.",
  );
  const row = await findAccessKey(c.env.DB, account.id, id);
  if (!row) throw new AppError(404, "Access Key not found");
  await charge(c, account);
  await deleteAccessKey(c.env.DB, id);
  return jsonResponse({ metadata: { id, name: row.name }, message: "Access Key deleted successfully" });
});
