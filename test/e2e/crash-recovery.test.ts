import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crashRounds } from "../../scripts/lib/crash-recovery.mjs";
import { LocalWorker } from "../../scripts/lib/local-worker.mjs";

// The kill -9 recovery property, small: one round of concurrent writers, SIGKILL of wrangler and
// workerd mid-write, a restart on the same state. `npm run bench:crash` runs more rounds and prints figures.
describe("a worker killed with SIGKILL while writers are busy", () => {
  const worker = new LocalWorker();
  beforeAll(() => worker.start());
  afterAll(() => worker.cleanup());

  it("keeps every acknowledged write at its version with its body, with no gaps and nothing never sent", async () => {
    const [round] = await crashRounds(worker, { rounds: 1, writers: 12, bins: 3, minRunMs: 1500, maxRunMs: 3000 });
    // Writers loop without a pause, so the kill always finds writes in flight.
    expect(round!.acknowledged).toBeGreaterThan(0);
    expect(round!.inFlightAtKill).toBeGreaterThan(0);
    expect({
      lost: round!.lost,
      gaps: round!.gaps,
      phantoms: round!.phantoms,
      duplicates: round!.duplicates,
      errors: round!.errors,
      problems: [...round!.problems, ...round!.firstErrors],
    }).toEqual({ lost: 0, gaps: 0, phantoms: 0, duplicates: 0, errors: 0, problems: [] });
  });
});
