import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { endGroup, freePort, root } from "../../scripts/lib/local-worker.mjs";

// Issue 10: `npm start` never stops at an interactive prompt, in a terminal or not. It runs here in
// a copy of the project (its own .dev.vars and .wrangler state), under `script`, which gives it a
// pseudo-terminal as stdin and stdout, as when a developer types `npm start`.

const hasScript = spawnSync("script", ["--version"]).status === 0;
const copy = mkdtempSync(join(tmpdir(), "edgebin-start-"));
for (const entry of ["src", "migrations", "public", "scripts", "wrangler.toml", "tsconfig.base.json", "package.json"]) {
  cpSync(join(root, entry), join(copy, entry), { recursive: true });
}
symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir");

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe("npm start in a terminal", () => {
  it.skipIf(!hasScript)(
    "applies the migrations without asking, starts, and makes the first account",
    { timeout: 180_000 },
    async () => {
      const port = await freePort();
      const command = `${process.execPath} scripts/start.mjs --port ${port} --inspector-port ${await freePort()}`;
      const child = spawn("script", ["-qfec", command, "/dev/null"], {
        cwd: copy,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
        detached: true,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let output = "";
      const up = new Promise<void>((resolveUp, reject) => {
        child.stdout.on("data", (chunk) => {
          output += chunk;
          if (output.includes("master key:")) resolveUp();
        });
        child.once("exit", () => reject(new Error(`npm start exited:\n${output}`)));
      });
      try {
        await up;
      } finally {
        await endGroup(child);
      }
      expect(output).toContain("Migrations to be applied");
      expect(output).toContain(`edgebin is up at http://127.0.0.1:${port}`);
      expect(output).toMatch(/first account: {2}[0-9a-f]{24}/);
    },
  );
});
