import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sha256Hex } from "../../src/auth/keys";
import type { BinWriter } from "../../src/bins/bin-writer";
import { toStoredRecord } from "../../src/bins/records";
import type { Env } from "../../src/env";

/** Operation counts by binding, e.g. `{ "d1.query": 1, "r2.get": 1 }`. */
export type Counts = Record<string, number>;

const bump = (counts: Counts, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const WRITE_SQL = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;

/**
 * Wraps a D1 binding so every executed statement and batch is counted; with `writes`, every
 * statement that writes (alone or inside a batch) is also counted as `d1.write`.
 */
function countingD1(db: D1Database, counts: Counts, writes: boolean): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const writing = new WeakSet<object>();
  const wrapStatement = (stmt: D1PreparedStatement, isWrite: boolean): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrapStatement(target.bind(...args), isWrite);
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
          return (...args: unknown[]) => {
            bump(counts, "d1.query");
            if (writes && isWrite) bump(counts, "d1.write");
            return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    real.set(proxy, stmt);
    if (isWrite) writing.add(proxy);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrapStatement(target.prepare(sql), WRITE_SQL.test(sql));
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          bump(counts, "d1.batch");
          if (writes) for (const s of statements) if (writing.has(s)) bump(counts, "d1.write");
          return target.batch(statements.map((s) => real.get(s) ?? s));
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Wraps an object so each call of a method is counted as `<prefix>.<method>`, or replaced. */
function countingMethods<T extends object>(
  target: T,
  prefix: string,
  counts: Counts,
  overrides: Partial<Record<string, (...args: unknown[]) => unknown>> = {},
): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop);
      if (typeof prop !== "string" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        bump(counts, `${prefix}.${prop}`);
        const override = overrides[prop];
        // Call through the target rather than `value.apply`: on an RPC stub `apply` would be a remote method.
        return override ? override(...args) : (t as Record<string, (...a: unknown[]) => unknown>)[prop]!(...args);
      };
    },
  });
}

export interface Faults {
  /** Make R2 `put` reject. */
  r2Put?: boolean;
  /** Make D1 `batch` reject after running nothing. */
  d1Batch?: boolean;
  /** Make D1 `batch` never settle: shows which work a response does not wait for. */
  d1BatchHangs?: boolean;
}

export interface Instrumentation extends Faults {
  /** Also count each statement that writes to D1, alone or in a batch, as `d1.write`. */
  writes?: boolean;
  /** Operator settings for these bindings, e.g. `{ USAGE_FLUSH_MILLISECONDS: "0" }`. */
  vars?: Record<string, string>;
}

/** A copy of the Worker's bindings whose D1, R2 and Durable Object traffic is counted (and optionally failed). */
export function instrumentedEnv(counts: Counts, faults: Instrumentation = {}): Env {
  const db = countingD1(env.DB, counts, faults.writes ?? false);
  const bodies = countingMethods(env.BODIES, "r2", counts, {
    ...(faults.r2Put ? { put: () => Promise.reject(new Error("injected R2 put failure")) } : {}),
  });
  const failedBatch = faults.d1Batch
    ? () => Promise.reject(new Error("injected D1 batch failure"))
    : faults.d1BatchHangs
      ? () => new Promise<never>(() => {})
      : null;
  const dbWithFaults = failedBatch
    ? new Proxy(db, {
        get(t, prop) {
          if (prop === "batch") {
            return (statements: D1PreparedStatement[]) => {
              bump(counts, "d1.batch");
              void statements;
              return failedBatch();
            };
          }
          const value = Reflect.get(t, prop);
          return typeof value === "function" ? value.bind(t) : value;
        },
      })
    : db;
  const counted = <T extends DurableObjectNamespace>(ns: T, prefix: string): T =>
    new Proxy(ns, {
      get(t, prop) {
        if (prop === "get") {
          return (id: DurableObjectId) => countingMethods(t.get(id), prefix, counts);
        }
        const value = Reflect.get(t, prop);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
  return {
    ...env,
    ...faults.vars,
    DB: dbWithFaults,
    BODIES: bodies,
    BIN_WRITER: counted(env.BIN_WRITER, "do"),
    ACCOUNT_METER: counted(env.ACCOUNT_METER, "meter"),
  } as Env;
}

export const writerStub = (binId: string) => env.BIN_WRITER.get(env.BIN_WRITER.idFromName(binId));

/**
 * Points the bin's live Durable Object at other bindings. The object reads `this.env` on every
 * operation, so this is how a test counts or fails the writer's own D1 and R2 calls.
 */
export async function setWriterEnv(binId: string, writerEnv: Env): Promise<void> {
  await runInDurableObject(writerStub(binId), (instance: BinWriter) => {
    (instance as unknown as { env: Env }).env = writerEnv;
  });
}

/**
 * Appends `n` versioned records `{ seeded: i }` by calling the bin's writer directly, as its owner
 * would through PUT: the same code path, without the HTTP round trips.
 */
export async function appendDirectly(account: { accountId: string; masterKey: string }, binId: string, n: number) {
  const stub = writerStub(binId);
  const authority = {
    api: "v3" as const,
    creds: { masterHash: await sha256Hex(account.masterKey) },
    facts: { masterAccountId: account.accountId, accessKey: null },
    requestedVersioning: true,
  };
  for (let i = 1; i <= n; i++) {
    const record = await toStoredRecord({ seeded: i });
    const outcome = await stub.write({ binId, authority, owner: null, schema: null, change: { record } });
    if (!outcome.ok) throw new Error(`seeding version ${i}: ${JSON.stringify(outcome)}`);
  }
}
