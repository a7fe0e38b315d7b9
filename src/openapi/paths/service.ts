// The document itself and the console: no key, never counted.
import { json, object } from "../kit";
import { ok, operation } from "../operation";

export const servicePaths = () => ({
  "/health": {
    get: operation("v3", "Service", {
      id: "health",
      summary: "Whether D1 and R2 answer (§10.9)",
      description: "No key, not counted.",
      responses: {
        "200": ok("Both answer.", json(object({ status: { const: "ok" } }))),
        "503": ok(
          "One of them does not.",
          json(
            object({
              status: { const: "degraded" },
              d1: { enum: ["ok", "error"] },
              r2: { enum: ["ok", "error"] },
            }),
          ),
        ),
      },
      errors: [],
    }),
  },
  "/v3/openapi.json": {
    get: operation("v3", "Service", {
      id: "openApiDocument",
      summary: "This document (§10.8)",
      responses: { "200": ok("OpenAPI 3.1.", json({ type: "object" })) },
      errors: [],
    }),
  },
  "/console": {
    // Served by the Worker's static assets (wrangler.toml [assets]), before the Worker's routes.
    "x-edgebin-static-asset": true,
    get: {
      tags: ["Service"],
      operationId: "console",
      summary: "The web console (§10.10)",
      description:
        "Sign in with a master key (kept in sessionStorage only) and manage bins, versions, collections, schema docs and access keys.",
      security: [],
      responses: {
        "200": { description: "The console page.", content: { "text/html": { schema: { type: "string" } } } },
      },
    },
  },
});
