// An export file (GET /v3/account/export, `npm run export`) as the source of an import: its lines
// map one to one onto the import routes, a bin line travelling with the record line after it.

import { createReadStream } from "node:fs";
import { readLines } from "./ndjson.mjs";

export class TruncatedFile extends Error {}

export class FileSource {
  constructor(path) {
    this.path = path;
  }

  lines() {
    return readLines(createReadStream(this.path));
  }

  /** The plan, read from the whole file, which must end with its `end` line and match its counts. */
  async discover({ onBin = () => {} } = {}) {
    const plan = { schemas: [], collections: [], bins: [] };
    let first = true;
    let end = null;
    let records = 0;
    let bin = null;
    for await (const line of this.lines()) {
      if (first && line.type !== "account") throw new TruncatedFile(`${this.path} is not an edgebin export`);
      first = false;
      if (end) throw new TruncatedFile(`${this.path} has lines after its end line`);
      if (line.type === "schema") plan.schemas.push(pick(line, ["id", "name", "schema", "createdAt"]));
      if (line.type === "collection") plan.collections.push(pick(line, ["id", "name", "schemaDocId", "createdAt"]));
      if (line.type === "bin") {
        bin = pick(line, ["id", "private", "name", "collectionId", "createdAt", "versionCount"]);
        bin.records = 0;
        plan.bins.push(bin);
        onBin(bin);
      }
      if (line.type === "record") {
        if (!bin || line.binId !== bin.id || line.version !== bin.records) {
          throw new TruncatedFile(`${this.path}: record ${line.binId}/${line.version} is out of place`);
        }
        bin.records++;
        records++;
      }
      if (line.type === "end") end = line;
    }
    if (!end) throw new TruncatedFile(`${this.path} has no end line: the export was cut short, export again`);
    const short = plan.bins.find((b) => b.records !== b.versionCount + 1);
    if (end.bins !== plan.bins.length || end.records !== records || short) {
      throw new TruncatedFile(`${this.path} does not hold what its end line counts`);
    }
    for (const b of plan.bins) delete b.records;
    return plan;
  }

  copyCost() {
    return 0;
  }
}

function pick(line, keys) {
  const out = {};
  for (const key of keys) if (line[key] !== undefined) out[key] = line[key];
  return out;
}
