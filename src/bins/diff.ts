// The RFC 6902 patch that turns one stored record into another (§10.6). Applying it to `from` gives
// `to` exactly, member order included: a stored record is a compact serialisation that keeps member
// order, so "equal" here means "serialises the same".
import { AppError } from "../errors/app-error";
import { isPlainObject } from "../values";

export type DiffOperation =
  | { op: "add"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "replace"; path: string; value: unknown };

/** Two records larger than this together (compact bytes) are not diffed: both are parsed in the Worker. */
export const MAX_DIFF_BYTES = 4 * 1_048_576;

type Task = { a: unknown; b: unknown; path: string } | { emit: DiffOperation };

/**
 * Objects: changed members are diffed in place, removed members removed, new members added. `add`
 * appends a member, so a member whose place changed is removed and added again.
 * Arrays: the common head and tail are kept, the elements between are diffed pairwise by index, and
 * the surplus is removed (highest index first) or added (in order). Anything else is replaced whole.
 *
 * Work is linear in the two documents: subtrees are compared by a hash computed once, bottom up, and
 * a match is confirmed by one walk that is never repeated below it. The values in the patch are
 * disjoint parts of `to`; only the paths can outgrow the input (many changes deep down), so their
 * total length is bounded relative to `inputBytes`, past which the diff is refused.
 */
export function diffRecords(from: unknown, to: unknown, inputBytes: number): DiffOperation[] {
  const same = sameness(from, to);
  let pathBudget = 1_048_576 + 8 * inputBytes;
  const ops: DiffOperation[] = [];
  // An explicit stack: stored records may be nested deeper than the call stack allows. Tasks are
  // pushed in reverse so they run, and emit, in document order.
  const stack: Task[] = [{ a: from, b: to, path: "" }];
  for (let task = stack.pop(); task; task = stack.pop()) {
    if ("emit" in task) {
      pathBudget -= task.emit.path.length;
      if (pathBudget < 0) throw new AppError("diffTooLarge");
      ops.push(task.emit);
      continue;
    }
    const { a, b, path } = task;
    const next: Task[] = [];
    if (isPlainObject(a) && isPlainObject(b)) diffObjects(a, b, path, next);
    else if (Array.isArray(a) && Array.isArray(b)) diffArrays(a, b, path, next, same);
    else if (a !== b) next.push({ emit: { op: "replace", path, value: b } });
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return ops;
}

const escapeToken = (token: string): string => token.replaceAll("~", "~0").replaceAll("/", "~1");

function diffObjects(a: Record<string, unknown>, b: Record<string, unknown>, path: string, next: Task[]): void {
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  const position = new Map(aKeys.map((key, i) => [key, i]));
  // The longest head of `to`'s members already in `from` in the same order stays where it is; every
  // member after it is (re)appended, which puts it in `to`'s order.
  let kept = 0;
  for (let last = -1; kept < bKeys.length; kept++) {
    const at = position.get(bKeys[kept]!);
    if (at === undefined || at < last) break;
    last = at;
  }
  const stays = new Set(bKeys.slice(0, kept));
  const member = (key: string) => `${path}/${escapeToken(key)}`;
  for (const key of aKeys) if (!stays.has(key)) next.push({ emit: { op: "remove", path: member(key) } });
  for (const key of bKeys.slice(0, kept)) next.push({ a: a[key], b: b[key], path: member(key) });
  for (const key of bKeys.slice(kept)) next.push({ emit: { op: "add", path: member(key), value: b[key] } });
}

function diffArrays(a: unknown[], b: unknown[], path: string, next: Task[], same: Sameness): void {
  const shorter = Math.min(a.length, b.length);
  let head = 0;
  while (head < shorter && same(a[head], b[head])) head++;
  let tail = 0;
  while (tail < shorter - head && same(a[a.length - 1 - tail], b[b.length - 1 - tail])) tail++;
  const fromCount = a.length - head - tail;
  const toCount = b.length - head - tail;
  const element = (i: number) => `${path}/${i}`;
  for (let i = head; i < head + Math.min(fromCount, toCount); i++) next.push({ a: a[i], b: b[i], path: element(i) });
  for (let i = head + fromCount - 1; i >= head + toCount; i--) next.push({ emit: { op: "remove", path: element(i) } });
  for (let i = head + fromCount; i < head + toCount; i++) {
    next.push({ emit: { op: "add", path: element(i), value: b[i] } });
  }
}

type Sameness = (x: unknown, y: unknown) => boolean;

/**
 * Whether a subtree of `from` and one of `to` serialise the same. Different hashes settle it at
 * once; equal hashes are confirmed by a walk (a collision costs time, never a wrong patch).
 */
function sameness(from: unknown, to: unknown): Sameness {
  const hashes = new Map<object, number>();
  hashTree(from, hashes);
  hashTree(to, hashes);
  const hash = (v: unknown) => (typeof v === "object" && v !== null ? hashes.get(v)! : scalarHash(v));
  return (x, y) => hash(x) === hash(y) && serialisesSame(x, y);
}

function mix(h: number, v: number): number {
  const m = Math.imul(h ^ v, 0x5bd1e995);
  return m ^ (m >>> 15);
}

function stringHash(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return mix(h, s.length);
}

function scalarHash(v: unknown): number {
  if (typeof v === "string") return stringHash(v, 0x73);
  return stringHash(String(v), 0x6e); // numbers, booleans, null: their JSON text
}

/** Every container's hash, children first (post-order, with an explicit stack). */
function hashTree(root: unknown, hashes: Map<object, number>): void {
  const stack: [node: unknown, expanded: boolean][] = [[root, false]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, expanded] = item;
    if (typeof node !== "object" || node === null || hashes.has(node)) continue;
    const values = Object.values(node);
    if (!expanded) {
      stack.push([node, true]);
      for (const child of values) stack.push([child, false]);
      continue;
    }
    const isArray = Array.isArray(node);
    let h = isArray ? 0x61 : 0x6f;
    const keys = isArray ? null : Object.keys(node);
    values.forEach((child, i) => {
      if (keys) h = mix(h, stringHash(keys[i]!, 0x6b));
      h = mix(h, typeof child === "object" && child !== null ? hashes.get(child)! : scalarHash(child));
    });
    hashes.set(node, mix(h, values.length));
  }
}

function serialisesSame(x: unknown, y: unknown): boolean {
  const stack: [unknown, unknown][] = [[x, y]];
  for (let pair = stack.pop(); pair; pair = stack.pop()) {
    const [a, b] = pair;
    if (a === b) continue;
    if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const aKeys = Object.keys(a);
    const bKeys = Object.keys(b);
    if (aKeys.length !== bKeys.length) return false;
    for (let i = 0; i < aKeys.length; i++) {
      const key = aKeys[i]!;
      if (key !== bKeys[i]) return false;
      stack.push([(a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]]);
    }
  }
  return true;
}
