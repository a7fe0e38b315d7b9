// RFC 7396 (merge patch) and RFC 6902 (JSON Patch) on parsed JSON values. Parsing a request into a
// patch (media type, text) is parse.ts; this module only knows the RFCs.
import { AppError } from "../../errors/app-error";
import { isPlainObject as isObject } from "../../values";

export type PatchFormat = "merge" | "json-patch";

export interface ParsedPatch {
  format: PatchFormat;
  document: unknown;
}

/** Thrown by applyPatch when a well-formed patch cannot be applied (failing `test`, missing target, bad index, move into own child). */
export class PatchConflict extends Error {}

/** JSON.parse accepts any nesting, but the merge below recurses over the patch, as JSON.stringify does over a result. */
export const MAX_DEPTH = 1000;

const OPERATIONS = ["add", "remove", "replace", "move", "copy", "test"] as const;
type OperationName = (typeof OPERATIONS)[number];

interface Operation {
  op: OperationName;
  path: string[];
  /** Empty unless the operation is `move` or `copy`. */
  from: string[];
  value: unknown;
}

type Container = unknown[] | Record<string, unknown>;

const isContainer = (v: unknown): v is Container => typeof v === "object" && v !== null;

/** Assignment could reach the `__proto__` setter; defining an own property never does, and keeps an existing member's position. */
function setMember(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** RFC 6901 reference tokens, or null when `pointer` is not a JSON Pointer. */
function parsePointer(pointer: unknown): string[] | null {
  if (typeof pointer !== "string") return null;
  if (pointer === "") return [];
  if (!pointer.startsWith("/") || /~(?![01])/.test(pointer)) return null;
  // `~1` first: decoding `~01` must give `~1`, not `/`.
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** The operations of a JSON Patch document, or 400 `Invalid JSON Patch document` when one is malformed. */
export function compileOperations(document: unknown): Operation[] {
  const invalid = () => new AppError("patchInvalid");
  if (!Array.isArray(document)) throw invalid();
  return document.map((raw: unknown): Operation => {
    if (!isObject(raw) || !(OPERATIONS as readonly unknown[]).includes(raw.op)) throw invalid();
    const op = raw.op as OperationName;
    const path = parsePointer(raw.path);
    const from = op === "move" || op === "copy" ? parsePointer(raw.from) : [];
    const needsValue = op === "add" || op === "replace" || op === "test";
    if (!path || !from || (needsValue && !Object.hasOwn(raw, "value"))) throw invalid();
    return { op, path, from, value: raw.value };
  });
}

/** Returns the patched document; never mutates `target` or the patch (the result may share untouched parts of either). */
export function applyPatch(target: unknown, patch: ParsedPatch): unknown {
  return patch.format === "merge" ? mergePatch(target, patch.document, 1) : applyJsonPatch(target, patch.document);
}

/** RFC 7396. Builds new objects along the patched paths; existing members keep their order, new ones go last. */
function mergePatch(target: unknown, patch: unknown, depth: number): unknown {
  if (!isObject(patch)) return patch;
  if (depth > MAX_DEPTH) throw new AppError("invalidJson");
  const result: Record<string, unknown> = {};
  if (isObject(target)) for (const [key, value] of Object.entries(target)) setMember(result, key, value);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setMember(result, key, mergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value, depth + 1));
  }
  return result;
}

/**
 * A patch is small next to the work it can ask for: each `copy` can double the document, each
 * insert at the front of a long array shifts all of it, each `test` can walk a large subtree. Work
 * and newly built nodes are capped relative to the input, so a hostile patch ends as a conflict
 * instead of exhausting the isolate's CPU or memory. Legitimate patches stay far below the caps.
 */
class Budget {
  private steps: number;
  private nodes: number;
  constructor(inputNodes: number) {
    this.steps = 10_000_000 + 16 * inputNodes;
    this.nodes = 250_000 + 2 * inputNodes;
  }
  spend(steps: number, nodes = 0): void {
    this.steps -= steps;
    this.nodes -= nodes;
    if (this.steps < 0 || this.nodes < 0) throw new PatchConflict("the patch needs more work than it is allowed");
  }
}

// The walks below keep their own stacks: stored records may be nested deeper than the call stack allows.

function measure(value: unknown): { nodes: number; depth: number } {
  let nodes = 0;
  let depth = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, level] = item;
    nodes++;
    if (!isContainer(node)) continue;
    depth = Math.max(depth, level + 1);
    for (const child of Object.values(node)) stack.push([child, level + 1]);
  }
  return { nodes, depth };
}

