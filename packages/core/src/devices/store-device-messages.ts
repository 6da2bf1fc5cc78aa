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
  /** Flows this message starts (ids): each gets an event and a run. */
  flows: string[];
}

/** What storeDeviceMessages did, per input position. */
export interface StoredDeviceMessages {
  /** The stored message id per input index; null where the device is disabled or gone (nothing stored). */
  ids: (string | null)[];
  events: number;
}

// The batch travels as one JSON array of messages, each an array in the order the statement reads it:
// [deviceId, topic, channel, payload, raw, size, qos, packetId, digest, receivedAt, flowIds]. One text
// parameter instead of a dozen arrays: the client serialises one string instead of escaping every element,
// and PostgreSQL parses every payload once, together with the rest (a json device's payload is embedded as
// JSON, not as a string; `raw` is base64 text). A payload the parser refuses fails the whole batch with a data
// error, which the caller splits to find the message at fault, as it would for any single bad row.
const INPUT = `input AS (
   SELECT m.ord, (m.v->>0)::uuid AS device_id, m.v->>1 AS topic, m.v->>2 AS channel,
          -- JSON null is a json device's payload too: a raw message is recognised by its bytes.
          CASE WHEN m.v->>4 IS NULL THEN m.v->3 END AS payload, m.v->>4 AS raw,
          (m.v->>5)::int AS size, (m.v->>6)::int AS qos, (m.v->>7)::int AS packet_id, (m.v->>8)::bigint AS digest,
          m.v->>9 AS received_at, m.v->10 AS flows,
          d.name AS device_name, d.type AS device_type, d.tags AS device_tags,
          nextval('device_message_id_seq') AS id
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS m(v, ord)
     JOIN device d ON d.id = (m.v->>0)::uuid AND d.tenant_id = $1::uuid AND d.enabled
    -- Ids in arrival order whatever the join's plan (nextval runs after the sort): a device's ids are its order.
    ORDER BY m.ord
 ), stored AS (
   INSERT INTO device_message (id, tenant_id, device_id, topic, channel, payload, raw, size, qos, packet_id, digest, received_at)
   OVERRIDING SYSTEM VALUE
   SELECT id, $1::uuid, device_id, topic, channel, payload, decode(raw, 'base64'), size, qos, packet_id, digest, received_at::timestamptz FROM input
 )`;

const STORE = `WITH ${INPUT}
 SELECT array_agg(ord::int) AS ords, array_agg(id::text) AS ids, 0 AS runs FROM input`;

// Event and run per (message, flow), in the same statement; the run row is the queue entry. The flow must
// still be enabled and published (the caller's flow cache may be a moment old); the message id is the event's
// source id, so the same message never starts a flow twice. A flow ordered by key keeps order per device. The
// event payload (what the flow sees as `trigger`) is built here from the stored message, so its JSON is parsed
// once for both rows, and from the device row just read (name, type and tags as they are now).
const STORE_AND_START = `WITH ${INPUT}, flows AS (
   SELECT f.id AS flow_id, fv.id AS flow_version_id, fv.definition->>'ordering' AS ordering
     FROM flow f JOIN flow_version fv ON fv.flow_id = f.id AND fv.version = f.published_version
    WHERE f.id = ANY($3::uuid[]) AND f.tenant_id = $1::uuid AND f.enabled
 ), ev AS (
   INSERT INTO event (tenant_id, flow_id, source, source_event_id, payload)
   SELECT $1::uuid, f.flow_id, 'mqtt', i.id::text,
          jsonb_build_object('deviceId', i.device_id, 'deviceName', i.device_name, 'deviceType', i.device_type, 'tags', to_jsonb(i.device_tags),
                             'topic', i.topic, 'channel', i.channel, 'payloadFormat', CASE WHEN i.raw IS NULL THEN 'json' ELSE 'raw' END,
                             'qos', i.qos, 'receivedAt', i.received_at, 'payload', coalesce(i.payload, to_jsonb(i.raw)), 'messageId', i.id::text)
     FROM input i CROSS JOIN LATERAL jsonb_array_elements_text(i.flows) AS s(flow_id) JOIN flows f ON f.flow_id = s.flow_id::uuid
   ON CONFLICT (tenant_id, flow_id, source_event_id) WHERE source_event_id IS NOT NULL DO NOTHING
   RETURNING id, flow_id, payload->>'deviceId' AS device_id
 ), runs AS (
   INSERT INTO run (tenant_id, flow_id, flow_version_id, event_id, order_key)
   SELECT $1::uuid, ev.flow_id, f.flow_version_id, ev.id,
          CASE f.ordering WHEN 'flow' THEN ev.flow_id::text WHEN 'key' THEN ev.flow_id::text || ':' || ev.device_id END
     FROM ev JOIN flows f USING (flow_id)
   RETURNING 1
 )
 SELECT array_agg(ord::int) AS ords, array_agg(id::text) AS ids, (SELECT count(*) FROM runs)::int AS runs FROM input`;

/** A message as an element of the batch parameter (see INPUT). */
function messageJson(m: DeviceMessageInput): string {
  const raw = m.raw ? `"${m.raw.toString('base64')}"` : 'null';
  const digest = m.digest === null ? 'null' : `"${m.digest}"`;
  return `[${JSON.stringify(m.deviceId)},${JSON.stringify(m.topic)},${JSON.stringify(m.channel)},${m.json ?? 'null'},${raw},${m.size},${m.qos},${m.packetId ?? 'null'},${digest},"${m.receivedAt.toISOString()}",${JSON.stringify(m.flows)}]`;
}

/**
 * Stores a batch of one tenant's device messages and turns those that match flows into events and runs, with
 * one statement in the caller's transaction (the tenant gate's), so a message is stored together with the runs
 * it starts or not at all. Messages of devices that are disabled or deleted by now are not stored (the
 * database decides, not a cache).
 */
export async function storeDeviceMessages(db: TenantDb, params: { tenantId: string; messages: DeviceMessageInput[] }): Promise<StoredDeviceMessages> {
  const { tenantId, messages } = params;
  if (messages.length === 0) return { ids: [], events: 0 };
  const batch = `[${messages.map(messageJson).join(',')}]`;
  const flowIds = [...new Set(messages.flatMap((m) => m.flows))];
  const [row] = flowIds.length
    ? await db.$queryRawUnsafe<{ ords: number[] | null; ids: string[] | null; runs: number }[]>(STORE_AND_START, tenantId, batch, flowIds)
    : await db.$queryRawUnsafe<{ ords: number[] | null; ids: string[] | null; runs: number }[]>(STORE, tenantId, batch);
  const ids: (string | null)[] = messages.map(() => null);
  row?.ords?.forEach((ord, i) => (ids[ord - 1] = row.ids![i]!));
  return { ids, events: row?.runs ?? 0 };
}
