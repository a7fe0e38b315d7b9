// The browser tests (test/e2e/console.test.ts, test/e2e/streams.test.ts) drive Debian's Chromium through
// playwright-core, which never downloads a browser. `npm test` runs this first so a machine
// without Chromium gets told how to install it instead of a launch error deep in a test.
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/**
 * What the browser tests pass to Chromium: headless (playwright's default), and nothing that would
 * reach out to Google's services, which this machine's closed network refuses many at a time.
 */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** CHROMIUM_PATH if set, else the first Debian/Ubuntu location that exists; null when none does. */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!chromiumPath()) {
    console.error(
      [
        "Chromium is needed for the console's browser tests (test/e2e/console.test.ts) and was not found.",
        "Install it with:   sudo apt-get update && sudo apt-get install -y chromium   (Debian/Ubuntu)",
        "or point CHROMIUM_PATH at a Chromium or Chrome binary.",
      ].join("\n"),
    );
    process.exit(1);
  }
}
