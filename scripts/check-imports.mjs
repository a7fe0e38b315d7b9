#!/usr/bin/env node
// `npm run imports`: fails when the modules of src/ import each other in a circle, or cross a layer
// (see docs/architecture.md). Type-only imports count too: a circle of types is still two modules
// that cannot be read apart, and a domain module that names Hono's types knows Hono.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const root = resolve(process.argv[2] ?? "src");

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** A relative specifier as the bundler resolves it: the file itself, `.ts`, or a folder's index. */
function resolveImport(from, specifier) {
  if (!specifier.startsWith(".")) return null;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

const files = sourceFiles(root);
const specifiers = new Map(
  files.map((file) => [
    file,
    ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((i) => i.fileName),
  ]),
);
const edges = new Map(
  files.map((file) => {
    const targets = specifiers
      .get(file)
      .map((s) => resolveImport(file, s))
      .filter((t) => t !== null);
    return [file, [...new Set(targets)]];
  }),
);

// Tarjan's strongly connected components: every component of more than one module (or a module
// importing itself) is a circle.
let index = 0;
const stack = [];
const state = new Map();
const circles = [];
function visit(file) {
  const node = { index, low: index, onStack: true };
  index++;
  state.set(file, node);
  stack.push(file);
  for (const next of edges.get(file) ?? []) {
    const seen = state.get(next);
    if (!seen) {
      visit(next);
      node.low = Math.min(node.low, state.get(next).low);
    } else if (seen.onStack) {
      node.low = Math.min(node.low, seen.index);
    }
  }
  if (node.low !== node.index) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    state.get(member).onStack = false;
    component.push(member);
  } while (member !== file);
  if (component.length > 1 || (edges.get(file) ?? []).includes(file)) circles.push(component);
}
for (const file of files) if (!state.has(file)) visit(file);

const name = (file) => relative(process.cwd(), file);
const inside = (file, ...dirs) => dirs.some((dir) => file.startsWith(`${join(root, dir)}/`));

// The layers: domain modules take plain values and never see HTTP; only the writer runs its statements.
const DOMAIN = ["accounts", "auth", "bins", "collections", "moving", "schemas", "storage", "usage"];
const WRITER_STATEMENTS = join(root, "storage", "bin-writes.ts");
const WRITERS = [join(root, "bins", "bin-writer.ts")];
const violations = [];
for (const file of files) {
  const domain = inside(file, ...DOMAIN);
  for (const specifier of specifiers.get(file)) {
    if (domain && (specifier === "hono" || specifier.startsWith("hono/"))) {
      violations.push(`${name(file)} imports ${specifier}: domain modules take plain values, not Hono's`);
    }
  }
  for (const target of edges.get(file)) {
    if (domain && inside(target, "http", "routes")) {
      violations.push(`${name(file)} imports ${name(target)}: the domain does not depend on the HTTP layer`);
    }
    if (target === WRITER_STATEMENTS && !WRITERS.includes(file)) {
      violations.push(`${name(file)} imports ${name(target)}: only the bin's writer runs those statements`);
    }
  }
}

let failed = false;
if (circles.length > 0) {
  console.error(`Import circles in ${name(root)}:`);
  for (const circle of circles) console.error(`  ${circle.map(name).sort().join(" <-> ")}`);
  failed = true;
}
if (violations.length > 0) {
  console.error(`Imports across layers in ${name(root)}:`);
  for (const v of violations) console.error(`  ${v}`);
  failed = true;
}
if (failed) process.exit(1);
console.log(`No import circles and no layer crossings among ${files.length} modules in ${name(root) || "."}.`);
