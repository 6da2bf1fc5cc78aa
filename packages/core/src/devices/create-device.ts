import { randomUUID } from 'node:crypto';
import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';
import { assertDeviceAllowed } from '../plans/limits.ts';
import type { Keyring } from '../connections/keyring.ts';
import { stashBrokerSecret } from './broker-secret.ts';
import { generateDevicePassword, hashDevicePassword } from './credentials.ts';
import { deviceSelect, toDeviceDto, type DeviceCredentials, type DeviceDto } from './device-dto.ts';
import { downTopic, upTopic } from './topics.ts';

/** Params of createDevice. */
export interface CreateDeviceParams {
  name: string;
  type?: string;
  tags?: string[];
  payloadFormat?: 'json' | 'raw';
}

/** A new device and its credentials (the password is never shown again). */
export interface CreatedDevice {
  device: DeviceDto;
  credentials: DeviceCredentials;
}

/** Tags: trimmed, de-duplicated, in the order given. */
export function normaliseTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim()).filter(Boolean))];
}

/**
 * Inserts a device with fresh credentials; shared by the portal path and provisioning by key, so the
 * plan's device limit holds whichever door a device comes through.
 */
export async function insertDevice(
  db: TenantDb,
  params: CreateDeviceParams & { tenantId: string; actorUserId: string | null; via: 'portal' | 'provisioning_key'; keyId?: string; keyring: Keyring },
): Promise<CreatedDevice> {
  await assertDeviceAllowed(db, params.tenantId);
  const taken = await db.device.findFirst({ where: { tenantId: params.tenantId, name: params.name }, select: { id: true } });
  if (taken) throw new AppError('NAME_TAKEN', `A device named “${params.name}” already exists.`);
  const id = randomUUID();
  const password = generateDevicePassword();
  const row = await db.device.create({
    data: {
      id,
      tenantId: params.tenantId,
      name: params.name,
      type: params.type ?? '',
      tags: normaliseTags(params.tags),
      payloadFormat: params.payloadFormat ?? 'json',
      username: id,
      passwordHash: await hashDevicePassword(password),
    },
    select: deviceSelect,
  });
  await stashBrokerSecret(db, { tenantId: params.tenantId, deviceId: id, credentialVersion: 1, password, keyring: params.keyring });
  await writeAudit(db, { tenantId: params.tenantId, actorUserId: params.actorUserId, action: 'device.created', target: params.name, data: { deviceId: id, via: params.via, ...(params.keyId ? { keyId: params.keyId } : {}) } });
  return { device: toDeviceDto(row), credentials: credentialsOf(params.tenantId, id, password) };
}

/** What a device is told once: username, password, client id and its topics. */
export function credentialsOf(tenantId: string, deviceId: string, password: string): DeviceCredentials {
  return { username: deviceId, password, clientId: deviceId, topics: { up: upTopic(tenantId, deviceId, '{channel}'), down: downTopic(tenantId, deviceId, '{channel}') } };
}

/** Registers a device; its MQTT password is returned here once and only its scrypt hash is kept. */
export async function createDevice(db: TenantDb, actor: Actor, params: CreateDeviceParams & { keyring: Keyring }): Promise<CreatedDevice> {
  return insertDevice(db, { ...params, tenantId: actor.tenantId, actorUserId: actor.userId, via: 'portal' });
}
