/**
 * OAuth2 authorization code for connections: `GET /api/oauth/start?connectionId=…` sends the person to the
 * provider's authorization page, `GET /api/oauth/callback` takes the code back, exchanges it for tokens
 * (core's completeOAuth, through the egress guard) and lands on the connection's page with the outcome.
 *
 * The pending authorization lives in a cookie, not in a table: an AES-256-GCM sealed value (key derived from
 * AUTH_SECRET) holding the connection, tenant, user, PKCE verifier and an expiry, under a name that carries
 * the random `state` sent to the provider. So the callback is accepted only in the browser that started the
 * flow (a code injected into someone else's browser finds no cookie), by the same user in the same
 * workspace, within ten minutes, once (the cookie is cleared on the way back) — and every portal process
 * can finish what another started, with no rows to clean up. The verifier never leaves the server
 * unencrypted, and the cookie is httpOnly, SameSite=Lax (a top-level redirect back from the provider
 * carries it) and limited to /api/oauth.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError, authorizationRequest, completeOAuth, createPkcePair, getMembership, type Actor } from '@conflux/core';
import { activeTenantOf, createContext } from './context.ts';
import type { Services } from './services.ts';

/** Where providers send people back; registered by the tenant with their OAuth app. */
export const OAUTH_CALLBACK_PATH = '/api/oauth/callback';
/** How long a person has at the provider before the pending authorization expires. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;
const COOKIE_PREFIX = 'conflux_oauth_';
// The cookie outlives the state, so that a late return can be told apart from a forged one.
const COOKIE_MAX_AGE_S = 60 * 60;
const STATE = /^[A-Za-z0-9_-]{32,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Outcomes shown on the connection page (`?oauth=…`). Only these codes travel in the URL, never text, so
 * that a crafted link cannot put words in the portal's mouth.
 */
export type OAuthOutcome = 'connected' | 'denied' | 'expired' | 'state' | 'refused' | 'unavailable' | 'provider_error' | 'unsupported' | 'not_found';

interface PendingAuthorization {
  connectionId: string;
  tenantId: string;
  userId: string;
  verifier: string;
  pkce: boolean;
  /** Expiry, ms since the epoch. */
  exp: number;
}

function stateKey(services: Services): Buffer {
  return Buffer.from(hkdfSync('sha256', services.config.authSecret, 'conflux', 'oauth-state/v1', 32));
}

