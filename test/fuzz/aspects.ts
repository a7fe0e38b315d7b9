// The parts of a request a route reads besides its path and keys: its headers and its body. Each
// aspect can make any value (valid, odd or bad) and, where the route must refuse some value of it
// whatever else the request holds, a bad one; a request's fault may rest on that.
import type { Random } from "./random";
import {
  anyBoolean,
  anyIfMatch,
  badBoolean,
  badIfMatch,
  badName,
  deepAndWide,
  hex,
  idInHeader,
  invalidJsonText,
  jsonValue,
  malformedIdInHeader,
  notUtf8,
  oddJsonText,
  recordValue,
  validName,
} from "./values";
import type { BinTarget, World } from "./world";

export interface Part {
  /** `undefined` leaves the header out. */
  headers?: Record<string, string | undefined>;
  body?: string | Uint8Array;
  /** What makes a bad part bad, for the failure message. */
  why?: string;
}

export interface AspectContext {
  g: Random;
  world: World;
  /** The bin the path names, when it is one of the world's. */
  bin?: BinTarget;
}

export interface Aspect {
  name: string;
  /** The headers it sets (lowercase): noise never sets them, so it cannot undo a fault. */
  headers: string[];
  any(ctx: AspectContext): Part;
  /**
   * A value the route accepts, for requests whose fault lies elsewhere: then the fault, not some
   * other bad value, is what the request is refused for. Default: `any`.
   */
  good?(ctx: AspectContext): Part;
  /** A part the route refuses whatever the rest of the request is; null when there is none here. */
  bad?(ctx: AspectContext): Part | null;
}

const CONTENT_TYPE = "content-type";

const JSON_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "Application/Json;foo=bar",
];
/** Media types that are not `application/json` (§1.2), or no Content-Type at all (undefined). */
const NOT_JSON_TYPES = [
  undefined,
  "",
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/jsonx",
  "json",
  "text/json",
  "application/ld+json",
  "multipart/form-data; boundary=x",
  "application/merge-patch+json",
  "application/json-patch+json",
  "*/*",
  "application/json, text/plain",
];
const PATCH_TYPES = ["application/merge-patch+json", "application/json", "application/json-patch+json"];

const withType = (type: string | undefined, body: string | Uint8Array, why?: string): Part => ({
  headers: { "Content-Type": type },
  body,
  why,
});
const json = (g: Random, body: string | Uint8Array, why?: string) => withType(g.pick(JSON_TYPES), body, why);
const text = (value: unknown) => JSON.stringify(value);

/** Something for a body slot that may be anything at all. */
function anyBody(g: Random): string | Uint8Array {
  return g.one<string | Uint8Array>(
    () => text(recordValue(g)),
    () => oddJsonText(g),
    () => invalidJsonText(g),
    () => g.pick(["", " ", "{}", "[]", "5", "null", '"x"']),
    () => notUtf8(g),
  );
}

const SCALARS = ["5", "-0", "1e400", '"x"', '""', "true", "false", "null"];
const BLANKS = ["", "  ", "\n\t "];
const EMPTY_OBJECTS = ["{}", " { } ", "{\n}"];

// ---- Headers ----

/** A `true`/`false` header (§1.3); `required`: absent or blank is refused too. */
export const booleanHeader = (name: string, { required = false } = {}): Aspect => ({
  name,
  headers: [name.toLowerCase()],
  any: ({ g }) => ({ headers: { [name]: anyBoolean(g) } }),
  good: ({ g }) => ({ headers: { [name]: g.pick(required ? ["true", "false"] : [undefined, "true", "false"]) } }),
  bad: ({ g }) => {
    const value = required && g.chance(0.3) ? g.pick([undefined, "", " "]) : badBoolean(g);
    return { headers: { [name]: value }, why: `${name}: ${JSON.stringify(value)}` };
  },
});

