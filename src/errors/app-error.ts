import { HTTPException } from "hono/http-exception";
import type { ErrorCode, ErrorParams } from "./codes";
import { describe } from "./dialects";

type ParamsArg<C extends ErrorCode> = undefined extends ErrorParams[C]
  ? [params?: ErrorParams[C]]
  : [params: ErrorParams[C]];

/**
 * The one error type: what went wrong (`code`, `params`), not how to say it. The renderer words it
 * in the dialect of the route that raised it, so a service never knows which API called it.
 * `status` and `message` are v3's (v2's for legacy-only codes), for logs and for Hono.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends HTTPException {
  readonly code: C;
  readonly params: ErrorParams[C];

  constructor(code: C, ...[params]: ParamsArg<C>) {
    const spec = describe(code, params, "v3") ?? describe(code, params, "v2");
    super(spec?.status ?? 500, { message: spec?.message ?? code });
    this.code = code;
    this.params = params as ErrorParams[C];
  }
}

export const routeNotFound = (): AppError => new AppError("routeNotFound");
