/**
 * OAuth2 client credentials for the http connector. A connection carries the client id and secret; when
 * the platform has not put an access token beside them, the connector asks the step's token endpoint for
 * one and keeps it in the connection's store until shortly before it expires.
 */
import { applyAuth, ConnectorError, errorForStatus, isClassifiedError, type AuthValue, type KeyValueStore } from '@conflux/connector-sdk';

type OAuth2Auth = Extract<AuthValue, { kind: 'oauth2' }>;

/**
 * What a call with the connection's credentials needs from the platform; actions and polls both have it.
 * Polls get no store, so there a client-credentials token is fetched for each poll instead of cached.
 */
export interface CallContext {
  auth: AuthValue | null;
  fetch: typeof fetch;
  signal: AbortSignal;
  store?: KeyValueStore;
}

/** A token issued to this connection, as cached in its store. */
interface IssuedToken {
  accessToken: string;
  tokenType: string;
}

// Renew a minute early so that a token does not lapse between the check and the call.
const EARLY_RENEWAL_SECONDS = 60;
// RFC 6749 makes expires_in optional; an hour is the common lifetime.
const DEFAULT_LIFETIME_SECONDS = 3600;

function storeKey(tokenUrl: string, clientId: string): string {
  // The client id is part of the key so that a reconnect with another client never reuses its token.
  return `oauth2-token:${clientId}@${tokenUrl}`;
}

// RFC 6749 §2.3.1: id and secret are form-encoded before they go into the Basic header.
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

async function issueToken(ctx: CallContext, tokenUrl: string, auth: OAuth2Auth & { clientId: string; clientSecret: string }, key: string): Promise<IssuedToken> {
  const url = new URL(tokenUrl);
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (auth.scope) body.set('scope', auth.scope);
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
  // client_secret_basic is the one client authentication every token endpoint must support.
  applyAuth({ kind: 'basic', username: formEncode(auth.clientId), password: formEncode(auth.clientSecret) }, url, headers);

  let response: Response;
  try {
    response = await ctx.fetch(url, { method: 'POST', headers, body: body.toString(), signal: ctx.signal });
  } catch (error) {
    if (isClassifiedError(error)) throw error;
    throw ConnectorError.retryable(`OAuth2 token request to ${url.origin} failed before a response: ${(error as Error).message}`, { cause: error });
  }
  let payload: Record<string, unknown> = {};
  try {
    payload = (await response.json()) as Record<string, unknown>;
  } catch {
    // An HTML error page or an empty body: the status says enough.
  }
  if (!response.ok) {
    const reason = [payload.error, payload.error_description].filter((part) => typeof part === 'string').join(': ');
    const message = `OAuth2 token endpoint ${url.origin}${url.pathname} answered ${response.status}${reason ? ` (${reason})` : ''}`;
    // Token endpoints answer 400 for invalid_client, invalid_scope and unauthorized_client: the
    // credentials need fixing, exactly like a 401.
    if (response.status === 400) throw ConnectorError.auth(message);
    throw errorForStatus(response.status, message, response.headers.get('retry-after'));
  }
  if (typeof payload.access_token !== 'string' || !payload.access_token) {
    throw ConnectorError.permanent(`OAuth2 token endpoint ${url.origin}${url.pathname} answered without an access_token`);
  }
  const tokenType = typeof payload.token_type === 'string' && payload.token_type.toLowerCase() !== 'bearer' ? payload.token_type : 'Bearer';
  const token: IssuedToken = { accessToken: payload.access_token, tokenType };
  const lifetime = Number(payload.expires_in) > 0 ? Number(payload.expires_in) : DEFAULT_LIFETIME_SECONDS;
  if (lifetime > EARLY_RENEWAL_SECONDS) await ctx.store?.put(key, token, { ttlSeconds: lifetime - EARLY_RENEWAL_SECONDS });
  return token;
}

/**
 * The credentials to apply to a request. `issued` is true when the access token came from this
 * connector's own client-credentials exchange (and may be dropped on a 401).
 */
export async function credentialsFor(ctx: CallContext, tokenUrl: string | undefined): Promise<{ auth: AuthValue | null; issued: boolean }> {
  const { auth } = ctx;
  // A token the platform obtained (and refreshes) is used as is.
  if (auth?.kind !== 'oauth2' || auth.accessToken) return { auth, issued: false };
  const { clientId, clientSecret } = auth;
  if (!clientId || !clientSecret) throw ConnectorError.auth('The OAuth2 connection has neither an access token nor client credentials: reconnect it.');
  if (!tokenUrl) throw ConnectorError.permanent('This connection uses OAuth2 client credentials: set the step’s Token URL to the token endpoint.');
  const key = storeKey(tokenUrl, clientId);
  const token = (await ctx.store?.get<IssuedToken>(key)) ?? (await issueToken(ctx, tokenUrl, { ...auth, clientId, clientSecret }, key));
  return { auth: { ...auth, accessToken: token.accessToken, tokenType: token.tokenType }, issued: true };
}

/** Drops the cached token (after the API refused it), so that the next attempt asks for a new one. */
export async function forgetIssuedToken(ctx: CallContext, tokenUrl: string | undefined): Promise<void> {
  if (ctx.auth?.kind === 'oauth2' && ctx.auth.clientId && tokenUrl) await ctx.store?.delete(storeKey(tokenUrl, ctx.auth.clientId));
}