/** A name header counted in code points; `required` or optional; legacy names count empty as absent. */
export const nameHeader = (name: string, max: number, { required = true, min = 1, legacy = false } = {}): Aspect => ({
  name,
  headers: [name.toLowerCase()],
  any: ({ g }) => ({
    headers: {
      [name]: g.weighted<() => string | undefined>([
        [5, () => validName(g, min, max)],
        [1, () => undefined],
        [2, () => badName(g, max, min)],
      ])(),
    },
  }),
  good: ({ g }) => ({ headers: { [name]: required || g.chance(0.5) ? validName(g, min, max) : undefined } }),
  bad: ({ g }) => {
    // Absent (or, for v2's headers, empty) is only refused where the name is required; blank only
    // where empty is not "absent".
    const value = g.weighted<() => string | undefined>([
      [required ? 1 : 0, () => (legacy ? g.pick([undefined, ""]) : undefined)],
      [4, () => badName(g, max, min)],
    ])();
    if (legacy && value !== undefined && value.trim() === "") return required ? { headers: { [name]: value } } : null;
    return { headers: { [name]: value }, why: `${name}: ${JSON.stringify(value?.slice(0, 40))}` };
  },
});

/** An id header of the world's kind: any of the world's ids (any case), unknown, malformed. */
export const idHeader = (
  name: string,
  pool: (world: World) => { id: string }[],
  { required = false } = {},
): Aspect => ({
  name,
  headers: [name.toLowerCase()],
  any: ({ g, world }) => ({
    headers: {
      [name]: g.weighted<() => string | undefined>([
        [3, () => undefined],
        [4, () => idInHeader(g, g.pick(pool(world)).id)],
        [1, () => hex(g, 24)],
        [2, () => malformedIdInHeader(g)],
      ])(),
    },
  }),
  good: ({ g, world }) => {
    const own = pool(world).filter((t) => (t as { owner?: string }).owner === "owner");
    return { headers: { [name]: required || g.chance(0.3) ? idInHeader(g, g.pick(own).id) : undefined } };
  },
  bad: ({ g }) => {
    const value = g.weighted<() => string | undefined>([
      [required ? 1 : 0, () => undefined],
      [2, () => malformedIdInHeader(g)],
      [1, () => hex(g, 24)],
    ])();
    return { headers: { [name]: value }, why: `${name}: ${value}` };
  },
});

/** `If-Match` on the bin's latest ETag (§10.2). */
export const ifMatch: Aspect = {
  name: "If-Match",
  headers: ["if-match"],
  any: ({ g, bin }) => ({
    headers: { "If-Match": bin ? anyIfMatch(g, bin.etags.at(-1)!, bin.etags) : g.pick([undefined, "*", '"x"']) },
  }),
  good: ({ g, bin }) => ({ headers: { "If-Match": g.pick([undefined, "*", bin?.etags.at(-1)]) } }),
  bad: ({ g, bin }) => {
    if (!bin) return null;
    const value = badIfMatch(g, bin.etags.at(-1)!, bin.etags);
    return { headers: { "If-Match": value }, why: `If-Match: ${value}` };
  },
};

// ---- Record bodies (R1–R5, size, schema) ----

/** R1–R5 and the size limit; `schema`: the bin's collection requires `canary`. */
function badRecord(g: Random, schema: boolean): Part {
  return g.weighted<() => Part>([
    [3, () => withType(g.pick(NOT_JSON_TYPES), anyBody(g), "R1 Content-Type")],
    [1, () => json(g, g.pick(BLANKS), "R2 blank")],
    [3, () => json(g, invalidJsonText(g), "R3 not JSON")],
    [1, () => json(g, g.pick(EMPTY_OBJECTS), "R4 {}")],
    [2, () => json(g, g.pick(SCALARS), "R5 scalar")],
    // Both accounts are on the free plan: 100 KB.
    [0.5, () => json(g, text({ a: "x".repeat(g.int(102_400, 150_000)) }), "over the record size limit")],
    [
      schema ? 2 : 0,
      () =>
        json(
          g,
          g.one(
            () => text({ nocanary: jsonValue(g) }),
            () => "[1,2]",
            () => deepAndWide(g),
          ),
          "schema mismatch",
        ),
    ],
    // Over MAX_REQUEST_BYTES (10 MiB): rare, it costs a 10 MB string.
    [0.02, () => json(g, `{"a":"${"x".repeat(10_485_760)}"}`, "over the request cap")],
  ])();
}

