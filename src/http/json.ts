import type { StatusCode } from "hono/utils/http-status";
import { compactJson } from "../values";

const JSON_TYPE = "application/json; charset=utf-8";

/** Compact JSON with the contract's content type; key order is the object's insertion order. */
export function jsonResponse(body: unknown, status: StatusCode = 200, headers?: Record<string, string>): Response {
  return rawJsonResponse(compactJson(body), status, headers);
}

/** For bodies already serialised (stored records are kept in compact form). */
export function rawJsonResponse(text: string, status: StatusCode = 200, headers?: Record<string, string>): Response {
  return new Response(text, { status, headers: { "Content-Type": JSON_TYPE, ...headers } });
}

/** A value that is already compact JSON text (a stored record or schema), spliced in unparsed. */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * Compact JSON text of `fields` in insertion order, skipping `undefined` as JSON.stringify does.
 * Lets a response embed a stored body (up to megabytes) without parsing and re-serialising it.
 */
export function jsonObjectText(fields: Record<string, unknown>): string {
  const members: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    members.push(`${JSON.stringify(key)}:${value instanceof RawJson ? value.text : compactJson(value)}`);
  }
  return `{${members.join(",")}}`;
}
