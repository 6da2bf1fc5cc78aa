/**
 * OAuth2 authorization code for connections, against a local fake authorization server: the start route,
 * the provider's redirect, the callback's code exchange (PKCE, client credentials, through the egress
 * guard), tokens stored encrypted, then refreshes through ensureFreshOAuth — and every way back that must
 * not connect anything (a forged or expired state, another user's cookie, denied consent, a refused code).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { catalogFrom, encryptJson, loadConnectionAuth } from '@conflux/core';
import { connectors } from '@conflux/registry';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { fakeOAuthConnector, startFakeOAuthProvider, type FakeOAuthProvider } from '../../../../test/support/fake-oauth.ts';
import { createCaller } from './root.ts';
import { handleOAuthCallback, handleOAuthStart, OAUTH_STATE_TTL_MS, sealPending } from './oauth.ts';
import type { Services } from './services.ts';
import { signUpAndSignIn, testServices, type SignedInUser } from './testing.ts';

let db: TestDatabase;
let provider: FakeOAuthProvider;
let services: Services;
let owner: pg.Client;
let ada: SignedInUser;
let mallory: SignedInUser;
const PUBLIC_URL = 'http://localhost:3999';

beforeAll(async () => {
  db = await createTestDatabase();
  provider = await startFakeOAuthProvider({ accessTokenTtlSeconds: 3600 });
  // The provider is on loopback, which the egress guard refuses unless the operator allows it.
  services = testServices(db, { egressAllow: ['127.0.0.0/8'], catalog: catalogFrom([...connectors, fakeOAuthConnector(provider.url)]) });
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  ada = await signUpAndSignIn(services, { name: 'Ada', email: 'ada@acme.test', workspaceName: 'Acme' });
  mallory = await signUpAndSignIn(services, { name: 'Mallory', email: 'mallory@evil.test', workspaceName: 'Evil' });
});

afterAll(async () => {
  await owner?.end();
  await services?.close();
  await provider?.close();
  await db?.close();
});

beforeEach(() => {
  provider.setConsent('allow');
  provider.setAccessTokenTtl(3600);
});

async function caller(user: SignedInUser = ada) {
  return createCaller(await user.context());
}

async function newConnection(name: string, credentials: Record<string, unknown> = { clientId: provider.clientId, clientSecret: provider.clientSecret }) {
  return (await caller()).connections.create({ connectorId: 'acme-crm', name, authKind: 'oauth2', credentials });
}

/** The cookie a Set-Cookie header sets, as a browser would send it back. */
function cookieOf(response: Response): string {
  const set = response.headers.getSetCookie().find((c) => c.startsWith('conflux_oauth_'));
  if (!set) throw new Error('no pending-authorization cookie');
  return set.split(';')[0]!;
}

async function start(connectionId: string, user: SignedInUser = ada) {
  const response = await handleOAuthStart(services, new Request(`${PUBLIC_URL}/api/oauth/start?connectionId=${connectionId}`, { headers: { cookie: user.cookie } }));
  return { response, location: new URL(response.headers.get('location')!), cookie: response.status === 303 && response.headers.getSetCookie().length ? cookieOf(response) : '' };
}

/** What the provider's authorization page sends the browser back to (consent given or refused at once). */
async function authorize(authorizeUrl: URL): Promise<URL> {
  const answer = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location')!);
}

async function callback(url: URL | string, cookies: string[]) {
  const response = await handleOAuthCallback(services, new Request(url, { headers: { cookie: cookies.filter(Boolean).join('; ') } }));
  expect(response.status).toBe(303);
  return { response, location: new URL(response.headers.get('location')!) };
}

/** The whole round trip, as a browser does it. */
async function connect(connectionId: string) {
  const started = await start(connectionId);
  const back = await authorize(started.location);
  return callback(back, [ada.cookie, started.cookie]);
}

