import { type Context, Hono } from "hono";
import { authorizeBin, authorizeCreate, authorizeOwnerMaster } from "../../auth/bin-access";
import { ifNoneMatchHits } from "../../bins/conditional";
import { resolveDotPath } from "../../bins/dot-path";
import { compileJsonPath, JsonPathError } from "../../bins/json-path";
import { parsePatch } from "../../bins/patch/parse";
import { etagOf, parseRecord } from "../../bins/records";
import { checkAndCreateBin, checkAndWriteRecord, readRecordText, writeRecord } from "../../bins/service";
import { openEventStream, openSocketStream } from "../../bins/streams/service";
import { writerFor } from "../../bins/writer-protocol";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import { unwrap } from "../../errors/rpc";
import { readBodyText } from "../../http/body";
import { booleanHeader, header, metadataWanted, nameHeader } from "../../http/headers";
import { jsonResponse, rawJsonResponse } from "../../http/json";
import { normalizeId, parseId } from "../../ids";
import { type BinView, listRecordsPage, loadCreateContext } from "../../storage/bin-reads";
import { compactJson } from "../../values";
import { charge } from "../charging";
import { readV3Credentials } from "../keys";
import { openBin } from "../open-bin";
import { checkIfMatch, openV3Update, updateResponse } from "./bin-update";

export const bins = new Hono<HonoEnv>();

type C = Context<HonoEnv>;

const binId = (c: C) => parseId(c.req.param("id"), "invalidBinId");

/** `X-Bin-Name`, 1–128 code points; null when absent. */
function binName(c: C): string | null {
  const name = nameHeader(c, "X-Bin-Name");
  if (name.kind === "absent") return null;
  if (name.kind === "blank" || name.length > 128) {
    throw new AppError("binNameInvalid");
  }
  return name.value;
}

/** `name` and `collectionId` of a bin's metadata, omitted when it has none (§1.5); the order around them differs per route. */
const optionalMetadata = (bin: { name: string | null; collectionId: string | null }) => ({
  ...(bin.name !== null ? { name: bin.name } : {}),
  ...(bin.collectionId !== null ? { collectionId: bin.collectionId } : {}),
});

// ---- §3.1 Create ----
bins.post("/", async (c) => {
  const text = await readBodyText(c);
  const isPrivate = booleanHeader(c, "X-Bin-Private") ?? true;
  const name = binName(c);
  const rawCollection = header(c, "X-Collection-Id");
  const collectionId = rawCollection === undefined ? null : normalizeId(rawCollection);
  if (rawCollection !== undefined && collectionId === null) throw new AppError("invalidCollectionId");

  const creds = await readV3Credentials(c);
  const context = await loadCreateContext(c.env.DB, creds, collectionId);
  const ownerId = authorizeCreate(creds, context.keys);
  const collection = context.collection;
  if (collectionId !== null && collection?.accountId !== ownerId) throw new AppError("invalidCollectionId");
  const payer = context.payer(ownerId);
  if (payer) await charge(c, payer);

  const value = parseRecord(c.req.header("Content-Type"), text);
  const { bin, record } = await checkAndCreateBin(c.env, { ownerId, private: isPrivate, name, collectionId }, value, {
    owner: payer,
    schema: collection?.schema ?? null,
  });
  const metadata = { id: bin.id, createdAt: bin.createdAt, private: bin.private, ...optionalMetadata(bin) };
  return rawJsonResponse(`{"record":${record.text},"metadata":${JSON.stringify(metadata)}}`, 200, {
    "X-Bin-Version": "0",
    ETag: bin.etag,
  });
});

// ---- §3.5 Version count, §3.6 delete versions, §10.3 version list (literal routes first) ----
bins.get("/:id/versions/count", async (c) => {
  const id = binId(c);
  const creds = await readV3Credentials(c);
  const view = await openBin(c, id, creds, {
    authorize: (v) => {
      if (!v.private) return;
      authorizeOwnerMaster(v, creds, v.keys, { missing: { route: "versionCount" }, unknownKeyIsNotOwned: true });
    },
  });
  const metadata = { id, versionCount: view.versionCount, private: view.private };
  return jsonResponse({ metadata, metaData: metadata });
});

