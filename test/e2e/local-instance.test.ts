import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalWorker } from "../../scripts/lib/local-worker.mjs";

// The harness the other end-to-end tests stand on: a real `wrangler dev` with its own state.
describe("a local instance under wrangler dev", () => {
  const worker = new LocalWorker();
  beforeAll(() => worker.start());
  afterAll(() => worker.cleanup());

  it("answers the contract's 404 for an unknown route, with CORS", async () => {
    const res = await fetch(`${worker.base}/v3/does-not-exist`);
    expect(res.status).toBe(404);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await res.json()).toEqual({ message: "Route not found" });
  });

  it("creates accounts with the admin key it was started with", async () => {
    const res = await fetch(`${worker.base}/v3/admin/accounts`, {
      method: "POST",
      headers: { "X-Admin-Key": worker.adminKey, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ plan: "free", masterKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });
});
