import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { BASE, call, env } from "./helpers";

// §10.9: GET /health, for monitors.

const failing = () => Promise.reject(new Error("store down"));
const brokenD1 = { prepare: () => ({ first: failing }) } as unknown as D1Database;
const brokenR2 = { head: failing } as unknown as R2Bucket;

/** GET /health against the real Worker with some bindings replaced. */
async function healthWith(bindings: Partial<Env>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}/health`), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("GET /health", () => {
  it("answers ok when D1 and R2 answer, with no key and without counting anything", async () => {
    const res = await call("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("X-Requests-Used")).toBeNull();
    expect(await res.text()).toBe('{"status":"ok"}');
  });

  it("answers 503 degraded, naming the store that failed", async () => {
    const d1Down = await healthWith({ DB: brokenD1 });
    expect(d1Down.status).toBe(503);
    expect(await d1Down.text()).toBe('{"status":"degraded","d1":"error","r2":"ok"}');
    const r2Down = await healthWith({ BODIES: brokenR2 });
    expect(await r2Down.text()).toBe('{"status":"degraded","d1":"ok","r2":"error"}');
    const bothDown = await healthWith({ DB: brokenD1, BODIES: brokenR2 });
    expect(bothDown.status).toBe(503);
    expect(await bothDown.text()).toBe('{"status":"degraded","d1":"error","r2":"error"}');
  });

  it("is a GET route only", async () => {
    const res = await call("POST", "/health");
    expect(res.status).toBe(404);
  });
});
