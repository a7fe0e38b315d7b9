import type { Payer } from "../accounts/limits";
import type { Settled } from "../errors/rpc";
import type { SchemaRef } from "../storage/bin-reads";
import type { UpdateAuthority } from "./authority";
import type { ParsedPatch } from "./patch/engine";
import type { StoredRecord } from "./records";

// The protocol between the Worker and a bin's writer (its Durable Object): what each side sends.
// Both import it; neither imports the other. Refusals travel as `Settled` (errors/rpc.ts).

/**
 * A change of a bin's record (PUT, PATCH, v2/v1 updates). The writer decides authorisation and
 * versioning again from `authority` against the head it holds, checks `ifMatch` against the state
 * the writes before it left, and commits only while the keys and schema it was decided on hold.
 */
export interface WriteRequest {
  binId: string;
  authority: UpdateAuthority;
  ifMatch?: string | undefined;
  /** The owner's plan limits, as the route read them (null = anonymous bin). */
  owner: Payer | null;
  /** The collection's schema as the route read it; a replacement record was already validated against it. */
  schema: SchemaRef | null;
  /** A replacement record (checked by the route), or a patch the writer applies to the latest record and checks. */
  change: { record: StoredRecord } | { patch: ParsedPatch };
}

export interface WriteResult {
  version: number;
  /** True when the write appended a version (the response then carries `metadata.version`). */
  appended: boolean;
  capReached: boolean;
  etag: string;
  /** The bin's privacy when the write committed. */
  private: boolean;
  /** The record a patch produced (a replace already knows its record). */
  patched?: StoredRecord;
}

export type CreateResult = { etag: string } | { idTaken: true };

export type MetaChange = { name: string } | { private: boolean };

/** What the writer's RPC methods return: a refusal comes back as data and is raised again by the caller. */
export type WriterCall<T> = Promise<Settled<T>>;

export const MAX_VERSIONS = 1000;

/** At most this many queued writes are committed together, so one D1 batch and its bodies stay small. */
export const MAX_GROUP = 50;

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
