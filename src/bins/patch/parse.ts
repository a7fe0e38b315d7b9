import { AppError } from "../../errors/app-error";
import { compileOperations, MAX_DEPTH, type ParsedPatch, type PatchFormat } from "./engine";

// A Map, not an object literal: a header value such as `__proto__` must not find Object.prototype.
const MEDIA_TYPES = new Map<string, PatchFormat>([
  ["application/merge-patch+json", "merge"],
  ["application/json", "merge"],
  ["application/json-patch+json", "json-patch"],
]);

/**
 * Content-Type `application/merge-patch+json` or `application/json` → RFC 7396 merge patch;
 * `application/json-patch+json` → RFC 6902. Raises the contract's 400s (§10.1).
 */
export function parsePatch(contentType: string | undefined, text: string): ParsedPatch {
  const format = MEDIA_TYPES.get((contentType ?? "").split(";")[0]!.trim().toLowerCase());
  if (!format) throw new AppError("patchContentType");
  let document: unknown;
  try {
    document = JSON.parse(text); // also rejects empty and whitespace-only bodies
  } catch {
    throw new AppError("invalidJson");
  }
  const shape = scanStructure(text);
  if (format === "merge") {
    if (shape.depth > MAX_DEPTH) throw new AppError("invalidJson");
  } else {
    if (shape.depth > MAX_DEPTH || shape.repeatedOperationMember) throw new AppError("patchInvalid");
    compileOperations(document);
  }
  return { format, document };
}

/**
 * One pass over valid JSON text: the deepest nesting, and whether an operation object (an object
 * directly inside the top-level array) repeats a member. JSON.parse silently keeps the last of
 * duplicates, but RFC 6902 (A.13) says `{"op": "add", …, "op": "remove"}` is an invalid patch.
 */
function scanStructure(text: string): { depth: number; repeatedOperationMember: boolean } {
  const open: string[] = [];
  let depth = 0;
  let repeated = false;
  let expectName = false;
  let names = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
      if (expectName && open.length === 2 && open[0] === "[") {
        const name = JSON.parse(text.slice(start, i + 1)) as string;
        repeated ||= names.has(name);
        names.add(name);
      }
      expectName = false;
    } else if (ch === "{" || ch === "[") {
      open.push(ch);
      depth = Math.max(depth, open.length);
      expectName = ch === "{";
      if (open.length === 2) names = new Set();
    } else if (ch === "}" || ch === "]") {
      open.pop();
    } else if (ch === ",") {
      expectName = open.at(-1) === "{";
    }
  }
  return { depth, repeatedOperationMember: repeated };
}
