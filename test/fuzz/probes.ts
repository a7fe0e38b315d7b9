// Builds one request for a route: targets for its slots, keys, its aspects, noise, and (in the
// hostile run, for every route that writes) one fault that the contract refuses whatever else the
// request holds. A probe is built from the generator alone, never from earlier answers, so a seed
// replays the same requests.
import type { AspectContext, Part } from "./aspects";
import type { Random } from "./random";
import type { Auth, Route } from "./routes";
import { anyVersion, hex, idInPath, junkHeaderValue, malformedIdInPath, malformedVersion, oddJsonText } from "./values";
import type { BinTarget, Credential, ResourceTarget, Target, Who, World } from "./world";

export interface Probe {
  index: number;
  route: Route;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Why the contract refuses this request; undefined when it may succeed. */
  fault?: string;
}

export type Mode = "hostile" | "sandbox";

type Dialect = "v3" | "legacy" | "admin";

const dialectOf = (route: Route): Dialect =>
  route.path.startsWith("/v3/admin") ? "admin" : route.path.startsWith("/v3") ? "v3" : "legacy";

// ---- Keys ----

/** The header names each dialect reads keys from, and the ones it ignores (§1.1: v3 ignores v2 names and back). */
const KEY_HEADERS: Record<Dialect, [number, string][]> = {
  v3: [
    [5, "X-Master-Key"],
    [4, "X-Access-Key"],
    [1, "secret-key"],
    [1, "X-Admin-Key"],
  ],
  legacy: [
    [6, "secret-key"],
    [1, "X-Master-Key"],
    [1, "X-Access-Key"],
  ],
  admin: [
    [6, "X-Admin-Key"],
    [1, "X-Master-Key"],
  ],
};
const KEY_HEADER_NAMES = ["x-master-key", "x-access-key", "x-admin-key", "secret-key"];

/** A key as presented: in which header, its value, and the credential it still is (null: none). */
interface Presented {
  header: string;
  value: string;
  credential: Credential | null;
}

/** A credential's value as sent: exact or padded (trimmed, so still that key), or damaged. */
function presentValue(g: Random, credential: Credential): string {
  const v = credential.value;
  return g.weighted<() => string>([
    [8, () => v],
    [1, () => ` ${v}\t`],
    [1, () => g.pick([v.toUpperCase(), v.toLowerCase()])],
    [1, () => g.pick([v.slice(0, -1), `${v}=`, `${v}x`, `Bearer ${v}`, `${v},${v}`])],
  ])();
}

function randomKeys(g: Random, world: World, dialect: Dialect): Presented[] {
  const count = g.weighted([
    [2, 0],
    [6, 1],
    [2, 2],
  ]);
  const presented: Presented[] = [];
  for (let i = 0; i < count; i++) {
    const header = g.weighted(KEY_HEADERS[dialect]);
    if (presented.some((p) => p.header.toLowerCase() === header.toLowerCase())) continue;
    if (g.chance(0.15)) {
      presented.push({ header, value: g.pick([junkHeaderValue(g), hex(g, 43)]), credential: null });
      continue;
    }
    const credential = g.pick(world.credentials);
    const value = presentValue(g, credential);
    // Keys are case-sensitive and compared whole; header values are trimmed (§1.2, §2.1).
    presented.push({ header, value, credential: value.trim() === credential.value ? credential : null });
  }
  return presented;
}

/** Whose master key a dialect sees (v3: `X-Master-Key`, v2/v1: `secret-key`), and the access key v3 sees. */
function keysSeen(presented: Presented[], dialect: Dialect) {
  const find = (header: string, role: Credential["role"]) => {
    const credential = presented.find((p) => p.header.toLowerCase() === header)?.credential;
    return credential?.role === role ? credential : null;
  };
  return {
    master: find(dialect === "legacy" ? "secret-key" : "x-master-key", "master")?.account ?? null,
    access: dialect === "v3" ? find("x-access-key", "access") : null,
    admin: !!find("x-admin-key", "admin"),
  };
}

