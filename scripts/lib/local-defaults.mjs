// What the scripts assume when pointed at the local `npm start` instance and given no keys: its
// address, the ADMIN_KEY in .dev.vars and the first account npm start made.

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

export const root = resolve(import.meta.dirname, "..", "..");
export const LOCAL_URL = "http://127.0.0.1:8787";

export function localAdminKey() {
  const file = resolve(root, ".dev.vars");
  if (!existsSync(file)) return undefined;
  return (
    readFileSync(file, "utf8")
      .match(/^ADMIN_KEY=(.*)$/m)?.[1]
      ?.trim() || undefined
  );
}

export function localMasterKey() {
  const file = resolve(root, ".wrangler", "first-account.json");
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")).masterKey;
}

export const isLocal = (url) => url.replace(/\/+$/, "") === LOCAL_URL;
