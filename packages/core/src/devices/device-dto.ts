import type { DevicePayloadFormat } from '@conflux/db';
import { downTopic, upTopic } from './topics.ts';

/** A device is shown online while its connection is open and its presence was refreshed this recently. */
export const ONLINE_GRACE_MS = 120_000;

/** A device as the portal and API show it (never its password hash). */
export interface DeviceDto {
  id: string;
  name: string;
  type: string;
  tags: string[];
  payloadFormat: 'json' | 'raw';
  enabled: boolean;
  /** The MQTT username (the device id). */
  username: string;
  online: boolean;
  lastSeenAt: Date | null;
  malformedCount: number;
  createdAt: Date;
  /** Where it publishes (a channel replaces `{channel}`) and what it subscribes to. */
  topics: { up: string; down: string };
}

/** Fields read for a DeviceDto. */
export const deviceSelect = {
  id: true,
  tenantId: true,
  name: true,
  type: true,
  tags: true,
  payloadFormat: true,
  enabled: true,
  username: true,
  online: true,
  lastSeenAt: true,
  malformedCount: true,
  createdAt: true,
} as const;

/** A row read with deviceSelect. */
export interface DeviceRow {
  id: string;
  tenantId: string;
  name: string;
  type: string;
  tags: string[];
  payloadFormat: DevicePayloadFormat;
  enabled: boolean;
  username: string;
  online: boolean;
  lastSeenAt: Date | null;
  malformedCount: bigint;
  createdAt: Date;
}

export function isOnline(row: { online: boolean; lastSeenAt: Date | null; enabled: boolean }, now = Date.now()): boolean {
  return row.enabled && row.online && !!row.lastSeenAt && now - row.lastSeenAt.getTime() < ONLINE_GRACE_MS;
}

export function toDeviceDto(row: DeviceRow, now = Date.now()): DeviceDto {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    tags: row.tags,
    payloadFormat: row.payloadFormat,
    enabled: row.enabled,
    username: row.username,
    online: isOnline(row, now),
    lastSeenAt: row.lastSeenAt,
    malformedCount: Number(row.malformedCount),
    createdAt: row.createdAt,
    topics: { up: upTopic(row.tenantId, row.id, '{channel}'), down: downTopic(row.tenantId, row.id, '{channel}') },
  };
}

/** Credentials of a device, returned once (creation, rotation, provisioning). */
export interface DeviceCredentials {
  username: string;
  password: string;
  /** Any client id works; using the device id keeps broker logs readable. */
  clientId: string;
  topics: { up: string; down: string };
}
