/** Resolves JSONBin's early `X-Dot-Path` (`users.0.email`); `undefined` when the path does not exist. */
export function resolveDotPath(document: unknown, path: string): unknown {
  let node: unknown = document;
  for (const segment of path.split(".")) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      node = node[Number(segment)];
    } else if (typeof node === "object" && node !== null && !Array.isArray(node) && Object.hasOwn(node, segment)) {
      node = (node as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
    if (node === undefined) return undefined;
  }
  return node;
}
