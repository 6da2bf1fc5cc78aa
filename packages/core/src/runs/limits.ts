import { AppError } from '../errors.ts';

/** Largest event payload accepted (serialized JSON). */
export const MAX_EVENT_BYTES = 1_000_000;
/** Largest step output kept in a checkpoint (serialized JSON). */
export const MAX_STEP_OUTPUT_BYTES = 1_000_000;

/** Throws PAYLOAD_TOO_LARGE with the sizes, so the sender knows by how much. */
export function assertPayloadSize(value: unknown, limit = MAX_EVENT_BYTES, what = 'Event payloads'): number {
  const size = Buffer.byteLength(JSON.stringify(value ?? null));
  if (size > limit) {
    throw new AppError('PAYLOAD_TOO_LARGE', `${what} can be at most ${(limit / 1_000_000).toFixed(1)} MB; this one is ${(size / 1_000_000).toFixed(1)} MB.`);
  }
  return size;
}
