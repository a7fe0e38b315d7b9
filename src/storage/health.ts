/** What §10.9 reports for each store. */
export type Probe = "ok" | "error";

const PROBE_TIMEOUT_MS = 5000;

/** Whether the call settles successfully within the time limit: a store that hangs is not healthy. */
async function probe(call: () => Promise<unknown>): Promise<Probe> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("probe timed out")), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([call(), timeout]);
    return "ok";
  } catch (err) {
    console.error("health probe failed", err);
    return "error";
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** One trivial query and one metadata lookup of a key that need not exist: both prove the store answers. */
export async function probeStorage(env: Env): Promise<{ d1: Probe; r2: Probe }> {
  const [d1, r2] = await Promise.all([
    probe(() => env.DB.prepare("SELECT 1").first()),
    probe(() => env.BODIES.head("health-probe")),
  ]);
  return { d1, r2 };
}
