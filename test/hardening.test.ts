import { describe, expect, it } from "vitest";
import { ADMIN_KEY, call, createAccount, createBin, expectError, master, UNKNOWN_ID } from "./helpers";

// Behaviour added after a review of hostile or unusual requests; each test names the risk it closes.

describe("hostile and unusual requests", () => {
  it("refuses an X-JSON-Path whose selection would multiply the record many times over", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { a: "x".repeat(50_000) });
    const repeated = `$[${Array(200).fill("'a'").join(",")}]`;
    expect(repeated.length).toBeLessThan(1000);
    await expectError(
      await call("GET", `/v3/b/${bin.id}`, { headers: { ...master(account), "X-JSON-Path": repeated } }),
      400,
      "Invalid X-JSON-Path expression passed",
    );
    // A modest repetition is still answered, each match in full.
    const res = await call("GET", `/v3/b/${bin.id}`, {
      headers: { ...master(account), "X-JSON-Path": "$['a','a']", "X-Bin-Meta": "false" },
    });
    expect(await res.json()).toEqual(["x".repeat(50_000), "x".repeat(50_000)]);
  });

  it("treats prototype names in admin limits as unknown fields, never as columns", async () => {
    const account = await createAccount();
    for (const key of ["constructor", "toString", "__proto__"]) {
      const res = await call("PATCH", `/v3/admin/accounts/${account.accountId}`, {
        headers: { "X-Admin-Key": ADMIN_KEY },
        body: `{"limits":{"${key}":5}}`,
      });
      await expectError(res, 400, `Unknown field: ${key}`);
    }
  });

  it("answers HEAD as an unsupported method, without charging anyone", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    const res = await call("HEAD", `/v3/b/${bin.id}`, { headers: master(account) });
    expect(res.status).toBe(404);
    expect(res.headers.get("X-Requests-Used")).toBeNull();
  });

  it("takes /stream for the stream route, never for a version segment", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await expectError(
      await call("GET", `/v3/b/${bin.id}/stream`, { headers: master(account) }),
      400,
      "Stream requires a WebSocket upgrade or Accept: text/event-stream",
    );
  });

  it("exposes the usage and version headers on preflight responses too", async () => {
    const res = await call("OPTIONS", "/v3/b", { headers: { Origin: "https://app.example" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Expose-Headers")).toContain("X-Bin-Version");
  });

  it("does not charge a listing whose cursor is not in the listing", async () => {
    const account = await createAccount();
    const res = await call("GET", `/v3/c/uncategorized/bins/${UNKNOWN_ID}`, { headers: master(account) });
    expect(res.headers.get("X-Requests-Used")).toBeNull();
    await expectError(res, 404, "Bin not found or it doesn't belong to your account");
  });

  it("accepts any non-negative integer as the versions `before`", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    const res = await call("GET", `/v3/b/${bin.id}/versions?before=123456789012345678901234567890`, {
      headers: master(account),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { versions: unknown[] }).versions).toHaveLength(1);
  });

  it("refuses a schema document over 1 MiB with 413, before it reaches D1", async () => {
    const account = await createAccount();
    const schema = { type: "object", description: "d".repeat(1_048_576) };
    const res = await call("POST", "/v3/s", {
      headers: { ...master(account), "X-Schema-Doc-Name": "huge" },
      body: schema,
    });
    await expectError(res, 413, "Request body too large");
  });
});
