import { hash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';

/** Deepest JSON nesting stored (PostgreSQL's jsonb parser, and every consumer after it, recurse). */
export const MAX_JSON_DEPTH = 64;
/** Most JSON values (objects, arrays, scalars) in one message. */
export const MAX_JSON_NODES = 100_000;

/** A payload that passed validation, as stored. */
export type ValidPayload = { kind: 'json'; text: string; value: unknown } | { kind: 'raw'; bytes: Buffer };

/** Why a message was refused, in words shown on the device page. */
export class MalformedMessage extends Error {
  override readonly name = 'MalformedMessage';
}

// String.prototype.isWellFormed (Node 20+; the project's TypeScript lib predates it).
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

// Walks the parsed value without recursion: deep input must not blow the stack here either.
function checkJson(value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (++nodes > MAX_JSON_NODES) throw new MalformedMessage(`JSON has more than ${MAX_JSON_NODES} values`);
    if (typeof node === 'string') {
      // PostgreSQL's jsonb refuses \u0000 and lone surrogates: refuse them here, per message.
      if (node.includes('\u0000')) throw new MalformedMessage('JSON string contains \\u0000');
      if (!wellFormed(node)) throw new MalformedMessage('JSON string contains an unpaired surrogate');
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) throw new MalformedMessage(`JSON is nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, depth + 1]);
    } else {
      for (const [key, item] of Object.entries(node)) {
        if (key.includes('\u0000') || !wellFormed(key)) throw new MalformedMessage('JSON key contains \\u0000 or an unpaired surrogate');
        stack.push([item, depth + 1]);
      }
    }
  }
}

/**
 * Validates a payload for a device's format: size, then for JSON devices UTF-8, syntax, depth, value count
 * and what PostgreSQL's jsonb would refuse. Throws MalformedMessage with a readable reason.
 */
export function validatePayload(payload: Buffer, format: 'json' | 'raw', maxBytes: number): ValidPayload {
  if (payload.length > maxBytes) throw new MalformedMessage(`payload of ${payload.length} bytes is over the ${maxBytes}-byte limit`);
  if (format === 'raw') return { kind: 'raw', bytes: payload };
  if (payload.length === 0) throw new MalformedMessage('empty payload where JSON was expected');
  if (!isUtf8(payload)) throw new MalformedMessage('payload is not valid UTF-8 JSON');
  const text = payload.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedMessage(`invalid JSON: ${(error as Error).message.slice(0, 120)}`);
  }
  checkJson(value);
  // The device's own text is stored (big numbers keep their digits); PostgreSQL parses it once more.
  return { kind: 'json', text, value };
}

/** A 64-bit digest of the bytes (decimal string, fits a bigint column), to recognise retransmissions. */
export function payloadDigest(payload: Buffer): string {
  // The one-shot hash: no Hash object per message (this runs for every QoS 1 message).
  return hash('sha256', payload, 'buffer').readBigInt64BE(0).toString();
}
