import { createHash, randomBytes } from 'node:crypto';
import type { TenantDb } from '@conflux/db';
import type { AuthDefinition, AuthValue, ConnectorDefinition } from '@conflux/connector-sdk';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { requireConnector, type ConnectorCatalog } from './catalog.ts';
import type { Keyring } from './keyring.ts';
import { decryptJson } from './tenant-key.ts';

/** An OAuth2 authorization-code auth kind, as a connector declares it. */
export type AuthorizationCodeDefinition = Extract<AuthDefinition, { kind: 'oauth2' }> & { grant: 'authorization_code'; authorizeUrl: string };

/** The connector's OAuth2 authorization-code kind, or undefined when it has none. */
export function authorizationCodeDefinition(connector: ConnectorDefinition): AuthorizationCodeDefinition | undefined {
  // A connection stores its kind as "oauth2" only, so the first oauth2 kind is the one it uses (as in createConnection).
  const oauth = connector.auth.find((a): a is Extract<AuthDefinition, { kind: 'oauth2' }> => a.kind === 'oauth2');
  return oauth?.grant === 'authorization_code' && oauth.authorizeUrl ? (oauth as AuthorizationCodeDefinition) : undefined;
}

/** A PKCE pair (RFC 7636, S256): the verifier stays with the portal, the challenge goes to the provider. */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Params of authorizationRequest. */
export interface AuthorizationRequestParams {
  connectionId: string;
  /** Where the provider sends the browser back: `${PUBLIC_URL}/api/oauth/callback`. */
  redirectUri: string;
  state: string;
  /** S256 challenge of the verifier the callback will present; omitted when the connector turned PKCE off. */
  codeChallenge: string;
}

/** What the portal needs to send a person to the provider. */
export interface AuthorizationRequest {
  /** The provider's authorization page with client_id, redirect_uri, scope, state and the PKCE challenge. */
  url: string;
  connectionName: string;
  /** Whether the provider is sent a PKCE challenge (so the callback must send the verifier). */
  pkce: boolean;
}

/**
 * The provider URL that asks a person to approve a connection (OAuth2 authorization code). The connection
 * must use its connector's authorization-code kind and hold the OAuth app's client ID (entered by the
 * tenant when the connection was created).
 */
export async function authorizationRequest(
  db: TenantDb,
  actor: Actor,
  params: AuthorizationRequestParams,
  deps: { catalog: ConnectorCatalog; keyring: Keyring },
): Promise<AuthorizationRequest> {
  const row = await db.connection.findFirst({
    where: { id: params.connectionId, tenantId: actor.tenantId },
    select: { id: true, name: true, connectorId: true, authKind: true, secret: true },
  });
  if (!row) throw new AppError('CONNECTION_NOT_FOUND', 'That connection does not exist.');
  const connector = requireConnector(deps.catalog, row.connectorId);
  const definition = authorizationCodeDefinition(connector);
  if (!definition || row.authKind !== 'oauth2') {
    throw new AppError('OAUTH_UNSUPPORTED', `“${row.name}” does not sign in through ${connector.name}’s authorization page.`);
  }
  const auth = row.secret ? await decryptJson<AuthValue>(db, { tenantId: actor.tenantId, keyring: deps.keyring, aad: `connection:${row.id}`, sealed: row.secret }) : null;
  if (auth?.kind !== 'oauth2' || !auth.clientId) {
    throw new AppError('INVALID_CREDENTIALS', `“${row.name}” has no OAuth client ID: replace its credentials first.`);
  }
  const url = new URL(definition.authorizeUrl);
  const pkce = definition.pkce !== false;
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', auth.clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  if (definition.scopes.length) url.searchParams.set('scope', definition.scopes.join(' '));
  url.searchParams.set('state', params.state);
  if (pkce) {
    url.searchParams.set('code_challenge', params.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return { url: url.toString(), connectionName: row.name, pkce };
}
