/**
 * "Test connection" through the API: real calls with the stored credentials, made through the egress
 * guard (loopback is refused unless EGRESS_ALLOW names it), with readable outcomes; a passing test clears
 * an earlier "needs reconnect", a failing one changes nothing, and secrets never come back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startFakeStripe, type FakeStripe } from '../../../../test/support/fake-stripe.ts';
import { startHttpServer, type TestServer } from '../../../../test/support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { createCaller } from './root.ts';
import type { Services } from './services.ts';
import { signUpAndSignIn, testServices, type SignedInUser } from './testing.ts';

let db: TestDatabase;
let services: Services;
let strict: Services;
let owner: pg.Client;
let api: TestServer;
let stripe: FakeStripe;
let user: SignedInUser;

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db, { egressAllow: ['127.0.0.0/8'] });
  strict = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  api = await startHttpServer((request) => (request.headers.authorization === 'Bearer good-token' ? { body: { id: 'me' } } : { status: 401, body: { error: 'unauthorized' } }));
  stripe = await startFakeStripe();
  user = await signUpAndSignIn(services, { name: 'Tess Tester', email: 'tess@tests.test', workspaceName: 'Tests' });
});

afterAll(async () => {
  await owner?.end();
  await api?.close();
  await stripe?.close();
  await strict?.close();
  await services?.close();
  await db?.close();
});

/** Tess's API, served by the given portal services (with or without loopback allowed). */
async function caller(over: Services = services) {
  return createCaller({ ...(await user.context()), services: over });
}

describe('connections.test', () => {
  it('calls the http connector’s test URL with the credentials and reports the answer', async () => {
    const c = await caller();
    const good = await c.connections.create({ connectorId: 'http', name: 'Good API', authKind: 'bearer', credentials: { token: 'good-token' }, metadata: { testUrl: `${api.url}/me` } });
    const result = await c.connections.test({ connectionId: good.id });
    expect(result).toMatchObject({ ok: true, skipped: false, message: `GET ${api.url}/me answered 200 OK.` });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(api.requests.at(-1)?.headers.authorization).toBe('Bearer good-token');

    const bad = await c.connections.create({ connectorId: 'http', name: 'Bad API', authKind: 'bearer', credentials: { token: 'wrong-token' }, metadata: { testUrl: `${api.url}/me` } });
    const refused = await c.connections.test({ connectionId: bad.id });
    expect(refused).toMatchObject({ ok: false, message: `GET ${api.url}/me answered 401 Unauthorized: the API refused these credentials.` });
    expect(JSON.stringify(refused)).not.toContain('wrong-token');
    // Refused credentials need replacing: the connection says so until a test (or new credentials) proves otherwise.
    expect(await c.connections.get({ connectionId: bad.id })).toMatchObject({ status: 'needs_reconnect', statusReason: refused.message });
  });

  it('goes through the egress guard: without EGRESS_ALLOW, loopback is refused before any request', async () => {
    const c = await caller(strict);
    const connection = await c.connections.create({ connectorId: 'http', name: 'Loopback API', authKind: 'bearer', credentials: { token: 'good-token' }, metadata: { testUrl: `${api.url}/me` } });
    const before = api.requests.length;
    const result = await c.connections.test({ connectionId: connection.id });
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/blocked address|not a public address/) });
    expect(api.requests.length).toBe(before);
  });

  it('says when nothing can be checked, and a passing test clears "needs reconnect"', async () => {
    const c = await caller();
    const untested = await c.connections.create({ connectorId: 'http', name: 'No test URL', authKind: 'bearer', credentials: { token: 'good-token' } });
    expect(await c.connections.test({ connectionId: untested.id })).toMatchObject({ ok: true, skipped: true, message: expect.stringContaining('Test URL') });

    const flaky = await c.connections.create({ connectorId: 'http', name: 'Was broken', authKind: 'bearer', credentials: { token: 'good-token' }, metadata: { testUrl: `${api.url}/me` } });
    await owner.query(`UPDATE connection SET status = 'needs_reconnect', status_reason = 'GET answered 401' WHERE id = $1`, [flaky.id]);
    await owner.query(`UPDATE connection SET status = 'needs_reconnect', status_reason = 'GET answered 401' WHERE id = $1`, [untested.id]);
    await c.connections.test({ connectionId: flaky.id });
    await c.connections.test({ connectionId: untested.id });
    expect(await c.connections.get({ connectionId: flaky.id })).toMatchObject({ status: 'ok', statusReason: null });
    // Nothing was proven for the untested one: its warning stays.
    expect(await c.connections.get({ connectionId: untested.id })).toMatchObject({ status: 'needs_reconnect' });
  });

  it('runs the Stripe connector’s check against the Stripe API', async () => {
    const c = await caller();
    // The connector may only reach api.stripe.com: pointed at loopback, the guard refuses the host itself.
    const connection = await c.connections.create({ connectorId: 'stripe', name: 'Stripe', authKind: 'bearer', credentials: { token: 'sk_test_conflux' }, metadata: { apiBaseUrl: stripe.url } });
    const result = await c.connections.test({ connectionId: connection.id });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('allowed hosts') });
    expect(stripe.calls).toHaveLength(0);
  });

  it('refuses another tenant’s connection and unknown ids', async () => {
    const other = await signUpAndSignIn(services, { name: 'Otto Other', email: 'otto@other.test', workspaceName: 'Other' });
    const theirs = await createCaller(await other.context()).connections.create({ connectorId: 'http', name: 'Theirs', authKind: 'bearer', credentials: { token: 'their-token' }, metadata: { testUrl: `${api.url}/me` } });
    const c = await caller();
    await expect(c.connections.test({ connectionId: theirs.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(c.connections.test({ connectionId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
