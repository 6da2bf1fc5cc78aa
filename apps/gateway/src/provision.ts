import type http from 'node:http';
import { z } from 'zod';
import { AppError, provisionDevice, type CreatedDevice, type Keyring } from '@conflux/core';
import { findProvisioningKey } from '@conflux/core/ingest';
import type { TenantGate } from '@conflux/db';
import type { SystemDb } from '@conflux/db/system';

const body = z.strictObject({
  name: z.string().trim().min(1).max(100),
  type: z.string().trim().max(60).optional(),
  tags: z.array(z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9_.:-]+$/)).max(20).optional(),
  payloadFormat: z.enum(['json', 'raw']).optional(),
});

/** A refusal of the provisioning door, as an HTTP status and message. */
export class ProvisionError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * `POST /devices/provision` with `Authorization: Bearer <provisioning key>` and `{ name, type?, tags?,
 * payloadFormat? }`: registers a device in the key's tenant and answers 201 with the device and its MQTT
 * credentials (the password only here). The tenant comes from the key, never from the body.
 */
export async function handleProvision(
  req: http.IncomingMessage,
  rawBody: Buffer,
  deps: { gate: TenantGate; system: SystemDb; keyring: Keyring; mqttPublicUrl?: string; rateLimit(tenantId: string): Promise<void> },
): Promise<{ status: number; body: CreatedDevice & { credentials: { brokerUrl: string | null } } }> {
  const match = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  const key = match ? await findProvisioningKey(deps.system, { key: match[1]! }) : null;
  if (!key) throw new ProvisionError(401, 'Send a valid provisioning key: Authorization: Bearer cfxp_…');
  await deps.rateLimit(key.tenantId);
  let parsed: z.infer<typeof body>;
  try {
    parsed = body.parse(JSON.parse(rawBody.toString('utf8') || '{}'));
  } catch (error) {
    throw new ProvisionError(400, error instanceof z.ZodError ? z.prettifyError(error) : 'The body is not valid JSON.');
  }
  try {
    const created = await deps.gate.withTenant(key.tenantId, (db) => provisionDevice(db, { ...parsed, tenantId: key.tenantId, keyId: key.keyId, keyring: deps.keyring }));
    return { status: 201, body: { ...created, credentials: { ...created.credentials, brokerUrl: deps.mqttPublicUrl ?? null } } };
  } catch (error) {
    if (error instanceof AppError && error.code === 'PROVISIONING_KEY_INVALID') throw new ProvisionError(401, error.message);
    if (error instanceof AppError && error.code === 'NAME_TAKEN') throw new ProvisionError(409, error.message);
    // The plan's device limit: not worth retrying until a device is deleted or the plan changes.
    if (error instanceof AppError && error.code === 'PLAN_LIMIT') throw new ProvisionError(403, error.message);
    throw error;
  }
}