/** Whether the keys presented authorise the route on these targets, as §2.2, §3.0 and §8 say. */
function authorises(auth: Auth, presented: Presented[], dialect: Dialect, targets: Target[]): boolean {
  const { master, access, admin } = keysSeen(presented, dialect);
  const owns = (who: Who | null) => who !== null && targets.every((t) => t.owner === who);
  const bin = targets.find((t): t is BinTarget => t.kind === "bin");
  switch (auth.kind) {
    case "open":
      return true;
    case "admin":
      return admin;
    case "account":
    case "legacyAccount":
      return owns(master);
    case "bin": {
      if (auth.op === "create") return master !== null || !!access?.permissions?.create;
      if (!bin?.owner) return false;
      if (!bin.private && (auth.op === "read" || auth.op === "update")) return true;
      return master === bin.owner || (access?.account === bin.owner && !!access.permissions?.[auth.op]);
    }
    case "binOwner":
      return !!bin?.owner && master === bin.owner;
    case "versionCount":
      return !!bin?.owner && (!bin.private || master === bin.owner);
    case "legacyBin":
      if (!bin?.owner) return false;
      if (!bin.private && auth.op !== "delete") return true;
      return master === bin.owner;
  }
}

// ---- Slots ----

type SlotKind = "bin" | "collection" | "schema" | "accessKey" | "account" | "cursor";
const SLOT = /\{(\w+)\}/g;

function poolOf(world: World, kind: SlotKind): Target[] {
  switch (kind) {
    case "bin":
    case "cursor":
      return world.bins;
    case "collection":
      return world.collections;
    case "schema":
      return world.schemas;
    case "accessKey":
      return world.accessKeys;
    case "account":
      return world.accountTargets;
  }
}

const unknownTarget = (g: Random, kind: SlotKind): Target =>
  kind === "bin" || kind === "cursor"
    ? {
        kind: "bin",
        id: hex(g, 24),
        owner: null,
        private: true,
        versionCount: 0,
        etags: [],
        latestKeys: [],
        schema: false,
      }
    : ({ kind: kind === "accessKey" ? "accessKey" : kind, id: hex(g, 24), owner: null } as ResourceTarget);

// ---- Noise ----

/**
 * Headers some route reads, and headers none should care about; a probe never sets its own route's.
 * Not `Upgrade: websocket`: through `exports.default.fetch` the runtime turns such a request into
 * a WebSocket handshake, a GET, whatever its method was, so the Worker never sees the request sent.
 */
const NOISE_HEADERS = [
  "X-JSON-Path",
  "X-Dot-Path",
  "X-Bin-Meta",
  "If-None-Match",
  "If-Match",
  "Accept",
  "Origin",
  "User-Agent",
  "X-Sort-Order",
  "X-Bin-Versioning",
  "X-Bin-Private",
  "X-Bin-Name",
  "X-Collection-Id",
  "X-Schema-Doc-Id",
  "X-Collection-Name",
  "X-Schema-Doc-Name",
  "X-Key-Name",
  "X-Preserve-Latest",
  "private",
  "versioning",
  "name",
  "collection-id",
  "remove-schema-doc",
  "schema-doc-id",
  "Content-Type",
  "Authorization",
  "Cookie",
  "X-Forwarded-For",
  "CF-Connecting-IP",
  "Content-Encoding",
  "Range",
  "X-HTTP-Method-Override",
  "Access-Control-Request-Headers",
  "X-Fuzz",
];

