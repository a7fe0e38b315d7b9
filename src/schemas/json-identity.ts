/**
 * Numbers for JSON values such that two values get the same number exactly when they are deeply
 * equal (as cfworker's deepCompareStrict decides: arrays by position, objects by their own keys in
 * any order, scalars by ===).
 *
 * `uniqueItems`, `enum` and `const` then compare numbers. Comparing every pair of items instead is
 * quadratic (a 100,000-value `enum` took seconds to check against its meta-schema), and building a
 * canonical text of every value costs its whole subtree again at each level that asks. Here a
 * composite value is named by the numbers of its members, so each value is visited once, without
 * recursion however deep the record is.
 */

const NULL = 1;
const FALSE = 2;
const TRUE = 3;
const FIRST_FREE = 4;

type Composite = object;

export class JsonIdentity {
  private readonly strings = new Map<string, number>();
  private readonly numbers = new Map<number, number>();
  private readonly composites = new Map<string, number>();
  private readonly known = new WeakMap<Composite, number>();
  private next: number;

  /**
   * A schema's `enum` and `const` values are numbered once, at compile time; each record gets an
   * identity of its own on top of that one, so records never grow the schema's tables. The base
   * must not change while a derived identity is in use, or the two could hand out the same number.
   */
  constructor(private readonly base?: JsonIdentity) {
    this.next = base === undefined ? FIRST_FREE : base.next;
  }

  of(value: unknown): number {
    if (value === null) return NULL;
    switch (typeof value) {
      case "boolean":
        return value ? TRUE : FALSE;
      case "string":
        return this.scalar(this.strings, value, (base) => base.strings);
      case "number":
        // Map keys compare as SameValueZero: 0 and -0 share a number, as they do under ===.
        return this.scalar(this.numbers, value, (base) => base.numbers);
      case "object":
        return this.known.get(value) ?? this.composite(value);
      default:
        // Not JSON (undefined, functions, bigint): equal to nothing, not even itself.
        return this.next++;
    }
  }

  private scalar<K>(own: Map<K, number>, key: K, inBase: (base: JsonIdentity) => Map<K, number>): number {
    const found = own.get(key) ?? (this.base === undefined ? undefined : inBase(this.base).get(key));
    if (found !== undefined) return found;
    const id = this.next++;
    own.set(key, id);
    return id;
  }

  /** Post-order over the members without recursion: a member is numbered before its container. */
  private composite(root: Composite): number {
    const stack: Array<{ value: Composite; expanded: boolean }> = [{ value: root, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (this.known.has(top.value)) {
        stack.pop();
        continue;
      }
      if (!top.expanded) {
        top.expanded = true;
        for (const member of Object.values(top.value)) {
          if (typeof member === "object" && member !== null && !this.known.has(member)) {
            stack.push({ value: member, expanded: false });
          }
        }
        continue;
      }
      stack.pop();
      this.known.set(top.value, this.name(top.value));
    }
    return this.known.get(root)!;
  }

  private name(value: Composite): number {
    let signature: string;
    if (Array.isArray(value)) {
      signature = `[${value.map((member) => this.of(member)).join(",")}`;
    } else {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      signature = `{${keys.map((key) => `${JSON.stringify(key)}:${this.of(record[key])}`).join(",")}`;
    }
    return this.scalar(this.composites, signature, (base) => base.composites);
  }
}