function anyRecord(g: Random, schema: boolean): Part {
  return g.weighted<() => Part>([
    [4, () => json(g, text(recordValue(g)))],
    [1, () => json(g, text({ canary: "rewritten", ...(recordValue(g) as object) }))],
    [3, () => json(g, oddJsonText(g))],
    [1, () => json(g, notUtf8(g))],
    [1, () => withType(g.pick([...JSON_TYPES, ...NOT_JSON_TYPES]), anyBody(g))],
    [2, () => badRecord(g, schema)],
  ])();
}

/** A v3 or v2 record body; schema mismatches are faults only on an update of a bin with a schema. */
export const recordBody = ({ update }: { update: boolean }): Aspect => ({
  name: "record body",
  headers: [CONTENT_TYPE],
  any: ({ g, bin }) => anyRecord(g, update && !!bin?.schema),
  good: ({ g }) => json(g, text({ canary: "rewritten", ...(recordValue(g) as object) })),
  bad: ({ g, bin }) => badRecord(g, update && !!bin?.schema),
});

/** v1's `{"snippet": "<stringified JSON>"}` (§9.1). */
export const snippetBody: Aspect = {
  name: "snippet body",
  headers: [CONTENT_TYPE],
  any: ({ g }) =>
    g.weighted<() => Part>([
      [4, () => json(g, text({ snippet: text(recordValue(g)) }))],
      [1, () => json(g, text({ snippet: oddJsonText(g) }))],
      [2, () => snippetBody.bad!({ g } as AspectContext)!],
      [1, () => withType(g.pick([...JSON_TYPES, ...NOT_JSON_TYPES]), anyBody(g))],
    ])(),
  good: ({ g }) => json(g, text({ snippet: text({ canary: "rewritten", ...(recordValue(g) as object) }) })),
  bad: ({ g }) =>
    g.weighted<() => Part>([
      [2, () => withType(g.pick(NOT_JSON_TYPES), text({ snippet: text(recordValue(g)) }), "Content-Type")],
      [2, () => json(g, g.pick([...BLANKS, ...EMPTY_OBJECTS, ...SCALARS, invalidJsonText(g), "[1]"]), "body")],
      [1, () => json(g, text({ snippet: g.pick([5, null, true, {}, ["{}"]]) }), "snippet not a string")],
      [
        3,
        () =>
          json(g, text({ snippet: g.pick([...BLANKS, ...EMPTY_OBJECTS, ...SCALARS, invalidJsonText(g)]) }), "snippet"),
      ],
      [1, () => json(g, text({ snip: text(recordValue(g)) }), "no snippet")],
    ])(),
};

// ---- Patch bodies (§10.1) ----

const MALFORMED_OPS: unknown[] = [
  { op: "nope", path: "/a" },
  { path: "/a", value: 1 },
  { op: "add", value: 1 },
  { op: "add", path: "a", value: 1 },
  { op: "add", path: "/a" },
  { op: "move", path: "/a" },
  { op: "copy", path: "/a" },
  { op: "test", path: "/a" },
  { op: "replace", path: "/~2", value: 1 },
  { op: "add", path: 5, value: 1 },
  { op: 1, path: "/a" },
  { op: "ADD", path: "/a", value: 1 },
  "add",
  null,
  [],
];

function validOp(g: Random): unknown {
  const member = `/fuzz-${hex(g, 6)}`;
  return g.pick<unknown>([
    { op: "add", path: member, value: jsonValue(g, 2) },
    { op: "add", path: "/-", value: 1 },
    { op: "replace", path: "/v", value: jsonValue(g, 1) },
    { op: "test", path: "/v", value: 1 },
    { op: "copy", from: "/v", path: member },
    { op: "move", from: "/v", path: member },
    { op: "remove", path: "/v" },
    { op: "add", path: "/__proto__", value: { polluted: true } },
    { op: "add", path: "/items/0", value: "x" },
  ]);
}

