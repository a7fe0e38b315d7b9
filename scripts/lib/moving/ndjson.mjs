// NDJSON, one JSON value a line, read from a stream without holding more than one line.

import { createInterface } from "node:readline";

/** Parsed lines of a byte stream; blank lines are skipped. */
export async function* readLines(stream) {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === "") continue;
    try {
      yield JSON.parse(line);
    } catch {
      throw new Error(`line ${n} is not JSON`);
    }
  }
}
