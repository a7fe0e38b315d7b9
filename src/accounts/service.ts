import { generateKey, sha256Hex } from "../auth/keys";
import { AppError } from "../errors/app-error";
import { newId } from "../ids";
import { requestsUsed } from "../usage/charge";
import { codePointLength, isPlainObject } from "../values";
import { effectiveLimits, type Plan } from "./limits";
import { type AccountRow, accountUsage, findAccount } from "./store";

const isPlan = (v: unknown): v is Plan => v === "free" || v === "pro";

function validName(v: unknown): v is string {
  if (typeof v !== "string") return false;
  const length = codePointLength(v.trim());
  return length >= 1 && length <= 64;
}

export interface NewAccountInput {
  name?: unknown;
  plan?: unknown;
}

export async function createAccount(env: Env, input: NewAccountInput) {
  if (input.name !== undefined && !validName(input.name)) {
    throw new AppError("accountNameInvalid");
  }
  if (input.plan !== undefined && !isPlan(input.plan)) throw new AppError("accountPlanInvalid");
  const plan: Plan = input.plan ?? "free";
  const masterKey = generateKey();
  const account = {
    id: newId(),
    name: typeof input.name === "string" ? input.name.trim() : null,
    createdAt: new Date().toISOString(),
  };
  await env.DB.prepare("INSERT INTO accounts (id, name, plan, master_key_hash, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(account.id, account.name, plan, await sha256Hex(masterKey), account.createdAt)
    .run();
  return { accountId: account.id, masterKey, plan, createdAt: account.createdAt };
}

/** What the account has used: requests (with what is still on its way to D1), bins and their bytes. */
export async function currentUsage(env: Env, row: AccountRow) {
  const [usage, used] = await Promise.all([accountUsage(env.DB, row.id), requestsUsed(env, row)]);
  return { requestsUsed: used, bins: usage.bins, storageBytes: usage.storageBytes };
}

export async function describeAccount(env: Env, row: AccountRow) {
  return {
    accountId: row.id,
    ...(row.name !== null ? { name: row.name } : {}),
    plan: row.plan,
    limits: effectiveLimits(env, row),
    usage: await currentUsage(env, row),
    createdAt: row.created_at,
  };
}

export async function getAccount(env: Env, id: string): Promise<AccountRow> {
  const row = await findAccount(env.DB, id);
  if (!row) throw new AppError("accountNotFound");
  return row;
}

const LIMIT_COLUMNS = {
  maxRecordBytes: "max_record_bytes",
  maxCollections: "max_collections",
  maxAccessKeys: "max_access_keys",
  requestQuota: "request_quota",
} as const;

const invalid = (field: string) => new AppError("invalidFieldValue", { field });
const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** Validates the whole patch before writing anything, then applies it in one statement. The caller has checked that the account exists. */
export async function patchAccount(env: Env, id: string, patch: Record<string, unknown>): Promise<AccountRow> {
  const sets: string[] = [];
  const values: unknown[] = [];
  const set = (column: string, value: unknown) => {
    sets.push(`${column} = ?`);
    values.push(value);
  };
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case "name":
        if (value === null) set("name", null);
        else if (validName(value)) set("name", value.trim());
        else throw invalid(key);
        break;
      case "plan":
        if (!isPlan(value)) throw invalid(key);
        set("plan", value);
        break;
      case "resetRequests":
        if (typeof value !== "boolean") throw invalid(key);
        // A new epoch: counts of the old one still buffered in isolates or meters are dropped when they land.
        if (value) {
          set("requests_used", 0);
          sets.push("requests_epoch = requests_epoch + 1");
        }
        break;
      case "limits":
        if (!isPlainObject(value)) throw invalid(key);
        for (const [limit, v] of Object.entries(value)) {
          // Own keys only: `constructor` or `__proto__` must be unknown fields, never a column name.
          if (!Object.hasOwn(LIMIT_COLUMNS, limit)) throw new AppError("unknownField", { field: limit });
          const column = LIMIT_COLUMNS[limit as keyof typeof LIMIT_COLUMNS];
          if (v === null) set(column, null);
          else if (limit === "requestQuota" && v === "unlimited") set(column, -1);
          else if (limit === "requestQuota" && Number.isSafeInteger(v) && (v as number) >= 0) set(column, v);
          else if (limit !== "requestQuota" && isPositiveInt(v)) set(column, v);
          else throw invalid(limit);
        }
        break;
      default:
        throw new AppError("unknownField", { field: key });
    }
  }
  if (sets.length > 0) {
    await env.DB.prepare(`UPDATE accounts SET ${sets.join(", ")} WHERE id = ?`)
      .bind(...values, id)
      .run();
  }
  return getAccount(env, id);
}

/**
 * The old key stops working the moment the new hash is committed. The update only replaces the hash
 * it was authorised with, so of concurrent rotations with one key exactly one wins; the others find
 * the old key gone (401), and no key is handed out that never worked.
 */
export async function rotateMasterKey(env: Env, account: AccountRow) {
  const masterKey = generateKey();
  const rotatedAt = new Date().toISOString();
  const result = await env.DB.prepare("UPDATE accounts SET master_key_hash = ? WHERE id = ? AND master_key_hash = ?")
    .bind(await sha256Hex(masterKey), account.id, account.master_key_hash)
    .run();
  if (result.meta.changes !== 1) throw new AppError("masterKeyInvalid");
  return { accountId: account.id, masterKey, rotatedAt };
}
