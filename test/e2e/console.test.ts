import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_FLAGS, chromiumPath } from "../../scripts/ensure-chromium.mjs";
import { LocalWorker } from "../../scripts/lib/local-worker.mjs";

// The console (§10.10) driven by headless Chromium against a real local instance, step by step as
// a user would go. Screenshots of the main screens go to test/e2e/screenshots/ (not committed).
const SHOTS = resolve(import.meta.dirname, "screenshots");

describe("the console in a browser", () => {
  const worker = new LocalWorker();
  const profile = mkdtempSync(join(tmpdir(), "edgebin-chromium-"));
  let browser: BrowserContext;
  let page: Page;
  let masterKey: string;
  let binId: string;
  const requestedUrls: string[] = [];
  const consoleLines: string[] = [];

  const api = (path: string, init: RequestInit = {}) => fetch(`${worker.base}${path}`, init);
  /** The form or section under the heading `title`: each screen has several fields called "Name". */
  const part = (title: string) =>
    page.locator("form, section, li.card", { has: page.getByRole("heading", { name: title, exact: true }) });
  /** Follows a nav link and waits for its screen, so no step fills in the screen it is leaving. */
  const open = async (link: string, title = link) => {
    await page.getByRole("link", { name: link, exact: true }).click();
    await page.getByRole("heading", { name: title, level: 1 }).waitFor();
  };
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await worker.start();
    const account = await api("/v3/admin/accounts", {
      method: "POST",
      headers: { "X-Admin-Key": worker.adminKey, "Content-Type": "application/json" },
      body: "{}",
    });
    masterKey = ((await account.json()) as { masterKey: string }).masterKey;
    // A fresh profile of its own, so nothing from another run (or a developer's browser) is seen.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath() ?? undefined,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1100, height: 900 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(10_000);
    page.on("request", (req) => requestedUrls.push(req.url()));
    page.on("console", (msg) => consoleLines.push(msg.text()));
    page.on("dialog", (dialog) => dialog.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await worker.cleanup();
    rmSync(profile, { recursive: true, force: true });
  });

  it("serves the console at /console without shadowing the API", async () => {
    const res = await api("/console");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    expect((await api("/console/app.js")).status).toBe(200);
    // API routes still reach the Worker: v3, the legacy root, and unknown paths.
    expect((await api("/v3/openapi.json")).status).toBe(200);
    expect(await (await api("/v3/console")).json()).toEqual({ message: "Route not found" });
    expect(await (await api("/b/0123456789abcdef01234567")).json()).toEqual({
      success: false,
      message: "Bin not found",
    });
    expect((await api("/console/nothing-here")).status).toBe(404);
  });

  it("signs in with a master key, refusing a wrong one with the server's message", async () => {
    await page.goto(`${worker.base}/console`);
    await shot("sign-in");
    await page.getByLabel("Master key").fill("not-a-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Invalid X-Master-Key provided");
    await page.getByLabel("Master key").fill(masterKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Bins", level: 1 }).waitFor();
  });

  it("creates a collection with a schema doc attached", async () => {
    await open("Schema docs");
    const newSchema = part("New schema doc");
    await newSchema.getByLabel("Name", { exact: true }).fill("needs-name");
    await newSchema.getByRole("button", { name: "Create schema doc" }).click();
    await expect.poll(() => newSchema.getByRole("alert").textContent()).toMatch(/^Created [0-9a-f]{24}\./);
    const schemaId = (await newSchema.getByRole("alert").textContent())!.slice(8, 32);

    await open("Collections");
    const newCollection = part("New collection");
    await newCollection.getByLabel("Name", { exact: true }).fill("e2e");
    await newCollection.getByRole("button", { name: "Create collection" }).click();
    const card = part("e2e");
    await card.waitFor();
    await card.getByLabel("Schema doc id").fill(schemaId);
    await card.getByRole("button", { name: "Attach schema" }).click();
    await card.getByRole("button", { name: "Detach schema" }).waitFor();
  });

  it("creates a bin in the collection and opens it", async () => {
    await page.getByRole("link", { name: "e2e", exact: true }).click();
    await page.getByRole("heading", { name: "New bin in this collection" }).waitFor();
    const form = part("New bin in this collection");
    await form.getByLabel("Name", { exact: true }).fill("first bin");
    await form.getByLabel("Record (JSON)").fill('{"name": "first"}');
    await form.getByRole("button", { name: "Create bin" }).click();
    await page.getByRole("heading", { name: "first bin", level: 1 }).waitFor();
    binId = page.url().split("#/bin/")[1]!;
    expect(binId).toMatch(/^[0-9a-f]{24}$/);
    expect(await page.getByLabel("Record (JSON)").inputValue()).toBe('{\n  "name": "first"\n}');
  });

  it("shows the server's messages for invalid JSON and a schema mismatch, and saves valid JSON as versions", async () => {
    const editor = page.getByLabel("Record (JSON)");
    const save = page.getByRole("button", { name: "Save" });
    await editor.fill('{"name": ');
    await save.click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toBe("Invalid JSON. Please try again");
    await editor.fill('{"title": "no name"}');
    await save.click();
    await expect
      .poll(() => page.getByRole("alert").first().textContent())
      .toBe("Schema Doc Validation Mismatch:  Should have required property 'name'");
    await editor.fill('{"name": "second"}');
    await save.click();
    await expect.poll(() => page.locator("#version-count").textContent()).toBe("1");
    await page.getByLabel("Record (JSON)").fill('{"name": "third", "n": 3}');
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator("#version-count").textContent()).toBe("2");
    await shot("bin");
  });

  it("diffs two versions inline", async () => {
    await page.getByLabel("From version").fill("0");
    await page.getByLabel("To version").fill("2");
    await page.getByRole("button", { name: "Show diff" }).click();
    const ops = page.locator("#diff li");
    await expect.poll(() => ops.allTextContents()).toEqual(['changed /name"third"', "added /n3"]);
    await page.locator("#diff").scrollIntoViewIfNeeded();
    await shot("diff");
  });

  it("restores the base as a new version", async () => {
    await page.getByRole("button", { name: "Restore 0" }).click();
    await expect.poll(() => page.locator("#version-count").textContent()).toBe("3");
    expect(await page.getByLabel("Record (JSON)").inputValue()).toBe('{\n  "name": "first"\n}');
  });

  it("toggles privacy, as a keyless read shows", async () => {
    await page.getByRole("button", { name: "Make public" }).click();
    await expect.poll(() => page.locator("#privacy").textContent()).toBe("public");
    expect((await api(`/v3/b/${binId}`)).status).toBe(200);
  });

  it("follows a public bin live: a write by another client shows without a reload (§10.4)", async () => {
    const write = (record: unknown) =>
      api(`/v3/b/${binId}`, {
        method: "PUT",
        headers: { "X-Master-Key": masterKey, "Content-Type": "application/json", "X-Bin-Versioning": "true" },
        body: JSON.stringify(record),
      });
    expect((await write({ name: "from elsewhere" })).status).toBe(200);
    await expect.poll(() => page.getByLabel("Record (JSON)").inputValue()).toBe('{\n  "name": "from elsewhere"\n}');
    await expect.poll(() => page.locator("#version-count").textContent()).toBe("4");
    // While the record is being edited, a change elsewhere is announced, not loaded over the edit.
    await page.getByLabel("Record (JSON)").fill('{"name": "my edit"}');
    expect((await write({ name: "first" })).status).toBe(200);
    await page.getByText("This bin changed elsewhere (now version 5).").waitFor();
    expect(await page.getByLabel("Record (JSON)").inputValue()).toBe('{"name": "my edit"}');
    await page.getByRole("button", { name: "Reload" }).click();
    await expect.poll(() => page.getByLabel("Record (JSON)").inputValue()).toBe('{\n  "name": "first"\n}');
  });

  it("makes the bin private again, as a keyless read shows", async () => {
    await page.getByRole("button", { name: "Make private" }).click();
    await expect.poll(() => page.locator("#privacy").textContent()).toBe("private");
    expect((await api(`/v3/b/${binId}`)).status).toBe(401);
  });

  it("creates a read-only access key that reads the bin", async () => {
    await open("Access keys");
    const form = part("New access key");
    await form.getByLabel("Name", { exact: true }).fill("reader");
    await form.getByLabel("May read bins").check();
    await form.getByRole("button", { name: "Create access key" }).click();
    await page.locator("#new-access-key").waitFor();
    const accessKey = (await page.locator("#new-access-key").textContent())!;
    expect(accessKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const read = await api(`/v3/b/${binId}/latest`, { headers: { "X-Access-Key": accessKey } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { record: unknown }).record).toEqual({ name: "first" });
    await shot("access-keys");
  });

  it("shows usage", async () => {
    await open("Usage");
    expect(await page.locator("dd").nth(2).textContent()).toBe("1");
  });

  it("fits a phone screen", async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${worker.base}/console#/bin/${binId}`);
    await page.getByRole("heading", { name: "first bin", level: 1 }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot("bin-phone");
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it("deletes the bin", async () => {
    await page.getByRole("button", { name: "Delete bin" }).click();
    await page.getByRole("heading", { name: "Bins", level: 1 }).waitFor();
    const gone = await api(`/v3/b/${binId}`, { headers: { "X-Master-Key": masterKey } });
    expect(gone.status).toBe(404);
  });

  it("never put the key in a URL, a cookie, localStorage or a log line", async () => {
    expect(requestedUrls.length).toBeGreaterThan(20);
    expect(requestedUrls.filter((url) => url.includes(masterKey))).toEqual([]);
    expect(await browser.cookies()).toEqual([]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.evaluate(() => sessionStorage.getItem("edgebin.masterKey"))).toBe(masterKey);
    expect(consoleLines.filter((line) => line.includes(masterKey))).toEqual([]);
    expect(worker.logTail()).not.toContain(masterKey);
    // Signing out forgets it.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Master key").waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});
