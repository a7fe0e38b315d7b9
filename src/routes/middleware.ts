import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../env";
import { routeNotFound } from "../errors/app-error";
import type { Dialect } from "../errors/spec";

/** Hono answers HEAD with the GET handler (and would charge it); the contract has no HEAD routes. */
export const rejectHead: MiddlewareHandler<HonoEnv> = async (c, next) => {
  if (c.req.method === "HEAD") throw routeNotFound();
  await next();
};

/** Marks the routes of a path as speaking `dialect`, so their errors are worded in it. */
export const speaks =
  (dialect: Dialect): MiddlewareHandler<HonoEnv> =>
  async (c, next) => {
    c.set("dialect", dialect);
    await next();
  };

/** The operator API (§2.3) exists only when ADMIN_KEY is set: otherwise every admin path is `Route not found`. */
export const adminRoutesEnabled: MiddlewareHandler<HonoEnv> = async (c, next) => {
  if (!c.env.ADMIN_KEY) throw routeNotFound();
  await next();
};
