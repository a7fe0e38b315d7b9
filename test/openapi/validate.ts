// Holds every response the suite sees against the OpenAPI document (§10.8). The shared request
// helper calls validateResponse once per response, so a route, status, header or body shape the
// document does not describe fails the test that produced it. Runs inside workerd: @cfworker/json-schema
// (Ajv compiles with `new Function`, which workerd forbids).
import { dereference, encodePointer, type Schema, validate } from "@cfworker/json-schema";
import { buildDocument } from "../../src/openapi/document";

const BASE = "https://edgebin.test/openapi.json";

type Json = Record<string, unknown>;
interface Route {
  template: string;
  segments: (string | null)[];
  literals: number;
  item: Json;
}

const document = buildDocument();
const lookup = dereference({ ...document, $id: BASE } as unknown as Schema);
const METHODS = ["get", "put", "post", "delete", "patch"];
const routes: Route[] = Object.entries(document.paths as Record<string, Json>).map(([template, item]) => {
  const segments = template.split("/").map((s) => (s.startsWith("{") ? null : s));
  return { template, segments, literals: segments.filter((s) => s !== null).length, item };
});

/** Encoded as the lookup's keys are. */
const pointer = (...tokens: string[]) => `#/${tokens.map(encodePointer).join("/")}`;

/** The documented operation a request reaches: concrete segments win over templated ones, as in the router. */
function findRoute(method: string, path: string): Route | undefined {
  const parts = path.split("/");
  let best: Route | undefined;
  for (const route of routes) {
    if (route.segments.length !== parts.length || !route.item[method]) continue;
    if (!route.segments.every((s, i) => (s === null ? parts[i] !== "" : s === parts[i]))) continue;
    if (!best || route.literals > best.literals) best = route;
  }
  return best;
}

function check(result: { valid: boolean; errors: { instanceLocation: string; error: string }[] }, what: string) {
  if (result.valid) return;
  const errors = result.errors
    .filter((e) => !e.error.startsWith("A subschema had errors"))
    .slice(0, 6)
    .map((e) => `${e.instanceLocation}: ${e.error}`);
  throw new Error(`${what} does not match the OpenAPI document:\n  ${errors.join("\n  ")}`);
}

const against = (instance: unknown, at: string) =>
  validate(instance, { $ref: `${BASE}${at}` } as Schema, "2020-12", lookup, false);

/** Responses validated so far in this test, and which operation and status each was. */
let seen: string[] = [];

export function drainValidated(): string[] {
  const out = seen;
  seen = [];
  return out;
}

export async function validateResponse(method: string, url: string, res: Response): Promise<void> {
  const path = new URL(url).pathname.replace(/(.)\/$/, "$1");
  const verb = method.toLowerCase();
  const what = `${method} ${path} → ${res.status}`;
  // A WebSocket handshake has no body to clone, and an event stream's body never ends: for those
  // the status, headers and media type are checked, not the body. A streamed body that fails
  // part-way (an export cut short) is the test's own concern; its status and headers are still
  // checked. Bytes are decoded here: .text() on a zip (the logs) makes the runtime print a warning.
  const streaming =
    res.status === 101 || (res.headers.get("Content-Type") ?? "").toLowerCase().startsWith("text/event-stream");
  const read = streaming
    ? ""
    : await res
        .clone()
        .arrayBuffer()
        .then((bytes) => new TextDecoder().decode(bytes))
        .catch(() => null);
  const body = read ?? "";
  if (verb === "options") {
    if (res.status !== 204 || body !== "") throw new Error(`${what}: a preflight is a bodiless 204`);
    seen.push("OPTIONS *");
    return;
  }
  const route = METHODS.includes(verb) ? findRoute(verb, path) : undefined;
  if (!route) {
    // Not in the document: the contract's 404 for unknown routes, in the dialect of the path.
    const expected =
      path === "/v3" || path.startsWith("/v3/")
        ? { message: "Route not found" }
        : { success: false, message: "Route not found" };
    // HEAD answers carry no body.
    if (res.status !== 404 || body !== (verb === "head" ? "" : JSON.stringify(expected))) {
      throw new Error(`${what}: not a documented route, so it must be 404 Route not found; got ${body.slice(0, 200)}`);
    }
    seen.push("unmatched 404");
    return;
  }
  const at = ["paths", route.template, verb, "responses", String(res.status)];
  const response = ((route.item[verb] as Json).responses as Record<string, Json>)[String(res.status)];
  if (!response)
    throw new Error(`${what}: status ${res.status} is not documented for ${verb.toUpperCase()} ${route.template}`);

  for (const [name, declared] of Object.entries((response.headers as Record<string, Json>) ?? {})) {
    const header = declared.$ref ? ((document.components as Json).headers as Record<string, Json>) : undefined;
    const spec = header ? header[String(declared.$ref).split("/").pop()!]! : declared;
    const value = res.headers.get(name);
    if (value === null) {
      if (declared.required) throw new Error(`${what}: documented header ${name} is missing`);
      continue;
    }
    check(
      validate(value, spec.schema as Schema, "2020-12", lookup, false),
      `${what}: header ${name}: ${JSON.stringify(value)}`,
    );
  }

  const content = response.content as Record<string, Json> | undefined;
  if (!content) {
    if (!streaming && body !== "") throw new Error(`${what}: documented without a body, got ${body.slice(0, 200)}`);
  } else {
    const mediaType = (res.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!content[mediaType]) throw new Error(`${what}: Content-Type ${mediaType} is not documented`);
    if (read !== null && mediaType === "application/x-ndjson") {
      // NDJSON: the document gives the schema of one line (OpenAPI 3.1 has no item schema for sequences).
      const lineSchema = (content[mediaType] as Json)["x-edgebin-line-schema"] as Schema;
      for (const [i, line] of body.split("\n").entries()) {
        if (line === "") continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          throw new Error(`${what}: line ${i + 1} is not JSON: ${line.slice(0, 200)}`);
        }
        check(validate(parsed, lineSchema, "2020-12", lookup, false), `${what}: line ${i + 1}: ${line.slice(0, 300)}`);
      }
    } else if (read !== null && mediaType.endsWith("json")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new Error(`${what}: the body is not JSON: ${body.slice(0, 200)}`);
      }
      check(against(parsed, pointer(...at, "content", mediaType, "schema")), `${what}: body ${body.slice(0, 300)}`);
    }
  }
  seen.push(`${verb.toUpperCase()} ${route.template} ${res.status}`);
}
