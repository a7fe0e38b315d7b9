#!/usr/bin/env node
// `npm run deploy`: puts edgebin on the Cloudflare account wrangler is logged in to, creating what
// is missing, with no config edited by hand. wrangler.toml names the D1 database and the R2 bucket
// but holds no ids: wrangler finds both by name. Steps, each skipped when already done:
//   1. the D1 database (`wrangler d1 create <database_name>`) and the R2 bucket, if missing;
//   2. pending D1 migrations, applied remotely (before the new code runs);
//   3. `wrangler deploy` (which also creates the Durable Object class);
//   4. an ADMIN_KEY secret, generated once and shown once;
//   5. GET /health on the deployed Worker.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { experimental_readRawConfig } from "wrangler";
import { root } from "./lib/local-defaults.mjs";

const wrangler = process.env.EDGEBIN_WRANGLER ?? resolve(root, "node_modules", ".bin", "wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };

/**
 * Runs wrangler and returns its output. `interactive`: stdin is the terminal, for the prompts a
 * first deploy may need (e.g. registering a workers.dev subdomain); otherwise wrangler gets no
 * stdin and takes its non-interactive defaults. Output is shown as it comes unless `quiet`.
 */
function run(args, { interactive = false, quiet = false, input } = {}) {
  return new Promise((resolveRun, reject) => {
    const stdin = input !== undefined ? "pipe" : interactive ? "inherit" : "ignore";
    const child = spawn(wrangler, args, { cwd: root, env, stdio: [stdin, "pipe", "pipe"] });
    let output = "";
    for (const [stream, sink] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      stream.on("data", (chunk) => {
        output += chunk;
        if (!quiet) sink.write(chunk);
      });
    }
    if (input !== undefined) child.stdin.end(input);
    child.once("error", reject);
    child.once("exit", (code) => resolveRun({ code, output }));
  });
}

async function must(args, options) {
  const result = await run(args, options);
  if (result.code !== 0) {
    if (options?.quiet) process.stderr.write(result.output);
    throw new Error(`wrangler ${args.join(" ")} failed (exit ${result.code})`);
  }
  return result.output;
}

const step = (text) => console.log(`\n▸ ${text}`);

/** The JSON a `--json` command printed, after any banner lines before it. */
function jsonOutput(output) {
  const start = output.search(/^[[{]/m);
  if (start < 0) throw new Error(`expected JSON from wrangler, got:\n${output}`);
  return JSON.parse(output.slice(start));
}

async function main() {
  const { rawConfig } = experimental_readRawConfig({ config: resolve(root, "wrangler.toml") });
  const database = rawConfig.d1_databases[0].database_name;
  const bucket = rawConfig.r2_buckets[0].bucket_name;

  step("Checking the Cloudflare login");
  const who = await run(["whoami", "--json"], { quiet: true });
  if (who.code !== 0) {
    console.error("Not logged in to Cloudflare: run `npx wrangler login` first (or set CLOUDFLARE_API_TOKEN).");
    return 1;
  }
  const { accounts = [] } = jsonOutput(who.output);
  if (!env.CLOUDFLARE_ACCOUNT_ID) {
    if (accounts.length === 1) env.CLOUDFLARE_ACCOUNT_ID = accounts[0].id;
    else if (accounts.length > 1) {
      console.error("Your login has several Cloudflare accounts; choose one and run again with it:");
      for (const a of accounts) console.error(`  CLOUDFLARE_ACCOUNT_ID=${a.id} npm run deploy   # ${a.name}`);
      return 1;
    }
  }
  console.log(
    `Account: ${accounts.find((a) => a.id === env.CLOUDFLARE_ACCOUNT_ID)?.name ?? env.CLOUDFLARE_ACCOUNT_ID}`,
  );

  step(`D1 database "${database}"`);
  const databases = jsonOutput(await must(["d1", "list", "--json"], { quiet: true }));
  if (databases.some((d) => d.name === database)) console.log("exists");
  else await must(["d1", "create", database]);

  step(`R2 bucket "${bucket}"`);
  const info = await run(["r2", "bucket", "info", bucket, "--json"], { quiet: true });
  const created = info.code === 0 ? null : await run(["r2", "bucket", "create", bucket], { quiet: true });
  if (!created) console.log("exists");
  else if (created.code === 0) console.log("created");
  else if (/10042|enable R2/i.test(created.output + info.output)) {
    console.error(
      "R2 is not enabled on this Cloudflare account yet. Open the dashboard, go to R2 and enable it (the free tier is enough; wrangler cannot do this step), then run `npm run deploy` again.",
    );
    return 1;
  } else {
    process.stderr.write(info.output + created.output);
    throw new Error(`could not create the R2 bucket ${bucket}`);
  }

  step("Applying D1 migrations (remote)");
  await must(["d1", "migrations", "apply", "DB", "--remote"]);

  step("Deploying the Worker");
  const deployed = await must(["deploy"], { interactive: true });
  const url = deployed.match(/^\s+(https?:\/\/\S+?)\/?\s*$/m)?.[1];

  step("ADMIN_KEY secret");
  const secrets = jsonOutput(await must(["secret", "list", "--format", "json"], { quiet: true }));
  if (secrets.some((s) => s.name === "ADMIN_KEY")) console.log("set (kept as it is)");
  else {
    const key = randomBytes(32).toString("base64url");
    await must(["secret", "put", "ADMIN_KEY"], { input: key, quiet: true });
    const file = resolve(root, ".wrangler", "deployed-admin-key");
    mkdirSync(resolve(root, ".wrangler"), { recursive: true });
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    console.log(`generated: ${key}\n(also in ${file}; it is shown only this once, keep it somewhere safe)`);
  }

  if (!url) {
    console.log("\nDeployed. (No URL in wrangler's output: check GET /health on your route.)");
    return 0;
  }
  step(`GET ${url}/health`);
  const health = await waitForHealth(`${url}/health`);
  console.log(health ?? "no answer yet: a first deploy can take a minute to be reachable; try it again shortly");
  console.log(`\nedgebin is deployed at ${url}`);
  return health?.includes('"ok"') ? 0 : 1;
}

async function waitForHealth(url) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      if (res.status === 200 || res.status === 503) return `${res.status} ${text}`;
    } catch {}
    await new Promise((r) => setTimeout(r, 2000));
  }
  return null;
}

process.exitCode = await main().catch((err) => {
  console.error(err.message);
  return 1;
});
