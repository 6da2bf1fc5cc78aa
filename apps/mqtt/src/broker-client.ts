/**
 * Client mode: ingest from an external broker (Mosquitto, EMQX…) through the shared subscription
 * `$share/{group}/t/+/d/+/up/#`, so several ingest processes split the load. The broker authenticates
 * devices and enforces their ACLs (kept in step with the registry, see the README); this side still checks
 * that the topic's device exists, belongs to the topic's tenant and is enabled.
 *
 * Acknowledgement after commit: mqtt.js handles incoming packets one at a time and would wait for each
 * commit if `customHandleAcks` held its callback, so the callback is given at once and the PUBACK itself is
 * held: it is written when the message's batch has committed, on the same connection only (after a
 * reconnect the broker redelivers with DUP set, and the retransmission is recognised).
 */
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { TenantGate } from '@conflux/db';
import type { SystemDb } from '@conflux/db/system';
import { parseDeviceTopic, recentPacketDigests } from '@conflux/core';
import { findDevices, type DeviceIdentity } from '@conflux/core/ingest';
import type { Ingestor } from './ingestor.ts';
import { ResendGuard } from './resend-guard.ts';
import { payloadDigest } from './validate.ts';

/** What client mode needs. */
export interface BrokerClientDeps {
  url: string;
  clientId: string;
  shareGroup: string;
  sessionExpirySeconds?: number;
  ingestor: Ingestor;
  sys: SystemDb;
  gate: TenantGate;
  log: Logger;
  /** Messages on `$CONTROL/…` (the broker's own answers, e.g. its dynamic-security plugin's), not telemetry. */
  onControlMessage?(topic: string, payload: Buffer): void;
  /** Each (re)connection, once subscribed. */
  onConnect?(): void;
}

/** A running ingest client. */
export interface BrokerClient {
  client: MqttClient;
  publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void>;
  /** Forgets a device's cached identity (the registry changed). */
  forget(deviceId: string): void;
  close(drain: () => Promise<void>): Promise<void>;
}

type SendPacket = (packet: { cmd: string; messageId?: number; reasonCode?: number }, cb?: (error?: Error) => void, cbStorePut?: unknown, noStore?: boolean) => void;

interface HeldAck {
  epoch: number;
  /** Set once processing finished: whether to acknowledge. */
  ack: boolean | null;
  /** Set once mqtt.js asked to send the PUBACK. */
  send: (() => void) | null;
}

