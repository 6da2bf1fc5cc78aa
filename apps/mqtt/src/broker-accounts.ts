/**
 * Keeps the device accounts of an external Mosquitto (its dynamic-security plugin) in step with the
 * registry, so the broker itself refuses wrong passwords, disabled and deleted devices, and foreign topics:
 *
 * - a device gets a client named by its id, bound to its client id, with a role of its own allowing
 *   publish on `t/{tenant}/d/{device}/up/#` and subscribe/receive on `…/down/#`, nothing else;
 * - a password issued by the registry (create, provision, rotate) arrives sealed in device_broker_secret
 *   (migration 007); it is opened in the tenant's gate, given to the broker, and the row deleted. Setting a
 *   password closes the device's open session (the plugin does that);
 * - disable and enable follow the registry (disabling closes the session); delete removes client and role;
 * - at start, on every reconnect and every few minutes, the broker's list is compared with the registry:
 *   accounts of devices that are gone are deleted, enabled/disabled is corrected, and devices the broker
 *   has no account for (their password cannot be recovered: only its hash is kept) are reported, to rotate.
 *
 * Changes arrive as device ids (registry notifications); work is serialised and retried until it succeeds.
 */
import type { Logger } from 'pino';
import type { TenantGate } from '@conflux/db';
import type { SystemDb } from '@conflux/db/system';
import { downTopic, upTopic, type Keyring } from '@conflux/core';
import { deleteBrokerSecret, findDevices, listBrokerSecrets, listDeviceAccounts, openBrokerSecret, type PendingBrokerSecret } from '@conflux/core/ingest';
import type { DynsecAnswer, DynsecCommand, DynsecControl } from './dynsec-control.ts';

/** How accounts of Conflux devices are told apart from the operator's own (the ingest's, admins'). */
export const DEVICE_ACCOUNT_TEXTNAME = 'Conflux device';
const roleOf = (deviceId: string) => `conflux-device-${deviceId}`;

/** What the last full comparison found and did. */
export interface ReconcileReport {
  checked: number;
  deleted: number;
  corrected: number;
  /** Devices without a broker account: their credentials must be rotated to get one. */
  missing: string[];
}

