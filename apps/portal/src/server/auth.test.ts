// Sign-up, verification, sign-in, password reset and rate limits, through better-auth's real HTTP handler
// on a real database. Bad input gets a clear message and leaves nothing half-created.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import type { Services } from './services.ts';
import { cookieHeader, firstUrl, queuedMails, testServices } from './testing.ts';
import { createCaller } from './root.ts';
import { createContext } from './context.ts';

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
const base = 'http://localhost:3999';

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await services.auth.handler(
    new Request(`${base}/api/auth${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, 'x-forwarded-for': '10.0.0.1', ...headers },
      body: JSON.stringify(body),
    }),
  );
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, response };
}
async function get(url: string) {
  return services.auth.handler(new Request(url, { headers: { 'x-forwarded-for': '10.0.0.1' }, redirect: 'manual' }));
}
const count = async (sql: string, params: unknown[] = []) => Number((await owner.query(sql, params)).rows[0].n);

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
});
afterAll(async () => {
  await owner.end();
  await services.close();
  await db.close();
});

describe('sign-up', () => {
  it('creates the user, a workspace they own and a verification mail', async () => {
    const { status } = await post('/sign-up/email', { name: 'Ada Lovelace', email: 'Ada@Example.com', password: 'analytical-engine', workspaceName: 'Engines Ltd' });
    expect(status).toBe(200);
    const user = await owner.query(`SELECT id, email, email_verified FROM "user" WHERE email = 'ada@example.com'`);
    expect(user.rows[0]).toMatchObject({ email: 'ada@example.com', email_verified: false });
    const membership = await owner.query(
      `SELECT m.role, t.name FROM membership m JOIN tenant t ON t.id = m.tenant_id WHERE m.user_id = $1`,
      [user.rows[0].id],
    );
    expect(membership.rows).toEqual([{ role: 'owner', name: 'Engines Ltd' }]);
    const password = await owner.query(`SELECT password FROM account WHERE user_id = $1`, [user.rows[0].id]);
    expect(password.rows[0].password).not.toContain('analytical-engine');
    const mails = await queuedMails(db.ownerUrl, 'ada@example.com');
    expect(mails.map((m) => m.subject)).toEqual(['Verify your email for Conflux']);
  });

  it.each([
    [{ name: '', email: 'x@example.com', password: 'long-enough-pw' }, /name/i],
    [{ name: 'X', email: 'not-an-email', password: 'long-enough-pw' }, /email/i],
    [{ name: 'X', email: 'x@example.com', password: 'short' }, /at least 10/],
    [{ name: 'X', email: 'x@example.com', password: 'p'.repeat(200) }, /at most 128/],
    [{ name: 'N'.repeat(500), email: 'x@example.com', password: 'long-enough-pw' }, /at most 100/],
    [{ name: 'X', email: `${'a'.repeat(300)}@example.com`, password: 'long-enough-pw' }, /email/i],
    [{ name: 'X', email: 'x@example.com', password: 'long-enough-pw', workspaceName: 'W'.repeat(101) }, /Workspace names/],
  ])('refuses %j with a clear message and creates nothing', async (body, message) => {
    const before = await count(`SELECT (SELECT count(*) FROM "user") + (SELECT count(*) FROM tenant) AS n`);
    const { status, body: error } = await post('/sign-up/email', body);
    expect(status).toBe(400);
    expect(error.message).toMatch(message);
    expect(await count(`SELECT (SELECT count(*) FROM "user") + (SELECT count(*) FROM tenant) AS n`)).toBe(before);
  });

  it('a duplicate email creates nothing and tells the address owner by mail, not the stranger', async () => {
    await post('/sign-up/email', { name: 'First', email: 'dup@example.com', password: 'first-password' });
    const tenants = await count('SELECT count(*) AS n FROM tenant');
    const { status } = await post('/sign-up/email', { name: 'Second', email: 'DUP@example.com', password: 'second-password' });
    // The same answer as a fresh sign-up, so the form cannot be used to find out who has an account.
    expect(status).toBe(200);
    expect(await count('SELECT count(*) AS n FROM tenant')).toBe(tenants);
    expect(await count(`SELECT count(*) AS n FROM "user" WHERE email = 'dup@example.com'`)).toBe(1);
    const subjects = (await queuedMails(db.ownerUrl, 'dup@example.com')).map((m) => m.subject);
    expect(subjects).toEqual(['Verify your email for Conflux', 'You already have a Conflux account']);
    const { body } = await post('/sign-in/email', { email: 'dup@example.com', password: 'second-password' });
    expect(body.code).toBe('INVALID_EMAIL_OR_PASSWORD');
  });
});

describe('verification and sign-in', () => {
  it('an unverified user cannot sign in; the emailed link verifies and signs in', async () => {
    await post('/sign-up/email', { name: 'Grace', email: 'grace@example.com', password: 'cobol-rules-ok' });
    const denied = await post('/sign-in/email', { email: 'grace@example.com', password: 'cobol-rules-ok' });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('EMAIL_NOT_VERIFIED');

    const [mail] = await queuedMails(db.ownerUrl, 'grace@example.com');
    const verify = await get(firstUrl(mail!.text));
    expect(verify.status).toBe(302);
    expect(verify.headers.get('location')).not.toMatch(/error/);
    const cookie = cookieHeader(verify);
    const ctx = await createContext({ services, headers: new Headers({ cookie }) });
    expect(ctx.session).toMatchObject({ email: 'grace@example.com', emailVerified: true });
    expect(ctx.session?.activeTenantId).toBeTruthy();
    const me = await createCaller(ctx).me.get();
    expect(me.activeTenant).toMatchObject({ name: "Grace's workspace", role: 'owner' });

    const signIn = await post('/sign-in/email', { email: 'grace@example.com', password: 'cobol-rules-ok' });
    expect(signIn.status).toBe(200);
  });

  it('an expired verification link is refused with a reason', async () => {
    await post('/sign-up/email', { name: 'Late', email: 'late@example.com', password: 'slow-and-steady' });
    const [mail] = await queuedMails(db.ownerUrl, 'late@example.com');
    // The link is a signed token with its own expiry; jump past it by verifying at a later clock.
    const url = new URL(firstUrl(mail!.text));
    url.searchParams.set('callbackURL', '/verified');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 25 * 60 * 60 * 1000 });
    try {
      const response = await get(url.toString());
      expect(response.headers.get('location')).toBe('/verified?error=TOKEN_EXPIRED');
    } finally {
      vi.useRealTimers();
    }
    expect(await count(`SELECT count(*) AS n FROM "user" WHERE email = 'late@example.com' AND email_verified`)).toBe(0);
  });

  it('a wrong password is refused without saying whether the email exists', async () => {
    const wrong = await post('/sign-in/email', { email: 'grace@example.com', password: 'not-the-password' });
    const unknown = await post('/sign-in/email', { email: 'nobody@example.com', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe(unknown.body.message);
  });
});

describe('password reset', () => {
  it('resets through the mailed link, signs out old sessions, and the link works once', async () => {
    const before = await post('/sign-in/email', { email: 'grace@example.com', password: 'cobol-rules-ok' });
    const oldCookie = cookieHeader(before.response);
    await post('/request-password-reset', { email: 'grace@example.com', redirectTo: '/reset-password' });
    const mails = await queuedMails(db.ownerUrl, 'grace@example.com');
    const resetMail = mails.find((m) => m.subject === 'Reset your Conflux password')!;
    const link = await get(firstUrl(resetMail.text));
    const location = new URL(link.headers.get('location')!, base);
    const token = location.searchParams.get('token')!;
    expect(token).toBeTruthy();

    const reset = await post('/reset-password', { newPassword: 'brand-new-password', token });
    expect(reset.status).toBe(200);
    const again = await post('/reset-password', { newPassword: 'another-password!', token });
    expect(again.status).toBe(400);
    expect(again.body.message).toMatch(/invalid token/i);

    const oldSession = await createContext({ services, headers: new Headers({ cookie: oldCookie }) });
    expect(oldSession.session).toBeNull();
    expect((await post('/sign-in/email', { email: 'grace@example.com', password: 'brand-new-password' })).status).toBe(200);
  });

  it('an expired reset token is refused', async () => {
    await post('/request-password-reset', { email: 'ada@example.com', redirectTo: '/reset-password' });
    await owner.query(`UPDATE "user" SET email_verified = true WHERE email = 'ada@example.com'`);
    const mails = await queuedMails(db.ownerUrl, 'ada@example.com');
    const link = await get(firstUrl(mails.find((m) => m.subject === 'Reset your Conflux password')!.text));
    const token = new URL(link.headers.get('location')!, base).searchParams.get('token')!;
    await owner.query(`UPDATE verification SET expires_at = now() - interval '1 minute' WHERE identifier LIKE '%' || $1`, [token]);
    const reset = await post('/reset-password', { newPassword: 'too-late-password', token });
    expect(reset.status).toBe(400);
    expect(reset.body.message).toMatch(/invalid token/i);
  });
});

describe('rate limits', () => {
  it('sign-in attempts from one address are limited', async () => {
    const limited = testServices(db, { authRateLimit: true });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const response = await limited.auth.handler(
          new Request(`${base}/api/auth/sign-in/email`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: base, 'x-forwarded-for': '10.9.9.9' },
            body: JSON.stringify({ email: 'grace@example.com', password: 'guess-number-' + i }),
          }),
        );
        statuses.push(response.status);
      }
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('cookies', () => {
  it('are httpOnly and SameSite', async () => {
    const { response } = await post('/sign-in/email', { email: 'grace@example.com', password: 'brand-new-password' });
    const session = response.headers.getSetCookie().find((c) => c.startsWith('conflux.session_token='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
  });
});