export async function startBrokerClient(deps: BrokerClientDeps): Promise<BrokerClient> {
  const { log, ingestor } = deps;
  const filter = `$share/${deps.shareGroup}/t/+/d/+/up/#`;
  const identities = new Map<string, { identity: Promise<DeviceIdentity | null>; at: number }>();
  const guards = new Map<string, ResendGuard>();
  const held = new Map<number, HeldAck>();
  let epoch = 0;
  let connectedAt = new Date();

  const identityOf = (deviceId: string): Promise<DeviceIdentity | null> => {
    const hit = identities.get(deviceId);
    if (hit && Date.now() - hit.at < 30_000) return hit.identity;
    const identity = findDevices(deps.sys, { ids: [deviceId] }).then((found) => found[0] ?? null);
    identities.set(deviceId, { identity, at: Date.now() });
    identity.catch(() => identities.delete(deviceId));
    return identity;
  };

  const settleAck = (messageId: number, entry: HeldAck) => {
    if (entry.ack === null || entry.send === null) return;
    held.delete(messageId);
    if (entry.ack && entry.epoch === epoch && client.connected) entry.send();
  };

  const process = async (topic: string, payload: Buffer, packet: IPublishPacket): Promise<boolean> => {
    if (topic.startsWith('$CONTROL/')) {
      deps.onControlMessage?.(topic, payload);
      return true;
    }
    const parsed = parseDeviceTopic(topic);
    if (!parsed || parsed.direction !== 'up') {
      log.warn({ topic: topic.slice(0, 200) }, 'message outside the topic convention: dropped');
      return true;
    }
    const identity = await identityOf(parsed.deviceId);
    if (!identity || identity.tenantId !== parsed.tenantId || !identity.enabled) {
      ingestor.counters.refused++;
      log.debug({ topic: topic.slice(0, 200) }, 'message of an unknown, foreign or disabled device: dropped');
      return true;
    }
    const packetId = packet.qos > 0 && typeof packet.messageId === 'number' ? packet.messageId : null;
    if (packet.dup && packetId !== null) {
      // A redelivery after our reconnect: it may have been stored before the PUBACK could leave.
      let guard = guards.get(identity.deviceId);
      if (!guard) {
        const before = connectedAt;
        guard = new ResendGuard(() => deps.gate.withTenant(identity.tenantId, (db) => recentPacketDigests(db, { tenantId: identity.tenantId, deviceId: identity.deviceId, before })), { checkReusedIds: true });
        guards.set(identity.deviceId, guard);
      }
      await guard.ready;
      if (guard.isRetransmission(packetId, payloadDigest(payload))) {
        ingestor.counters.duplicates++;
        return true;
      }
    }
    const outcome = await ingestor.accept({ identity, topic, channel: parsed.channel, payload, qos: packet.qos, packetId, receivedAt: new Date() });
    return outcome !== 'failed';
  };

  const options: IClientOptions = {
    clientId: deps.clientId,
    clean: false,
    protocolVersion: 5,
    // The broker keeps this process's session (and what it had in flight) across restarts.
    properties: { sessionExpiryInterval: deps.sessionExpirySeconds ?? 3600, receiveMaximum: 65535 },
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    customHandleAcks(topic, message, packet, callback) {
      const messageId = packet.messageId!;
      const entry: HeldAck = { epoch, ack: null, send: null };
      held.set(messageId, entry);
      process(topic, message, packet)
        .then((ack) => {
          entry.ack = ack;
          settleAck(messageId, entry);
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'device message failed');
          entry.ack = false;
          settleAck(messageId, entry);
        });
      callback(0);
    },
  };
  const client = mqtt.connect(deps.url, options);
  const internal = client as unknown as { _sendPacket: SendPacket };
  const sendPacket = internal._sendPacket.bind(client);
  internal._sendPacket = (packet, cb, cbStorePut, noStore) => {
    const entry = packet.cmd === 'puback' && typeof packet.messageId === 'number' ? held.get(packet.messageId) : undefined;
    if (!entry || entry.send) return sendPacket(packet, cb, cbStorePut, noStore);
    // Held until the batch commits; mqtt.js goes on with the next packet meanwhile.
    entry.send = () => sendPacket(packet, undefined, cbStorePut, true);
    cb?.();
    settleAck(packet.messageId!, entry);
  };

  client.on('message', (topic, payload, packet) => {
    if (packet.qos !== 0) return;
    void process(topic, payload, packet).catch((error: unknown) => log.error({ err: error }, 'device message failed'));
  });
  client.on('connect', (connack) => {
    epoch++;
    connectedAt = new Date();
    guards.clear();
    held.clear();
    if (!connack.sessionPresent) {
      client.subscribe(filter, { qos: 1 }, (error, grants) => {
        if (error || grants?.some((g) => g.qos > 2)) log.error({ err: error }, `could not subscribe to ${filter} (may the ingest's account subscribe to it?)`);
        else log.info(`subscribed to ${filter}`);
      });
    }
    deps.onConnect?.();
  });
  client.on('error', (error) => log.warn({ err: error.message }, 'broker connection error'));
  client.on('offline', () => log.warn('broker offline; reconnecting'));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No MQTT broker answered at ${redact(deps.url)} within 10 s`)), 10_000);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
  });

  return {
    client,
    publish(topic, payload, qos) {
      return new Promise((resolve, reject) => client.publish(topic, payload, { qos }, (error) => (error ? reject(error) : resolve())));
    },
    forget(deviceId) {
      identities.delete(deviceId);
    },
    async close(drain) {
      await drain();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await client.endAsync(false);
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'MQTT_URL';
  }
}
