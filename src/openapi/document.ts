// GET /v3/openapi.json (§10.8): the whole API as OpenAPI 3.1, written as data next to the routes it
// describes. The test suite keeps it true: every served route is here and every route here is served
// (test/openapi/routes.test.ts), every response the suite sees is validated against it
// (test/openapi/validate.ts, called from the shared request helper), and a 3.1 validator checks it
// (test/e2e/openapi.test.ts).
import { headers, parameters, schemas, securitySchemes } from "./components";
import { accountPaths } from "./paths/account-routes";
import { adminPaths } from "./paths/admin";
import { binPaths, binSchemas } from "./paths/bins";
import { legacyPaths } from "./paths/legacy";
import { servicePaths } from "./paths/service";

const DESCRIPTION = `A self-hostable, JSONBin.io-compatible JSON storage API (v3, and the legacy v2 and v1 APIs at the root).

- Every response carries \`Access-Control-Allow-Origin: *\`; \`OPTIONS\` on any path is a 204 preflight without a key.
- A path or method not listed here answers 404 \`Route not found\` (v3 shape under \`/v3\`, v2 shape elsewhere); so does \`HEAD\`.
- JSON bodies are \`application/json; charset=utf-8\`, compact, with members in the order the schemas list them.
- Error messages are exact: each error response lists the messages of its status.`;

export function buildDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: { title: "edgebin", version: "0.1.0", description: DESCRIPTION },
    tags: [
      { name: "Bins", description: "§3 and the §10 extensions on bins." },
      { name: "Collections", description: "§4, master key only." },
      { name: "Schema docs", description: "§5, master key only." },
      { name: "Access keys", description: "§6, master key only." },
      { name: "Account", description: "§2.4, §7: the master key's own account." },
      { name: "Admin", description: "§2.3: only when the operator sets ADMIN_KEY." },
      { name: "Legacy v2", description: "§8: JSONBin API v2 at the root." },
      { name: "Legacy v1", description: "§9: JSONBin API v1 at the root." },
      { name: "Service", description: "This document and the console." },
    ],
    paths: { ...binPaths(), ...accountPaths(), ...adminPaths(), ...legacyPaths(), ...servicePaths() },
    components: { schemas: { ...schemas, ...binSchemas }, parameters, headers, securitySchemes },
  };
}

let text: string | undefined;

/**
 * Built once per isolate, on the first request for it (the path tables are functions, so an isolate
 * that never serves the document never builds them): it never changes while the Worker runs.
 */
export function openApiText(): string {
  text ??= JSON.stringify(buildDocument());
  return text;
}