/** §10.3: newest first, the base last; `nextBefore` pages towards older records. */
bins.get("/:id/versions", async (c) => {
  const id = binId(c);
  const paging = (name: string, min: number, max: number): number | null => {
    const raw = c.req.query(name);
    if (raw === undefined) return null;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new AppError("pagingInvalid");
    }
    return Math.min(Number(raw), Number.MAX_SAFE_INTEGER);
  };
  const limit = paging("limit", 1, 100) ?? 20;
  // Any integer ≥ 0 is a valid `before`; past the largest version it simply means "from the newest".
  const before = paging("before", 0, Infinity);
  const creds = await readV3Credentials(c);
  const view = await openBin(c, id, creds, {
    authorize: (v) => authorizeBin("read", v, creds, v.keys),
    read: true,
  });
  const page = await listRecordsPage(c.env.DB, id, before, limit);
  return jsonResponse({
    versions: page.records.map((r) => ({ version: r.version, createdAt: r.updatedAt, size: r.size })),
    metadata: {
      id,
      private: view.private,
      versionCount: view.versionCount,
      nextBefore: page.more ? page.records.at(-1)!.version : null,
    },
  });
});

bins.delete("/:id/versions", async (c) => {
  const id = binId(c);
  const preserve = booleanHeader(c, "X-Preserve-Latest") ?? false;
  const creds = await readV3Credentials(c);
  await openBin(c, id, creds, {
    authorize: (v) => authorizeOwnerMaster(v, creds, v.keys),
  });
  const { versionsDeleted } = unwrap(await writerFor(c.env, id).deleteVersions(id, preserve));
  if (versionsDeleted === 0) return jsonResponse({ message: "No versions found" });
  const metadata = { id, versionsDeleted };
  return jsonResponse({
    metadata,
    metaData: metadata,
    message: preserve
      ? "Versions for the Bin are deleted successfully and latest version preserved on the base record."
      : "Versions for the Bin are deleted successfully",
  });
});

// ---- §3.7 Rename, §3.8 privacy ----
bins.put("/:id/meta/name", async (c) => {
  const id = binId(c);
  const name = binName(c);
  if (name === null) throw new AppError("binNameMissing");
  const creds = await readV3Credentials(c);
  await openBin(c, id, creds, {
    authorize: (v) => authorizeOwnerMaster(v, creds, v.keys),
  });
  unwrap(await writerFor(c.env, id).setMeta(id, { name }));
  return jsonResponse({ record: id, metadata: { name } });
});

bins.put("/:id/meta/privacy", async (c) => {
  const id = binId(c);
  const isPrivate = booleanHeader(c, "X-Bin-Private");
  if (isPrivate === undefined) throw new AppError("binPrivateMissing");
  const creds = await readV3Credentials(c);
  await openBin(c, id, creds, {
    authorize: (v) => authorizeOwnerMaster(v, creds, v.keys),
  });
  unwrap(await writerFor(c.env, id).setMeta(id, { private: isPrivate }));
  return jsonResponse({ record: id, metadata: { private: isPrivate } });
});

// ---- §3.2 Read ----
type Selector = { kind: "json-path"; run: (doc: unknown) => unknown[] } | { kind: "dot-path"; path: string } | null;

function selector(c: C): Selector {
  const jsonPath = c.req.header("X-JSON-Path");
  if (jsonPath !== undefined && jsonPath.trim() !== "") {
    try {
      return { kind: "json-path", run: compileJsonPath(jsonPath) };
    } catch (err) {
      if (err instanceof JsonPathError) throw new AppError("jsonPathInvalid");
      throw err;
    }
  }
  const dotPath = c.req.header("X-Dot-Path");
  if (dotPath !== undefined) {
    const path = dotPath.trim();
    if (path === "" || path.length > 1000) throw new AppError("dotPathInvalid");
    return { kind: "dot-path", path };
  }
  return null;
}

/** The selected part of a record, as compact JSON text. */
function select(text: string, sel: Selector): string {
  if (!sel) return text;
  const doc: unknown = JSON.parse(text);
  if (sel.kind === "dot-path") {
    const value = resolveDotPath(doc, sel.path);
    if (value === undefined) throw new AppError("dotPathNotFound");
    return compactJson(value);
  }
  try {
    return serializeMatches(sel.run(doc), Math.max(4 * text.length, 1_048_576));
  } catch (err) {
    // The evaluator bounds its own work; a runaway expression is an invalid one.
    if (err instanceof JsonPathError) throw new AppError("jsonPathInvalid");
    throw err;
  }
}

/**
 * Matches are references into the record, so `$['a','a',…]` or `$..*` can select the same large
 * subtree many times: serialising that naively turns a 100 KB record into tens of megabytes.
 * Each distinct match is serialised once, and the answer may be at most `maxChars` long.
 */
