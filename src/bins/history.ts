// A bin's past records, read back: the diff between two of them (§10.6) and the record a restore
// writes again (§10.7). Reads only; a restore's write goes through the writer like any PUT.
import { AppError } from "../errors/app-error";
import { findRecords } from "../storage/bin-reads";
import { getBody } from "../storage/bodies";
import { type DiffOperation, diffRecords, MAX_DIFF_BYTES } from "./diff";

/**
 * The parsed records of `versions` (0..N, already checked against N). A record whose row or body is
 * gone was removed since the bin was looked up (versions deleted, bin deleted): `Bin version not found`.
 */
async function readRecords(
  env: Env,
  binId: string,
  versions: number[],
  maxBytes: number,
): Promise<{ values: unknown[]; bytes: number }> {
  const refs = await findRecords(env.DB, binId, versions);
  const wanted = versions.map((v) => refs.get(v));
  if (wanted.some((ref) => ref === undefined)) throw new AppError("binVersionNotFound");
  const bytes = wanted.reduce((sum, ref) => sum + ref!.size, 0);
  if (bytes > maxBytes) throw new AppError("diffTooLarge");
  const texts = await Promise.all(wanted.map((ref) => getBody(env.BODIES, ref!.bodyKey)));
  const values = texts.map((text) => {
    if (text === null) throw new AppError("binVersionNotFound");
    return JSON.parse(text) as unknown;
  });
  return { values, bytes };
}

/** The patch from record `from` to record `to` (both ≤ N); read in parallel and diffed under a bound. */
export async function diffVersions(env: Env, binId: string, from: number, to: number): Promise<DiffOperation[]> {
  if (from === to) return [];
  const { values, bytes } = await readRecords(env, binId, [from, to], MAX_DIFF_BYTES);
  return diffRecords(values[0], values[1], bytes);
}

/** Record `version` as a value, to be checked and written as a PUT body would be. */
export async function recordToRestore(env: Env, binId: string, version: number): Promise<unknown> {
  const { values } = await readRecords(env, binId, [version], Infinity);
  return values[0];
}