const JSON_PATHS = [
  "$",
  "$.canary",
  "$..*",
  "$.items[0]",
  "$.items[-1:]",
  "$.items[?(@.three==3)]",
  "$..[?(@.length>1)]",
  "$[*]",
  "items",
  "..v",
  "[0]",
  "$['canary','v']",
  "$.items[0:2:1]",
  "$.items[(@.length-1)]",
  "$..three",
  "$.*.*",
  "$[",
  "$..",
  "$.[",
  "$[?(@.a==)]",
  "$[(constructor)]",
  "$[?(@.constructor.constructor('return 1')())]",
  "$[?(@.__proto__)]",
  "$[?(this)]",
  "$..[?(@ =~ /x/)]",
  "$[1:2:0]",
  "$[::-1]",
  "$.__proto__",
  "$..constructor",
  `$${".a".repeat(600)}`,
  `$${"['a','a','a']".repeat(40)}`,
  `$${"..*".repeat(20)}`,
];

const DOT_PATHS = [
  "canary",
  "items.0",
  "items.2.three",
  "v",
  "items.-1",
  "__proto__",
  "constructor.prototype",
  "a..b",
  ".",
  "items.999999999999",
  "toString",
  "length",
  "items.length",
  "x".repeat(1001),
  "",
];

function noiseValue(g: Random, name: string, bin: BinTarget | undefined): string {
  switch (name) {
    case "X-JSON-Path":
      return g.chance(0.9) ? g.pick(JSON_PATHS) : junkHeaderValue(g);
    case "X-Dot-Path":
      return g.chance(0.9) ? g.pick(DOT_PATHS) : junkHeaderValue(g);
    case "X-Bin-Meta":
      return g.pick(["false", "FALSE", "0", "true", ""]);
    case "If-None-Match":
      return g.pick(["*", bin?.etags.at(-1) ?? '"x"', `W/${bin?.etags[0] ?? '"x"'}`, '"nope"', junkHeaderValue(g)]);
    case "Accept":
      return g.pick(["text/event-stream", "application/json", "*/*", junkHeaderValue(g)]);
    case "Content-Encoding":
      return g.pick(["gzip", "br", "identity", "x-unknown"]);
    case "X-HTTP-Method-Override":
      return g.pick(["DELETE", "PUT", "PATCH"]);
    case "Content-Type":
      return g.pick(["application/json", "text/plain", "application/merge-patch+json", junkHeaderValue(g)]);
    default:
      return junkHeaderValue(g);
  }
}

const QUERIES = [
  "meta=false",
  "meta=0",
  "meta=false&meta=true",
  "a=%zz",
  "__proto__[x]=1",
  "constructor[prototype][x]=1",
  "",
  "&&",
  "limit=5&limit=500",
  "from=latest&to=0",
  "%00=%00",
];

function noiseQuery(g: Random): string {
  return g.chance(0.1) ? `q=${"x".repeat(g.pick([500, 5000]))}` : g.pick(QUERIES);
}

// ---- Route faults ----

/**
 * The same request made unroutable: a method no route has, a literal segment of the route's
 * template spelt in capitals (§1.1: matched exactly), an extra segment or an unknown prefix.
 */
function unroutable(
  g: Random,
  template: string,
  method: string,
  path: string,
): { method: string; path: string; why: string } {
  return g.one(
    () => {
      const other = g.pick(["TRACE", "PURGE", "HEAD", "OPTIONS"]);
      return { method: other, path, why: `method ${other}` };
    },
    () => {
      // Slot values never hold a raw `/`, so the filled path has the template's segments.
      const segments = path.split("/");
      const literals = template
        .split("/")
        .map((s, i) => ({ s, i }))
        .filter(({ s }) => /^[a-z]/.test(s));
      if (literals.length === 0) return { method, path: `/v4${path}`, why: "unknown prefix" };
      const { s, i } = g.pick(literals);
      segments[i] = g.chance(0.5) ? s.toUpperCase() : `${s[0]!.toUpperCase()}${s.slice(1)}`;
      return { method, path: segments.join("/"), why: `literal segment ${segments[i]}` };
    },
    () => ({
      method,
      path: `${path === "/" ? "" : path}/${g.pick(["zzz", "%00", "x-fuzz", "0x"])}`,
      why: "extra segment",
    }),
    // Never /v3 in front of a legacy path: that is the v3 route of the same name.
    () => ({
      method,
      path: `${g.pick(["/v4", "/api", "/v3/v3"])}${path.startsWith("/v3") ? path.slice(3) : path}`,
      why: "unknown prefix",
    }),
  );
}

