import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("answers a ping", async () => {
  const res = await exports.default.fetch("http://x/v3/ping");
  expect(await res.text()).toBe("pong");
});