export interface BrokerAccountSync {
  /** These devices changed (or got a password): bring their accounts in line. */
  kick(deviceIds: string[]): void;
  /** Compares every account with the registry (and hands over every waiting password). */
  reconcile(): Promise<ReconcileReport>;
  /** Resolves when nothing is waiting (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The ACLs of a device's role: its own up topics to send, its own down topics to subscribe and receive. */
export function deviceAcls(tenantId: string, deviceId: string) {
  const up = upTopic(tenantId, deviceId, '#');
  const down = downTopic(tenantId, deviceId, '#');
  return [
    { acltype: 'publishClientSend', topic: up, allow: true },
    { acltype: 'subscribePattern', topic: down, allow: true },
    { acltype: 'unsubscribePattern', topic: down, allow: true },
    { acltype: 'publishClientReceive', topic: down, allow: true },
  ];
}

/** Answers that mean "already as wanted". */
const HARMLESS = /already exists|not found/i;

function check(answers: DynsecAnswer[], allowed: (answer: DynsecAnswer) => boolean): void {
  const failed = answers.find((a) => a.error && !allowed(a));
  if (failed) throw new Error(`The broker refused ${failed.command}: ${failed.error}`);
}

export function startBrokerAccountSync(deps: { control: DynsecControl; sys: SystemDb; gate: TenantGate; keyring: Keyring; log: Logger; intervalMs?: number }): BrokerAccountSync {
  const { control, log } = deps;
  const pending = new Set<string>();
  let fullPending = true;
  let running: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let closed = false;
  let lastReport: ReconcileReport | null = null;
  const idleWaiters: (() => void)[] = [];

  /** Creates or re-keys the accounts of devices with a waiting password. */
  const handOver = async (secrets: PendingBrokerSecret[]) => {
    if (secrets.length === 0) return;
    const devices = new Map((await findDevices(deps.sys, { ids: secrets.map((s) => s.deviceId) })).map((d) => [d.deviceId, d]));
    for (const secret of secrets) {
      const device = devices.get(secret.deviceId);
      if (device && device.credentialVersion === secret.credentialVersion) {
        const password = await deps.gate.withTenant(secret.tenantId, (db) => openBrokerSecret(db, { keyring: deps.keyring, secret }));
        const username = secret.deviceId;
        const rolename = roleOf(username);
        const answers = await control.run([
          { command: 'createRole', rolename, textname: DEVICE_ACCOUNT_TEXTNAME, acls: deviceAcls(secret.tenantId, username) },
          { command: 'createClient', username, password, clientid: username, textname: DEVICE_ACCOUNT_TEXTNAME, textdescription: `tenant ${secret.tenantId}`, roles: [{ rolename }] },
          // An account that existed (a rotation): the new password; the plugin closes the open session.
          { command: 'setClientPassword', username, password },
          { command: device.enabled ? 'enableClient' : 'disableClient', username },
        ]);
        check(answers, (a) => (a.command === 'createRole' || a.command === 'createClient') && /already exists/i.test(a.error ?? ''));
        log.info({ deviceId: username, credentialVersion: secret.credentialVersion }, 'device account set on the broker');
      }
      // Handed over, or stale (the device is gone or was rotated again; the newer row replaced this one).
      await deleteBrokerSecret(deps.sys, { deviceId: secret.deviceId, credentialVersion: secret.credentialVersion });
    }
  };

  /** Enables, disables or deletes the accounts of devices without a waiting password. */
  const follow = async (deviceIds: string[]) => {
    const devices = new Map((await findDevices(deps.sys, { ids: deviceIds })).map((d) => [d.deviceId, d]));
    const commands: DynsecCommand[] = [];
    for (const id of deviceIds) {
      const device = devices.get(id);
      if (!device) commands.push({ command: 'deleteClient', username: id }, { command: 'deleteRole', rolename: roleOf(id) });
      else commands.push({ command: device.enabled ? 'enableClient' : 'disableClient', username: id });
    }
    const answers = await control.run(commands);
    check(answers, (a) => HARMLESS.test(a.error ?? ''));
    const missing = answers.filter((a) => a.command === 'enableClient' && /not found/i.test(a.error ?? '')).length;
    if (missing) log.warn({ devices: missing }, 'devices have no account on the broker (created before it was connected): rotate their credentials to give them one');
  };

  const fullReconcile = async (): Promise<ReconcileReport> => {
    for (;;) {
      const secrets = await listBrokerSecrets(deps.sys, { limit: 100 });
      await handOver(secrets);
      if (secrets.length < 100) break;
    }
    const [listed] = await control.run([{ command: 'listClients', verbose: true, count: -1, offset: 0 }]);
    check([listed!], () => false);
    const clients = ((listed!.data as { clients?: { username: string; textname?: string; disabled?: boolean }[] } | undefined)?.clients ?? []).filter((c) => c.textname === DEVICE_ACCOUNT_TEXTNAME);
    const registry = new Map((await listDeviceAccounts(deps.sys)).map((d) => [d.deviceId, d]));
    const commands: DynsecCommand[] = [];
    let deleted = 0;
    let corrected = 0;
    for (const client of clients) {
      const device = registry.get(client.username);
      if (!device) {
        deleted++;
        commands.push({ command: 'deleteClient', username: client.username }, { command: 'deleteRole', rolename: roleOf(client.username) });
      } else if (device.enabled === !!client.disabled) {
        corrected++;
        commands.push({ command: device.enabled ? 'enableClient' : 'disableClient', username: client.username });
      }
    }
    for (let i = 0; i < commands.length; i += 200) check(await control.run(commands.slice(i, i + 200)), (a) => HARMLESS.test(a.error ?? ''));
    const onBroker = new Set(clients.map((c) => c.username));
    const missing = [...registry.keys()].filter((id) => !onBroker.has(id));
    if (missing.length) log.warn({ devices: missing.length, sample: missing.slice(0, 5) }, 'devices have no account on the broker: rotate their credentials to give them one');
    const report = { checked: clients.length, deleted, corrected, missing };
    if (deleted || corrected) log.info({ deleted, corrected }, 'broker accounts brought in line with the registry');
    return report;
  };

  const work = async () => {
    if (fullPending) {
      fullPending = false;
      pending.clear();
      lastReport = await fullReconcile();
      return;
    }
    const ids = [...pending].slice(0, 200);
    for (const id of ids) pending.delete(id);
    try {
      const secrets = await listBrokerSecrets(deps.sys, { deviceIds: ids, limit: ids.length });
      await handOver(secrets);
      const withSecret = new Set(secrets.map((s) => s.deviceId));
      const rest = ids.filter((id) => !withSecret.has(id));
      if (rest.length) await follow(rest);
    } catch (error) {
      for (const id of ids) pending.add(id);
      throw error;
    }
  };

  const schedule = () => {
    if (running || retryTimer || closed) return;
    if (!fullPending && pending.size === 0) {
      for (const resolve of idleWaiters.splice(0)) resolve();
      return;
    }
    running = work()
      .then(() => {
        running = null;
        schedule();
      })
      .catch((error: unknown) => {
        running = null;
        if (closed) return;
        log.warn({ err: (error as Error).message }, 'broker accounts not in line with the registry yet; retrying in 2 s');
        retryTimer = setTimeout(() => {
          retryTimer = null;
          schedule();
        }, 2000);
      });
  };

  const interval = setInterval(() => {
    fullPending = true;
    schedule();
  }, deps.intervalMs ?? 5 * 60_000);
  interval.unref();
  schedule();

  return {
    kick(deviceIds) {
      for (const id of deviceIds) pending.add(id);
      schedule();
    },
    async reconcile() {
      fullPending = true;
      schedule();
      await this.idle();
      return lastReport!;
    },
    idle() {
      if (!running && !retryTimer && !fullPending && pending.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      clearInterval(interval);
      if (retryTimer) clearTimeout(retryTimer);
      await running?.catch(() => undefined);
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
  };
}
