import type { TenantDb } from '@conflux/db';

/** One validated telemetry message, ready to store. */
export interface DeviceMessageInput {
  deviceId: string;
  topic: string;
  channel: string;
  /** JSON text (json devices; already validated), or null. */
  json: string | null;
  /** The bytes (raw devices), or null. */
  raw: Buffer | null;
  size: number;
  qos: number;
  packetId: number | null;
  /** 64-bit digest of the bytes as a decimal string (QoS 1), to recognise retransmissions. */
  digest: string | null;
  receivedAt: Date;
  /** Flows this message starts, with the event payload before its `messageId` is known. */
  flows: string[];
  /** Builds the event payload (JSON text) once the message id is known (see deviceEventJson). */
  eventJson?: (messageId: string) => string;
}

/** What storeDeviceMessages did, per input position. */
export interface StoredDeviceMessages {
  /** The stored message id per input index; null where the device is disabled or gone (nothing stored). */
  ids: (string | null)[];
  events: number;
}

/**
 * Stores a batch of one tenant's device messages with one multi-row INSERT, and turns those that match flows
 * into events, runs and jobs — all in the caller's transaction (the tenant gate's), so a message is stored
 * together with the runs it starts or not at all. Messages of devices that are disabled or deleted by now
 * are not stored (the database decides, not a cache).
 */
export async function storeDeviceMessages(db: TenantDb, params: { tenantId: string; messages: DeviceMessageInput[] }): Promise<StoredDeviceMessages> {
  const { tenantId, messages } = params;
  if (messages.length === 0) return { ids: [], events: 0 };
  const rows = await db.$queryRawUnsafe<{ ord: number; id: string }[]>(
    `WITH input AS (
       SELECT u.*, nextval('device_message_id_seq') AS id
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::int[], $10::bigint[], $11::timestamptz[])
              WITH ORDINALITY AS u(device_id, topic, channel, payload, raw, size, qos, packet_id, digest, received_at, ord)
        WHERE EXISTS (SELECT 1 FROM device d WHERE d.id = u.device_id AND d.tenant_id = $1::uuid AND d.enabled)
     ), ins AS (
       INSERT INTO device_message (id, tenant_id, device_id, topic, channel, payload, raw, size, qos, packet_id, digest, received_at)
       OVERRIDING SYSTEM VALUE
       SELECT id, $1::uuid, device_id, topic, channel, payload::jsonb, decode(raw, 'base64'), size, qos, packet_id, digest, received_at FROM input
     )
     SELECT ord::int AS ord, id::text AS id FROM input`,
    tenantId,
    messages.map((m) => m.deviceId),
    messages.map((m) => m.topic),
    messages.map((m) => m.channel),
    messages.map((m) => m.json),
    messages.map((m) => (m.raw ? m.raw.toString('base64') : null)),
    messages.map((m) => m.size),
    messages.map((m) => m.qos),
    messages.map((m) => m.packetId),
    messages.map((m) => m.digest),
    messages.map((m) => m.receivedAt.toISOString()),
  );
  const ids: (string | null)[] = messages.map(() => null);
  for (const row of rows) ids[row.ord - 1] = row.id;

  const flowIds: string[] = [];
  const sourceIds: string[] = [];
  const payloads: string[] = [];
  messages.forEach((m, i) => {
    const id = ids[i];
    if (!id || m.flows.length === 0 || !m.eventJson) return;
    const payload = m.eventJson(id);
    for (const flowId of m.flows) {
      flowIds.push(flowId);
      sourceIds.push(id);
      payloads.push(payload);
    }
  });
  let events = 0;
  if (flowIds.length) {
    // Event and run per (message, flow) in one statement; the run row is the queue entry. The flow must still
    // be enabled and published (the caller's flow cache may be a moment old); the message id is the event's
    // source id, so the same message never starts a flow twice. A flow ordered by key keeps order per device.
    const result = await db.$queryRawUnsafe<{ runs: number }[]>(
      `WITH input AS (
         SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[]) AS u(flow_id, source_event_id, payload)
       ), ev AS (
         INSERT INTO event (tenant_id, flow_id, source, source_event_id, payload)
         SELECT $1::uuid, i.flow_id, 'mqtt', i.source_event_id, i.payload::jsonb
           FROM input i JOIN flow f ON f.id = i.flow_id AND f.tenant_id = $1::uuid AND f.enabled AND f.published_version IS NOT NULL
         ON CONFLICT (tenant_id, flow_id, source_event_id) WHERE source_event_id IS NOT NULL DO NOTHING
         RETURNING id, flow_id, payload->>'deviceId' AS device_id
       ), runs AS (
         INSERT INTO run (tenant_id, flow_id, flow_version_id, event_id, order_key)
         SELECT $1::uuid, ev.flow_id, fv.id, ev.id,
                CASE fv.definition->>'ordering' WHEN 'flow' THEN ev.flow_id::text WHEN 'key' THEN ev.flow_id::text || ':' || ev.device_id END
           FROM ev JOIN flow f ON f.id = ev.flow_id JOIN flow_version fv ON fv.flow_id = f.id AND fv.version = f.published_version
         RETURNING id
       )
       SELECT count(*)::int AS runs FROM runs`,
      tenantId,
      flowIds,
      sourceIds,
      payloads,
    );
    events = result[0]?.runs ?? 0;
  }
  return { ids, events };
}

/**
 * The event payload of a device message as JSON text, without re-serialising the message's own JSON: the
 * flow sees `trigger.payload` as the device sent it (json devices) or as base64 (raw devices).
 */
export function deviceEventJson(base: {
  deviceId: string;
  deviceName: string;
  deviceType: string;
  tags: string[];
  topic: string;
  channel: string;
  payloadFormat: 'json' | 'raw';
  qos: number;
  receivedAt: Date;
}, payloadJson: string): (messageId: string) => string {
  const head = JSON.stringify({
    deviceId: base.deviceId,
    deviceName: base.deviceName,
    deviceType: base.deviceType,
    tags: base.tags,
    topic: base.topic,
    channel: base.channel,
    payloadFormat: base.payloadFormat,
    qos: base.qos,
    receivedAt: base.receivedAt.toISOString(),
  }).slice(0, -1);
  return (messageId) => `${head},"payload":${payloadJson},"messageId":${JSON.stringify(messageId)}}`;
}
