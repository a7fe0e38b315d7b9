// Sends the probes and judges each answer by what holds for every request: no 5xx, CORS, the
// error envelope of the path's dialect, nothing secret in it, and (in the hostile run) a refusal
// for every request with a fault. `send` also holds the answer to the OpenAPI document (§10.8).
import { send } from "../helpers";
import type { Mode, Probe } from "./probes";
import { secretsOf, type World } from "./world";

const EXPOSED =
  "ETag, X-Bin-Version, X-Bin-Version-Cap-Reached, X-Requests-Used, X-Requests-Limit, X-Requests-Remaining, " +
  "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After";
const JSON_TYPE = "application/json; charset=utf-8";

/** §1.5: v3 `{"message"}`, v2/v1 `{"success": false, "message"}`; schema mismatches name the schema doc (§5.4, §8). */
const ENVELOPES = {
  v3: [["message"], ["message", "schemaDocID", "schemaDocName"]],
  legacy: [
    ["success", "message"],
    ["success", "message", "schemaDocID", "schemaDocName"],
  ],
};

function envelopeProblem(path: string, contentType: string | null, text: string): string | null {
  const pathname = new URL(`http://x${path}`).pathname;
  const dialect = pathname === "/v3" || pathname.startsWith("/v3/") ? "v3" : "legacy";
  if (contentType !== JSON_TYPE) return `an error with Content-Type ${contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "an error body that is not JSON";
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "an error body that is not an object";
  const keys = Object.keys(body).join(",");
  const shaped = ENVELOPES[dialect].some((shape) => shape.join(",") === keys);
  const { message, success } = body as { message?: unknown; success?: unknown };
  if (!shaped || typeof message !== "string" || message === "" || (dialect === "legacy" && success !== false)) {
    return `an error body that is not the ${dialect} envelope`;
  }
  return null;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** What is wrong with the answer to a probe; empty when nothing is. */
export function judge(probe: Probe, answer: Answer, world: World, mode: Mode): string[] {
  const problems: string[] = [];
  const { status, headers, text } = answer;
  const method = probe.method.toUpperCase();
  if (status >= 500) problems.push(`answered ${status}`);
  if (headers.get("Access-Control-Allow-Origin") !== "*") problems.push("no Access-Control-Allow-Origin: *");
  if (headers.get("Access-Control-Expose-Headers") !== EXPOSED) problems.push("not the exposed headers of §1.7");
  if (method === "OPTIONS") {
    if (status !== 204) problems.push(`a preflight answered ${status}`);
  } else if (status >= 400 && method !== "HEAD") {
    const problem = envelopeProblem(probe.path, headers.get("Content-Type"), text);
    if (problem) problems.push(problem);
  }
  if (mode === "hostile" && probe.fault) {
    if (status < 400 && method !== "OPTIONS") problems.push(`a bad request was accepted with ${status}`);
    if (text.includes(world.privateToken)) problems.push("the private record is in the answer to a bad request");
  }
  if (secretsOf(world).some((secret) => text.includes(secret))) problems.push("a key is in the answer");
  return problems;
}

export interface Finding {
  probe: Probe;
  problem: string;
  answer?: Answer;
}

/**
 * Sends probes `concurrency` at a time, as `next()` makes them (in index order, so a seed replays
 * the same sequence), and returns what went wrong. `inFlight` shows what was pending if the run
 * never ends.
 */
export async function runProbes(
  next: () => Probe | undefined,
  world: World,
  mode: Mode,
  { concurrency, inFlight }: { concurrency: number; inFlight: Set<Probe> },
): Promise<{ findings: Finding[]; statuses: Map<number, number>; sent: number }> {
  const findings: Finding[] = [];
  const statuses = new Map<number, number>();
  let sent = 0;
  const worker = async () => {
    for (let probe = next(); probe; probe = next()) {
      inFlight.add(probe);
      sent++;
      try {
        const res = await send(probe.method, probe.path, probe.headers, probe.body);
        // As bytes: a zip (the logs) read with .text() makes the runtime warn.
        const text = new TextDecoder().decode(await res.arrayBuffer());
        const answer = { status: res.status, headers: res.headers, text };
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        for (const problem of judge(probe, answer, world, mode)) findings.push({ probe, problem, answer });
      } catch (err) {
        // `send` throws when the answer is not what the OpenAPI document describes.
        findings.push({ probe, problem: String(err instanceof Error ? err.message : err).split("\n")[0]! });
      } finally {
        inFlight.delete(probe);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { findings, statuses, sent };
}

/** A probe as text to read and replay by hand: keys by name, long values cut. */
export function describeProbe(probe: Probe, world: World): string {
  const redact = (s: string) => world.credentials.reduce((out, c) => out.replaceAll(c.value, `<${c.label}>`), s);
  const short = (s: string) => (s.length > 160 ? `${s.slice(0, 100)}…(${s.length} chars)` : s);
  const body =
    probe.body === undefined
      ? "none"
      : typeof probe.body === "string"
        ? JSON.stringify(short(probe.body))
        : `bytes ${Array.from(probe.body, (b) => b.toString(16).padStart(2, "0")).join(" ")}`;
  const headers = Object.entries(probe.headers)
    .map(([name, value]) => `${name}: ${JSON.stringify(short(redact(value)))}`)
    .join("; ");
  return [
    `#${probe.index} [${probe.route.family}] ${probe.method} ${short(probe.path)}`,
    `    headers: ${headers || "none"}`,
    `    body: ${body}`,
    `    fault: ${probe.fault ?? "none"}`,
  ].join("\n");
}

/** Findings grouped by route and problem, a few examples each. */
export function report(findings: Finding[], world: World, limit = 12): string {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.probe.route.method} ${f.probe.route.path}: ${f.problem}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.entries()]
    .slice(0, limit)
    .map(([key, group]) => {
      const [first] = group;
      const answer = first!.answer ? `\n    answer: ${first!.answer.status} ${first!.answer.text.slice(0, 300)}` : "";
      return `${key} (${group.length}×)\n  ${describeProbe(first!.probe, world)}${answer}`;
    })
    .join("\n");
}
