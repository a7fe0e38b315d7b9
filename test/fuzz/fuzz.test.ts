import { env } from "cloudflare:workers";
import { describe, expect, it, onTestFailed } from "vitest";
import { describeProbe, report, runProbes } from "./oracle";
import { buildProbe, type Mode, type Probe } from "./probes";
import { freshSeed, Random } from "./random";
import { ROUTES } from "./routes";
import { apiView, buildWorld, storedState, type World } from "./world";

// A seeded fuzz run through the HTTP surface: malformed and adversarial requests across every route
// family (test/fuzz/routes.ts), each answer judged by test/fuzz/oracle.ts and held to the OpenAPI
// document. `npm test` runs one fixed seed, so its verdict is the code's, never the dice's;
// `FUZZ_SEED=random` explores a fresh one, and a failing run prints its seed:
// `FUZZ_SEED=<seed> npx vitest run test/fuzz` replays it (the ids differ, the requests do not), and
// FUZZ_REQUESTS=<n> runs longer.

const SEED = env.FUZZ_SEED === "random" ? freshSeed() : Number(env.FUZZ_SEED) || 20_261_201;
const REQUESTS = Number(env.FUZZ_REQUESTS) || 2000;
/** Writes that succeed cost more: the sandbox run is the smaller one. */
const SANDBOX_REQUESTS = Math.ceil(REQUESTS / 5);
const CONCURRENCY = 8;
const TIMEOUT = 240_000;

async function fuzz(world: World, mode: Mode, seed: number, count: number) {
  const g = new Random(seed);
  const inFlight = new Set<Probe>();
  onTestFailed(() => {
    console.log(`fuzz ${mode} run: seed ${SEED} (replay: FUZZ_SEED=${SEED} npx vitest run test/fuzz)`);
    if (inFlight.size) console.log(`unanswered:\n${[...inFlight].map((p) => describeProbe(p, world)).join("\n")}`);
  });
  let index = 0;
  const next = () => (index < count ? buildProbe(g, world, g.pick(ROUTES), mode, index++) : undefined);
  const { findings, statuses, sent } = await runProbes(next, world, mode, { concurrency: CONCURRENCY, inFlight });
  const summary = [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(" ");
  console.log(`fuzz ${mode} run, seed ${SEED}: ${sent} requests, ${summary}`);
  expect(findings.length, `seed ${SEED}, ${findings.length} findings:\n${report(findings, world)}`).toBe(0);
}

describe("a seeded fuzz run over every route family", () => {
  it(
    "refuses every bad request without a 5xx, in its dialect's JSON envelope with CORS, and stores nothing",
    async () => {
      const world = await buildWorld("hostile");
      const api = await apiView(world);
      const stored = await storedState();

      await fuzz(world, "hostile", SEED, REQUESTS);

      expect(await apiView(world), `seed ${SEED}`).toEqual(api);
      expect(await storedState(), `seed ${SEED}`).toEqual(stored);
    },
    TIMEOUT,
  );

  it(
    "answers any request, good or bad, without a 5xx and in its dialect's JSON envelope with CORS",
    async () => {
      await fuzz(await buildWorld("sandbox"), "sandbox", SEED ^ 0x5a5a5a5a, SANDBOX_REQUESTS);
    },
    TIMEOUT,
  );
});