// ---- The probe ----

function setHeader(headers: Record<string, string>, name: string, value: string | undefined): void {
  for (const existing of Object.keys(headers))
    if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
  if (value !== undefined) headers[name] = value;
}

type Fault =
  | { kind: "route" }
  | { kind: "malformed" }
  | { kind: "unknown" }
  | { kind: "key" }
  | { kind: "version" }
  | { kind: "aspect"; index: number; part: Part };

/** One fault the route has for these targets, each kind tried in a random order until one can be made. */
function chooseFault(
  g: Random,
  route: Route,
  ctx: AspectContext,
  dialect: Dialect,
  targets: Target[],
): Fault | undefined {
  const candidates: Fault["kind"][] = ["route"];
  if (targets.length > 0) candidates.push("malformed", "unknown");
  // Auth probes: the kind of fault that matters most, so tried more often.
  if (!authorises(route.auth, [], dialect, targets)) candidates.push("key", "key");
  if (route.strictVersion) candidates.push("version");
  const aspects = (route.aspects ?? []).map((aspect, index) => ({ aspect, index })).filter(({ aspect }) => aspect.bad);
  for (const _ of aspects) candidates.push("aspect", "aspect");
  for (const kind of shuffled(g, candidates)) {
    if (kind !== "aspect") return { kind } as Fault;
    const { aspect, index } = g.pick(aspects);
    const part = aspect.bad!(ctx);
    if (part) return { kind, index, part };
  }
  return undefined;
}

/** Keys that authorise (`wanted` true), that do not (false), or any (undefined), as far as tries allow. */
function chooseKeys(g: Random, world: World, route: Route, dialect: Dialect, targets: Target[], wanted?: boolean) {
  const fits = (keys: Presented[]) => wanted === undefined || authorises(route.auth, keys, dialect, targets) === wanted;
  let presented = randomKeys(g, world, dialect);
  for (let tries = 0; tries < 30 && !fits(presented); tries++) presented = randomKeys(g, world, dialect);
  // No keys at all never authorise where a key fault is possible.
  return wanted === false && !fits(presented) ? [] : presented;
}

const DATES = ["01-01-2000", "2000-01-01", "32-13-2020", "1-1-2020", "00-00-0000"];

