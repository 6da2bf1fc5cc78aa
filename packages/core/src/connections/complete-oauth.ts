import type { TenantGate } from '@conflux/db';
import type { AuthValue } from '@conflux/connector-sdk';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';
import { requireConnector, type ConnectorCatalog } from './catalog.ts';
import { connectionSelect, toConnectionDto, type ConnectionDto } from './connection-dto.ts';
import type { Keyring } from './keyring.ts';
import { authorizationCodeDefinition } from './oauth-authorization.ts';
import { decryptJson, encryptJson } from './tenant-key.ts';

type OAuth = Extract<AuthValue, { kind: 'oauth2' }>;

/** Params of completeOAuth: what the provider sent back, and what the authorization request used. */
export interface CompleteOAuthParams {
  connectionId: string;
  code: string;
  redirectUri: string;
  /** The PKCE verifier, when the authorization request carried a challenge. */
  codeVerifier?: string;
}

/** How completing an authorization ended. A refusal or an unreachable provider changes nothing stored. */
export type CompleteOAuthResult =
  | { ok: true; connection: ConnectionDto }
  | {
      ok: false;
      /** `refused`: the token endpoint said no (a used or expired code, wrong client credentials); `unavailable`: no usable answer. */
      reason: 'refused' | 'unavailable';
      /** The provider's OAuth error code (`invalid_grant`, `invalid_client`…), when it gave one. */
      providerError: string | null;
      message: string;
    };

const OAUTH_ERROR = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,100}$/;

/**
 * Exchanges an authorization code for tokens at the connector's token endpoint and stores them encrypted
 * on the connection, which becomes "ok". The client authenticates with HTTP Basic (client_secret_basic,
 * which every token endpoint supports), as refreshes do. The call to the provider happens between two
 * short units of work, so no database transaction waits on the network.
 */
export async function completeOAuth(
  gate: TenantGate,
  actor: Actor,
  params: CompleteOAuthParams,
  deps: {
    catalog: ConnectorCatalog;
    keyring: Keyring;
    /** The guarded fetch for these hosts (here: the token endpoint's), spending this connection's rate budget. */
    fetchFor(params: { hosts: string[]; connectionKey: string }): typeof fetch;
    now?: () => number;
  },
): Promise<CompleteOAuthResult> {
  const now = deps.now ?? Date.now;
  const aad = `connection:${params.connectionId}`;
  const loaded = await gate.withTenant(actor.tenantId, async (db) => {
    const row = await db.connection.findFirst({
      where: { id: params.connectionId, tenantId: actor.tenantId },
      select: { id: true, name: true, connectorId: true, authKind: true, secret: true },
    });
    if (!row) throw new AppError('CONNECTION_NOT_FOUND', 'That connection does not exist.');
    const connector = requireConnector(deps.catalog, row.connectorId);
    const definition = authorizationCodeDefinition(connector);
    if (!definition || row.authKind !== 'oauth2') throw new AppError('OAUTH_UNSUPPORTED', `“${row.name}” does not sign in through an authorization page.`);
    const auth = row.secret ? await decryptJson<AuthValue>(db, { tenantId: actor.tenantId, keyring: deps.keyring, aad, sealed: row.secret }) : null;
    if (auth?.kind !== 'oauth2' || !auth.clientId) throw new AppError('INVALID_CREDENTIALS', `“${row.name}” has no OAuth client ID: replace its credentials first.`);
    return { definition, auth, connectorName: connector.name };
  });

  const { definition, auth } = loaded;
  const body = new URLSearchParams({ grant_type: 'authorization_code', code: params.code, redirect_uri: params.redirectUri });
  if (params.codeVerifier) body.set('code_verifier', params.codeVerifier);
  // RFC 6749 §2.3.1: id and secret are form-encoded before they go into the Basic header.
  const form = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    authorization: `Basic ${Buffer.from(`${form(auth.clientId!)}:${form(auth.clientSecret ?? '')}`).toString('base64')}`,
  };
  let status: number;
  let json: Record<string, unknown> = {};
  try {
    const fetch = deps.fetchFor({ hosts: [new URL(definition.tokenUrl).hostname], connectionKey: `${params.connectionId}:token` });
    const response = await fetch(definition.tokenUrl, { method: 'POST', headers, body });
    status = response.status;
    const text = await response.text();
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Some providers answer errors in plain text; the status says enough.
    }
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    return { ok: false, reason: 'unavailable', providerError: null, message: `${loaded.connectorName}’s token endpoint could not be reached: ${reason}` };
  }
  const providerError = typeof json.error === 'string' && OAUTH_ERROR.test(json.error) ? json.error : null;
  if (status >= 400 && status < 500) {
    const described = typeof json.error_description === 'string' ? `: ${json.error_description.slice(0, 200)}` : '';
    return { ok: false, reason: 'refused', providerError, message: `${loaded.connectorName} refused the authorization (${providerError ?? status})${described}` };
  }
  if (status < 200 || status >= 300 || typeof json.access_token !== 'string' || !json.access_token) {
    return { ok: false, reason: 'unavailable', providerError, message: `${loaded.connectorName}’s token endpoint answered ${status} without an access token.` };
  }

  const tokens: OAuth = {
    kind: 'oauth2',
    accessToken: json.access_token,
    tokenType: typeof json.token_type === 'string' && json.token_type.toLowerCase() !== 'bearer' ? json.token_type : 'Bearer',
    refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : undefined,
    expiresAt: typeof json.expires_in === 'number' || (typeof json.expires_in === 'string' && /^\d+$/.test(json.expires_in)) ? now() + Number(json.expires_in) * 1000 : undefined,
    scope: typeof json.scope === 'string' ? json.scope : definition.scopes.join(' ') || undefined,
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
  };
  const connection = await gate.withTenant(actor.tenantId, async (db) => {
    // The lock ensureFreshOAuth refreshes under: a refresh in flight cannot overwrite the new grant's tokens.
    await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`oauth:${params.connectionId}`}, 0))`;
    const sealed = await encryptJson(db, { tenantId: actor.tenantId, keyring: deps.keyring, aad, value: tokens });
    const updated = await db.connection.updateMany({
      where: { id: params.connectionId, tenantId: actor.tenantId, authKind: 'oauth2' },
      data: { secret: new Uint8Array(sealed), status: 'ok', statusReason: null },
    });
    // Deleted (or switched to other credentials) while the person was at the provider.
    if (updated.count === 0) throw new AppError('CONNECTION_NOT_FOUND', 'That connection no longer exists.');
    const row = await db.connection.findFirstOrThrow({ where: { id: params.connectionId, tenantId: actor.tenantId }, select: connectionSelect });
    await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'connection.authorised', target: row.name });
    return toConnectionDto(row, deps.catalog);
  });
  return { ok: true, connection };
}
