import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// Device passwords are 192-bit random tokens that Conflux generates, not words people choose, so scrypt is
// a second line of defence here rather than the only one; N = 2^12 keeps a reconnect storm of a large fleet
// affordable. The parameters are stored with each hash, so they can be raised without breaking devices.
const N = 4096;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: { n: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N: params.n, r: params.r, p: params.p, maxmem: 256 * params.n * params.r }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** A new device password: 32 URL-safe characters (192 random bits). */
export function generateDevicePassword(): string {
  return randomBytes(24).toString('base64url');
}

/** `scrypt$N$r$p$salt$hash` (base64url), what the registry stores instead of the password. */
export async function hashDevicePassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { n: N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches a stored hash (constant-time comparison; false for anything unparseable). */
export async function verifyDevicePassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const params = { n: Number(n), r: Number(r), p: Number(p) };
  if (![params.n, params.r, params.p].every((v) => Number.isInteger(v) && v > 0) || params.n > 1 << 20) return false;
  if (typeof password !== 'string' || password.length === 0 || password.length > 1024) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), params);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A new provisioning key: `cfxp_` and 43 URL-safe characters (256 random bits). */
export function generateProvisioningKey(): string {
  return `cfxp_${randomBytes(32).toString('base64url')}`;
}

/** What is stored of a provisioning key (SHA-256, hex): enough for a 256-bit random secret, and indexable. */
export function provisioningKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
