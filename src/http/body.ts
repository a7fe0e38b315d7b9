import type { Context } from "hono";
import type { HonoEnv } from "../env";
import { AppError } from "../errors/app-error";

const DEFAULT_MAX_REQUEST_BYTES = 10_485_760;

/**
 * Reads the body as UTF-8 text under the hard cap (§1.2): judged by Content-Length before reading,
 * else by counting bytes as they stream in, so an oversized body is never buffered whole.
 */
export async function readBodyText(c: Context<HonoEnv>): Promise<string> {
  const max = Number(c.env.MAX_REQUEST_BYTES || DEFAULT_MAX_REQUEST_BYTES) || DEFAULT_MAX_REQUEST_BYTES;
  const declared = Number(c.req.header("Content-Length"));
  if (Number.isFinite(declared) && declared > max) throw new AppError("bodyTooLarge");
  const stream = c.req.raw.body;
  if (!stream) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away mid-upload: a 400 for whoever is still listening, never a 500.
      throw new AppError("bodyIncomplete");
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new AppError("bodyTooLarge");
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