async function storedSecret(connectionId: string): Promise<Buffer> {
  const { rows } = await owner.query<{ secret: Buffer }>('SELECT secret FROM connection WHERE id = $1', [connectionId]);
  return rows[0]!.secret;
}

async function storedAuth(connectionId: string, tenantId: string) {
  return services.gate.withTenant(tenantId, (tx) => loadConnectionAuth(tx, { tenantId, connectionId, keyring: services.keyring }));
}

describe('OAuth2 authorization code', () => {
  it('start → provider → callback stores the tokens encrypted and marks the connection ok', async () => {
    const created = await newConnection('Acme CRM');
    expect(created).toMatchObject({ status: 'needs_reconnect', statusReason: expect.stringMatching(/^Not authorised yet/) });

    const started = await start(created.id);
    expect(started.response.status).toBe(303);
    expect(`${started.location.origin}${started.location.pathname}`).toBe(`${provider.url}/authorize`);
    const query = Object.fromEntries(started.location.searchParams);
    expect(query).toMatchObject({
      response_type: 'code',
      client_id: provider.clientId,
      redirect_uri: `${PUBLIC_URL}/api/oauth/callback`,
      scope: 'contacts.read contacts.write',
      code_challenge_method: 'S256',
    });
    expect(query.state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(query.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The cookie is bound to the browser and never readable by scripts or other paths.
    const setCookie = started.response.headers.getSetCookie()[0]!;
    expect(setCookie).toMatch(new RegExp(`^conflux_oauth_${query.state}=`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/api/oauth');
    // The verifier is sealed, not readable in the cookie.
    expect(setCookie).not.toContain(query.code_challenge!);

    const before = provider.calls.codeExchanges;
    const back = await authorize(started.location);
    expect(back.searchParams.get('state')).toBe(query.state);
    const { response, location } = await callback(back, [ada.cookie, started.cookie]);
    expect(`${location.pathname}${location.search}`).toBe(`/connections/${created.id}?oauth=connected`);
    expect(response.headers.getSetCookie()[0]).toMatch(/^conflux_oauth_[^=]+=; .*Max-Age=0/);
    expect(provider.calls.codeExchanges).toBe(before + 1);
    expect(provider.tokenRequests.at(-1)).toMatchObject({ grant: 'authorization_code', pkce: true, status: 200 });

    const connection = await (await caller()).connections.get({ connectionId: created.id });
    expect(connection).toMatchObject({ status: 'ok', statusReason: null, hasSecret: true });
    const tenantId = (await (await caller()).tenant.get()).id;
    const auth = await storedAuth(created.id, tenantId);
    expect(auth.auth).toMatchObject({ kind: 'oauth2', accessToken: expect.stringMatching(/^at_/), refreshToken: expect.stringMatching(/^rt_/), clientId: provider.clientId, tokenType: 'Bearer' });
    const secret = await storedSecret(created.id);
    for (const value of [(auth.auth as { accessToken: string }).accessToken, (auth.auth as { refreshToken: string }).refreshToken, provider.clientSecret]) {
      expect(secret.includes(Buffer.from(value))).toBe(false);
    }
    // The API never returns a token.
    expect(JSON.stringify(connection)).not.toContain('at_');
  });

  it('refuses a callback whose state has no cookie, a moved cookie, or one sealed for another state', async () => {
    const created = await newConnection('Forged');
    const exchanges = provider.calls.codeExchanges;
    const started = await start(created.id);
    const back = await authorize(started.location);
    const state = back.searchParams.get('state')!;

    // Without the cookie: the code was injected into a browser that did not start the flow.
    expect((await callback(back, [ada.cookie])).location.search).toBe('?oauth=state');
    // The right value under another state's name does not open.
    const other = new URL(back);
    other.searchParams.set('state', 'x'.repeat(32));
    const moved = started.cookie.replace(state, 'x'.repeat(32));
    expect((await callback(other, [ada.cookie, moved])).location.search).toBe('?oauth=state');
    // A garbled state, or none.
    other.searchParams.set('state', '../../etc');
    expect((await callback(other, [ada.cookie, started.cookie])).location.search).toBe('?oauth=state');
    expect((await callback(`${PUBLIC_URL}/api/oauth/callback?code=abc`, [ada.cookie])).location.search).toBe('?oauth=state');
    expect(provider.calls.codeExchanges).toBe(exchanges);
    expect((await (await caller()).connections.get({ connectionId: created.id })).status).toBe('needs_reconnect');
  });

  it('refuses an expired state, and another user’s pending authorization', async () => {
    const created = await newConnection('Late');
    const tenantId = (await (await caller()).tenant.get()).id;
    const state = 'e'.repeat(32);
    const sealed = sealPending(services, state, { connectionId: created.id, tenantId, userId: ada.userId, verifier: 'v', pkce: true, exp: Date.now() - 1 });
    const late = await callback(`${PUBLIC_URL}/api/oauth/callback?code=abc&state=${state}`, [ada.cookie, `conflux_oauth_${state}=${sealed}`]);
    expect(`${late.location.pathname}${late.location.search}`).toBe(`/connections/${created.id}?oauth=expired`);
    expect(OAUTH_STATE_TTL_MS).toBe(600_000);

    // Mallory gets hold of Ada's whole callback (code and cookie): her session does not match the pending one.
    const exchanges = provider.calls.codeExchanges;
    const started = await start(created.id);
    const back = await authorize(started.location);
    expect((await callback(back, [mallory.cookie, started.cookie])).location.search).toBe('?oauth=state');
    expect(provider.calls.codeExchanges).toBe(exchanges);
  });

  it('lands on the connection with the reason when consent is denied or the code is refused', async () => {
    const created = await newConnection('Denied');
    provider.setConsent('deny');
    let started = await start(created.id);
    const denied = await callback(await authorize(started.location), [ada.cookie, started.cookie]);
    expect(`${denied.location.pathname}${denied.location.search}`).toBe(`/connections/${created.id}?oauth=denied&detail=access_denied`);

    // A code used twice (a replayed callback) is refused by the provider, and nothing changes.
    provider.setConsent('allow');
    started = await start(created.id);
    const back = await authorize(started.location);
    expect((await callback(back, [ada.cookie, started.cookie])).location.search).toBe('?oauth=connected');
    const replay = await callback(back, [ada.cookie, started.cookie]);
    expect(replay.location.search).toBe('?oauth=refused&detail=invalid_grant');
    expect((await (await caller()).connections.get({ connectionId: created.id })).status).toBe('ok');
  });

  it('reports wrong client credentials and an unreachable token endpoint', async () => {
    const wrong = await newConnection('Wrong secret', { clientId: provider.clientId, clientSecret: 'nope' });
    expect((await connect(wrong.id)).location.search).toBe('?oauth=refused&detail=invalid_client');
    expect((await (await caller()).connections.get({ connectionId: wrong.id })).status).toBe('needs_reconnect');

    // The same flow through a portal whose egress guard does not allow loopback never reaches the provider.
    const strict = testServices(db, { catalog: services.catalog });
    try {
      const created = await newConnection('Guarded');
      const started = await handleOAuthStart(strict, new Request(`${PUBLIC_URL}/api/oauth/start?connectionId=${created.id}`, { headers: { cookie: ada.cookie } }));
      const back = await authorize(new URL(started.headers.get('location')!));
      const exchanges = provider.calls.codeExchanges;
      const answer = await handleOAuthCallback(strict, new Request(back, { headers: { cookie: `${ada.cookie}; ${cookieOf(started)}` } }));
      expect(new URL(answer.headers.get('location')!).search).toBe('?oauth=unavailable');
      expect(provider.calls.codeExchanges).toBe(exchanges);
    } finally {
      await strict.close();
    }
  });

  it('sends people without a session to sign in, and unknown or non-OAuth connections back to the list', async () => {
    const anonymous = await handleOAuthStart(services, new Request(`${PUBLIC_URL}/api/oauth/start?connectionId=00000000-0000-4000-8000-000000000000`));
    expect(new URL(anonymous.headers.get('location')!).pathname).toBe('/sign-in');
    expect((await start('00000000-0000-4000-8000-000000000000')).location.search).toBe('?oauth=not_found');
    expect((await start('not-a-uuid')).location.search).toBe('?oauth=not_found');
    const bearer = await (await caller()).connections.create({ connectorId: 'http', name: 'Plain API', authKind: 'bearer', credentials: { token: 'abcdef' } });
    expect((await start(bearer.id)).location.search).toBe('?oauth=unsupported');
    // Another tenant's connection is as unknown as a made-up one.
    const theirs = await (await caller(mallory)).connections.create({ connectorId: 'acme-crm', name: 'Theirs', authKind: 'oauth2', credentials: { clientId: 'x', clientSecret: 'y' } });
    expect((await start(theirs.id)).location.search).toBe('?oauth=not_found');
  });
});

describe('tokens after the authorization', () => {
  it('a due token is refreshed once for concurrent users, then a revoked grant asks for a reconnect, which fixes it', async () => {
    provider.setAccessTokenTtl(30); // inside the one-minute early-refresh window: due at once
    const created = await newConnection('Refreshing');
    expect((await connect(created.id)).location.search).toBe('?oauth=connected');
    provider.setAccessTokenTtl(3600);

    const refreshes = provider.calls.refreshes;
    const c = await caller();
    const results = await Promise.all(Array.from({ length: 8 }, () => c.connections.test({ connectionId: created.id })));
    expect(provider.calls.refreshes).toBe(refreshes + 1);
    for (const result of results) expect(result).toMatchObject({ ok: true, skipped: false });
    expect(results[0]!.message).toMatch(/^A fresh access token was obtained, valid until .* UTC\. Signed in to Acme CRM as Ada Lovelace\.$/);

    // The provider revokes the grant and the access token lapses: the refresh is refused.
    provider.revokeRefreshTokens();
    provider.expireAccessTokens();
    // The stored expiry is still an hour away: age it, as the clock would.
    const tenantId = (await c.tenant.get()).id;
    const auth = await storedAuth(created.id, tenantId);
    expect(auth.auth?.kind).toBe('oauth2');
    await services.gate.withTenant(tenantId, async (tx) => {
      const sealed = await encryptJson(tx, { tenantId, keyring: services.keyring, aad: `connection:${created.id}`, value: { ...auth.auth, expiresAt: Date.now() - 1000 } });
      await tx.connection.update({ where: { id: created.id }, data: { secret: new Uint8Array(sealed) } });
    });
    const failed = await c.connections.test({ connectionId: created.id });
    expect(failed).toMatchObject({ ok: false, message: expect.stringContaining('invalid_grant') });
    expect(await c.connections.get({ connectionId: created.id })).toMatchObject({ status: 'needs_reconnect', statusReason: expect.stringContaining('reconnect') });

    // Reconnect is the same flow again.
    expect((await connect(created.id)).location.search).toBe('?oauth=connected');
    expect(await c.connections.test({ connectionId: created.id })).toMatchObject({ ok: true });
    expect((await c.connections.get({ connectionId: created.id })).status).toBe('ok');
  });

  it('a connection not authorised yet says so without calling the provider', async () => {
    const created = await newConnection('Pending');
    const calls = provider.calls.token + provider.calls.me;
    expect(await (await caller()).connections.test({ connectionId: created.id })).toMatchObject({ ok: false, message: expect.stringMatching(/^Not authorised yet/) });
    expect(provider.calls.token + provider.calls.me).toBe(calls);
  });
});
