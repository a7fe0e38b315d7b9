import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorCode, ErrorParams } from "./codes";

export type Dialect = "v3" | "v2" | "v1";

/** What an error looks like on the wire: `extra` keys follow `message`; `headers` ride along (ETag, Retry-After). */
export interface ErrorSpec {
  status: ContentfulStatusCode;
  message: string;
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export type Entry<C extends ErrorCode> = ErrorSpec | ((params: ErrorParams[C]) => ErrorSpec);

/** A dialect's wording of the codes it knows. */
export type Table<C extends ErrorCode> = { [K in C]: Entry<K> };