function cloneJson(value: unknown): { value: unknown; nodes: number; depth: number } {
  const shell = (node: unknown): unknown => (Array.isArray(node) ? [] : isObject(node) ? {} : node);
  const root = shell(value);
  let nodes = 0;
  let depth = 0;
  const stack: [source: unknown, copy: unknown, level: number][] = [[value, root, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [source, copy, level] = item;
    nodes++;
    if (!isContainer(source)) continue;
    depth = Math.max(depth, level);
    for (const [key, child] of Object.entries(source)) {
      const childCopy = shell(child);
      if (Array.isArray(copy)) copy.push(childCopy);
      else setMember(copy as Record<string, unknown>, key, childCopy);
      stack.push([child, childCopy, level + 1]);
    }
  }
  return { value: root, nodes, depth };
}

/** JSON equality: member order is irrelevant, array order is not, numbers compare by value. */
function jsonEqual(a: unknown, b: unknown, budget: Budget): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  for (let pair = stack.pop(); pair; pair = stack.pop()) {
    const [x, y] = pair;
    if (!isContainer(x) || !isContainer(y)) {
      if (x !== y) return false;
      continue;
    }
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const keys = Object.keys(x);
    const count = Object.keys(y).length;
    budget.spend(keys.length + count);
    if (keys.length !== count) return false;
    for (const key of keys) {
      if (!Object.hasOwn(y, key)) return false;
      stack.push([(x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key]]);
    }
  }
  return true;
}

const conflict = (reason: string) => new PatchConflict(reason);

/** An array index token: `0` or digits without a leading zero, at most `max`. */
function arrayIndex(token: string, max: number): number {
  if (!/^(?:0|[1-9][0-9]*)$/.test(token)) throw conflict(`"${token}" is not an array index`);
  const index = Number(token);
  if (index > max) throw conflict(`index ${token} is out of range`);
  return index;
}

/** RFC 6902 on a private copy of the target, so a failing operation leaves nothing half-applied. */
function applyJsonPatch(target: unknown, document: unknown): unknown {
  const operations = compileOperations(document);
  const start = cloneJson(target);
  const budget = new Budget(start.nodes + measure(document).nodes);
  // Records stored by PUT may already be deeper than MAX_DEPTH; a patch may not make them deeper still.
  const maxDepth = Math.max(MAX_DEPTH, start.depth);
  let root = start.value;

  const child = (node: unknown, token: string): unknown => {
    if (Array.isArray(node)) return node[arrayIndex(token, node.length - 1)];
    if (isObject(node) && Object.hasOwn(node, token)) return node[token];
    throw conflict(`nothing at "${token}"`);
  };
  const get = (path: string[]): unknown => path.reduce(child, root);
  const parentOf = (path: string[]): Container => {
    const parent = get(path.slice(0, -1));
    if (!isContainer(parent)) throw conflict("the parent is not an object or array");
    return parent;
  };
  /** The copy that will be inserted at `path`, so later operations never write into the patch or a copy's source. */
  const insertable = (path: string[], value: unknown): unknown => {
    const copy = cloneJson(value);
    budget.spend(copy.nodes, copy.nodes);
    if (path.length + copy.depth > maxDepth) throw conflict("the result would be nested too deeply");
    return copy.value;
  };

  const add = (path: string[], value: unknown): void => {
    const key = path.at(-1);
    if (key === undefined) {
      root = value;
      return;
    }
    const parent = parentOf(path);
    if (Array.isArray(parent)) {
      const index = key === "-" ? parent.length : arrayIndex(key, parent.length);
      budget.spend(parent.length - index);
      parent.splice(index, 0, value);
    } else {
      setMember(parent, key, value);
    }
  };
  const remove = (path: string[]): void => {
    const key = path.at(-1);
    if (key === undefined) throw conflict("cannot remove the whole document");
    const parent = parentOf(path);
    if (Array.isArray(parent)) {
      const index = arrayIndex(key, parent.length - 1);
      budget.spend(parent.length - index);
      parent.splice(index, 1);
    } else if (Object.hasOwn(parent, key)) {
      delete parent[key];
    } else {
      throw conflict(`nothing at "${key}"`);
    }
  };
  const replace = (path: string[], value: unknown): void => {
    const key = path.at(-1);
    if (key === undefined) {
      root = value;
      return;
    }
    const parent = parentOf(path);
    if (Array.isArray(parent)) parent[arrayIndex(key, parent.length - 1)] = value;
    else if (Object.hasOwn(parent, key)) setMember(parent, key, value);
    else throw conflict(`nothing at "${key}"`);
  };

  for (const { op, path, from, value } of operations) {
    switch (op) {
      case "add":
        add(path, insertable(path, value));
        break;
      case "remove":
        remove(path);
        break;
      case "replace":
        replace(path, insertable(path, value));
        break;
      case "copy":
        add(path, insertable(path, get(from)));
        break;
      case "test":
        if (!jsonEqual(get(path), value, budget)) throw conflict("test failed");
        break;
      case "move": {
        const moved = get(from);
        const samePath = from.length === path.length && from.every((token, i) => token === path[i]);
        if (samePath) break; // a no-op, but `from` had to exist
        if (from.every((token, i) => token === path[i])) throw conflict("cannot move a value into itself");
        const { nodes, depth } = measure(moved);
        budget.spend(nodes);
        if (path.length + depth > maxDepth) throw conflict("the result would be nested too deeply");
        remove(from);
        add(path, moved);
        break;
      }
    }
  }
  return root;
}