function serializeMatches(matches: unknown[], maxChars: number): string {
  const seen = new Map<unknown, string>();
  const parts: string[] = [];
  let total = 2;
  for (const match of matches) {
    let part = seen.get(match);
    if (part === undefined) {
      part = compactJson(match);
      if (typeof match === "object" && match !== null) seen.set(match, part);
    }
    total += part.length + 1;
    if (total > maxChars) throw new JsonPathError("the selection is too large");
    parts.push(part);
  }
  return `[${parts.join(",")}]`;
}

function parseVersionSegment(segment: string | undefined): number | null {
  if (segment === undefined || segment === "latest") return null;
  if (!/^\d{1,9}$/.test(segment)) throw new AppError("binVersionInvalid");
  return Number(segment);
}

async function readBin(c: C, segment: string | undefined) {
  const id = binId(c);
  const version = parseVersionSegment(segment);
  const sel = selector(c);
  const withMeta = metadataWanted(c);
  const creds = await readV3Credentials(c);
  const authorize = (v: BinView) => authorizeBin("read", v, creds, v.keys);
  const view = await openBin(c, id, creds, { version, authorize, read: true });
  if (!view.record) throw new AppError("binVersionNotFound");

  const baseHeaders = (record: { version: number; hash: string }) => ({
    "X-Bin-Version": String(record.version),
    ETag: etagOf(record.version, record.hash),
  });
  if (ifNoneMatchHits(header(c, "If-None-Match"), etagOf(view.record.version, view.record.hash))) {
    return new Response(null, { status: 304, headers: baseHeaders(view.record) });
  }
  const found = await readRecordText(c.env, view, creds, version, authorize);
  if (!found) throw new AppError(version === null ? "binNotFound" : "binVersionNotFound");

  const body = select(found.text, sel);
  const bin = found.view;
  const headers = {
    ...baseHeaders(found.record),
    Vary: "X-Bin-Meta, X-JSON-Path",
    "Cache-Control": bin.private ? "private, no-cache" : "no-cache",
  };
  if (!withMeta) return rawJsonResponse(body, 200, headers);
  const metadata = { id: bin.id, private: bin.private, createdAt: bin.createdAt, ...optionalMetadata(bin) };
  return rawJsonResponse(`{"record":${body},"metadata":${JSON.stringify(metadata)}}`, 200, headers);
}

// ---- §10.4 Change streams (a literal route: "stream" is never a version) ----
bins.get("/:id/stream", async (c) => {
  const id = binId(c);
  const upgrade = header(c, "Upgrade")?.toLowerCase() === "websocket";
  // A required header (§1.6 step 4): refused before the bin is looked up.
  if (!upgrade && !header(c, "Accept")?.toLowerCase().includes("text/event-stream")) {
    throw new AppError("streamTransportMissing");
  }
  const creds = await readV3Credentials(c);
  const view = await openBin(c, id, creds, {
    authorize: (v) => authorizeBin("read", v, creds, v.keys),
    read: true,
  });
  const ask = { binId: id, ownerId: view.ownerId, creds, facts: view.keys };
  return upgrade ? openSocketStream(c.env, ask) : openEventStream(c.env, ask);
});
bins.get("/:id", (c) => readBin(c, undefined));
bins.get("/:id/:version", (c) => readBin(c, c.req.param("version")));

// ---- §3.3 Update (PUT) and §10.1 partial update (PATCH) ----

bins.put("/:id", async (c) => {
  const id = binId(c);
  const text = await readBodyText(c);
  const { view, ifMatch, authority } = await openV3Update(c, id);
  const value = parseRecord(c.req.header("Content-Type"), text);
  const { record, result } = await checkAndWriteRecord(c.env, view, value, { authority, ifMatch });
  return updateResponse(view, record, result);
});

/** The patch is applied by the bin's writer to the latest record, so concurrent patches never lose updates. */
bins.patch("/:id", async (c) => {
  const id = binId(c);
  const text = await readBodyText(c);
  const { view, ifMatch, authority } = await openV3Update(c, id);
  const patch = parsePatch(c.req.header("Content-Type"), text);
  const result = await writeRecord(c.env, {
    binId: id,
    authority,
    ifMatch,
    owner: view.owner,
    schema: view.schema,
    change: { patch },
  });
  return updateResponse(view, result.patched!, result);
});

// ---- §3.4 Delete ----
bins.delete("/:id", async (c) => {
  const id = binId(c);
  const creds = await readV3Credentials(c);
  const view = await openBin(c, id, creds, {
    authorize: (v) => authorizeBin("delete", v, creds, v.keys),
  });
  const ifMatch = checkIfMatch(c, view);
  const { versionsDeleted } = unwrap(await writerFor(c.env, id).remove(id, ifMatch));
  return jsonResponse({ metadata: { id, versionsDeleted }, message: "Bin deleted successfully" });
});
