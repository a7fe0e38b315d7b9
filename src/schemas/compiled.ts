/** What compiling a schema document produces, as both the compile step and the record walk read it. */
import type { Schema } from "@cfworker/json-schema";
import type { LinearPattern } from "./linear-regex";
import type { SchemaDraft } from "./meta-schemas";

export type Obj = Record<string, unknown>;

export interface Compiled {
  readonly draft: SchemaDraft;
  readonly root: Obj;
  /** Every schema and anchor of the document by absolute URI, as cfworker resolves `$ref`s. */
  readonly lookup: Record<string, Schema | boolean>;
  /** Every `pattern` and `patternProperties` key, compiled for the linear-time engine. */
  readonly patterns: Map<string, LinearPattern>;
}

export function refTarget(node: Obj, lookup: Record<string, Schema | boolean>): Schema | boolean | undefined {
  if (typeof node.$ref !== "string") return undefined;
  const uri = node.__absolute_ref__;
  return lookup[typeof uri === "string" ? uri : node.$ref];
}

export function recursiveTarget(node: Obj, lookup: Record<string, Schema | boolean>): Schema | boolean | undefined {
  const uri = node.__absolute_recursive_ref__;
  return typeof uri === "string" ? lookup[uri] : undefined;
}

export function siblingsOfRefIgnored(draft: SchemaDraft): boolean {
  return draft === "4" || draft === "7";
}

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
