// A throwaway local Worker: `wrangler dev` on loopback, in a temp dir of its own, with its own state.
// Used by the benchmarks in bench/ and by the end-to-end tests in test/e2e/.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "..", "..");
const wrangler = resolve(root, "node_modules", ".bin", "wrangler");
export const wranglerVersion = JSON.parse(
  readFileSync(resolve(root, "node_modules", "wrangler", "package.json"), "utf8"),
).version;
// wrangler's shebang finds `node` on PATH: make it this process's Node (the project's pinned 24), not the machine's.
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
  WRANGLER_SEND_METRICS: "false",
};

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const groupAlive = (pid) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

// What `wrangler dev` needs to build and run the Worker and apply migrations.
const SNAPSHOT = ["src", "migrations", "public", "wrangler.toml", "tsconfig.base.json"];

/** What the run measures: the commit, and whether the Worker's files differed from it. */
function describeSource() {
  const git = (...args) =>
    // --no-optional-locks: a status must not take the index lock others' git commands may need.
    spawnSync("git", ["--no-optional-locks", "-C", root, ...args], { encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return "unknown (no git)";
  // Porcelain lines are "XY path"; name only the top-level entries that differ.
  const changed = new Set(
    git("status", "--porcelain", "--", ...SNAPSHOT)
      .stdout.split("\n")
      .filter(Boolean)
      .map((l) => l.slice(3).split("/")[0]),
  );
  return `commit ${head.stdout.trim()}${changed.size ? ` + uncommitted changes in ${[...changed].join(", ")}` : ""}`;
}

/**
 * A local Worker in a temp dir of its own: the persistence dir, so the developer's .wrangler/state
 * is never read or written, and a copy of the Worker's source taken on the first start. wrangler
 * dev rebuilds and reloads on every file change, and others edit this repo while a benchmark runs;
 * the copy keeps one run on one version of the code (and leaves out a developer's .dev.vars).
 * It can be stopped (or killed, as a crash) and started again on the same state (to seed D1
 * directly in between, or to see what survived); `cleanup()` ends every process it started and
 * removes the dir.
 */
export class LocalWorker {
  dir = mkdtempSync(join(tmpdir(), "edgebin-local-"));
  persistDir = join(this.dir, "state");
  #app = join(this.dir, "app");
  adminKey = randomBytes(32).toString("base64url");
  base = null;
  /** Set on the first start, from the copy taken then. */
  source = null;
  #dev = null;
  #prepared = false;
  #children = new Set();
  #log = [];
  #closed = false;
  #vars;
  #sourceDir;
  #config;
  #extra;
  #label;

  /**
   * `vars`: operator settings for this instance (e.g. `{ RATE_LIMIT_PER_MINUTE: "3" }`), passed with `--var`.
   * For benchmarks: `sourceDir`, another copy of the repo to run (e.g. an older commit's files);
   * `config`, a wrangler config other than wrangler.toml (relative to the copy); `extra`, more
   * entries to copy; `label`, what the run says it measured.
   */
  constructor({ vars = {}, sourceDir = root, config = null, extra = [], label = null } = {}) {
    this.#vars = vars;
    this.#sourceDir = sourceDir;
    this.#config = config;
    this.#extra = extra;
    this.#label = label;
  }

  #configArgs() {
    return this.#config ? ["--config", this.#config] : [];
  }

  // After cleanup (e.g. on a signal while a step is still running) nothing new may be spawned:
  // no one would be left to end it.
  #checkOpen() {
    if (this.#closed) throw new Error("worker already cleaned up");
  }

  /**
   * Runs a one-off wrangler command in its own process group (so cleanup can end it and whatever
   * it spawned) and rejects with its output if it fails.
   */
  #wrangler(args) {
    this.#checkOpen();
    return new Promise((resolveRun, reject) => {
      const child = spawn(wrangler, args, { cwd: this.#app, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      this.#children.add(child);
      let output = "";
      for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => (output += chunk));
      child.once("error", reject);
      child.once("exit", (code, signal) => {
        this.#children.delete(child);
        if (code === 0) resolveRun(output);
        else
          reject(new Error(`wrangler ${args.slice(0, 3).join(" ")} failed (${signal ?? `exit ${code}`}):\n${output}`));
      });
    });
  }

  /** Runs a SQL file against the local D1 of this worker's dir. Only while the worker is stopped: workerd holds the database open. */
  async d1Execute(file) {
    if (this.#dev) throw new Error("d1Execute needs the worker stopped");
    await this.#wrangler([
      "d1",
      "execute",
      "DB",
      "--local",
      "--persist-to",
      this.persistDir,
      "--file",
      file,
      "--yes",
      ...this.#configArgs(),
    ]);
  }

  /** Copies the source and applies the migrations (first time only), starts `wrangler dev` and waits until it answers; returns its base URL. */
  async start() {
    if (!this.#prepared) {
      this.source = this.#label ?? describeSource();
      for (const entry of [...SNAPSHOT, ...this.#extra]) {
        // An older commit may lack an entry (public/ came with the console).
        if (existsSync(join(this.#sourceDir, entry))) {
          cpSync(join(this.#sourceDir, entry), join(this.#app, entry), { recursive: true });
        }
      }
      symlinkSync(join(root, "node_modules"), join(this.#app, "node_modules"), "dir");
      await this.#wrangler([
        "d1",
        "migrations",
        "apply",
        "DB",
        "--local",
        "--persist-to",
        this.persistDir,
        ...this.#configArgs(),
      ]).catch((err) => {
        throw new Error(`migrations failed: ${err.message}`);
      });
      this.#prepared = true;
    }
    const port = await freePort();
    const inspectorPort = await freePort(); // the default 9229 may be held by a developer's `npm start`
    this.inspectorPort = inspectorPort;
    this.#checkOpen();
    const dev = spawn(
      wrangler,
      [
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--inspector-port",
        String(inspectorPort),
        "--persist-to",
        this.persistDir,
        "--var",
        `ADMIN_KEY:${this.adminKey}`,
        ...Object.entries(this.#vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
        // Per-request log lines would cost CPU that the load generator and workerd are competing for.
        "--log-level",
        "warn",
        "--show-interactive-dev-session=false",
        ...this.#configArgs(),
      ],
      { cwd: this.#app, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#dev = dev;
    for (const stream of [dev.stdout, dev.stderr]) {
      stream.on("data", (chunk) => this.#log.push(String(chunk)) > 200 && this.#log.shift());
    }
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && dev.exitCode === null) {
      try {
        // A time limit per probe too: a worker that accepts the connection but never answers
        // (seen once) must fail the run after the deadline, not hang it.
        await fetch(`${base}/v3/does-not-exist`, { signal: AbortSignal.timeout(5000) });
        this.base = base;
        return base;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    throw new Error(`wrangler dev did not answer on ${base} within 60 s:\n${this.logTail()}`);
  }

  /** Stops `wrangler dev` and waits until workerd has gone too, so its state files are closed. */
  async stop() {
    const dev = this.#dev;
    this.#dev = null;
    this.base = null;
    if (dev) await endGroup(dev);
  }

  /**
   * SIGKILLs wrangler and workerd at once, as a crash would: no shutdown, state files left as the
   * moment found them. Waits until every process of the group is gone; `start()` then runs the
   * same code again on the same state.
   */
  async kill() {
    const dev = this.#dev;
    this.#dev = null;
    this.base = null;
    if (dev) await killGroup(dev);
  }

  /** Safe to call more than once (error path, then a signal). */
  async cleanup() {
    this.#closed = true;
    await Promise.all([this.stop(), ...[...this.#children].map(endGroup)]);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The pid of the running workerd (the process group of `wrangler dev` holds it), for memory figures. */
  workerdPid() {
    return this.workerdProcesses()[0]?.pid ?? null;
  }

  /** Resident memory of the workerd processes of this instance (its process group), in KiB; 0 when stopped. */
  rssKb() {
    return this.workerdProcesses().reduce((n, p) => n + p.rssKb, 0);
  }

  /** The workerd processes of this instance (wrangler runs two: its proxy and the Worker's runtime). */
  workerdProcesses() {
    const group = this.#dev?.pid;
    if (group === undefined) return [];
    const found = [];
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat) ?? [];
        // Fields after the name: state, ppid, pgrp, ...
        if (!comm?.startsWith("workerd") || Number(rest.split(" ")[2]) !== group) continue;
        const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
        found.push({ pid: Number(pid), rssKb });
      } catch {}
    }
    return found;
  }

  /** The last lines `wrangler dev` printed: a 500 is explained only there (the worker logs the stack, never the client). */
  logTail() {
    return this.#log.join("").slice(-4000);
  }
}

/** SIGKILL to the whole group (wrangler and the workerd it spawned), then wait until all of it is gone. */
async function killGroup(child) {
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {}
  await exited;
  for (let i = 0; i < 100 && groupAlive(child.pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (groupAlive(child.pid)) throw new Error(`process group ${child.pid} survived SIGKILL`);
}

/** wrangler spawns workerd; killing only wrangler can orphan it, so signal the whole group and wait for all of it. */
export async function endGroup(child) {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => child.once("exit", r));
  try {
    process.kill(-pid, "SIGTERM");
  } catch {}
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
  }, 5000);
  await exited;
  for (let i = 0; i < 100 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  clearTimeout(timer);
  if (groupAlive(pid))
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
}
