import { type Context, Hono } from "hono";
import { prettyJson } from "../../bins/pretty";
import { parseRecord, parseRecordText } from "../../bins/records";
import { checkAndCreateBin, checkAndWriteRecord } from "../../bins/service";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors/app-error";
import { readBodyText } from "../../http/body";
import { booleanHeader } from "../../http/headers";
import { jsonObjectText, RawJson, rawJsonResponse } from "../../http/json";
import { parseId } from "../../ids";
import type { BinView } from "../../storage/bin-reads";
import { isPlainObject } from "../../values";
import { readLegacyCredentials } from "../keys";
import { speaks } from "../middleware";
import { openForUpdate } from "../open-bin";
import { isOwner, legacyUpdateResponse, readLegacyRecord, resolveCreator } from "./common";

/**
 * JSONBin API v1 (§9) at the root: stringified snippets, always-public bins, `/pretty` reads.
 * Every route here speaks v1, whose wording (errors/dialects/v1.ts) talks of snippets.
 */
export const v1 = new Hono<HonoEnv>();

type C = Context<HonoEnv>;

const snippetId = (c: C) => parseId(c.req.param("id"), "invalidBinId");

/** `{"snippet": "<stringified JSON>"}`; the string must itself be a record (R2–R5). */
function parseSnippet(c: C, text: string): unknown {
  const body = parseRecord(c.req.header("Content-Type"), text);
  const snippet = isPlainObject(body) ? body.snippet : undefined;
  if (typeof snippet !== "string") throw new AppError("snippetInvalid");
  return parseRecordText(snippet);
}

/** A private bin (made through v3 or v2) is invisible to v1 without its owner's `secret-key`. */
function hideUnlessOwner(view: BinView): void {
  if (view.private && !isOwner(view)) throw new AppError("binNotFound");
}

// ---- §9.1 Create: always public ----
v1.post("/b/new", speaks("v1"), async (c) => {
  const text = await readBodyText(c);
  const creator = await resolveCreator(c, { anonymousOk: true });
  const value = parseSnippet(c, text);
  const { bin, record } = await checkAndCreateBin(
    c.env,
    { ownerId: creator.ownerId, private: false, name: null, collectionId: null },
    value,
    { owner: creator.payer, schema: null },
  );
  return rawJsonResponse(jsonObjectText({ success: true, data: new RawJson(record.text), id: bin.id }));
});

// ---- §9.2 Update: versioning per §3.0 ----
async function update(c: C) {
  const id = snippetId(c);
  const text = await readBodyText(c);
  const requestedVersioning = booleanHeader(c, "versioning");
  const creds = await readLegacyCredentials(c);
  const { view, authority } = await openForUpdate(c, id, { api: "v1", creds, requestedVersioning });
  const value = parseSnippet(c, text);
  const { record, result } = await checkAndWriteRecord(c.env, view, value, { authority });
  return legacyUpdateResponse(id, record, result);
}

v1.post("/b/update/:id", speaks("v1"), update);
v1.put("/b/update/:id", speaks("v1"), update);

// ---- §9.3 Pretty reads: §8.2's selection, v1's errors ----
async function pretty(c: C, segment: string | undefined) {
  const text = await readLegacyRecord(c, snippetId(c), segment, hideUnlessOwner);
  // A pretty form many times the record (deep nesting) is not worth sending: the compact one is the same data.
  return rawJsonResponse(prettyJson(text, Math.max(8 * text.length, 65_536)) ?? text);
}

v1.get("/b/:id/pretty", speaks("v1"), (c) => pretty(c, undefined));
v1.get("/b/:id/:version/pretty", speaks("v1"), (c) => pretty(c, c.req.param("version")));
