/**
 * The MQTT app assembled: the pipeline, the embedded broker or the external-broker client, the registry
 * listener (disconnects disabled/deleted/re-keyed devices at once, refreshes flow lists), the command
 * publisher and the optional auth hook. main.ts runs it as a process; tests start it in theirs.
 */
import type { Logger } from 'pino';
import { createTenantGate } from '@conflux/db';
import { createSystemClient } from '@conflux/db/system';
import { catalogFrom, createKeyring, type ConnectorCatalog } from '@conflux/core';
import { discardBrokerSecrets, findDevices, listDeviceQuotas, type DeviceIdentity } from '@conflux/core/ingest';
import { connectors } from '@conflux/registry';
import { startAuthHook } from './auth-hook.ts';
import { startBrokerAccountSync, type BrokerAccountSync } from './broker-accounts.ts';
import { startBrokerClient, type BrokerClient } from './broker-client.ts';
import { startCommandPublisher } from './command-publisher.ts';
import { DeviceAuth } from './device-auth.ts';
import { DynsecControl } from './dynsec-control.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';
import type { MqttConfig } from './env.ts';
import { Ingestor } from './ingestor.ts';
import { watchRegistry } from './registry-watcher.ts';

/** A running MQTT app. */
export interface MqttApp {
  mode: 'embedded' | 'client';
  /** The embedded broker's port (embedded mode). */
  port: number | undefined;
  authHookPort: number | undefined;
  ingestor: Ingestor;
  /** Client mode with MQTT_DYNAMIC_SECURITY: the broker's device accounts, kept in step with the registry. */
  brokerAccounts: BrokerAccountSync | undefined;
  close(): Promise<void>;
}

/** Options for tests: another catalogue, faster polling. */
export interface MqttAppOverrides {
  catalog?: ConnectorCatalog;
  pollIntervalMs?: number;
}

const DEFAULT_TENANT_RATE = 100;

