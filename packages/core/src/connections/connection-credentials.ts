import type { TenantGate } from '@conflux/db';
import type { AuthValue, ConnectorDefinition } from '@conflux/connector-sdk';
import { StepError } from '@conflux/engine';
import type { Keyring } from './keyring.ts';
import { loadConnectionAuth } from './load-connection-auth.ts';
import { ensureFreshOAuth } from './refresh-oauth.ts';

/**
 * What connector code (an action, a polling trigger) gets of its connection: the decrypted credentials,
 * OAuth tokens refreshed by the platform (once, whoever needs them) rather than by each connector, and
 * the connection's settings, in which `allowPrivateNetwork` is always the operator's decision (EGRESS_ALLOW),
 * never whatever a tenant stored under that name, and the guarded fetch limited to the connector's hosts (its
 * rate budget keyed by the connection). A connection of another connector is refused.
 */
export async function connectionCredentials(
  gate: TenantGate,
  params: {
    tenantId: string;
    connectionId: string | null;
    connector: ConnectorDefinition;
    keyring: Keyring;
    fetchFor(params: { hosts: string[]; connectionKey: string }): typeof fetch;
    allowPrivateNetwork: boolean;
  },
): Promise<{ auth: AuthValue | null; connection: { id: string; metadata: Record<string, unknown> } | null; fetch: typeof fetch }> {
  const { tenantId, connectionId, connector } = params;
  const guarded = params.fetchFor({ hosts: connector.egress.hosts, connectionKey: connectionId ?? `${tenantId}:${connector.id}` });
  if (!connectionId) return { auth: null, connection: null, fetch: guarded };
  const loaded = await gate.withTenant(tenantId, (db) => loadConnectionAuth(db, { tenantId, connectionId, keyring: params.keyring }));
  if (loaded.connectorId !== connector.id) throw new StepError('CONNECTION_MISMATCH', `The connection belongs to ${loaded.connectorId}, not ${connector.id}`);
  let auth = loaded.auth;
  const oauth = connector.auth.find((a): a is Extract<typeof a, { kind: 'oauth2' }> => a.kind === 'oauth2');
  if (auth?.kind === 'oauth2' && oauth?.tokenUrl) {
    auth = await ensureFreshOAuth(gate, {
      tenantId,
      connectionId,
      keyring: params.keyring,
      definition: oauth,
      fetch: params.fetchFor({ hosts: [new URL(oauth.tokenUrl).hostname], connectionKey: `${connectionId}:token` }),
    });
  }
  return { auth, connection: { id: connectionId, metadata: { ...loaded.metadata, allowPrivateNetwork: params.allowPrivateNetwork } }, fetch: guarded };
}
