import { EgressError } from './egress-error.ts';

/**
 * Reads a request body into memory, refusing it past `limit` bytes without reading the rest. Buffered on
 * purpose: bodies are capped small, and a buffered body can be sent again after a 307/308 redirect.
 */
export async function readRequestBody(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  origin: string,
  signal: AbortSignal,
): Promise<Uint8Array | undefined> {
  if (body === null) return undefined;
  const reader = body.getReader();
  // A caller's stream that never ends must still give way to the timeout: cancelling ends the pending read.
  const onAbort = () => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      signal.throwIfAborted();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw new EgressError('REQUEST_TOO_LARGE', `egress: request body to ${origin} exceeds ${limit} bytes`);
      }
      chunks.push(value);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Hooks of {@link capResponseBody}. */
export interface CapHooks {
  /** Called once when the body ends, fails or is cancelled: frees the timer and signal listeners. */
  finish(): void;
  /** Aborts the exchange so the socket stops receiving. */
  abort(reason: EgressError): void;
  /** Turns a read failure into the error the caller sees. */
  mapError(error: unknown): unknown;
}

/**
 * Passes a response body through, counting bytes, and errors it with RESPONSE_TOO_LARGE the moment the
 * count passes `limit`. Pull-driven with no read-ahead, so memory holds one chunk, not the body: a 20 MB
 * answer to a 10 MB cap costs about 10 MB of transfer and a few chunks of memory.
 */
export function capResponseBody(
  source: ReadableStream<Uint8Array>,
  limit: number,
  origin: string,
  hooks: CapHooks,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let received = 0;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    hooks.finish();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          finish();
          controller.error(hooks.mapError(error));
          return;
        }
        if (chunk.done) {
          finish();
          controller.close();
          return;
        }
        received += chunk.value.byteLength;
        if (received > limit) {
          const error = new EgressError('RESPONSE_TOO_LARGE', `egress: response from ${origin} exceeds ${limit} bytes`);
          hooks.abort(error);
          reader.cancel(error).catch(() => undefined);
          finish();
          controller.error(error);
          return;
        }
        controller.enqueue(chunk.value);
      },
      async cancel(reason) {
        finish();
        await reader.cancel(reason).catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