export function buildProbe(g: Random, world: World, route: Route, mode: Mode, index: number): Probe {
  const dialect = dialectOf(route);
  const targets = new Map<string, Target>();
  for (const [, slot] of route.path.matchAll(SLOT)) {
    if (slot !== "version" && slot !== "date") targets.set(slot!, g.pick(poolOf(world, slot as SlotKind)));
  }
  const idSlots = [...targets.keys()];
  const named = targets.get("bin");
  const bin = named?.kind === "bin" && named.owner ? named : undefined;
  const ctx: AspectContext = { g, world, bin };

  const wantFault = mode === "hostile" ? route.writes || g.chance(0.5) : route.faultOnly || g.chance(0.4);
  const fault = wantFault ? chooseFault(g, route, ctx, dialect, [...targets.values()]) : undefined;
  let why =
    fault?.kind === "aspect"
      ? `${route.aspects![fault.index]!.name}${fault.part.why ? `: ${fault.part.why}` : ""}`
      : "";
  if (fault?.kind === "unknown") {
    const slot = g.pick(idSlots) as SlotKind;
    targets.set(slot, unknownTarget(g, slot));
    why = `unknown ${slot}`;
  }
  const malformedSlot = fault?.kind === "malformed" ? g.pick(idSlots) : undefined;
  if (malformedSlot) why = `malformed ${malformedSlot}`;

  // Keys: for a key fault ones that do not authorise; otherwise mostly ones that do, so that the
  // request gets past authorisation to the checks its fault is about.
  const wanted = fault?.kind === "key" ? false : g.chance(0.85) ? true : undefined;
  const presented = chooseKeys(g, world, route, dialect, [...targets.values()], wanted);
  if (fault?.kind === "key") {
    why = `keys: ${presented.map((p) => `${p.header}=${p.credential?.label ?? "none"}`).join(", ") || "none"}`;
  }

  // The path: the targets' ids as a path may spell them, one malformed if that is the fault.
  const target = targets.get("bin") as BinTarget | undefined;
  const versionCount = target?.versionCount ?? 0;
  let path = route.path.replace(SLOT, (_, slot: string) => {
    if (slot === "version" && fault?.kind === "version") {
      const value = g.chance(0.5) ? malformedVersion(g) : String(versionCount + g.int(1, 5));
      why = `version ${value}`;
      return value;
    }
    if (slot === "version") return route.strictVersion ? String(g.int(0, versionCount)) : anyVersion(g, versionCount);
    if (slot === "date") return g.chance(0.5) ? world.today : g.chance(0.7) ? g.pick(DATES) : malformedIdInPath(g);
    if (slot === malformedSlot) return malformedIdInPath(g);
    return idInPath(g, targets.get(slot)!.id);
  });
  const query = [route.query?.(g, versionCount) ?? "", g.chance(0.2) ? noiseQuery(g) : ""].filter(Boolean);
  if (g.chance(0.05) && fault?.kind !== "route" && path !== "/") path += "/";

  // Headers: noise first, then the route's aspects, then keys, so nothing later is undone by noise.
  const headers: Record<string, string> = {};
  const own = new Set([...(route.aspects ?? []).flatMap((a) => a.headers), ...KEY_HEADER_NAMES]);
  const noiseNames = NOISE_HEADERS.filter((name) => !own.has(name.toLowerCase()));
  const noise = g.weighted([
    [3, 0],
    [4, 1],
    [2, 2],
    [1, 4],
  ]);
  for (let n = 0; n < noise; n++) {
    const name = g.pick(noiseNames);
    setHeader(headers, g.chance(0.2) ? name.toLowerCase() : name, noiseValue(g, name, bin));
  }
  let body: string | Uint8Array | undefined;
  for (const [i, aspect] of (route.aspects ?? []).entries()) {
    // Where the fault lies elsewhere, the other aspects are mostly valid, so the fault decides.
    const part =
      fault?.kind === "aspect" && fault.index === i
        ? fault.part
        : fault && g.chance(0.8)
          ? (aspect.good ?? aspect.any)(ctx)
          : aspect.any(ctx);
    for (const [name, value] of Object.entries(part.headers ?? {})) setHeader(headers, name, value);
    if (part.body !== undefined) body = part.body;
  }
  for (const p of presented) setHeader(headers, g.chance(0.2) ? p.header.toUpperCase() : p.header, p.value);
  // Routes that take no body still get one sometimes: GET, DELETE and "body ignored" routes ignore it (§1.2).
  if (body === undefined && g.chance(0.15)) body = g.chance(0.5) ? oddJsonText(g) : "{}";

  let method = g.chance(0.05) ? route.method.toLowerCase() : route.method;
  if (fault?.kind === "route") ({ method, path, why } = unroutable(g, route.path, method, path));
  if (["GET", "HEAD", "TRACE"].includes(method.toUpperCase())) body = undefined;

  return {
    index,
    route,
    method,
    path: query.length ? `${path}?${query.join("&")}` : path,
    headers,
    body,
    fault: fault ? `${fault.kind === "aspect" ? "" : `${fault.kind}: `}${why}` : undefined,
  };
}

function shuffled<T>(g: Random, items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = g.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
