// Shared by the moving-in/out end-to-end tests: a JSONBin-like account seeded through the public
// API, the import/export scripts run as a user runs them, and an account read back through its export.

import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { root } from "../../scripts/lib/local-worker.mjs";

export interface Account {
  accountId: string;
  masterKey: string;
}

/** Header values are bytes: a name is sent as its UTF-8 bytes, which the server decodes (§1.2). */
export const utf8Header = (value: string): string => Buffer.from(value, "utf8").toString("latin1");

async function call(base: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

export const createAccount = (base: string, adminKey: string): Promise<Account> =>
  call(base, "POST", "/v3/admin/accounts", { "X-Admin-Key": adminKey }, JSON.stringify({ plan: "pro" }));

/** What the seeded account holds, to check an import against without asking the source again. */
export interface Seeded {
  account: Account;
  collections: string[];
  schemas: string[];
  bins: { id: string; private: boolean; name?: string; collectionId?: string; versions: number }[];
}

/** Version counts of the 50 bins: the big one, two of 30, ten of 1, a few short histories, the rest none. */
export const VERSION_COUNTS = [1000, 30, 30, ...Array(10).fill(1), 2, 3, 5, ...Array(34).fill(0)];
const NAMES = ["Grüße", "日本語のビン", "emoji 🚀✨", "Ünïcödé", "Ελληνικά", "naïve café"];

/**
 * 2 schema docs, 3 collections (two with a schema attached), 50 bins of mixed privacy spread over
 * the collections and uncategorized, with the histories of VERSION_COUNTS. Created through the
 * public v3 API, as a JSONBin user would have; versioned PUTs to one bin go a few at a time.
 */
export async function seedSource(base: string, adminKey: string): Promise<Seeded> {
  const account = await createAccount(base, adminKey);
  const key = { "X-Master-Key": account.masterKey };
  const schemas: string[] = [];
  for (const [i, schema] of [{ type: "object" }, { type: "object", properties: { n: { type: "number" } } }].entries()) {
    const doc = await call(
      base,
      "POST",
      "/v3/s",
      { ...key, "X-Schema-Doc-Name": utf8Header(`schéma ${i}`) },
      JSON.stringify(schema),
    );
    schemas.push(doc.metadata.id);
  }
  const collections: string[] = [];
  for (const name of ["Sammlung Ä", "コレクション", "plain"]) {
    const c = await call(base, "POST", "/v3/c", { ...key, "X-Collection-Name": utf8Header(name) });
    collections.push(c.record);
  }
  await call(base, "PUT", `/v3/c/${collections[0]}/schemadoc/add/${schemas[0]}`, key);
  await call(base, "PUT", `/v3/c/${collections[1]}/schemadoc/add/${schemas[1]}`, key);

  const bins: Seeded["bins"] = [];
  await Promise.all(
    VERSION_COUNTS.map(async (versions, i) => {
      const isPrivate = i % 3 !== 1;
      const name = i % 4 === 3 ? undefined : `${NAMES[i % NAMES.length]} #${i}`;
      const collectionId = i % 5 === 4 ? undefined : collections[i % 3];
      const created = await call(
        base,
        "POST",
        "/v3/b",
        {
          ...key,
          "X-Bin-Private": String(isPrivate),
          ...(name ? { "X-Bin-Name": utf8Header(name) } : {}),
          ...(collectionId ? { "X-Collection-Id": collectionId } : {}),
        },
        JSON.stringify({ n: 0, bin: i, text: `base ${NAMES[i % NAMES.length]}` }),
      );
      const id: string = created.metadata.id;
      bins.push({
        id,
        private: isPrivate,
        ...(name ? { name } : {}),
        ...(collectionId ? { collectionId } : {}),
        versions,
      });
      const versioned = { ...key, "X-Bin-Versioning": "true" };
      for (let v = 1; v <= versions; v += 10) {
        const batch = Array.from({ length: Math.min(10, versions - v + 1) }, (_, k) => v + k);
        await Promise.all(
          batch.map((n) => call(base, "PUT", `/v3/b/${id}`, versioned, JSON.stringify({ n, bin: i, at: `v${n}` }))),
        );
      }
    }),
  );
  return { account, collections, schemas, bins };
}

export type Line = Record<string, unknown> & { type: string };

/** The account's export, parsed; the account line (its id and time) is left out, as it differs between instances. */
export async function exportOf(base: string, masterKey: string): Promise<Line[]> {
  const res = await fetch(`${base}/v3/account/export`, { headers: { "X-Master-Key": masterKey } });
  if (!res.ok) throw new Error(`export: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => l.type !== "account");
}

/** A script of the project run as `npm run <name> -- args` runs it: Node, from the repository root. */
export function script(name: "import" | "export", args: string[]): ChildProcess {
  return spawn(process.execPath, [resolve(root, "scripts", `${name}.mjs`), ...args], {
    cwd: root,
    env: { ...process.env, JSONBIN_MASTER_KEY: "", EDGEBIN_ADMIN_KEY: "", EDGEBIN_MASTER_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs a script to its end; `onLine` sees each line of its output and may kill it. */
export function run(child: ChildProcess, onLine: (line: string, child: ChildProcess) => void = () => {}): Promise<Run> {
  let output = "";
  const lines = createInterface({ input: child.stdout! });
  lines.on("line", (line) => {
    output += `${line}\n`;
    onLine(line, child);
  });
  child.stderr!.on("data", (chunk) => (output += chunk));
  return new Promise((resolveRun) => child.once("close", (code, signal) => resolveRun({ code, signal, output })));
}