/** Seals the pending authorization; the state is the AAD, so a value moved under another state fails to open. */
export function sealPending(services: Services, state: string, pending: PendingAuthorization): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', stateKey(services), iv);
  cipher.setAAD(Buffer.from(`oauth-state:${state}`));
  const body = Buffer.concat([cipher.update(JSON.stringify(pending), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The pending authorization of a state, or null when the value was not sealed by this portal for it. */
export function openPending(services: Services, state: string, sealed: string): PendingAuthorization | null {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', stateKey(services), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(`oauth-state:${state}`));
    decipher.setAuthTag(raw.subarray(12, 28));
    const pending = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as PendingAuthorization;
    return typeof pending.connectionId === 'string' && typeof pending.exp === 'number' ? pending : null;
  } catch {
    return null;
  }
}

function cookieAttributes(services: Services, maxAge: number): string {
  const secure = services.config.publicUrl.startsWith('https:') ? '; Secure' : '';
  return `Path=/api/oauth; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

function readCookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}

function redirect(services: Services, path: string, cookies: string[] = []): Response {
  const headers = new Headers({ location: `${services.config.publicUrl}${path}`, 'cache-control': 'no-store' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

function connectionPage(connectionId: string, outcome: OAuthOutcome, detail?: string | null): string {
  const query = new URLSearchParams({ oauth: outcome });
  // Provider error codes are a small charset by RFC 6749; anything else is dropped rather than shown.
  if (detail && /^[a-z0-9_.-]{1,60}$/i.test(detail)) query.set('detail', detail);
  return `/connections/${connectionId}?${query}`;
}

/** The signed-in member of the active workspace behind a request, as tenantProcedure would find them. */
async function actorOf(services: Services, request: Request): Promise<Actor | null> {
  const ctx = await createContext({ services, headers: request.headers });
  if (!ctx.session) return null;
  const active = await activeTenantOf({ ...ctx, session: ctx.session });
  if (!active) return null;
  const membership = await services.gate.withTenant(active.tenantId, (db) => getMembership(db, { tenantId: active.tenantId, userId: ctx.session!.userId }));
  return membership ? { userId: ctx.session.userId, tenantId: active.tenantId, role: membership.role } : null;
}

/** `GET /api/oauth/start?connectionId=…`: to the provider's authorization page, with a pending-authorization cookie. */
export async function handleOAuthStart(services: Services, request: Request): Promise<Response> {
  const connectionId = new URL(request.url).searchParams.get('connectionId') ?? '';
  if (!UUID.test(connectionId)) return redirect(services, '/connections?oauth=not_found');
  const actor = await actorOf(services, request);
  if (!actor) return redirect(services, `/sign-in?next=${encodeURIComponent(`/connections/${connectionId}`)}`);

  const state = randomBytes(24).toString('base64url');
  const { verifier, challenge } = createPkcePair();
  const redirectUri = `${services.config.publicUrl}${OAUTH_CALLBACK_PATH}`;
  let authorization: Awaited<ReturnType<typeof authorizationRequest>>;
  try {
    authorization = await services.gate.withTenant(actor.tenantId, (db) =>
      authorizationRequest(db, actor, { connectionId, redirectUri, state, codeChallenge: challenge }, { catalog: services.catalog, keyring: services.keyring }),
    );
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONNECTION_NOT_FOUND') return redirect(services, '/connections?oauth=not_found');
    if (error instanceof AppError) return redirect(services, connectionPage(connectionId, 'unsupported'));
    throw error;
  }
  const pending: PendingAuthorization = { connectionId, tenantId: actor.tenantId, userId: actor.userId, verifier, pkce: authorization.pkce, exp: Date.now() + OAUTH_STATE_TTL_MS };
  const headers = new Headers({ location: authorization.url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  headers.append('set-cookie', `${COOKIE_PREFIX}${state}=${sealPending(services, state, pending)}; ${cookieAttributes(services, COOKIE_MAX_AGE_S)}`);
  return new Response(null, { status: 303, headers });
}

/** `GET /api/oauth/callback?code=…&state=…` (or `?error=…`): finishes the authorization and lands on the connection. */
export async function handleOAuthCallback(services: Services, request: Request): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const state = params.get('state') ?? '';
  if (!STATE.test(state)) return redirect(services, '/connections?oauth=state');
  const cookieName = `${COOKIE_PREFIX}${state}`;
  const sealed = readCookie(request, cookieName);
  const pending = sealed ? openPending(services, state, sealed) : null;
  if (!pending) return redirect(services, '/connections?oauth=state');
  // Whatever happens next, this authorization is used up.
  const clear = [`${cookieName}=; ${cookieAttributes(services, 0)}`];
  if (pending.exp <= Date.now()) return redirect(services, connectionPage(pending.connectionId, 'expired'), clear);

  const actor = await actorOf(services, request);
  if (!actor) return redirect(services, `/sign-in?next=${encodeURIComponent(`/connections/${pending.connectionId}`)}`, clear);
  // Started by someone else, or in another workspace since: do not attach their approval here.
  if (actor.userId !== pending.userId || actor.tenantId !== pending.tenantId) return redirect(services, '/connections?oauth=state', clear);

  const error = params.get('error');
  if (error) return redirect(services, connectionPage(pending.connectionId, error === 'access_denied' ? 'denied' : 'provider_error', error), clear);
  const code = params.get('code');
  if (!code || code.length > 4096) return redirect(services, connectionPage(pending.connectionId, 'provider_error'), clear);

  try {
    const result = await completeOAuth(
      services.gate,
      actor,
      { connectionId: pending.connectionId, code, redirectUri: `${services.config.publicUrl}${OAUTH_CALLBACK_PATH}`, codeVerifier: pending.pkce ? pending.verifier : undefined },
      { catalog: services.catalog, keyring: services.keyring, fetchFor: services.fetchFor },
    );
    if (result.ok) return redirect(services, connectionPage(pending.connectionId, 'connected'), clear);
    if (result.reason === 'unavailable') console.warn(`[oauth] token exchange for connection ${pending.connectionId} failed: ${result.message}`);
    return redirect(services, connectionPage(pending.connectionId, result.reason, result.providerError), clear);
  } catch (failure) {
    if (failure instanceof AppError && failure.code === 'CONNECTION_NOT_FOUND') return redirect(services, '/connections?oauth=not_found', clear);
    if (failure instanceof AppError) return redirect(services, connectionPage(pending.connectionId, 'unsupported'), clear);
    throw failure;
  }
}
