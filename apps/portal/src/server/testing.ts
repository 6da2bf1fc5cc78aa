/**
 * Test helpers for the portal's server: services on a test database, and real users signed in through
 * better-auth, so contexts are built from genuine session cookies. Used by *.test.ts only.
 */
import pg from 'pg';
import type { TestDatabase } from '../../../../test/support/database.ts';
import type { ConnectorCatalog } from '@conflux/core';
import { createContext, type Context } from './context.ts';
import { createServices, type Services } from './services.ts';

/** A fixed master key for tests (32 bytes, base64). */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

export function testServices(db: TestDatabase, overrides: { authRateLimit?: boolean; egressAllow?: string[]; catalog?: ConnectorCatalog } = {}): Services {
  return createServices(
    {
      appDatabaseUrl: db.appUrl,
      systemDatabaseUrl: db.systemUrl,
      authSecret: 'test-secret-test-secret-test-secret-0123456789',
      publicUrl: 'http://localhost:3999',
      mailCatcher: true,
      authRateLimit: overrides.authRateLimit ?? false,
      masterKeys: [TEST_MASTER_KEY],
      gatewayUrl: 'http://localhost:3998',
      egressAllow: overrides.egressAllow ?? [],
    },
    { catalog: overrides.catalog },
  );
}

/** A signed-in user: the cookie header of their session and a way to build a request context. */
export interface SignedInUser {
  userId: string;
  email: string;
  password: string;
  cookie: string;
  context(): Promise<Context>;
}

/** Turns Set-Cookie headers into the Cookie header a browser would send back. */
export function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** Signs a user up with a workspace, marks the email verified (the mail flow has its own tests) and signs in. */
export async function signUpAndSignIn(
  services: Services,
  params: { name: string; email: string; workspaceName?: string; password?: string },
): Promise<SignedInUser> {
  const password = params.password ?? 'correct-horse-battery';
  await services.auth.api.signUpEmail({
    body: { name: params.name, email: params.email, password, workspaceName: params.workspaceName } as never,
  });
  await services.system.db.user.update({ where: { email: params.email.toLowerCase() }, data: { emailVerified: true } });
  return signIn(services, { email: params.email, password });
}

export async function signIn(services: Services, params: { email: string; password: string }): Promise<SignedInUser> {
  const response = await services.auth.api.signInEmail({ body: params, asResponse: true });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const cookie = cookieHeader(response);
  const user = await services.system.db.user.findUniqueOrThrow({ where: { email: params.email.toLowerCase() }, select: { id: true } });
  return {
    userId: user.id,
    email: params.email.toLowerCase(),
    password: params.password,
    cookie,
    context: () => createContext({ services, headers: new Headers({ cookie }) }),
  };
}

/** The payloads of queued emails (the worker sends them; tests read them straight from the queue). */
export async function queuedMails(ownerUrl: string, to?: string): Promise<{ to: string; subject: string; text: string }[]> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ payload: { to: string; subject: string; text: string } }>(
      `SELECT payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        WHERE t.identifier = 'send-email' ORDER BY j.id`,
    );
    return rows.map((r) => r.payload).filter((p) => !to || p.to === to.toLowerCase());
  } finally {
    await client.end();
  }
}

/** The first URL in a text. */
export function firstUrl(text: string): string {
  const match = /https?:\/\/\S+/.exec(text);
  if (!match) throw new Error(`no link in: ${text}`);
  return match[0];
}
