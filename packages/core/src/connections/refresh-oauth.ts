import type { TenantGate } from '@conflux/db';
import { ConnectorError, type AuthDefinition, type AuthValue } from '@conflux/connector-sdk';
import type { Keyring } from './keyring.ts';
import { decryptJson, encryptJson } from './tenant-key.ts';

/** Refresh this long before expiry, so a token never expires in the middle of a call. */
const EARLY_MS = 60_000;

type OAuth = Extract<AuthValue, { kind: 'oauth2' }>;

function fresh(auth: OAuth, now: number): boolean {
  return !!auth.accessToken && (!auth.expiresAt || auth.expiresAt - EARLY_MS > now);
}

/**
 * Returns OAuth2 credentials that are valid now, refreshing them when they are about to expire. The
 * refresh is single-flight across every process: it runs under a transaction-scoped advisory lock on the
 * connection, and whoever waited on the lock re-reads the stored token instead of refreshing again — so
 * fifty runs needing a fresh token at once make exactly one call to the provider. A refused refresh
 * (revoked grant) marks the connection "needs reconnect".
 */
export async function ensureFreshOAuth(
  gate: TenantGate,
  params: { tenantId: string; connectionId: string; keyring: Keyring; definition: Extract<AuthDefinition, { kind: 'oauth2' }>; fetch: typeof fetch; now?: () => number },
): Promise<OAuth> {
  const now = params.now ?? Date.now;
  // A refusal must be recorded even though the refresh transaction is rolled back: it is returned, then
  // written in its own transaction.
  const outcome = await gate.withTenant(params.tenantId, async (db): Promise<OAuth | { refused: string }> => {
    await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`oauth:${params.connectionId}`}, 0))`;
    const row = await db.connection.findFirst({ where: { id: params.connectionId, tenantId: params.tenantId }, select: { secret: true } });
    if (!row?.secret) throw ConnectorError.auth('The connection has no credentials: reconnect it.');
    const aad = `connection:${params.connectionId}`;
    const auth = await decryptJson<AuthValue>(db, { tenantId: params.tenantId, keyring: params.keyring, aad, sealed: row.secret });
    if (auth.kind !== 'oauth2') throw ConnectorError.auth('The connection does not hold OAuth2 credentials.');
    if (fresh(auth, now())) return auth;

    const body = new URLSearchParams();
    if (auth.refreshToken) {
      body.set('grant_type', 'refresh_token');
      body.set('refresh_token', auth.refreshToken);
    } else if (params.definition.grant === 'client_credentials') {
      body.set('grant_type', 'client_credentials');
      if (auth.scope ?? params.definition.scopes.length) body.set('scope', auth.scope ?? params.definition.scopes.join(' '));
    } else {
      return { refused: 'The access token expired and there is no refresh token: reconnect the connection.' };
    }
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (auth.clientId) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret ?? '')}`).toString('base64')}`;
    const response = await params.fetch(params.definition.tokenUrl, { method: 'POST', headers, body });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Some providers answer errors in plain text; the status says enough.
    }
    if (response.status === 400 || response.status === 401) {
      return { refused: `The provider refused to refresh the token (${String(json.error ?? response.status)}): reconnect the connection.` };
    }
    if (!response.ok || typeof json.access_token !== 'string') {
      throw ConnectorError.retryable(`Refreshing the token failed with status ${response.status}`);
    }
    const refreshed: OAuth = {
      ...auth,
      accessToken: json.access_token,
      tokenType: typeof json.token_type === 'string' ? json.token_type : 'Bearer',
      refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : auth.refreshToken,
      expiresAt: typeof json.expires_in === 'number' ? now() + json.expires_in * 1000 : undefined,
      scope: typeof json.scope === 'string' ? json.scope : auth.scope,
    };
    const sealed = await encryptJson(db, { tenantId: params.tenantId, keyring: params.keyring, aad, value: refreshed });
    await db.connection.update({ where: { id: params.connectionId }, data: { secret: new Uint8Array(sealed), status: 'ok', statusReason: null } });
    return refreshed;
  });
  if ('refused' in outcome) {
    await gate.withTenant(params.tenantId, (db) =>
      db.connection.updateMany({ where: { id: params.connectionId, tenantId: params.tenantId }, data: { status: 'needs_reconnect', statusReason: outcome.refused } }),
    );
    throw ConnectorError.auth(outcome.refused);
  }
  return outcome;
}
