import { describe, expect, it } from "vitest";
import {
  BIN_NOT_FOUND_OR_NOT_YOURS,
  call,
  createAccount,
  createBin,
  expectError,
  INVALID_BIN_ID,
  INVALID_PAGING,
  master,
  NO_KEY,
  type TestAccount,
  UNKNOWN_ID,
} from "../helpers";

const put = (account: TestAccount, id: string, body: unknown) =>
  call("PUT", `/v3/b/${id}`, { headers: { ...master(account), "X-Bin-Versioning": "true" }, body });

const size = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

describe("GET /v3/b/<id>/versions", () => {
  it("lists every stored record newest first, the base last, with sizes and write times", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    for (const v of [1, 22, 333]) expect((await put(account, bin.id, { v })).status).toBe(200);
    const res = await call("GET", `/v3/b/${bin.id}/versions`, { headers: master(account) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      versions: { version: number; createdAt: string; size: number }[];
      metadata: unknown;
    };
    expect(body.versions.map((v) => [v.version, v.size])).toEqual([
      [3, size({ v: 333 })],
      [2, size({ v: 22 })],
      [1, size({ v: 1 })],
      [0, size({ v: 0 })],
    ]);
    for (const v of body.versions) expect(v.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(JSON.stringify(body.metadata)).toBe(`{"id":"${bin.id}","private":true,"versionCount":3,"nextBefore":null}`);
  });

  it("pages with limit and before until nextBefore is null", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 });
    for (const v of [1, 2, 3, 4]) await put(account, bin.id, { v });
    const page = async (query: string) => {
      const res = await call("GET", `/v3/b/${bin.id}/versions${query}`, { headers: master(account) });
      const body = (await res.json()) as { versions: { version: number }[]; metadata: { nextBefore: number | null } };
      return [body.versions.map((v) => v.version), body.metadata.nextBefore];
    };
    expect(await page("?limit=2")).toEqual([[4, 3], 3]);
    expect(await page("?limit=2&before=3")).toEqual([[2, 1], 1]);
    expect(await page("?limit=2&before=1")).toEqual([[0], null]);
    expect(await page("?before=0")).toEqual([[], null]);
  });

  it("is open to anyone on a public bin", async () => {
    const account = await createAccount();
    const bin = await createBin(account, { v: 0 }, { "X-Bin-Private": "false" });
    const res = await call("GET", `/v3/b/${bin.id}/versions`);
    expect(res.status).toBe(200);
  });

  it.each(["limit=0", "limit=101", "limit=abc", "before=-1", "before=1.5", "limit="])(
    "refuses the paging parameters %s",
    async (query) => {
      const account = await createAccount();
      const bin = await createBin(account);
      await expectError(
        await call("GET", `/v3/b/${bin.id}/versions?${query}`, { headers: master(account) }),
        400,
        INVALID_PAGING,
      );
    },
  );

  it("answers a private bin's read errors", async () => {
    const account = await createAccount();
    const bin = await createBin(account);
    await expectError(await call("GET", `/v3/b/${bin.id}/versions`), 401, NO_KEY.read);
    await expectError(
      await call("GET", `/v3/b/${UNKNOWN_ID}/versions`, { headers: master(account) }),
      404,
      BIN_NOT_FOUND_OR_NOT_YOURS,
    );
    await expectError(await call("GET", `/v3/b/nope/versions`, { headers: master(account) }), 400, INVALID_BIN_ID);
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
});
