import { createHash } from 'node:crypto';
import { authenticateDevice, type DeviceIdentity } from '@conflux/core/ingest';
import type { SystemDb } from '@conflux/db/system';

/**
 * Device authentication against the registry with a short cache: a fleet reconnecting at once must not cost
 * one scrypt per device per reconnect. The cache keeps a SHA-256 of the password (never the password) and is
 * dropped for a device as soon as the registry says it changed.
 */
export class DeviceAuth {
  private readonly cache = new Map<string, { passwordHash: string; identity: DeviceIdentity; until: number }>();

  constructor(private readonly sys: SystemDb, private readonly ttlMs = 60_000) {}

  async authenticate(username: string | undefined, password: Buffer | string | undefined): Promise<DeviceIdentity | null> {
    if (!username || password === undefined || password === null) return null;
    const text = typeof password === 'string' ? password : password.toString('utf8');
    const passwordHash = createHash('sha256').update(text).digest('hex');
    const hit = this.cache.get(username);
    if (hit && hit.until > Date.now() && hit.passwordHash === passwordHash) return hit.identity;
    const identity = await authenticateDevice(this.sys, { username, password: text });
    if (identity) {
      if (this.cache.size > 100_000) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(username, { passwordHash, identity, until: Date.now() + this.ttlMs });
    }
    return identity;
  }

  /** Forgets a device (disabled, deleted, re-keyed or changed). The username is the device id. */
  forget(deviceId: string): void {
    this.cache.delete(deviceId);
  }
}
