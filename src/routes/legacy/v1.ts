import { type Context, Hono } from "hono";
import { readLegacyCredentials } from "../../auth/credentials";
import { parseRecordBody, parseRecordText, type RecordRules } from "../../bins/records";
import { checkAndCreateBin, checkAndWriteRecord, decideVersioning } from "../../bins/service";
import type { HonoEnv } from "../../env";
import { AppError, type ErrorPayload, fromPayload } from "../../errors";
import { isPlainObject, readBodyText } from "../../http/body";
import { booleanHeader } from "../../http/headers";
import { parseId } from "../../http/ids";
import { jsonObjectText, RawJson, rawJsonResponse } from "../../http/json";
import type { BinView } from "../../storage/bins";
import { openBin } from "../open-bin";
import { isOwner, legacyUpdateResponse, readLegacyRecord, resolveCreator } from "./common";

/** JSONBin API v1 (§9) at the root: stringified snippets, always-public bins, `/pretty` reads. */
export const v1 = new Hono<HonoEnv>();

type C = Context<HonoEnv>;

const INVALID_SNIPPET = "Invalid snippet";
const SNIPPET_NOT_FOUND: ErrorPayload = { status: 422, message: "Snippet not found" };

// v1 reports every body rule (R1–R5, on the outer body and on the snippet) the same way.
const SNIPPET_RULES: RecordRules = {
  status: 422,
  notJson: INVALID_SNIPPET,
  blank: INVALID_SNIPPET,
  invalidJson: INVALID_SNIPPET,
  emptyObject: INVALID_SNIPPET,
  scalar: INVALID_SNIPPET,
};

const snippetId = (c: C) => parseId(c.req.param("id"), "Invalid snippet ID", 422);

/** `{"snippet": "<stringified JSON>"}`; the string must itself be a record (R2–R5). */
function parseSnippet(c: C, text: string): unknown {
  const body = parseRecordBody(c, text, SNIPPET_RULES);
  const snippet = isPlainObject(body) ? body.snippet : undefined;
  if (typeof snippet !== "string") throw new AppError(422, INVALID_SNIPPET);
  return parseRecordText(snippet, SNIPPET_RULES);
}

/** A private bin (made through v3 or v2) is invisible to v1 without its owner's `secret-key`. */
function hideUnlessOwner(view: BinView): void {
  if (view.private && !isOwner(view)) throw fromPayload(SNIPPET_NOT_FOUND);
}

// ---- §9.1 Create: always public ----
v1.post("/b/new", async (c) => {
  const text = await readBodyText(c);
  const creator = await resolveCreator(c, { anonymousOk: true });
  const value = parseSnippet(c, text);
  const { bin, record } = await checkAndCreateBin(
    c.env,
    { ownerId: creator.ownerId, private: false, name: null, collectionId: null },
    value,
    { owner: creator.payer, schema: null, schemaStatus: 422 },
  );
  return rawJsonResponse(jsonObjectText({ success: true, data: new RawJson(record.text), id: bin.id }));
});

// ---- §9.2 Update: versioning per §3.0 ----
async function update(c: C) {
  const id = snippetId(c);
  const text = await readBodyText(c);
  const requested = booleanHeader(c, "versioning", "versioning must be true or false", 422);
  const creds = await readLegacyCredentials(c);
  const view = await openBin(c, id, creds, { notFound: SNIPPET_NOT_FOUND, authorize: hideUnlessOwner });
  const value = parseSnippet(c, text);
  const { record, result } = await checkAndWriteRecord(c.env, view, value, {
    versioned: decideVersioning(view, view.keys, requested),
    schemaStatus: 422,
    notFound: SNIPPET_NOT_FOUND,
  });
  return legacyUpdateResponse(id, record, result);
}

v1.post("/b/update/:id", update);
v1.put("/b/update/:id", update);

// ---- §9.3 Pretty reads: §8.2's selection, v1's errors ----
async function pretty(c: C, segment: string | undefined) {
  const text = await readLegacyRecord(c, snippetId(c), segment, {
    binNotFound: SNIPPET_NOT_FOUND,
    versionNotFound: SNIPPET_NOT_FOUND,
    authorize: hideUnlessOwner,
  });
  return rawJsonResponse(JSON.stringify(JSON.parse(text), null, 2));
}

v1.get("/b/:id/pretty", (c) => pretty(c, undefined));
v1.get("/b/:id/:version/pretty", (c) => pretty(c, c.req.param("version")));
