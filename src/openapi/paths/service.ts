// The document itself and the console: no key, never counted.
import { json } from "../kit";
import { ok, operation } from "../operation";

export const servicePaths = {
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
};
