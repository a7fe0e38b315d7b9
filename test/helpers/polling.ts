export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface EventuallyOptions {
  /** Give up (rethrowing the last failure) after this long. */
  timeoutMs?: number;
  /**
   * Once the assertion holds, wait this long and assert once more: catches work that should not
   * happen at all but would land late (an extra count, an extra log row).
   */
  holdsForMs?: number;
}

/**
 * Retries an assertion about work done off the response path (waitUntil, alarms) until it holds.
 * Measured with `performance.now()` so a test that fakes `Date` does not stall it.
 */
export async function eventually(
  assertion: () => unknown,
  { timeoutMs = 5000, holdsForMs = 0 }: EventuallyOptions = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      break;
    } catch (err) {
      if (performance.now() > deadline) throw err;
      await sleep(20);
    }
  }
  if (holdsForMs > 0) {
    await sleep(holdsForMs);
    await assertion();
  }
}
