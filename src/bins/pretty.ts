import { isPlainObject } from "../values";

/**
 * Indentation stops growing past this depth. JSON.stringify(value, null, 2) indents every line by
 * twice its depth, so a 10 KB record nested 5,000 levels deep becomes a 50 MB answer (and a deeper
 * one overflows the stack). Up to this depth the output is exactly JSON.stringify's.
 */
const MAX_INDENT_DEPTH = 32;

type Frame = { entries: [string | null, unknown][]; next: number; close: string; depth: number };

/**
 * v1's `/pretty` form of a stored record (§9.3): 2-space pretty printing, iterative so no record is
 * too deep for it, with indentation capped at MAX_INDENT_DEPTH levels. Null when the result would
 * be longer than `maxChars` (the caller answers the compact form instead).
 */
export function prettyJson(text: string, maxChars: number): string | null {
  const out: string[] = [];
  let length = 0;
  const push = (part: string) => {
    length += part.length;
    out.push(part);
  };
  const indent = (depth: number) => "  ".repeat(Math.min(depth, MAX_INDENT_DEPTH));
  const stack: Frame[] = [];
  const open = (value: unknown, depth: number): void => {
    if (Array.isArray(value)) {
      if (value.length === 0) {
        push("[]");
        return;
      }
      push("[");
      stack.push({ entries: value.map((v) => [null, v]), next: 0, close: "]", depth });
    } else if (isPlainObject(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0) {
        push("{}");
        return;
      }
      push("{");
      stack.push({ entries, next: 0, close: "}", depth });
    } else {
      push(JSON.stringify(value));
    }
  };
  open(JSON.parse(text), 0);
  while (stack.length > 0) {
    if (length > maxChars) return null;
    const frame = stack.at(-1)!;
    if (frame.next === frame.entries.length) {
      stack.pop();
      push(`\n${indent(frame.depth)}${frame.close}`);
      continue;
    }
    const [key, value] = frame.entries[frame.next]!;
    push(`${frame.next === 0 ? "" : ","}\n${indent(frame.depth + 1)}${key === null ? "" : `${JSON.stringify(key)}: `}`);
    frame.next++;
    open(value, frame.depth + 1);
  }
  return length > maxChars ? null : out.join("");
}
