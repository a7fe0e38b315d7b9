#!/usr/bin/env node
// `npm run import -- --from <JSONBin-compatible base URL> --master-key <key> [options]`: copies a
// JSONBin account into edgebin under the same ids; `npm run import -- --file export.ndjson`
// restores an export. Run it again after an interruption and it continues where it stopped.

import { resolve } from "node:path";
import { parseArgs, positiveInteger, UsageError } from "./lib/args.mjs";
import { Api } from "./lib/http.mjs";
import { isLocal, LOCAL_URL, localAdminKey, root } from "./lib/local-defaults.mjs";
import { EdgebinTarget } from "./lib/moving/edgebin-target.mjs";
import { FileSource, TruncatedFile } from "./lib/moving/file-source.mjs";
import { EXIT, Importer } from "./lib/moving/importer.mjs";
import { JsonbinSource } from "./lib/moving/jsonbin-source.mjs";
import { ImportState, stateKey } from "./lib/moving/state.mjs";
import { recordHash } from "./lib/records.mjs";

const USAGE = `Usage:
  npm run import -- --from <JSONBin-compatible base URL> --master-key <key> [options]
  npm run import -- --file <export.ndjson> [options]

Source:
  --from <url>            e.g. https://api.jsonbin.io (read through its public v3 API)
  --master-key <key>      the source account's X-Master-Key (or env JSONBIN_MASTER_KEY)
  --file <path>           an export (npm run export, GET /v3/account/export) to restore
  --latest-only           copy only each bin's latest record, not its history

Target:
  --to <url>              the edgebin instance (default ${LOCAL_URL}, the one npm start runs)
  --admin-key <key>       its ADMIN_KEY (or env EDGEBIN_ADMIN_KEY; default for the local one: .dev.vars)
  --new-account           import into a new account (the default); --name and --plan (free|pro) set it up
  --account <id>          import into this existing account instead ...
  --to-master-key <key>   ... whose master key the verification reads it back with (or env EDGEBIN_MASTER_KEY)

Run:
  --dry-run               discover and print what the copy would cost, then stop
  --state <dir>           where progress is kept (default .wrangler/import/<key>)
  --concurrency <n>       bins copied at once (default 4)

Exit status: 0 done and verified, 1 failures or mismatches, 2 usage, 3 the source's requests ran out (run again later).`;

const SPEC = {
  from: "string",
  "master-key": "string",
  file: "string",
  "latest-only": "boolean",
  to: "string",
  "admin-key": "string",
  "new-account": "boolean",
  account: "string",
  "to-master-key": "string",
  name: "string",
  plan: "string",
  "dry-run": "boolean",
  state: "string",
  concurrency: "string",
  help: "boolean",
};

function configure(argv) {
  const o = parseArgs(argv, SPEC);
  if (o.help) return null;
  if (!o.from === !o.file) throw new UsageError("give either --from <url> or --file <path>");
  if (o.account && o["new-account"]) throw new UsageError("--account and --new-account exclude each other");
  const to = o.to ?? LOCAL_URL;
  const adminKey = o["admin-key"] ?? process.env.EDGEBIN_ADMIN_KEY ?? (isLocal(to) ? localAdminKey() : undefined);
  if (!adminKey) throw new UsageError("the target's admin key is needed: --admin-key or EDGEBIN_ADMIN_KEY");
  const masterKey = o["master-key"] ?? process.env.JSONBIN_MASTER_KEY;
  if (o.from && !masterKey)
    throw new UsageError("the source's master key is needed: --master-key or JSONBIN_MASTER_KEY");
  const accountId = o.account?.toLowerCase();
  if (accountId && !/^[0-9a-f]{24}$/.test(accountId)) throw new UsageError("--account needs a 24-hex account id");
  const targetMasterKey = o["to-master-key"] ?? process.env.EDGEBIN_MASTER_KEY;
  if (accountId && !targetMasterKey) {
    throw new UsageError("with --account, the verification needs that account's master key: --to-master-key");
  }
  if (o.plan && o.plan !== "free" && o.plan !== "pro") throw new UsageError("--plan is free or pro");
  const from = o.from?.replace(/\/+$/, "");
  const file = o.file && resolve(o.file);
  const key = stateKey({ from, file, source: masterKey && recordHash(masterKey), to, accountId: accountId ?? "new" });
  return {
    from,
    file,
    masterKey,
    to,
    adminKey,
    accountId,
    targetMasterKey,
    stateDir: resolve(o.state ?? resolve(root, ".wrangler", "import", key)),
    options: {
      latestOnly: Boolean(o["latest-only"]),
      dryRun: Boolean(o["dry-run"]),
      concurrency: positiveInteger(o.concurrency, "concurrency", 4),
      accountId,
      targetMasterKey,
      accountName: o.name ?? (from ? `imported from ${new URL(from).host}` : "restored from an export"),
      plan: o.plan ?? "free",
    },
  };
}

async function main() {
  let config;
  try {
    config = configure(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (!config) {
    console.log(USAGE);
    return EXIT.ok;
  }
  const log = (message) => console.log(message);
  const source = config.file
    ? new FileSource(config.file)
    : new JsonbinSource(new Api(config.from, { "X-Master-Key": config.masterKey }, { log, name: "the source" }));
  const target = new EdgebinTarget(new Api(config.to, { "X-Admin-Key": config.adminKey }, { log, name: "the target" }));
  const state = new ImportState(config.stateDir);
  console.log(`Progress is kept in ${config.stateDir}`);
  const importer = new Importer({
    source,
    target,
    state,
    verifyApi: (masterKey) => new Api(config.to, { "X-Master-Key": masterKey }, { log, name: "the target" }),
    options: config.options,
  });
  try {
    return await importer.run();
  } catch (err) {
    if (err instanceof TruncatedFile) {
      console.error(err.message);
      return EXIT.failed;
    }
    throw err;
  }
}

process.exitCode = await main().catch((err) => {
  console.error(err);
  return EXIT.failed;
});
