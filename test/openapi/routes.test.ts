import { describe, expect, it } from "vitest";
import { servedRoutes } from "../../src/index";
import { buildDocument } from "../../src/openapi/document";
import { call, createAccount, master } from "../helpers";

type PathItem = Record<string, unknown>;
const paths = buildDocument().paths as Record<string, PathItem>;
const METHODS = ["get", "put", "post", "delete", "patch"];

/** "GET /v3/b/{id}" for every operation the app's router serves; middleware entries are not routes. */
function served(): string[] {
  const routes = servedRoutes()
    .filter((r) => r.method !== "ALL")
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
  return [...new Set(routes)].sort();
}

function documented(): string[] {
  return Object.entries(paths)
    .filter(([, item]) => !item["x-edgebin-static-asset"])
    .flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

describe("the OpenAPI document and the router", () => {
  it("lists exactly the routes the app serves", () => {
    expect(documented()).toEqual(served());
  });

  it("declares every path template's parameters, and only those", () => {
    for (const [path, item] of Object.entries(paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const method of METHODS.filter((m) => item[m])) {
        const refs = [
          ...((item.parameters as { $ref: string }[]) ?? []),
          ...(((item[method] as PathItem).parameters as { $ref: string }[]) ?? []),
        ];
        const components = buildDocument().components as { parameters: Record<string, { name: string; in: string }> };
        const declared = refs
          .map((r) => components.parameters[r.$ref.split("/").pop()!]!)
          .filter((p) => p.in === "path")
          .map((p) => p.name)
          .sort();
        expect(declared, `${method.toUpperCase()} ${path}`).toEqual(inPath);
      }
    }
  });

  it("gives every operation its own operationId", () => {
    const ids = Object.values(paths).flatMap((item) =>
      METHODS.filter((m) => item[m]).map((m) => (item[m] as { operationId: string }).operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("GET /v3/openapi.json", () => {
  it("answers the document without a key and without counting the request", async () => {
    const res = await call("GET", "/v3/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("X-Requests-Used")).toBeNull();
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(buildDocument())));
  });

  it("ignores keys: the same document for everyone", async () => {
    const account = await createAccount();
    const res = await call("GET", "/v3/openapi.json", { headers: master(account) });
    expect(res.headers.get("X-Requests-Used")).toBeNull();
    expect(((await res.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });
});