/** A patch this bin's latest record cannot take, or a document that is not a patch. */
function badPatch(g: Random, bin: BinTarget | undefined): Part {
  const missing = `/no-such-${hex(g, 8)}`;
  const patchType = "application/json-patch+json";
  return g.weighted<() => Part>([
    [3, () => withType(g.pick(NOT_JSON_TYPES.filter((t) => !PATCH_TYPES.includes(t!))), anyBody(g), "Content-Type")],
    [2, () => withType(g.pick(PATCH_TYPES), g.pick([...BLANKS, invalidJsonText(g)]), "not JSON")],
    [
      2,
      () =>
        withType(patchType, g.pick(['{"op":"add","path":"/a","value":1}', "{}", "5", "null", '"x"']), "not an array"),
    ],
    [
      3,
      () => {
        const ops = Array.from({ length: g.int(0, 3) }, () => validOp(g));
        ops.splice(g.int(0, ops.length), 0, g.pick(MALFORMED_OPS));
        return withType(patchType, text(ops), "malformed operation");
      },
    ],
    [
      2,
      () =>
        withType(
          patchType,
          text([
            g.pick<unknown>([
              { op: "test", path: missing, value: 1 },
              { op: "remove", path: missing },
              { op: "replace", path: missing, value: 1 },
              { op: "add", path: `${missing}/deeper`, value: 1 },
              { op: "move", from: missing, path: "/x" },
              { op: "copy", from: missing, path: "/x" },
            ]),
          ]),
          "missing target",
        ),
    ],
    [
      1,
      () =>
        withType(
          patchType,
          text([{ op: "replace", path: "", value: g.pick([5, null, "x", {}]) }]),
          "root replaced by a non-record",
        ),
    ],
    [1, () => withType(g.pick(PATCH_TYPES.slice(0, 2)), g.pick(SCALARS), "merge patch with a scalar")],
    [
      bin ? 1 : 0,
      () =>
        withType(
          g.pick(PATCH_TYPES.slice(0, 2)),
          text(Object.fromEntries(bin!.latestKeys.map((k) => [k, null]))),
          "merge to {}",
        ),
    ],
    [bin?.schema ? 1 : 0, () => withType(g.pick(PATCH_TYPES.slice(0, 2)), '{"canary":null}', "schema mismatch")],
  ])();
}

export const patchBody: Aspect = {
  name: "patch body",
  headers: [CONTENT_TYPE],
  any: ({ g, bin }) =>
    g.weighted<() => Part>([
      [3, () => withType(g.pick(PATCH_TYPES.slice(0, 2)), text(recordValue(g)))],
      [
        1,
        () =>
          withType(g.pick(PATCH_TYPES.slice(0, 2)), '{"__proto__":{"polluted":true},"constructor":{"prototype":null}}'),
      ],
      [3, () => withType("application/json-patch+json", text(Array.from({ length: g.int(1, 4) }, () => validOp(g))))],
      [1, () => withType(g.pick(PATCH_TYPES), oddJsonText(g))],
      [3, () => badPatch(g, bin)],
    ])(),
  good: ({ g }) =>
    g.chance(0.5)
      ? withType(g.pick(PATCH_TYPES.slice(0, 2)), text({ [`fuzz-${hex(g, 6)}`]: jsonValue(g, 2) }))
      : withType(
          "application/json-patch+json",
          text([{ op: "add", path: `/fuzz-${hex(g, 6)}`, value: jsonValue(g, 2) }]),
        ),
  bad: ({ g, bin }) => badPatch(g, bin),
};

// ---- Schema documents (§5, §8.7) ----

