import type { TenantGate } from '@conflux/db';
import { isConnectorError, type AuthDefinition, type ConnectionTestResult, type ConnectorLogger } from '@conflux/connector-sdk';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import type { ConnectorCatalog } from './catalog.ts';
import type { Keyring } from './keyring.ts';
import { loadConnectionAuth } from './load-connection-auth.ts';
import { ensureFreshOAuth } from './refresh-oauth.ts';

/** What "Test connection" reports. */
export interface ConnectionTestOutcome {
  ok: boolean;
  /** Nothing could be checked (e.g. no credentials, or a connector without a check); not a failure. */
  skipped: boolean;
  /** A sentence for the tenant: what was checked and what came of it. */
  message: string;
  durationMs: number;
  checkedAt: Date;
}

/** What testConnection needs besides the gate. */
export interface TestConnectionDeps {
  catalog: ConnectorCatalog;
  keyring: Keyring;
  /** The guarded fetch for these hosts, spending this connection's rate budget. */
  fetchFor(params: { hosts: string[]; connectionKey: string }): typeof fetch;
  /** Resolves a host to one address the egress policy allows, for connectors with their own sockets (SQL). */
  resolveHost?(host: string): Promise<string>;
  log?: ConnectorLogger;
  /** How long the connector's own check may take (default 20 s). */
  timeoutMs?: number;
  now?: () => number;
}

const quiet: ConnectorLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function messageOf(error: unknown): string {
  if (isConnectorError(error) || (error instanceof Error && error.name === 'EgressError')) return error.message;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'The check took too long and was stopped.';
  return 'The check failed unexpectedly. Try again; if it keeps failing, replace the credentials.';
}

/**
 * Checks that a connection's credentials work, with a real call: OAuth2 connections get a valid access token
 * (refreshed when due, which also records a refused refresh as "needs reconnect"), then the connector's own
 * check runs, if it has one, through the guarded fetch. Credentials the service refused mark the connection
 * "needs reconnect" (a service that did not answer changes nothing); a successful check clears that mark.
 * The credentials are decrypted inside the tenant gate and never leave this function.
 */
export async function testConnection(gate: TenantGate, actor: Actor, params: { connectionId: string }, deps: TestConnectionDeps): Promise<ConnectionTestOutcome> {
  const now = deps.now ?? Date.now;
  const started = now();
  const done = (ok: boolean, message: string, skipped = false): ConnectionTestOutcome => ({ ok, skipped, message, durationMs: Math.max(0, now() - started), checkedAt: new Date(now()) });

  const loaded = await gate.withTenant(actor.tenantId, async (db) => {
    const row = await db.connection.findFirst({ where: { id: params.connectionId, tenantId: actor.tenantId }, select: { authKind: true, status: true } });
    if (!row) throw new AppError('CONNECTION_NOT_FOUND', 'That connection does not exist.');
    return { ...(await loadConnectionAuth(db, { tenantId: actor.tenantId, connectionId: params.connectionId, keyring: deps.keyring })), authKind: row.authKind, status: row.status };
  });
  const connector = deps.catalog.get(loaded.connectorId);
  if (!connector) return done(false, `The ${loaded.connectorId} connector is no longer installed, so this connection cannot be used.`);

  let auth = loaded.auth;
  let tokenNote: string | null = null;
  if (auth?.kind === 'oauth2') {
    const oauth = connector.auth.find((a): a is Extract<AuthDefinition, { kind: 'oauth2' }> => a.kind === 'oauth2');
    if (oauth?.grant === 'authorization_code' && !auth.accessToken) {
      return done(false, `Not authorised yet: use Reconnect to approve access at ${connector.name}.`);
    }
    // The http connector's client-credentials kind has no token endpoint of its own (each step names one).
    if (oauth?.tokenUrl) {
      try {
        const before = auth.accessToken;
        auth = await ensureFreshOAuth(gate, {
          tenantId: actor.tenantId,
          connectionId: params.connectionId,
          keyring: deps.keyring,
          definition: oauth,
          fetch: deps.fetchFor({ hosts: [new URL(oauth.tokenUrl).hostname], connectionKey: `${params.connectionId}:token` }),
          now,
        });
        tokenNote = auth.accessToken !== before ? 'A fresh access token was obtained' : 'The access token is valid';
        if (auth.expiresAt) tokenNote += `, valid until ${new Date(auth.expiresAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      } catch (error) {
        return done(false, messageOf(error));
      }
    }
  }

  let result: ConnectionTestResult;
  if (connector.test) {
    const signal = AbortSignal.timeout(deps.timeoutMs ?? 20_000);
    try {
      result = await connector.test({
        auth,
        connection: { id: params.connectionId, metadata: loaded.metadata },
        fetch: deps.fetchFor({ hosts: connector.egress.hosts, connectionKey: params.connectionId }),
        ...(deps.resolveHost ? { resolveHost: deps.resolveHost } : {}),
        log: deps.log ?? quiet,
        signal,
      });
    } catch (error) {
      result = { ok: false, message: messageOf(error) };
    }
  } else if (tokenNote) {
    result = { ok: true, detail: `${tokenNote}.` };
  } else {
    result = { ok: true, skipped: true, detail: `${connector.name} has no built-in check: the credentials are first used when a flow runs.` };
  }

  if (!result.ok) {
    if (result.refused) {
      await gate.withTenant(actor.tenantId, (db) =>
        db.connection.updateMany({ where: { id: params.connectionId, tenantId: actor.tenantId }, data: { status: 'needs_reconnect', statusReason: result.message.slice(0, 500) } }),
      );
    }
    return done(false, tokenNote ? `${tokenNote}. ${result.message}` : result.message);
  }
  const message = tokenNote && !result.skipped ? `${tokenNote}. ${result.detail}` : (tokenNote ? `${tokenNote}.` : result.detail);
  const skipped = !!result.skipped && !tokenNote;
  if (!skipped && loaded.status !== 'ok') {
    // Proven to work again: the banner asking for a reconnect would now be wrong.
    await gate.withTenant(actor.tenantId, (db) =>
      db.connection.updateMany({ where: { id: params.connectionId, tenantId: actor.tenantId }, data: { status: 'ok', statusReason: null } }),
    );
  }
  if (result.routingKey && connector.appWebhook) {
    // The provider confirmed which account these credentials reach: from now on its app-webhook events
    // start this workspace's flows. Only this path sets a routing key.
    const routingKey = result.routingKey.slice(0, 200);
    await gate.withTenant(actor.tenantId, (db) => db.connection.updateMany({ where: { id: params.connectionId, tenantId: actor.tenantId }, data: { routingKey } }));
  }
  return done(true, message, skipped);
}

