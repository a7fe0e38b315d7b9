#!/usr/bin/env node
// `npm run export -- --out file.ndjson [--from <edgebin URL>] [--master-key <key>]`: the whole
// account as one NDJSON file (GET /v3/account/export), written as it streams in. A file without
// its final `end` line is incomplete; this script removes it rather than leave it looking whole.

import { once } from "node:events";
import { createWriteStream, renameSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { parseArgs, UsageError } from "./lib/args.mjs";
import { Api } from "./lib/http.mjs";
import { isLocal, LOCAL_URL, localMasterKey } from "./lib/local-defaults.mjs";
import { Progress } from "./lib/progress.mjs";

const USAGE = `Usage: npm run export -- --out <file.ndjson> [--from <edgebin URL>] [--master-key <key>]
  --from        the edgebin instance (default ${LOCAL_URL}, the one npm start runs)
  --master-key  the account's master key (or env EDGEBIN_MASTER_KEY; default for the local
                instance: the first account npm start made)`;

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2), { out: "string", from: "string", "master-key": "string", help: "boolean" });
    if (o.help) {
      console.log(USAGE);
      return 0;
    }
    if (!o.out) throw new UsageError("--out <file> is needed");
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  const from = o.from ?? LOCAL_URL;
  const masterKey = o["master-key"] ?? process.env.EDGEBIN_MASTER_KEY ?? (isLocal(from) ? localMasterKey() : undefined);
  if (!masterKey) {
    console.error(`the account's master key is needed: --master-key or EDGEBIN_MASTER_KEY\n\n${USAGE}`);
    return 2;
  }
  const api = new Api(from, { "X-Master-Key": masterKey }, { log: console.log, name: "edgebin" });
  const usage = await api.json("GET", "/v3/account/usage");
  const out = resolve(o.out);
  const partial = `${out}.partial`;
  const progress = new Progress({ unit: "records" });
  // Bins are known from the usage figures, records only as they come: the total grows as bins arrive.
  progress.start({ items: usage.bins, versions: 0 });
  const file = createWriteStream(partial);
  const decoder = new TextDecoder();
  let tail = "";
  let lines = 0;
  let end = null;
  try {
    const res = await api.request("GET", "/v3/account/export");
    for await (const chunk of Readable.fromWeb(res.body)) {
      if (!file.write(chunk)) await once(file, "drain");
      const text = tail + decoder.decode(chunk, { stream: true });
      const parts = text.split("\n");
      tail = parts.pop();
      for (const part of parts) {
        lines++;
        // Only the short lines are parsed whole; a record line is recognised by its start.
        if (part.startsWith('{"type":"bin"')) {
          progress.item();
          progress.versions.total += JSON.parse(part).versionCount + 1;
        } else if (part.startsWith('{"type":"record"')) progress.version();
        else if (part.startsWith('{"type":"end"')) end = JSON.parse(part);
      }
      if (tail.length > 64 && !tail.startsWith('{"type":"bin"') && !tail.startsWith('{"type":"end"')) {
        tail = tail.slice(0, 64); // the start is all the line type needs; a record may be megabytes
      }
    }
    file.end();
    await once(file, "finish");
  } catch (err) {
    file.destroy();
    rmSync(partial, { force: true });
    progress.stop();
    console.error(`The export failed and nothing was kept: ${err.message}`);
    return 1;
  }
  progress.stop();
  if (!end) {
    rmSync(partial, { force: true });
    console.error("The export ended without its end line (cut short); nothing was kept. Run it again.");
    return 1;
  }
  renameSync(partial, out);
  console.log(`Wrote ${out}: ${lines} lines, ${end.bins} bins, ${end.records} records.`);
  return 0;
}

process.exitCode = await main().catch((err) => {
  console.error(err);
  return 1;
});