const INVALID_SCHEMAS: unknown[] = [
  { type: 5 },
  { type: "nope" },
  { type: ["string", 5] },
  { required: "x" },
  { required: [1] },
  { properties: 5 },
  { properties: { a: 5 } },
  { $schema: "http://example.com/schema" },
  { $schema: 5 },
  { $ref: "#/definitions/missing" },
  { $ref: "http://example.com/remote.json" },
  { minLength: -1 },
  { minLength: 1.5 },
  { enum: 5 },
  { items: 5 },
  { additionalProperties: "no" },
  { $schema: "http://json-schema.org/draft-04/schema#", exclusiveMinimum: 5 },
  { $schema: "https://json-schema.org/draft/2020-12/schema", type: "objekt" },
];

// Mild schemas only: hostile ones (deep nesting, recursive references, costly patterns) are the
// schema validator's own tests' business.
const VALID_SCHEMAS: unknown[] = [
  {},
  { type: "object" },
  { type: "object", required: ["canary"] },
  { $schema: "http://json-schema.org/draft-07/schema#", type: "array" },
  { $schema: "https://json-schema.org/draft/2019-09/schema", type: "object" },
  { $schema: "http://json-schema.org/draft-04/schema", properties: { a: { type: "string" } } },
  { properties: { a: { $ref: "#/definitions/x" } }, definitions: { x: { type: "string" } } },
  { type: "string", pattern: "^a+$", format: "email" },
  { description: "😀", title: "__proto__" },
];

/** A schema body a create or a replace refuses; `blank` false where an empty body means "rename only". */
function badSchema(g: Random, { blank = true } = {}): Part {
  return g.weighted<() => Part>([
    [2, () => withType(g.pick(NOT_JSON_TYPES), text(g.pick(VALID_SCHEMAS)), "Content-Type")],
    [blank ? 1 : 0, () => json(g, g.pick(BLANKS), "blank")],
    [2, () => json(g, invalidJsonText(g), "not JSON")],
    [2, () => json(g, g.pick(["[]", "[{}]", ...SCALARS]), "not an object")],
    [3, () => json(g, text(g.pick(INVALID_SCHEMAS)), "not a valid schema")],
    [0.05, () => json(g, text({ description: "x".repeat(1_100_000) }), "over 1 MiB")],
  ])();
}

function anySchema(g: Random): Part {
  return g.weighted<() => Part>([
    [4, () => json(g, text(g.pick(VALID_SCHEMAS)))],
    [1, () => json(g, oddJsonText(g))],
    [1, () => withType(g.pick([...JSON_TYPES, ...NOT_JSON_TYPES]), anyBody(g))],
    [2, () => badSchema(g)],
  ])();
}

export const schemaBody: Aspect = {
  name: "schema body",
  headers: [CONTENT_TYPE],
  any: ({ g }) => anySchema(g),
  good: ({ g }) => json(g, text(g.pick(VALID_SCHEMAS))),
  bad: ({ g }) => badSchema(g),
};

/**
 * `PUT /v3/s/<id>` and v2 `PUT /s/<id>`: a name header with an empty or `{}` body only renames
 * (§5.3, decision 15), so the name and the body are one aspect.
 */
export const schemaUpdate = (nameHeaderName: string, names: Aspect): Aspect => ({
  name: "schema update",
  headers: [nameHeaderName.toLowerCase(), CONTENT_TYPE],
  any: (ctx) => {
    const { g } = ctx;
    const body = g.chance(0.2)
      ? withType(g.pick([...JSON_TYPES, undefined]), g.pick(["", "{}", " { } "]))
      : anySchema(g);
    return { headers: { ...names.any(ctx).headers, ...body.headers }, body: body.body };
  },
  good: ({ g }) => ({ ...json(g, text(g.pick(VALID_SCHEMAS))) }),
  bad: (ctx) => {
    const { g } = ctx;
    return g.one<Part | null>(
      () => {
        const name = names.bad!(ctx);
        if (!name) return null;
        const body = anySchema(g);
        return { ...body, headers: { ...body.headers, ...name.headers }, why: name.why };
      },
      () => badSchema(g),
      () => {
        const body = badSchema(g, { blank: false });
        // `{}` with a name is a rename, and a valid one.
        if (body.body === "{}") return null;
        return { ...body, headers: { ...body.headers, [nameHeaderName]: validName(g, 3, 32) } };
      },
    );
  },
});