export async function startMqttApp(config: MqttConfig, log: Logger, overrides: MqttAppOverrides = {}): Promise<MqttApp> {
  const gate = createTenantGate(config.appDatabaseUrl, { max: config.flushConcurrency * 2 + 4 });
  const system = createSystemClient(config.systemDatabaseUrl, { max: 6 });
  const catalog = overrides.catalog ?? catalogFrom(connectors);
  let quotas = new Map<string, { messagesPerSecond: number | null; planRate: number }>();
  const refreshQuotas = () =>
    listDeviceQuotas(system.db)
      .then((q) => void (quotas = q))
      .catch((error: unknown) => log.warn({ err: error }, 'device quotas not refreshed'));
  await refreshQuotas();
  const quotaTimer = setInterval(() => void refreshQuotas(), 10_000);
  quotaTimer.unref();

  const ingestor = new Ingestor(
    {
      gate,
      catalog,
      log,
      // A tenant's device_quota, else the operator's override, else its plan.
      tenantRate: (tenantId) => quotas.get(tenantId)?.messagesPerSecond ?? config.tenantRate ?? quotas.get(tenantId)?.planRate,
    },
    // Tenants not read yet (their first device is minutes old): the free plan's rate until the next refresh.
    { maxPayloadBytes: config.maxPayloadBytes, tenantRate: config.tenantRate ?? DEFAULT_TENANT_RATE, tenantBurst: config.tenantBurst ?? (config.tenantRate ?? DEFAULT_TENANT_RATE) * 2, batchMax: config.batchMax, lingerMs: config.lingerMs, flushConcurrency: config.flushConcurrency },
  );
  const auth = new DeviceAuth(system.db);

  let embedded: EmbeddedBroker | undefined;
  let client: BrokerClient | undefined;
  let control: DynsecControl | undefined;
  let brokerAccounts: BrokerAccountSync | undefined;
  if (config.brokerUrl) {
    client = await startBrokerClient({
      url: config.brokerUrl,
      clientId: config.clientId,
      shareGroup: config.shareGroup,
      sessionExpirySeconds: config.sessionExpirySeconds,
      ingestor,
      sys: system.db,
      gate,
      log,
      onControlMessage: (topic, payload) => control?.receive(topic, payload),
      // Changes may have been missed while away: the accounts are compared with the registry again.
      onConnect: () =>
        void control
          ?.subscribe()
          .then(() => void brokerAccounts?.reconcile())
          .catch((error: unknown) => log.error({ err: (error as Error).message }, 'dynamic security unavailable')),
    });
    if (config.dynamicSecurity) {
      control = new DynsecControl(client.client);
      await control.subscribe();
      brokerAccounts = startBrokerAccountSync({ control, sys: system.db, gate, keyring: createKeyring(config.masterKeys), log });
    }
  } else {
    embedded = await startEmbeddedBroker({ auth, ingestor, gate, log, maxPayloadBytes: config.maxPayloadBytes }, { port: config.port, host: config.host });
  }
  const hook = config.authHookPort !== undefined
    ? await startAuthHook({ auth, sys: system.db, log, serviceUsername: config.serviceUsername, port: config.authHookPort, host: config.authHookHost })
    : undefined;

  const publish = (topic: string, payload: Buffer, qos: 0 | 1) => (embedded ? embedded.publish(topic, payload, qos) : client!.publish(topic, payload, qos));
  const commands = startCommandPublisher({ sys: system.db, publish, log, intervalMs: overrides.pollIntervalMs ?? 2000 });

  // Passwords left for a broker that keeps its own accounts: none here, so they are deleted unread.
  if (!brokerAccounts) await discardBrokerSecrets(system.db);

  // Registry changes: drop caches; close sessions of devices that are gone, disabled or re-keyed; bring the
  // broker's accounts in line (dynamic security), or delete passwords nobody will hand over.
  const reconcile = async (deviceIds: string[]) => {
    if (brokerAccounts) brokerAccounts.kick(deviceIds);
    else await discardBrokerSecrets(system.db, { deviceIds });
    for (let i = 0; i < deviceIds.length; i += 1000) {
      const ids = deviceIds.slice(i, i + 1000);
      const found = new Map<string, DeviceIdentity>((await findDevices(system.db, { ids })).map((d) => [d.deviceId, d]));
      for (const id of ids) {
        auth.forget(id);
        hook?.forget(id);
        client?.forget(id);
        if (embedded) {
          const closed = embedded.applyRegistry(id, found.get(id) ?? null);
          if (closed) log.info({ deviceId: id, sessions: closed }, 'device disabled, deleted or re-keyed: disconnected');
        }
      }
    }
  };
  const pending = new Set<string>();
  let reconciling: Promise<void> | null = null;
  const schedule = () => {
    if (reconciling || pending.size === 0) return;
    const ids = [...pending];
    pending.clear();
    reconciling = reconcile(ids)
      .catch((error: unknown) => {
        log.warn({ err: error }, 'device changes not applied yet; retrying');
        for (const id of ids) pending.add(id);
      })
      .finally(() => {
        reconciling = null;
        schedule();
      });
  };
  const watcher = watchRegistry({
    url: config.systemDatabaseUrl,
    log,
    onChange(change) {
      if (change.kind === 'device') {
        pending.add(change.deviceId);
        schedule();
      } else if (change.kind === 'flow') ingestor.invalidateFlows(change.tenantId);
      else commands.kick();
    },
    onReconnect() {
      // Notifications may have been missed while the listener was away.
      ingestor.invalidateFlows();
      for (const id of embedded?.connectedDevices() ?? []) pending.add(id);
      schedule();
      commands.kick();
    },
  });
  await watcher.ready;
  // The poll behind the notifications: open sessions are checked against the registry every 10 s (and
  // passwords nobody will hand over are deleted).
  const pollTimer = setInterval(() => {
    for (const id of embedded?.connectedDevices() ?? []) pending.add(id);
    schedule();
    if (!brokerAccounts) void discardBrokerSecrets(system.db).catch((error: unknown) => log.warn({ err: error }, 'issued passwords not discarded yet'));
  }, 10_000);
  pollTimer.unref();
  // Presence: connected devices stay "online" (last seen refreshed) while their connection is open.
  const presenceTimer = setInterval(() => {
    for (const session of embedded?.sessions() ?? []) ingestor.noteSeen(session, true);
  }, 30_000);
  presenceTimer.unref();

  let closing: Promise<void> | undefined;
  return {
    mode: embedded ? 'embedded' : 'client',
    port: embedded?.port,
    authHookPort: hook?.port,
    ingestor,
    brokerAccounts,
    close() {
      closing ??= (async () => {
        clearInterval(quotaTimer);
        clearInterval(pollTimer);
        clearInterval(presenceTimer);
        await hook?.close();
        await brokerAccounts?.close();
        control?.close();
        await commands.close();
        const drain = () => ingestor.close();
        if (embedded) await embedded.close(drain);
        else await client!.close(drain);
        await watcher.close();
        await gate.close();
        await system.close();
      })();
      return closing;
    },
  };
}
