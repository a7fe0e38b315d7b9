import { Hono } from "hono";
import type { HonoEnv } from "./env";
import { routeNotFound } from "./errors/app-error";
import { renderError } from "./errors/render";
import { cors } from "./http/cors";
import { settleUsage } from "./routes/charging";
import { health } from "./routes/health";
import { v1 } from "./routes/legacy/v1";
import { v2 } from "./routes/legacy/v2";
import { rejectHead } from "./routes/middleware";
import { accessKeys } from "./routes/v3/access-keys";
import { account } from "./routes/v3/account";
import { admin } from "./routes/v3/admin";
import { adminImport } from "./routes/v3/admin-import";
import { binHistory } from "./routes/v3/bin-history";
import { bins } from "./routes/v3/bins";
import { collections } from "./routes/v3/collections";
import { logs } from "./routes/v3/logs";
import { openApi } from "./routes/v3/openapi";
import { schemas } from "./routes/v3/schemas";
import { pruneUsage } from "./usage/logs";

const app = new Hono<HonoEnv>({ strict: false });

app.use(cors);
app.use(rejectHead);
app.use(settleUsage);

app.route("/health", health);
app.route("/v3/admin", admin);
app.route("/v3/admin", adminImport);
app.route("/v3/account", account);
// Before `bins`: its `/<id>/<version>` would otherwise take `/<id>/diff`.
app.route("/v3/b", binHistory);
app.route("/v3/b", bins);
app.route("/v3/c", collections);
app.route("/v3/s", schemas);
app.route("/v3/a", accessKeys);
app.route("/v3/l", logs);
app.route("/v3/openapi.json", openApi);
// Legacy APIs at the root, after v3. v1 first: its literal `/b/new`, `/b/update/<id>` and `/pretty`
// paths must win over v2's `/b/<id>[/<version>]`.
app.route("/", v1);
app.route("/", v2);

app.notFound((c) => renderError(c, routeNotFound()));
app.onError((err, c) => renderError(c, err));

export default {
  fetch: app.fetch,
  /** Cron Trigger: prunes access logs past retention. */
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(pruneUsage(env, new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
export { BinWriter } from "./bins/bin-writer";
export { AccountMeter } from "./usage/account-meter";
/** The routes the app serves, for the test that holds them equal to the OpenAPI document's. */
export const servedRoutes = (): { method: string; path: string }[] =>
  app.routes.map(({ method, path }) => ({ method, path }));
export { AccountStreams } from "./bins/streams/account-streams";
