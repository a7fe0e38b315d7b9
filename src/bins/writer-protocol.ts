import type { Payer } from "../accounts/limits";
import type { Settled } from "../errors/rpc";
import type { SchemaRef } from "../storage/bin-reads";
import type { ParsedPatch } from "./patch/engine";
import type { StoredRecord } from "./records";

// The protocol between the Worker and a bin's writer (its Durable Object): what each side sends.
// Both import it; neither imports the other. Refusals travel as `Settled` (errors/rpc.ts).

/** A patch is applied to the latest record by the writer, under the bin's lock, then checked like a PUT body. */
export interface PatchChange {
  patch: ParsedPatch;
  owner: Payer | null;
  schema: SchemaRef | null;
}

export type WriteRequest = {
  binId: string;
  versioned: boolean;
  ifMatch?: string;
} & ({ record: StoredRecord } | { patch: PatchChange });

export interface WriteResult {
  version: number;
  /** True when the write appended a version (the response then carries `metadata.version`). */
  appended: boolean;
  capReached: boolean;
  etag: string;
  /** The record a patch produced (a replace already knows its record). */
  patched?: StoredRecord;
}

export type CreateResult = { etag: string } | { idTaken: true };

export type MetaChange = { name: string } | { private: boolean };

/** What the writer's RPC methods return: a refusal comes back as data and is raised again by the caller. */
export type WriterCall<T> = Promise<Settled<T>>;

export const MAX_VERSIONS = 1000;

/** The bin's writer: one Durable Object per bin, named by its id. */
export const writerFor = (env: Env, binId: string) => env.BIN_WRITER.get(env.BIN_WRITER.idFromName(binId));

/**
 * One imported version (§2.5), sent as the n-th record of the bin: n = N+1 appends it; n ≤ N is a
 * no-op when the stored record n is equal (a re-sent item) and refused otherwise.
 */
export interface ImportVersionRequest {
  binId: string;
  version: number;
  record: StoredRecord;
  /** Kept as the record's last write time, so the history keeps the source's timestamps. */
  updatedAt: string;
}

export interface ImportVersionResult {
  version: number;
  versionCount: number;
  /** False when the version was already stored with an equal record. */
  appended: boolean;
}
