import { spawn } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/local-worker.mjs";

// Issue 10: `npm run deploy` on a fresh Cloudflare account, with no hand edits. Cloudflare cannot
// be reached from the tests, so wrangler is replaced by a fake that keeps a pretend account's
// resources in a file and answers as wrangler 4.155 does (JSON of `whoami --json`, `d1 list --json`,
// `secret list --format json`; `r2 bucket info` failing with code 10006 for a missing bucket). What
// this shows is the script's own logic: what it creates, in which order, and that it edits nothing.

const dir = mkdtempSync(join(tmpdir(), "edgebin-deploy-"));
const project = join(dir, "project");
const account = join(dir, "account.json");
const calls = join(dir, "calls.ndjson");
const fake = join(dir, "wrangler");

const FAKE = `#!${process.execPath}
const fs = require("node:fs");
const args = process.argv.slice(2);
const account = JSON.parse(fs.existsSync(${JSON.stringify(account)}) ? fs.readFileSync(${JSON.stringify(account)}, "utf8") : "{}");
const save = () => fs.writeFileSync(${JSON.stringify(account)}, JSON.stringify(account));
const stdin = args[0] === "secret" && args[1] === "put" ? fs.readFileSync(0, "utf8") : undefined;
fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ args, accountId: process.env.CLOUDFLARE_ACCOUNT_ID, stdin }) + "\\n");
const is = (...prefix) => prefix.every((p, i) => args[i] === p);
if (is("whoami")) console.log(JSON.stringify({ loggedIn: true, accounts: [{ id: "acc-1", name: "Newcomer" }] }));
else if (is("d1", "list")) console.log(JSON.stringify(account.d1 ? [{ name: account.d1, uuid: "d1-uuid" }] : []));
else if (is("d1", "create")) { account.d1 = args[2]; save(); console.log("Created"); }
else if (is("r2", "bucket", "info")) {
  if (account.r2 !== args[3]) { console.error("The specified bucket does not exist. [code: 10006]"); process.exit(1); }
  console.log("{}");
}
else if (is("r2", "bucket", "create")) {
  if (process.env.FAKE_R2_DISABLED) { console.error("Please enable R2 through the Cloudflare Dashboard. [code: 10042]"); process.exit(1); }
  account.r2 = args[3]; save();
}
else if (is("d1", "migrations", "apply")) console.log(account.d1 ? "Migrations applied" : process.exit(1));
else if (is("deploy")) console.log("Uploaded edgebin\\nDeployed edgebin triggers\\n  " + process.env.FAKE_URL + "\\n  schedule: 17 3 * * *");
else if (is("secret", "list")) console.log(JSON.stringify(account.secret ? [{ name: "ADMIN_KEY", type: "secret_text" }] : []));
else if (is("secret", "put")) { account.secret = stdin; save(); }
else { console.error("unexpected: " + args.join(" ")); process.exit(2); }
`;

const health = createServer((req, res) => {
  res.writeHead(req.url === "/health" ? 200 : 404, { "Content-Type": "application/json" });
  res.end(req.url === "/health" ? '{"status":"ok"}' : "{}");
});
let url: string;

beforeAll(async () => {
  for (const entry of ["scripts", "wrangler.toml", "package.json"]) {
    cpSync(join(root, entry), join(project, entry), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(project, "node_modules"), "dir");
  writeFileSync(fake, FAKE);
  chmodSync(fake, 0o755);
  await new Promise<void>((r) => health.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
});

afterAll(() => {
  health.close();
  rmSync(dir, { recursive: true, force: true });
});

function deploy(extraEnv: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["scripts/deploy.mjs"], {
    cwd: project,
    env: { ...process.env, EDGEBIN_WRANGLER: fake, FAKE_URL: url, CLOUDFLARE_ACCOUNT_ID: "", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));
  return new Promise((r) => child.once("close", (code) => r({ code, output })));
}

const callsMade = (): { args: string[]; accountId?: string; stdin?: string }[] =>
  readFileSync(calls, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("npm run deploy", { timeout: 60_000 }, () => {
  it("stops before deploying, saying what to do, on an account where R2 is not enabled yet", async () => {
    const result = await deploy({ FAKE_R2_DISABLED: "1" });
    expect(result.code).toBe(1);
    expect(result.output).toContain("R2 is not enabled on this Cloudflare account yet");
    expect(callsMade().map((c) => c.args[0])).not.toContain("deploy");
    // The next test starts from a fresh account again.
    rmSync(calls);
    rmSync(account);
  });

  it("creates the database, the bucket and the admin key of a fresh account, migrates, deploys and checks /health", async () => {
    const config = readFileSync(join(project, "wrangler.toml"), "utf8");
    expect(config).not.toMatch(/^database_id/m);
    const result = await deploy();
    expect(result.code, result.output).toBe(0);
    const made = callsMade();
    expect(made.map((c) => c.args.slice(0, 3).join(" "))).toEqual([
      "whoami --json",
      "d1 list --json",
      "d1 create edgebin",
      "r2 bucket info",
      "r2 bucket create",
      "d1 migrations apply",
      "deploy",
      "secret list --format",
      "secret put ADMIN_KEY",
    ]);
    expect(made.find((c) => c.args[1] === "migrations")!.args).toEqual(["d1", "migrations", "apply", "DB", "--remote"]);
    expect(made.find((c) => c.args[1] === "bucket" && c.args[2] === "create")!.args).toEqual([
      "r2",
      "bucket",
      "create",
      "edgebin-bodies",
    ]);
    // The one account of the login is used for every step after whoami.
    expect(new Set(made.slice(1).map((c) => c.accountId))).toEqual(new Set(["acc-1"]));
    const key = made.at(-1)!.stdin!;
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.output).toContain(`generated: ${key}`);
    expect(readFileSync(join(project, ".wrangler", "deployed-admin-key"), "utf8")).toBe(`${key}\n`);
    expect(result.output).toContain('200 {"status":"ok"}');
    expect(result.output).toContain(`edgebin is deployed at ${url}`);
    // Nothing was written into the config by hand or by the script.
    expect(readFileSync(join(project, "wrangler.toml"), "utf8")).toBe(config);
  });

  it("creates nothing and keeps the admin key on the next deploy", async () => {
    rmSync(calls);
    const result = await deploy();
    expect(result.code, result.output).toBe(0);
    expect(callsMade().map((c) => c.args.slice(0, 3).join(" "))).toEqual([
      "whoami --json",
      "d1 list --json",
      "r2 bucket info",
      "d1 migrations apply",
      "deploy",
      "secret list --format",
    ]);
    expect(result.output).toContain("set (kept as it is)");
  });
});
