// Export files (the NDJSON of GET /v3/account/export) generated for the moving benchmarks: known
// sizes without seeding a source instance first.

import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";

const id = () => randomBytes(12).toString("hex");

/** A record of about `bytes` bytes in compact form, different for every (bin, version). */
function record(bin, version, bytes) {
  const head = { bin, version };
  const pad = Math.max(0, bytes - JSON.stringify({ ...head, pad: "" }).length);
  return { ...head, pad: "x".repeat(pad) };
}

/**
 * Writes an export of `bins` bins (each `{ versions, recordBytes }`) and returns what it holds.
 * Times are spread over a past year so each record keeps a distinct last write time.
 */
export async function writeExport(path, bins) {
  const out = createWriteStream(path);
  const write = async (line) => {
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, "drain");
  };
  const t0 = Date.UTC(2025, 0, 1);
  let records = 0;
  await write({ type: "account", accountId: id(), exportedAt: new Date().toISOString() });
  for (const [b, { versions, recordBytes }] of bins.entries()) {
    const binId = id();
    await write({
      type: "bin",
      id: binId,
      private: b % 2 === 0,
      name: `bench ${b}`,
      createdAt: new Date(t0 + b * 1000).toISOString(),
      versionCount: versions,
    });
    for (let v = 0; v <= versions; v++) {
      const createdAt = new Date(t0 + b * 1000 + v * 60_000).toISOString();
      await write({ type: "record", binId, version: v, createdAt, record: record(b, v, recordBytes) });
      records++;
    }
  }
  await write({ type: "end", bins: bins.length, records });
  out.end();
  await once(out, "finish");
  return { bins: bins.length, records };
}
