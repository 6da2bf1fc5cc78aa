import type { SystemDb } from '@conflux/db/system';
import { verifyDevicePassword } from '../devices/credentials.ts';

/** Who a device is, as the MQTT app needs it: its tenant and what shapes its messages. */
export interface DeviceIdentity {
  tenantId: string;
  deviceId: string;
  name: string;
  type: string;
  tags: string[];
  payloadFormat: 'json' | 'raw';
  enabled: boolean;
  credentialVersion: number;
  /** Whether the registry thought it connected, and when it was last seen (a reconnect may resend). */
  online: boolean;
  lastSeenAt: Date | null;
}

const identitySelect = {
  id: true,
  tenantId: true,
  name: true,
  type: true,
  tags: true,
  payloadFormat: true,
  enabled: true,
  credentialVersion: true,
  online: true,
  lastSeenAt: true,
} as const;

type IdentityRow = { id: string; tenantId: string; name: string; type: string; tags: string[]; payloadFormat: 'json' | 'raw'; enabled: boolean; credentialVersion: number; online: boolean; lastSeenAt: Date | null };

function toIdentity(row: IdentityRow): DeviceIdentity {
  return { tenantId: row.tenantId, deviceId: row.id, name: row.name, type: row.type, tags: row.tags, payloadFormat: row.payloadFormat, enabled: row.enabled, credentialVersion: row.credentialVersion, online: row.online, lastSeenAt: row.lastSeenAt };
}

// A hash to verify against when the username is unknown, so that a wrong username costs what a wrong password does.
const DUMMY_HASH = 'scrypt$4096$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * The MQTT door of the tenant gate: a device's username and password resolve to its tenant and identity.
 * Null for an unknown username, a wrong password or a disabled device; everything after runs in `withTenant`.
 */
export async function authenticateDevice(sys: SystemDb, params: { username: string; password: string }): Promise<DeviceIdentity | null> {
  if (typeof params.username !== 'string' || params.username.length === 0 || params.username.length > 100) return null;
  const row = await sys.device.findUnique({ where: { username: params.username }, select: { ...identitySelect, passwordHash: true } });
  const ok = await verifyDevicePassword(params.password, row?.passwordHash ?? DUMMY_HASH);
  if (!row || !ok || !row.enabled) return null;
  return toIdentity(row);
}

/** Devices by id (any tenant): the MQTT app checks topics of an external broker and open sessions with it. */
export async function findDevices(sys: SystemDb, params: { ids: string[] }): Promise<DeviceIdentity[]> {
  if (params.ids.length === 0) return [];
  const rows = await sys.device.findMany({ where: { id: { in: params.ids } }, select: identitySelect });
  return rows.map(toIdentity);
}
