// A small command-line parser for the scripts: `--name value`, `--flag`, nothing else.

export class UsageError extends Error {}

/**
 * `spec` maps each option name to "string" or "boolean". Unknown options, a missing value or a
 * stray positional argument are usage errors, so a typo never silently changes what runs.
 */
export function parseArgs(argv, spec) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument: ${arg}`);
    const name = arg.slice(2);
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option: ${arg}`);
    if (kind === "boolean") {
      options[name] = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg} needs a value`);
    options[name] = value;
  }
  return options;
}

export function positiveInteger(value, name, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} needs a positive integer`);
  return n;
}
