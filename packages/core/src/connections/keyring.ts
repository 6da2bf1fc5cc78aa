import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A master key with its id (a fingerprint, so rows say which master key wrapped them). */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** The current master key and older ones still accepted for unwrapping during a rotation. */
export interface Keyring {
  current: MasterKey;
  previous: MasterKey[];
}

/** Builds a keyring from base64 keys (32 bytes each): the first is current. */
export function createKeyring(base64Keys: string[]): Keyring {
  const keys = base64Keys.map((b64) => {
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new Error('A master key must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
    return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
  });
  if (!keys[0]) throw new Error('At least one master key is required');
  return { current: keys[0], previous: keys.slice(1) };
}

const IV = 12;
const TAG = 16;

/** AES-256-GCM: iv || tag || ciphertext. The AAD binds a ciphertext to where it belongs (tenant, row). */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < IV + TAG) throw new Error('Ciphertext is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(IV, IV + TAG));
  return Buffer.concat([decipher.update(sealed.subarray(IV + TAG)), decipher.final()]);
}

/** Finds the master key a row names. */
export function masterKeyById(keyring: Keyring, id: string): MasterKey {
  const key = [keyring.current, ...keyring.previous].find((k) => k.id === id);
  if (!key) throw new Error(`Master key ${id} is not configured (set it in MASTER_KEYS to read these secrets)`);
  return key;
}
