import { describe, expect, it } from "vitest";
import {
  ADMIN_KEY,
  BIN_NOT_FOUND_OR_NOT_YOURS,
  call,
  createAccount,
  createBin,
  expectError,
  expectLegacyError,
  INVALID_ADMIN_KEY,
  INVALID_BIN_ID,
  master,
  NO_KEY,
  ROUTE_NOT_FOUND,
} from "./helpers";

// §1.7 CORS.

const EXPOSED =
  "ETag, X-Bin-Version, X-Bin-Version-Cap-Reached, X-Requests-Used, X-Requests-Limit, X-Requests-Remaining, " +
  "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After";
const METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const ORIGIN = { Origin: "https://app.example" };

function expectCors(res: Response): void {
  expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  expect(res.headers.get("Access-Control-Expose-Headers")).toBe(EXPOSED);
  expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
}

describe("preflight requests", () => {
  it("answers 204 without a key, copying the requested headers verbatim", async () => {
    const res = await call("OPTIONS", "/v3/b", {
      headers: {
        ...ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-master-key, x-bin-meta, content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Methods")).toBe(METHODS);
    expect(res.headers.get("Access-Control-Allow-Headers")).toBe("x-master-key, x-bin-meta, content-type");
    expect(res.headers.get("Access-Control-Max-Age")).toBe("86400");
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  });

  it("keeps the requested headers' case and spacing", async () => {
    const res = await call("OPTIONS", "/v3/b", {
      headers: { ...ORIGIN, "Access-Control-Request-Headers": "X-Access-Key,X-JSON-Path,  If-Match" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Headers")).toBe("X-Access-Key,X-JSON-Path,  If-Match");
  });

  it("omits Access-Control-Allow-Headers when none are requested", async () => {
    const res = await call("OPTIONS", "/v3/b", { headers: { ...ORIGIN, "Access-Control-Request-Method": "GET" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Headers")).toBeNull();
    expect(res.headers.get("Access-Control-Allow-Methods")).toBe(METHODS);
    expect(res.headers.get("Access-Control-Max-Age")).toBe("86400");
  });

  it.each([
    ["a bin that does not exist", "/v3/b/0123456789abcdef01234567"],
    ["a malformed bin id", "/v3/b/not-an-id"],
    ["an unknown path", "/no/such/route"],
    ["the admin API", "/v3/admin/accounts"],
    ["a legacy path", "/b"],
  ])("answers 204 on %s", async (_what, path) => {
    const res = await call("OPTIONS", path, {
      headers: { ...ORIGIN, "Access-Control-Request-Headers": "x-master-key" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Headers")).toBe("x-master-key");
  });

  it("is not counted against a public bin's owner", async () => {
    const owner = await createAccount();
    const bin = await createBin(owner, { a: 1 }, { "X-Bin-Private": "false" });
    const usage = async () => {
      const res = await call("GET", `/v3/admin/accounts/${owner.accountId}`, { headers: { "X-Admin-Key": ADMIN_KEY } });
      return ((await res.json()) as { usage: { requestsUsed: number } }).usage.requestsUsed;
    };
    const before = await usage();
    const res = await call("OPTIONS", `/v3/b/${bin.id}`, {
      headers: { ...ORIGIN, "Access-Control-Request-Method": "PUT" },
    });
    expect(res.status).toBe(204);
    expect(await usage()).toBe(before);
  });

  it("admits Origin: null", async () => {
    const res = await call("OPTIONS", "/v3/b", {
      headers: { Origin: "null", "Access-Control-Request-Headers": "x-master-key, content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  });

  it("exposes the usage and version headers on preflight responses too", async () => {
    const res = await call("OPTIONS", "/v3/b", { headers: { Origin: "https://app.example" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Expose-Headers")).toContain("X-Bin-Version");
  });
});

describe("CORS headers on responses", () => {
  it("are on a 401", async () => {
    const res = await call("POST", "/v3/b", { headers: ORIGIN, body: { a: 1 } });
    expectCors(res);
    await expectError(res, 401, NO_KEY.create);
  });

  it("are on a 404 for an unknown route", async () => {
    const res = await call("GET", "/v3/no/such/route", { headers: ORIGIN });
    expectCors(res);
    await expectError(res, 404, ROUTE_NOT_FOUND);
  });

  it("are on a 404 for an unknown root path, in the legacy shape", async () => {
    const res = await call("GET", "/no/such/route", { headers: ORIGIN });
    expectCors(res);
    await expectLegacyError(res, 404, ROUTE_NOT_FOUND);
  });

  it("are on a 404 for an unsupported method", async () => {
    const res = await call("PATCH", "/v3/account/master-key/rotate", { headers: ORIGIN });
    expectCors(res);
    await expectError(res, 404, ROUTE_NOT_FOUND);
  });

  it("are on a 400", async () => {
    const res = await call("GET", "/v3/b/not-an-id", { headers: ORIGIN });
    expectCors(res);
    await expectError(res, 400, INVALID_BIN_ID);
  });

  it("are on a 404 for an unknown bin", async () => {
    const res = await call("GET", "/v3/b/0123456789abcdef01234567", { headers: ORIGIN });
    expectCors(res);
    await expectError(res, 404, BIN_NOT_FOUND_OR_NOT_YOURS);
  });

  it("are on a created bin and on a read", async () => {
    const account = await createAccount();
    const created = await call("POST", "/v3/b", { headers: { ...ORIGIN, ...master(account) }, body: { a: 1 } });
    expect(created.status).toBe(200);
    expectCors(created);
    const { metadata } = (await created.json()) as { metadata: { id: string } };
    const read = await call("GET", `/v3/b/${metadata.id}`, { headers: { ...ORIGIN, ...master(account) } });
    expect(read.status).toBe(200);
    expectCors(read);
  });

  it("are on a 304", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: 1 }, { "X-Bin-Private": "false" });
    const first = await call("GET", `/v3/b/${bin.id}`);
    const etag = first.headers.get("ETag")!;
    const res = await call("GET", `/v3/b/${bin.id}`, { headers: { ...ORIGIN, "If-None-Match": etag } });
    expect(res.status).toBe(304);
    expectCors(res);
  });

  it("are on admin and account responses", async () => {
    const account = await createAccount();
    const rotated = await call("POST", "/v3/account/master-key/rotate", { headers: { ...ORIGIN, ...master(account) } });
    expect(rotated.status).toBe(200);
    expectCors(rotated);
    const adminError = await call("GET", `/v3/admin/accounts/${account.accountId}`, { headers: ORIGIN });
    expectCors(adminError);
    await expectError(adminError, 401, INVALID_ADMIN_KEY);
  });

  it("answer Origin: null like any other origin", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { open: true }, { "X-Bin-Private": "false" });
    const res = await call("GET", `/v3/b/${bin.id}`, { headers: { Origin: "null", "X-Bin-Meta": "false" } });
    expect(res.status).toBe(200);
    expectCors(res);
    expect(await res.json()).toEqual({ open: true });
  });

  it("are the same without an Origin header", async () => {
    const res = await call("GET", "/v3/b/not-an-id");
    expectCors(res);
  });
});
