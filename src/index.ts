import { Hono } from "hono";
import type { HonoEnv } from "./env";

const app = new Hono<HonoEnv>({ strict: false });
app.get("/v3/ping", (c) => c.text("pong"));

export default app;
export { BinWriter } from "./bins/bin-writer";
