#!/usr/bin/env node
// `npm start`: local D1/R2/Durable Objects under .wrangler/, migrations applied, a first account made.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const devVars = resolve(root, ".dev.vars");
const firstAccountFile = resolve(root, ".wrangler", "first-account.json");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const args = process.argv.slice(2);
const portIndex = args.indexOf("--port");
const port = portIndex >= 0 ? Number(args[portIndex + 1]) : 8787;
if (portIndex < 0) args.push("--port", String(port));
if (!args.includes("--ip")) args.push("--ip", "127.0.0.1");

// Local development needs an ADMIN_KEY to create accounts; generate one once, never commit it.
if (!existsSync(devVars) || !/^ADMIN_KEY=/m.test(readFileSync(devVars, "utf8"))) {
  const key = randomBytes(32).toString("base64url");
  writeFileSync(devVars, `${existsSync(devVars) ? readFileSync(devVars, "utf8") : ""}ADMIN_KEY=${key}\n`, {
    mode: 0o600,
  });
  console.log(`Created ${devVars} with a random ADMIN_KEY (kept out of git).`);
}
const adminKey = readFileSync(devVars, "utf8")
  .match(/^ADMIN_KEY=(.*)$/m)[1]
  .trim();

const wrangler = resolve(root, "node_modules", ".bin", "wrangler");
// wrangler asks before applying migrations when stdin is a terminal; with no stdin it applies them
// (its non-interactive default is "yes"), so `npm start` never stops at a prompt.
const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], {
  cwd: root,
  env,
  stdio: ["ignore", "inherit", "inherit"],
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const dev = spawn(wrangler, ["dev", ...args], { cwd: root, env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

const base = `http://127.0.0.1:${port}`;
await waitUntilUp(base);
// A first account remembered from a local database that is gone (state removed, or kept under
// another database id) is made again.
if (existsSync(firstAccountFile)) {
  const { accountId } = JSON.parse(readFileSync(firstAccountFile, "utf8"));
  const res = await fetch(`${base}/v3/admin/accounts/${accountId}`, { headers: { "X-Admin-Key": adminKey } });
  if (res.status === 404) rmSync(firstAccountFile);
}
if (!existsSync(firstAccountFile)) {
  const res = await fetch(`${base}/v3/admin/accounts`, {
    method: "POST",
    headers: { "X-Admin-Key": adminKey, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "first account" }),
  });
  if (res.ok) writeFileSync(firstAccountFile, `${JSON.stringify(await res.json(), null, 2)}\n`, { mode: 0o600 });
}
if (existsSync(firstAccountFile)) {
  const account = JSON.parse(readFileSync(firstAccountFile, "utf8"));
  console.log(`
edgebin is up at ${base}
  first account:  ${account.accountId}
  master key:     ${account.masterKey}   (also in ${firstAccountFile})
  admin key:      in ${devVars}
Try:  curl -s -X POST ${base}/v3/b -H 'Content-Type: application/json' -H 'X-Master-Key: ${account.masterKey}' -d '{"hello":"world"}'
`);
}

async function waitUntilUp(url) {
  for (let i = 0; i < 600; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  console.error("wrangler dev did not start answering within 150 s");
}
