import type { StatusCode } from "hono/utils/http-status";

const encoder = new TextEncoder();

/**
 * A response whose body is pulled from `pieces` only as fast as the client reads it, so a large
 * body is never held whole. A piece that fails errors the stream: the client sees it cut short.
 */
export function streamedResponse(
  pieces: AsyncGenerator<string | Uint8Array>,
  contentType: string,
  status: StatusCode = 200,
): Response {
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await pieces.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === "string" ? encoder.encode(value) : value);
      } catch (err) {
        console.error("streamed response failed", err);
        controller.error(err);
      }
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
  return new Response(body, { status, headers: { "Content-Type": contentType } });
}
