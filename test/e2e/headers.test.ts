import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalWorker } from "../../scripts/lib/local-worker.mjs";

/**
 * One HTTP/1.1 request with header bytes exactly as given (fetch would encode them itself), and
 * the status and body of the answer.
 */
function rawRequest(base: string, head: Buffer, body: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        Buffer.concat([
          head,
          Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`),
        ]),
      );
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      resolve({ status, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
  });
}

// §1.2: header values are decoded as UTF-8. The runtime does that itself, and replaces bytes that are
// not UTF-8 before the Worker sees them (workerd#6927), so those are refused rather than stored damaged.
describe("non-ASCII header bytes on the wire", () => {
  const worker = new LocalWorker();
  let masterKey = "";
  beforeAll(async () => {
    await worker.start();
    const res = await fetch(`${worker.base}/v3/admin/accounts`, {
      method: "POST",
      headers: { "X-Admin-Key": worker.adminKey, "Content-Type": "application/json" },
      body: "{}",
    });
    masterKey = ((await res.json()) as { masterKey: string }).masterKey;
  });
  afterAll(() => worker.cleanup());

  const create = (nameBytes: Buffer) =>
    rawRequest(
      worker.base!,
      Buffer.concat([
        Buffer.from(
          `POST /v3/b HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Master-Key: ${masterKey}\r\nX-Bin-Name: `,
        ),
        nameBytes,
        Buffer.from("\r\n"),
      ]),
      '{"a":1}',
    );

  it("stores a name sent as UTF-8 bytes as the text it encodes", async () => {
    const res = await create(Buffer.from("Überbin 😀", "utf8"));
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { metadata: { name: string } }).metadata.name).toBe("Überbin 😀");
  });

  it("refuses a name sent as Latin-1 bytes (as a browser sends Ü) instead of storing U+FFFD", async () => {
    const res = await create(Buffer.from("Überbin", "latin1"));
    expect(res).toEqual({ status: 400, body: JSON.stringify({ message: "X-Bin-Name must be UTF-8 text" }) });
  });
});
