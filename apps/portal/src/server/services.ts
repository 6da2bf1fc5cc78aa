import { createTenantGate, type TenantGate } from '@conflux/db';
import { createSystemClient, type SystemClient } from '@conflux/db/system';
import { catalogFrom, createKeyring, type ConnectorCatalog, type Keyring } from '@conflux/core';
import { createEgress, createHostResolver, type Egress } from '@conflux/egress';
import { connectors } from '@conflux/registry';
import { createAuth, type Auth } from './auth.ts';
import { parsePortalConfig, type PortalConfig } from './config.ts';

/** Everything a request needs, created once per process. */
export interface Services {
  config: PortalConfig;
  gate: TenantGate;
  system: SystemClient;
  auth: Auth;
  catalog: ConnectorCatalog;
  keyring: Keyring;
  /** The guarded outbound path for connector code the portal runs (connection tests, OAuth token exchanges). */
  egress: Egress;
  /** A fetch limited to these hosts (a connector's egress list), spending this connection's rate budget. */
  fetchFor(params: { hosts: string[]; connectionKey: string }): typeof fetch;
  /** Resolves a host to one address the egress policy allows (connection tests of connectors with their own sockets). */
  resolveHost(host: string): Promise<string>;
  close(): Promise<void>;
}

export function createServices(config: PortalConfig, options: { catalog?: ConnectorCatalog } = {}): Services {
  const gate = createTenantGate(config.appDatabaseUrl);
  const system = createSystemClient(config.systemDatabaseUrl);
  const auth = createAuth({ config, system: system.db });
  const egress = createEgress({ allow: config.egressAllow });
  return {
    config,
    gate,
    system,
    auth,
    catalog: options.catalog ?? catalogFrom(connectors),
    keyring: createKeyring(config.masterKeys),
    egress,
    // Host list and budget are set last, so connector code cannot widen them through its own init.
    fetchFor: ({ hosts, connectionKey }) =>
      ((input: string | URL | Request, init?: RequestInit) => egress.fetch(input, { ...init, connectionKey, allowedHosts: hosts })) as typeof fetch,
    resolveHost: createHostResolver({ allow: config.egressAllow }),
    async close() {
      await gate.close();
      await system.close();
      await egress.close();
    },
  };
}

// One set per process; kept on globalThis so that development reloads do not open new pools each time.
const holder = globalThis as unknown as { __confluxServices?: Services };

export function getServices(): Services {
  holder.__confluxServices ??= createServices(parsePortalConfig(process.env));
  return holder.__confluxServices;
}
