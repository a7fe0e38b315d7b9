import { createHash } from "node:crypto";

// Records as edgebin stores them (contract §1.2, §3.0): the compact re-serialisation of the parsed
// JSON, and the first 16 hex characters of its SHA-256, which is what an ETag is built from.

/** Compact JSON text of a record given as JSON text. */
export const compact = (text) => JSON.stringify(JSON.parse(text));

export const recordHash = (compactText) => createHash("sha256").update(compactText, "utf8").digest("hex").slice(0, 16);
