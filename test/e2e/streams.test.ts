import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_FLAGS, chromiumPath } from "../../scripts/ensure-chromium.mjs";
import { LocalWorker } from "../../scripts/lib/local-worker.mjs";

// §10.4 from real clients against a real `wrangler dev`: Node with key headers on a private bin, and
// a headless Chromium, whose `EventSource` and `WebSocket` cannot send headers, on a public bin.

type Event = Record<string, unknown> & { event: string };

describe("change streams from real clients", () => {
  const worker = new LocalWorker();
  let base: string;
  let masterKey: string;

  const api = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "X-Master-Key": masterKey, "Content-Type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res;
  };
  const createBin = async (isPrivate: boolean) =>
    (
      (await (await api("POST", "/v3/b", { "X-Bin-Private": String(isPrivate) }, { n: 0 })).json()) as {
        metadata: { id: string };
      }
    ).metadata.id;

  beforeAll(async () => {
    base = await worker.start();
    const res = await fetch(`${base}/v3/admin/accounts`, {
      method: "POST",
      headers: { "X-Admin-Key": worker.adminKey, "Content-Type": "application/json" },
      body: "{}",
    });
    masterKey = ((await res.json()) as { masterKey: string }).masterKey;
  });
  afterAll(() => worker.cleanup());

  it("a Node WebSocket client with key headers receives the updates of a private bin", async () => {
    const id = await createBin(true);
    const events: Event[] = [];
    // Node's WebSocket (undici) takes headers, which a browser's cannot.
    const ws = new WebSocket(`${base.replace("http", "ws")}/v3/b/${id}/stream`, {
      headers: { "X-Master-Key": masterKey },
    } as unknown as string[]);
    const got = (n: number) => expect.poll(() => events.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(n);
    ws.onmessage = (e) => events.push(JSON.parse(String(e.data)));
    await got(1);
    const put = await api("PUT", `/v3/b/${id}`, { "X-Bin-Versioning": "true" }, { n: 1 });
    await got(2);
    expect(events).toEqual([
      { event: "ready", version: 0, etag: expect.any(String) },
      { event: "update", version: 1, etag: put.headers.get("ETag"), versioned: true, at: expect.any(String) },
    ]);
    ws.close();
  });

  it("a Node SSE client with key headers receives the updates of a private bin, then deleted", async () => {
    const id = await createBin(true);
    const res = await fetch(`${base}/v3/b/${id}/stream`, {
      headers: { Accept: "text/event-stream", "X-Master-Key": masterKey },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/event-stream");
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const until = async (fragment: string) => {
      while (!text.includes(fragment)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${fragment}: ${text}`);
        text += value;
      }
    };
    await until("event: ready\n");
    await api("PUT", `/v3/b/${id}`, {}, { n: 1 });
    await until("event: update\n");
    await api("DELETE", `/v3/b/${id}`);
    await until("event: deleted\n");
    // The server ends the response after `deleted`.
    for (;;) if ((await reader.read()).done) break;
    expect(
      text
        .split("\n\n")
        .filter(Boolean)
        .map((block) => block.split("\n")[0]),
    ).toEqual(["event: ready", "event: update", "event: deleted"]);
  });

  describe("in a headless Chromium", () => {
    let browser: Browser;
    // Headless, and a fresh profile in a temp dir of Playwright's own (removed on close).
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: chromiumPath() ?? undefined, args: CHROMIUM_FLAGS });
    });
    afterAll(() => browser?.close());

    it("EventSource and WebSocket receive the live updates of a public bin", async () => {
      const id = await createBin(false);
      const page = await browser.newPage();
      // Any page of the Worker's origin will do; the 404 body is as good as any.
      await page.goto(`${base}/v3/does-not-exist`);
      await page.evaluate((binId) => {
        const w = window as unknown as { got: Record<string, unknown[]> };
        w.got = { sse: [], ws: [] };
        const source = new EventSource(`/v3/b/${binId}/stream`);
        for (const name of ["ready", "update"]) {
          source.addEventListener(name, (e) => w.got.sse!.push(JSON.parse((e as MessageEvent).data)));
        }
        const socket = new WebSocket(`${location.origin.replace("http", "ws")}/v3/b/${binId}/stream`);
        socket.onmessage = (e) => w.got.ws!.push(JSON.parse(e.data));
      }, id);
      const got = () => page.evaluate(() => (window as unknown as { got: Record<string, Event[]> }).got);
      await expect.poll(async () => [(await got()).sse!.length, (await got()).ws!.length]).toEqual([1, 1]);

      const put = await fetch(`${base}/v3/b/${id}`, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ n: 1 }),
      });
      expect(put.status).toBe(200);
      await expect.poll(async () => [(await got()).sse!.length, (await got()).ws!.length]).toEqual([2, 2]);
      const update = {
        event: "update",
        version: 1,
        etag: put.headers.get("ETag"),
        versioned: true,
        at: expect.any(String),
      };
      const { sse, ws } = await got();
      expect(sse![1]).toEqual(update);
      expect(ws![1]).toEqual(update);
      await page.close();
    });
  });
});
