/**
 * Bounds on the work one schema document or one record may cause. Validation runs inside the
 * Worker's isolate, so a slow one holds up every request the isolate serves, whoever sent them.
 * Each bound is deterministic (counted, never timed) so the same input always gets the same answer.
 */
import type { Meter } from "./linear-regex";

/**
 * Nesting of the schema document as JSON (objects and arrays). The compile steps taken from
 * cfworker (dereference) recurse on it; 1000 is what PATCH allows a record (decision 24).
 */
export const MAX_SCHEMA_DEPTH = 1000;

/**
 * JSON values in a schema document. A compact document of 1 MiB (the size a schema doc may have)
 * holds at most 524,288 of them, so no storable schema is refused for this; a larger one is
 * refused before any other work is spent on it.
 */
export const MAX_SCHEMA_VALUES = 600_000;

/**
 * Characters of the absolute URIs cfworker's dereference builds, one per subschema (base URI plus
 * JSON pointer). Deep nesting under long property names makes them grow with the square of the
 * document; a 1 MiB document with 100,000 plain subschemas needs about 6 million.
 */
export const MAX_SCHEMA_URI_CHARS = 16 * 1024 * 1024;

/**
 * States of all a schema's pattern automata together (one pattern may have MAX_PATTERN_STATES).
 * They stay in memory with the compiled schema, some 50 bytes each.
 */
export const MAX_PATTERN_STATES_PER_SCHEMA = 100_000;

/**
 * Subschemas being checked inside each other at once while walking a record: the walk keeps them
 * on a list of its own, not on the call stack, and this caps that list's memory (about 1 KB each).
 * A record nested 1000 levels deep under `{"properties": {"a": {"$ref": "#"}}}` needs 1001.
 */
export const MAX_NESTED_CHECKS = 10_000;

/**
 * Work steps one validation may take (a subschema applied to a value, a key or `properties` entry
 * looked at, a character read by a pattern automaton): a fixed allowance plus an amount per unit of
 * the record's size (its values and the characters of its strings and keys). Big records may take
 * proportionally longer, but nothing grows faster than the record: a schema whose checks multiply
 * with nesting (`allOf` twice over a chain of 40 `$defs` is 2^40 checks for one value) stops here
 * instead of running for hours. Ordinary shapes take 0.5 (typed properties) to 6 (a oneOf of ten
 * object branches) steps per unit; the walk does a few million steps a second when every step is a
 * subschema, so a 100 KB record can hold the isolate for well under a second at most.
 */
export const BASE_STEPS = 500_000;
export const STEPS_PER_UNIT = 16;

/**
 * The same for checking a schema document against its meta-schema, which is ours and costs a
 * bounded number of steps per member of the document (its root alone has some 50 properties).
 */
export const META_STEPS_PER_UNIT = 128;

/** A validation stopped by one of the bounds above; its message is what the caller reports. */
export class ValidationLimit extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValidationLimit";
  }
}

export class WorkBudget implements Meter {
  private used = 0;

  constructor(readonly limit: number) {}

  spend(steps: number): void {
    this.used += steps;
    if (this.used > this.limit) {
      throw new ValidationLimit(`needs more than ${this.limit} steps to validate against this schema`);
    }
  }
}

/** Values plus string characters (keys included), a measure of the input's size for the budget. */
export function sizeUnits(value: unknown): number {
  let units = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    units += 1;
    if (typeof item === "string") units += item.length;
    else if (Array.isArray(item)) for (const member of item) stack.push(member);
    else if (typeof item === "object" && item !== null) {
      for (const [key, member] of Object.entries(item)) {
        units += key.length;
        stack.push(member);
      }
    }
  }
  return units;
}

export function budgetFor(value: unknown, perUnit = STEPS_PER_UNIT): WorkBudget {
  return new WorkBudget(BASE_STEPS + perUnit * sizeUnits(value));
}
