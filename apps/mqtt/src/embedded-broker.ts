/**
 * The embedded broker (aedes over TCP). Devices log in with their registry credentials; the identity comes
 * from those credentials only, and every topic is checked against it: a device publishes on its own
 * `…/up/…` topics and subscribes to its own `…/down/…` topics, nothing else (`#`, `$SYS/#` and other devices'
 * topics are refused). Client ids are namespaced by username, so a device using another device's client id
 * neither takes over nor disconnects that device's session.
 *
 * Acknowledgement after commit: aedes writes a QoS 1 PUBACK right after `authorizePublish` calls back, so
 * the callback is held until the message's batch has committed. aedes also reads a client's next chunk only
 * once the current chunk's packets are settled, which gives per-device back-pressure for free.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import type { Logger } from 'pino';
import type { TenantGate } from '@conflux/db';
import { downTopic, mayDeviceSubscribe, parseDeviceTopic, recentPacketDigests } from '@conflux/core';
import type { DeviceIdentity } from '@conflux/core/ingest';
import type { DeviceAuth } from './device-auth.ts';
import type { Ingestor } from './ingestor.ts';
import { ResendGuard } from './resend-guard.ts';
import { payloadDigest } from './validate.ts';

/** What the broker keeps on each authenticated client. */
interface Session {
  identity: DeviceIdentity;
  /** Set when the registry disabled, deleted or re-keyed the device: nothing more is accepted. */
  revoked?: boolean;
  connectedAt: Date;
  resend: ResendGuard | null;
}

const sessions = new WeakMap<Client, Session>();

function authError(message: string, returnCode: 4 | 5) {
  return Object.assign(new Error(message), { returnCode });
}

/** Watches a connection's MQTT framing and cuts it off when a packet announces more than `maxBytes`. */
function packetSizeGuard(socket: net.Socket, maxBytes: number, onOversize: (size: number) => void): void {
  let state: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let multiplier = 1;
  let lengthBytes = 0;
  let remaining = 0;
  // A 'data' listener next to aedes's 'readable' one sees every chunk aedes reads, without changing the flow.
  socket.on('data', (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length) {
      if (state === 'type') {
        i++;
        state = 'length';
        length = 0;
        multiplier = 1;
        lengthBytes = 0;
      } else if (state === 'length') {
        const byte = chunk[i++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if (++lengthBytes > 4) return socket.destroy();
        if (byte & 0x80) continue;
        if (length > maxBytes) {
          onOversize(length);
          return socket.destroy();
        }
        remaining = length;
        state = remaining ? 'body' : 'type';
      } else {
        const take = Math.min(remaining, chunk.length - i);
        i += take;
        remaining -= take;
        if (remaining === 0) state = 'type';
      }
    }
  });
}

/** What the embedded broker needs. */
export interface EmbeddedBrokerDeps {
  auth: DeviceAuth;
  ingestor: Ingestor;
  gate: TenantGate;
  log: Logger;
  maxPayloadBytes: number;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  broker: Aedes;
  port: number;
  /** Publishes a command on a device's down topic (QoS 0 or 1). */
  publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void>;
  /** Device ids with an open connection. */
  connectedDevices(): string[];
  /** Identities of the open sessions (one per device). */
  sessions(): DeviceIdentity[];
  /**
   * Applies the registry's current state of a device to its open sessions: closes them when the device is
   * gone, disabled or re-keyed (returns how many), else refreshes name, type, tags and payload format.
   */
  applyRegistry(deviceId: string, identity: DeviceIdentity | null): number;
  /** Stops accepting connections, lets the pipeline write what it holds, then closes every connection. */
  close(ingestorDrain: () => Promise<void>): Promise<void>;
}

