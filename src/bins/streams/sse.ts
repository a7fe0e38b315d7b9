import { PING, sseFrame } from "./events";

const encoder = new TextEncoder();

/**
 * Server-Sent Events relayed by the Worker from a socket to the bin's writer. The writer's side of
 * that socket is hibernatable like any subscriber's, so an SSE client never keeps the bin's object
 * awake; the Worker pings the client itself. What is queued for a client that does not read is
 * bounded: past `bufferBytes` the stream ends (the client reconnects and re-reads).
 */
export function sseRelay(socket: WebSocket, settings: { pingMs: number; bufferBytes: number }): Response {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let finished = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const finish = (slow: boolean) => {
    if (finished) return;
    finished = true;
    if (timer !== undefined) clearInterval(timer);
    try {
      socket.close(1000, "done");
    } catch {
      // Closed by the writer already.
    }
    try {
      if (slow) controller.error(new Error("slow consumer"));
      else controller.close();
    } catch {
      // Cancelled by the client already.
    }
  };
  const push = (frame: string) => {
    if (finished) return;
    const chunk = encoder.encode(frame);
    if ((controller.desiredSize ?? 0) < chunk.byteLength) return finish(true);
    controller.enqueue(chunk);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      cancel() {
        finish(false);
      },
    },
    { highWaterMark: settings.bufferBytes, size: (chunk) => chunk?.byteLength ?? 0 },
  );
  socket.accept();
  socket.addEventListener("message", (e) => push(sseFrame(String(e.data))));
  socket.addEventListener("close", () => finish(false));
  socket.addEventListener("error", () => finish(false));
  timer = setInterval(() => push(sseFrame(PING)), settings.pingMs);
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" },
  });
}
