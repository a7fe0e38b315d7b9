// One operation of the document. Error responses are not written by hand: each operation names the
// error codes its route can raise, and the dialect tables (errors/dialects) give their statuses and
// messages, so the document words an error exactly as the server does.
import type { ErrorCode } from "../errors/codes";
import { describe } from "../errors/dialects";
import type { Dialect } from "../errors/spec";
import { headers } from "./components";
import { json, ref } from "./kit";

/** A code, or a code with the parameters that pick one of its messages. */
export type ErrorCase = ErrorCode | readonly [ErrorCode, unknown];

type Scheme = "MasterKey" | "AccessKey" | "AdminKey" | "SecretKey";

export interface OperationSpec {
  id: string;
  summary: string;
  description?: string;
  /** Names in components.parameters. */
  parameters?: string[];
  /** Keys that may authorise it; `optional` when it also answers without one (public bins). */
  keys?: Scheme[];
  optionalKeys?: boolean;
  body?: { description: string; content: Record<string, unknown>; required?: boolean };
  /** Success (and 304) responses. */
  responses: Record<string, Record<string, unknown>>;
  errors: ErrorCase[];
  /** Counted (§7): may be refused by the rate limit or the quota, and carries the usage headers. */
  charged?: boolean;
}

const USAGE_HEADERS = ["X-Requests-Used", "X-Requests-Limit", "X-Requests-Remaining"].concat(
  ["Limit", "Remaining", "Reset"].map((h) => `X-RateLimit-${h}`),
);
const headerRefs = (names: string[]) =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

/** The error responses of `cases` in `dialect`, one per status, each listing its messages. */
function errorResponses(dialect: Dialect, cases: ErrorCase[]): Record<string, Record<string, unknown>> {
  const byStatus = new Map<number, { messages: Set<string>; headers: Set<string> }>();
  for (const item of cases) {
    const [code, params] = typeof item === "string" ? [item, undefined] : item;
    const spec = describe(code, params, dialect);
    if (!spec) throw new Error(`the ${dialect} dialect does not word ${code}`);
    const entry = byStatus.get(spec.status) ?? { messages: new Set(), headers: new Set() };
    entry.messages.add(spec.message);
    for (const name of Object.keys(spec.headers ?? {})) entry.headers.add(name);
    byStatus.set(spec.status, entry);
  }
  const schema = ref(dialect === "v3" ? "Error" : "LegacyError");
  return Object.fromEntries(
    [...byStatus].map(([status, { messages, headers }]) => [
      String(status),
      {
        description: [...messages].map((m) => `\`${m}\``).join("; "),
        ...(headers.size > 0 ? { headers: headerRefs([...headers]) } : {}),
        content: json(schema),
      },
    ]),
  );
}

/** The operation object; `dialect` words its errors. */
export function operation(dialect: Dialect, tag: string, spec: OperationSpec): Record<string, unknown> {
  const cases: ErrorCase[] = [...spec.errors, "internal"];
  if (spec.charged) cases.push("quotaExhausted", ["rateLimited", { limit: 0, resetSeconds: 0 }]);
  if (spec.body) cases.push("bodyTooLarge");
  const responses: Record<string, Record<string, unknown>> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const own = (response.headers as Record<string, unknown> | undefined) ?? {};
    responses[status] = spec.charged ? { ...response, headers: { ...own, ...headerRefs(USAGE_HEADERS) } } : response;
  }
  for (const [status, response] of Object.entries(errorResponses(dialect, cases))) {
    if (responses[status]) throw new Error(`${spec.id}: status ${status} is both a success and an error`);
    responses[status] = response;
  }
  const security = spec.keys?.map((scheme) => ({ [scheme]: [] as string[] }));
  return {
    tags: [tag],
    operationId: spec.id,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.parameters?.length
      ? { parameters: spec.parameters.map((p) => ({ $ref: `#/components/parameters/${p}` })) }
      : {}),
    security: security ? (spec.optionalKeys ? [...security, {}] : security) : [],
    ...(spec.body ? { requestBody: { required: spec.body.required ?? false, ...spec.body } } : {}),
    responses,
  };
}

/** A success response; `headers` are names in components.headers, the `required` ones always sent. */
export function ok(
  description: string,
  content?: Record<string, unknown>,
  sent: { optional?: string[]; required?: string[] } = {},
): Record<string, unknown> {
  const refs = {
    ...headerRefs(sent.optional ?? []),
    ...Object.fromEntries((sent.required ?? []).map((name) => [name, { ...headers[name], required: true }])),
  };
  return {
    description,
    ...(Object.keys(refs).length > 0 ? { headers: refs } : {}),
    ...(content ? { content } : {}),
  };
}