// ---- Access keys (§6.1) ----

export const accessKeyBody: Aspect = {
  name: "access key body",
  headers: [CONTENT_TYPE],
  any: ({ g }) =>
    g.weighted<() => Part>([
      [
        4,
        () =>
          json(
            g,
            text({ bins: Object.fromEntries(["create", "read", "update", "delete"].map((p) => [p, g.chance(0.5)])) }),
          ),
      ],
      [1, () => json(g, g.pick(["", "{}", '{"bins":{}}', '{"bins":{"read":true},"other":1}']))],
      [3, () => accessKeyBody.bad!({ g } as AspectContext)!],
    ])(),
  good: ({ g }) => json(g, text({ bins: { read: g.chance(0.5), update: g.chance(0.5) } })),
  bad: ({ g }) =>
    g.weighted<() => Part>([
      [2, () => withType(g.pick(NOT_JSON_TYPES), g.pick(["", '{"bins":{"read":true}}']), "Content-Type")],
      [1, () => json(g, invalidJsonText(g), "not JSON")],
      [1, () => json(g, g.pick(["[]", "5", "null", '"x"', "true"]), "not an object")],
      [2, () => json(g, text({ bins: g.pick([5, [], null, "x", true]) }), "bins not an object")],
      [
        2,
        () =>
          json(
            g,
            text({ bins: { [g.pick(["create", "read", "update", "delete"])]: g.pick(["true", 1, null, {}]) } }),
            "not a boolean",
          ),
      ],
    ])(),
};

// ---- Admin (§2.3) ----

/** A bad member merged into otherwise valid ones: the whole request must be refused. */
const withValid = (g: Random, bad: Record<string, unknown>, valid: Record<string, unknown>[]) =>
  g.chance(0.5) ? { ...g.pick(valid), ...bad } : bad;

export const adminCreateBody: Aspect = {
  name: "account body",
  headers: [CONTENT_TYPE],
  any: ({ g }) =>
    g.weighted<() => Part>([
      [3, () => json(g, text(g.pick([{}, { name: validName(g, 1, 64) }, { plan: g.pick(["free", "pro"]) }])))],
      [1, () => json(g, "")],
      [3, () => adminCreateBody.bad!({ g } as AspectContext)!],
    ])(),
  good: ({ g }) => json(g, text({ name: validName(g, 1, 64), plan: g.pick(["free", "pro"]) })),
  bad: ({ g }) =>
    g.weighted<() => Part>([
      [1, () => json(g, invalidJsonText(g), "not JSON")],
      [1, () => json(g, g.pick(["[]", "5", "null", '"x"']), "not an object")],
      [
        3,
        () =>
          json(
            g,
            text(
              withValid(
                g,
                g.pick([{ name: "" }, { name: 5 }, { name: "x".repeat(65) }, { plan: "gold" }, { plan: 1 }]),
                [{ name: "ok" }, { plan: "pro" }],
              ),
            ),
            "bad member",
          ),
      ],
    ])(),
};

const BAD_ACCOUNT_PATCHES: Record<string, unknown>[] = [
  { foo: 1 },
  { limits: { maxFoo: 1 } },
  { limits: 5 },
  { limits: { maxRecordBytes: 0 } },
  { limits: { maxRecordBytes: -1 } },
  { limits: { maxRecordBytes: 1.5 } },
  { limits: { maxRecordBytes: "10" } },
  { limits: { maxCollections: true } },
  { limits: { requestQuota: -1 } },
  { limits: { requestQuota: "forever" } },
  { limits: { requestQuota: 1.5 } },
  { plan: "gold" },
  { name: "" },
  { name: 5 },
  { resetRequests: "yes" },
];
const VALID_ACCOUNT_PATCHES: Record<string, unknown>[] = [
  { name: "renamed" },
  { plan: "pro" },
  { limits: { maxCollections: 20 } },
  { limits: { requestQuota: "unlimited", maxAccessKeys: null } },
];