export async function startEmbeddedBroker(deps: EmbeddedBrokerDeps, listen: { port: number; host: string }): Promise<EmbeddedBroker> {
  const { auth, ingestor, log } = deps;
  const byDevice = new Map<string, Set<Client>>();

  const options: AedesOptions = {
    // Client ids live in a namespace per username: A using B's id gets "A/B", never B's session.
    preConnect(_client, packet, callback) {
      if (packet.clientId) packet.clientId = `${packet.username ?? ''}/${packet.clientId}`;
      callback(null, true);
    },
    maxClientsIdLength: 300,
    authenticate(client, username, password, done) {
      auth
        .authenticate(username, password)
        .then(async (identity) => {
          if (!identity) return done(authError('Bad username or password', 4), false);
          const connectedAt = new Date();
          // Any device may resend what it had in flight when its last connection ended (presence is written
          // lazily, so it cannot tell whether there was one): look its latest packet ids up once, by index.
          const resend = new ResendGuard(() => deps.gate.withTenant(identity.tenantId, (db) => recentPacketDigests(db, { tenantId: identity.tenantId, deviceId: identity.deviceId, before: connectedAt })));
          await resend.ready;
          sessions.set(client, { identity, connectedAt, resend });
          done(null, true);
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'device authentication failed');
          done(authError('Server unavailable', 5), false);
        });
    },
    authorizePublish(client, packet, callback) {
      const session = client ? sessions.get(client) : undefined;
      if (!session || session.revoked) return callback(new Error('not authorized'));
      const topic = parseDeviceTopic(packet.topic);
      const { identity } = session;
      if (!topic || topic.direction !== 'up' || topic.tenantId !== identity.tenantId || topic.deviceId !== identity.deviceId) {
        log.debug({ deviceId: identity.deviceId, topic: packet.topic.slice(0, 200) }, 'publish refused: not the device’s own up topic');
        return callback(new Error('not authorized'));
      }
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload ?? '');
      const packetId = packet.qos > 0 && typeof packet.messageId === 'number' ? packet.messageId : null;
      if (session.resend && packetId !== null) {
        if (session.resend.isRetransmission(packetId, payloadDigest(payload))) {
          ingestor.counters.duplicates++;
          return callback(null);
        }
      }
      ingestor
        .accept({ identity, topic: packet.topic, channel: topic.channel, payload, qos: packet.qos, packetId, receivedAt: new Date() })
        .then((outcome) => {
          if (outcome === 'stored' || outcome === 'malformed' || outcome === 'duplicate') return callback(null);
          // Refused (disabled/deleted meanwhile) or not written: no PUBACK; the connection is closed.
          callback(new Error(outcome === 'refused' ? 'device disabled' : 'not stored'));
        }, (error: unknown) => callback(error as Error));
    },
    authorizeSubscribe(client, subscription, callback) {
      const session = sessions.get(client);
      if (!session || session.revoked || !mayDeviceSubscribe(session.identity, subscription.topic)) {
        log.debug({ deviceId: session?.identity.deviceId, filter: subscription.topic.slice(0, 200) }, 'subscription refused');
        return callback(null, null);
      }
      callback(null, { ...subscription, qos: Math.min(subscription.qos, 1) as 0 | 1 });
    },
    authorizeForward(client, packet) {
      const session = sessions.get(client);
      if (!session) return null;
      const prefix = downTopic(session.identity.tenantId, session.identity.deviceId, '');
      return packet.topic.startsWith(prefix) ? packet : null;
    },
  };
  const broker = await Aedes.createBroker(options);

  broker.on('clientReady', (client) => {
    const session = sessions.get(client);
    if (!session) return;
    let set = byDevice.get(session.identity.deviceId);
    if (!set) byDevice.set(session.identity.deviceId, (set = new Set()));
    set.add(client);
    ingestor.noteSeen(session.identity, true);
  });
  broker.on('clientDisconnect', (client) => {
    const session = sessions.get(client);
    if (!session) return;
    const set = byDevice.get(session.identity.deviceId);
    set?.delete(client);
    if (set && set.size === 0) {
      byDevice.delete(session.identity.deviceId);
      ingestor.noteDisconnected(session.identity);
    }
  });
  broker.on('clientError', (client, error) => log.debug({ clientId: client?.id, err: error.message }, 'client error'));
  broker.on('connectionError', (_client, error) => log.debug({ err: error.message }, 'connection error'));

  // Framing above payload + topic + properties is cut off before it is buffered; what is between the payload
  // limit and this is read and counted as malformed by the pipeline.
  const hardLimit = deps.maxPayloadBytes + 64 * 1024;
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const connection: { client?: Client } = {};
    packetSizeGuard(socket, hardLimit, (size) => {
      const session = connection.client ? sessions.get(connection.client) : undefined;
      if (session) ingestor.noteMalformed(session.identity, `packet of ${size} bytes is over the limit; connection closed`, 0);
      log.warn({ deviceId: session?.identity.deviceId, size }, 'oversized MQTT packet: connection closed');
    });
    socket.on('error', () => undefined);
    connection.client = broker.handle(socket);
  });
  server.maxConnections = 100_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    broker,
    port,
    publish(topic, payload, qos) {
      return new Promise((resolve, reject) =>
        broker.publish({ cmd: 'publish', topic, payload, qos, retain: false, dup: false }, (error) => (error ? reject(error) : resolve())),
      );
    },
    connectedDevices: () => [...byDevice.keys()],
    sessions() {
      const out: DeviceIdentity[] = [];
      for (const set of byDevice.values()) {
        const first = set.values().next().value;
        const session = first ? sessions.get(first) : undefined;
        if (session) out.push(session.identity);
      }
      return out;
    },
    applyRegistry(deviceId, identity) {
      let closed = 0;
      for (const client of [...(byDevice.get(deviceId) ?? [])]) {
        const session = sessions.get(client);
        if (!session) continue;
        if (!identity || !identity.enabled || identity.credentialVersion !== session.identity.credentialVersion || identity.tenantId !== session.identity.tenantId) {
          session.revoked = true;
          client.close();
          closed++;
        } else {
          session.identity = { ...session.identity, name: identity.name, type: identity.type, tags: identity.tags, payloadFormat: identity.payloadFormat };
        }
      }
      return closed;
    },
    async close(ingestorDrain) {
      // No new connections; the pipeline writes and acknowledges what it holds and refuses what comes after
      // (not acknowledged, so devices send it again to the next process).
      server.close();
      await ingestorDrain();
      // Let the last PUBACKs leave before the sockets close (one lost is recognised as a retransmission anyway).
      await new Promise((resolve) => setTimeout(resolve, 200));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const set of byDevice.values()) for (const client of set) client.conn.destroy();
    },
  };
}
