import { z } from 'zod';
import {
  createDevice,
  createProvisioningKey,
  deleteDevice,
  getDevice,
  getDevicePage,
  listDevices,
  listProvisioningKeys,
  revokeProvisioningKey,
  rotateDeviceCredentials,
  sendDeviceCommand,
  setDeviceEnabled,
  updateDevice,
  type DeviceCredentials,
} from '@conflux/core';
import { router, tenantProcedure } from '../trpc.ts';
import { uuid } from './schemas.ts';

const name = z.string().trim().min(1, 'Name the device').max(100, 'Device names can be at most 100 characters');
const type = z.string().trim().max(60, 'Types can be at most 60 characters');
const tag = z.string().trim().min(1).max(40, 'Tags can be at most 40 characters').regex(/^[A-Za-z0-9_.:-]+$/, 'Tags are letters, digits and _ . : -');
const tags = z.array(tag).max(20, 'At most 20 tags');
const payloadFormat = z.enum(['json', 'raw']);
const channel = z.string().trim().min(1).max(200);

/** Devices over MQTT: registry, credentials (shown once), provisioning keys, the device page, commands. */
export const devicesRouter = router({
  list: tenantProcedure
    .input(z.strictObject({ search: z.string().max(100).optional(), tag: tag.optional() }).optional())
    .query(({ ctx, input }) => listDevices(ctx.db, ctx.actor, { search: input?.search, tag: input?.tag })),
  get: tenantProcedure.input(z.strictObject({ deviceId: uuid })).query(({ ctx, input }) => getDevice(ctx.db, ctx.actor, input)),
  page: tenantProcedure
    .input(z.strictObject({ deviceId: uuid, messages: z.number().int().min(1).max(100).optional() }))
    .query(({ ctx, input }) => getDevicePage(ctx.db, ctx.actor, input)),
  create: tenantProcedure
    .input(z.strictObject({ name, type: type.optional(), tags: tags.optional(), payloadFormat: payloadFormat.optional() }))
    .mutation(async ({ ctx, input }) => {
      const created = await createDevice(ctx.db, ctx.actor, { ...input, keyring: ctx.services.keyring });
      return { device: created.device, credentials: withBroker(created.credentials, ctx.services.config.mqttPublicUrl) };
    }),
  update: tenantProcedure
    .input(z.strictObject({ deviceId: uuid, name: name.optional(), type: type.optional(), tags: tags.optional(), payloadFormat: payloadFormat.optional() }))
    .mutation(({ ctx, input }) => updateDevice(ctx.db, ctx.actor, input)),
  setEnabled: tenantProcedure.input(z.strictObject({ deviceId: uuid, enabled: z.boolean() })).mutation(({ ctx, input }) => setDeviceEnabled(ctx.db, ctx.actor, input)),
  delete: tenantProcedure.input(z.strictObject({ deviceId: uuid })).mutation(({ ctx, input }) => deleteDevice(ctx.db, ctx.actor, input)),
  rotateCredentials: tenantProcedure
    .input(z.strictObject({ deviceId: uuid }))
    .mutation(async ({ ctx, input }) => withBroker(await rotateDeviceCredentials(ctx.db, ctx.actor, { ...input, keyring: ctx.services.keyring }), ctx.services.config.mqttPublicUrl)),
  sendCommand: tenantProcedure
    .input(z.strictObject({ deviceId: uuid, channel, payload: z.json(), qos: z.union([z.literal(0), z.literal(1)]).default(1) }))
    .mutation(({ ctx, input }) => sendDeviceCommand(ctx.db, ctx.actor, input)),
  provisioningKeys: tenantProcedure.query(({ ctx }) => listProvisioningKeys(ctx.db, ctx.actor)),
  createProvisioningKey: tenantProcedure
    .input(z.strictObject({ name: z.string().trim().min(1, 'Name the key').max(100) }))
    .mutation(({ ctx, input }) => createProvisioningKey(ctx.db, ctx.actor, input)),
  revokeProvisioningKey: tenantProcedure.input(z.strictObject({ keyId: uuid })).mutation(({ ctx, input }) => revokeProvisioningKey(ctx.db, ctx.actor, input)),
});

/** Credentials with the broker address devices connect to. */
function withBroker(credentials: DeviceCredentials, brokerUrl: string | undefined): DeviceCredentials & { brokerUrl: string | null } {
  return { ...credentials, brokerUrl: brokerUrl ?? null };
}
