import { Hono } from "hono";
import type { HonoEnv } from "../../env";
import { rawJsonResponse } from "../../http/json";
import { openApiText } from "../../openapi/document";

/** §10.8: no key, never counted. */
export const openApi = new Hono<HonoEnv>();

openApi.get("/", () => rawJsonResponse(openApiText()));
