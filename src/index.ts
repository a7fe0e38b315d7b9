import { Hono } from "hono";
import type { HonoEnv } from "./env";
import { renderError, routeNotFound } from "./errors";
import { cors } from "./http/cors";
import { admin } from "./routes/v3/admin";
import { account } from "./routes/v3/account";
import { bins } from "./routes/v3/bins";
import { collections } from "./routes/v3/collections";
import { schemas } from "./routes/v3/schemas";

const app = new Hono<HonoEnv>({ strict: false });

app.use(cors);

app.route("/v3/admin", admin);
app.route("/v3/account", account);
app.route("/v3/b", bins);
app.route("/v3/c", collections);
app.route("/v3/s", schemas);

app.notFound((c) => renderError(c, routeNotFound()));
app.onError((err, c) => renderError(c, err));

export default app;
export { BinWriter } from "./bins/bin-writer";
