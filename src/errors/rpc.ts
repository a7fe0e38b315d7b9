import { AppError } from "./app-error";
import type { ErrorCode } from "./codes";

/** An AppError as plain data: error classes do not survive a Durable Object RPC call. */
export interface WireError {
  code: ErrorCode;
  params?: unknown;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: WireError };

/**
 * Durable Object side of a call: an AppError becomes data the caller can raise again; anything else
 * propagates and is a 500.
 */
export async function settle<T>(work: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: { code: err.code, params: err.params } };
    throw err;
  }
}

/** Worker side: the value, or the object's AppError raised again here. */
export function unwrap<T>(settled: Settled<T>): T {
  if (settled.ok) return settled.value;
  const { code, params } = settled.error;
  throw new (AppError as new (code: ErrorCode, params?: unknown) => AppError)(code, params);
}
