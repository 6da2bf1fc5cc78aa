import type { TenantDb } from '@conflux/db';
import { ConnectorError, type DeviceCommands } from '@conflux/connector-sdk';
import { isAppError } from '../errors.ts';
import { queueDeviceCommand } from './queue-device-command.ts';

/** Connectors that get `ctx.devices` (first-party only: partner code never reaches devices). */
export const DEVICE_CONNECTORS = new Set(['mqtt']);

/**
 * The platform service behind an action's `ctx.devices`: commands are queued inside the run's tenant gate
 * with the step's idempotency key (a retried step queues once) and published by the MQTT app. A device
 * that does not exist in the run's tenant, or is disabled, fails the step permanently with a readable reason.
 */
export function deviceCommandsFor(inGate: <T>(fn: (db: TenantDb) => Promise<T>) => Promise<T>, params: { tenantId: string; idempotencyKey: string }): DeviceCommands {
  return {
    async send(command) {
      try {
        return await inGate((db) => queueDeviceCommand(db, { tenantId: params.tenantId, ...command, idempotencyKey: params.idempotencyKey }));
      } catch (error) {
        if (isAppError(error)) throw ConnectorError.permanent(error.message, { cause: error });
        throw error;
      }
    },
  };
}