export const adminPatchBody: Aspect = {
  name: "account patch",
  headers: [CONTENT_TYPE],
  any: ({ g }) =>
    g.weighted<() => Part>([
      [3, () => json(g, text(g.pick(VALID_ACCOUNT_PATCHES)))],
      [3, () => adminPatchBody.bad!({ g } as AspectContext)!],
    ])(),
  good: ({ g }) => json(g, text(g.pick(VALID_ACCOUNT_PATCHES))),
  bad: ({ g }) =>
    g.weighted<() => Part>([
      [1, () => json(g, g.pick(["", invalidJsonText(g)]), "not JSON")],
      [1, () => json(g, g.pick(["[]", "5", "null"]), "not an object")],
      [4, () => json(g, text(withValid(g, g.pick(BAD_ACCOUNT_PATCHES), VALID_ACCOUNT_PATCHES)), "bad member")],
      // As JSON text: in an object literal `__proto__` would set the prototype, not a member.
      [1, () => json(g, g.pick(['{"__proto__":{"plan":"pro"}}', '{"name":"ok","constructor":1}']), "unknown member")],
    ])(),
};

// ---- Legacy collections (§8.5, §8.6) ----

function badCollectionBody(g: Random): Part {
  return g.weighted<() => Part>([
    [2, () => withType(g.pick(NOT_JSON_TYPES), text({ name: validName(g, 3, 32) }), "Content-Type")],
    [1, () => json(g, invalidJsonText(g), "not JSON")],
    [1, () => json(g, g.pick([...BLANKS, "[]", "5", "null"]), "no name")],
    [
      3,
      () =>
        json(
          g,
          text(
            g.pick<unknown>([
              { name: 5 },
              { name: "  " },
              { name: "ab" },
              { name: "x".repeat(33) },
              { nam: "abc" },
              { name: null },
            ]),
          ),
          "bad name",
        ),
    ],
  ])();
}

export const legacyCollectionBody: Aspect = {
  name: "collection body",
  headers: [CONTENT_TYPE],
  any: ({ g }) => (g.chance(0.6) ? json(g, text({ name: validName(g, 3, 32) })) : badCollectionBody(g)),
  good: ({ g }) => json(g, text({ name: validName(g, 3, 32) })),
  bad: ({ g }) => badCollectionBody(g),
};

/** v2 `PUT /c/<id>`: detach, attach or rename, picked by headers (§8.6, decision 17): one aspect. */
export const legacyCollectionUpdate: Aspect = {
  name: "collection update",
  headers: ["remove-schema-doc", "schema-doc-id", CONTENT_TYPE],
  any: ({ g, world }) => {
    const body = legacyCollectionBody.any({ g, world });
    return {
      headers: {
        ...body.headers,
        "remove-schema-doc": anyBoolean(g),
        "schema-doc-id": g.weighted<() => string | undefined>([
          [3, () => undefined],
          [2, () => idInHeader(g, g.pick(world.schemas).id)],
          [1, () => malformedIdInHeader(g)],
        ])(),
      },
      body: body.body,
    };
  },
  good: ({ g }) => json(g, text({ name: validName(g, 3, 32) })),
  bad: ({ g, world }) => {
    const noDetach = g.pick([undefined, "false", "FALSE"]);
    return g.one<Part>(
      () => {
        const value = badBoolean(g);
        return { headers: { "remove-schema-doc": value }, body: "", why: `remove-schema-doc: ${value}` };
      },
      () => {
        const value = g.chance(0.5) ? malformedIdInHeader(g) : hex(g, 24);
        const body = legacyCollectionBody.any({ g, world });
        return {
          headers: { ...body.headers, "remove-schema-doc": noDetach, "schema-doc-id": value },
          body: body.body,
          why: `schema-doc-id: ${value}`,
        };
      },
      () => {
        const body = badCollectionBody(g);
        return { ...body, headers: { ...body.headers, "remove-schema-doc": noDetach } };
      },
    );
  },
};
