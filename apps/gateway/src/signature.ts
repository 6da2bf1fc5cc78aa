import { createHmac, timingSafeEqual } from 'node:crypto';

/** Largest clock difference accepted between a signature's timestamp and now. */
export const SIGNATURE_TOLERANCE_S = 300;

/**
 * Signs a webhook body the way Conflux endpoints expect it: `x-conflux-signature: t=<unix>,v1=<hex>`,
 * where v1 = HMAC-SHA256(secret, "<t>.<raw body>"). Senders (and tests) use this.
 */
export function signWebhook(secret: string, rawBody: Buffer | string, timestamp = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** Why a signature was refused. */
export type SignatureProblem = 'missing' | 'malformed' | 'stale' | 'mismatch';

/** Checks a signature header in constant time; the timestamp must be within the tolerance. */
export function verifyWebhookSignature(secret: string, rawBody: Buffer, header: string | undefined, now = Date.now()): SignatureProblem | null {
  if (!header) return 'missing';
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  const v1 = parts.v1;
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/i.test(v1)) return 'malformed';
  if (Math.abs(now / 1000 - t) > SIGNATURE_TOLERANCE_S) return 'stale';
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'mismatch';
}
