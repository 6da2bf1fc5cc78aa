/**
 * Authentication with better-auth: email + password (scrypt), email verification, password reset,
 * database sessions in httpOnly SameSite cookies (Secure behind https), and rate limits stored in Postgres
 * so that every portal process shares them. Chosen over hand-written session code because sessions,
 * token expiry, CSRF-safe cookies and timing-safe password checks are easy to get subtly wrong.
 *
 * better-auth's organization plugin is deliberately not used: it would add a second API over tenant data
 * (/api/auth/organization/*) that bypasses the tenant gate. Workspaces, memberships and invitations live in
 * packages/core behind `withTenant`, reached only through tRPC, where the attacker/victim sweep covers them.
 *
 * The library talks to identity tables through the system client (named in eslint.config.js).
 */
import { betterAuth, type BetterAuthOptions } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { nextCookies } from 'better-auth/next-js';
import { z } from 'zod';
import type { SystemDb } from '@conflux/db/system';
import { enqueue } from '@conflux/queue';
import { existingAccountMail, passwordResetMail, verificationMail } from '@conflux/core';
import { createTenant } from '@conflux/core/identity';
import type { PortalConfig } from './config.ts';

/** Sign-up input, checked before anything is created. */
export const signUpSchema = z.object({
  name: z.string().trim().min(1, 'Enter your name').max(100, 'Your name can be at most 100 characters'),
  email: z.email('Enter a valid email address').max(254, 'That email address is too long'),
  password: z.string().min(10, 'Use at least 10 characters for your password').max(128, 'Passwords can be at most 128 characters'),
  workspaceName: z.string().trim().min(1, 'Name your workspace').max(100, 'Workspace names can be at most 100 characters').optional(),
});

export const PASSWORD_MIN = 10;

export function createAuth(params: { config: PortalConfig; system: SystemDb }) {
  const { config, system } = params;
  const options = {
    appName: 'Conflux',
    baseURL: config.publicUrl,
    secret: config.authSecret,
    trustedOrigins: [config.publicUrl],
    database: prismaAdapter(system, { provider: 'postgresql', transaction: true }),
    telemetry: { enabled: false },
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: true,
      minPasswordLength: PASSWORD_MIN,
      maxPasswordLength: 128,
      resetPasswordTokenExpiresIn: 60 * 60,
      revokeSessionsOnPasswordReset: true,
      // Sign-up answers the same whether or not the address has an account; its owner learns by mail.
      onExistingUserSignUp: async ({ user }) => {
        const signInUrl = `${config.publicUrl}/sign-in`;
        await enqueue(system, 'send-email', { to: user.email, ...existingAccountMail({ name: user.name, signInUrl }) });
      },
      sendResetPassword: async ({ user, url }) => {
        await enqueue(system, 'send-email', { to: user.email, ...passwordResetMail({ name: user.name, url }) });
      },
    },
    emailVerification: {
      sendOnSignUp: true,
      sendOnSignIn: true,
      autoSignInAfterVerification: true,
      expiresIn: 24 * 60 * 60,
      sendVerificationEmail: async ({ user, url }) => {
        await enqueue(system, 'send-email', { to: user.email, ...verificationMail({ name: user.name, url }) });
      },
    },
    session: {
      expiresIn: 60 * 60 * 24 * 14,
      updateAge: 60 * 60 * 24,
      additionalFields: {
        activeTenantId: { type: 'string', required: false, input: false },
      },
    },
    rateLimit: {
      enabled: config.authRateLimit,
      storage: 'database',
      window: 60,
      max: 120,
      customRules: {
        '/sign-in/email': { window: 60, max: 10 },
        '/sign-up/email': { window: 60, max: 10 },
        '/request-password-reset': { window: 300, max: 5 },
        '/send-verification-email': { window: 300, max: 5 },
      },
    },
    advanced: {
      useSecureCookies: config.publicUrl.startsWith('https://'),
      cookiePrefix: 'conflux',
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-up/email') return;
        const parsed = signUpSchema.safeParse(ctx.body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new APIError('BAD_REQUEST', { message: issue?.message ?? 'Invalid sign-up details', code: 'INVALID_SIGN_UP' });
        }
      }),
    },
    databaseHooks: {
      user: {
        create: {
          // Runs after the user and password rows committed: every new user gets a workspace they own.
          after: async (user, ctx) => {
            const requested = (ctx?.body as { workspaceName?: string } | undefined)?.workspaceName?.trim();
            const name = requested || `${user.name.split(' ')[0] ?? user.name}'s workspace`.slice(0, 100);
            try {
              await createTenant(system, { name, ownerUserId: user.id });
            } catch (error) {
              // Leave nothing half-created: without a workspace the account is useless, so undo it.
              await system.user.delete({ where: { id: user.id } }).catch(() => undefined);
              throw error;
            }
          },
        },
      },
      session: {
        create: {
          // A new session starts in the user's first workspace; the switcher changes it later.
          before: async (session) => {
            const first = await system.membership.findFirst({
              where: { userId: session.userId },
              select: { tenantId: true },
              orderBy: { createdAt: 'asc' },
            });
            return { data: { ...session, activeTenantId: first?.tenantId ?? null } };
          },
        },
      },
    },
    plugins: [nextCookies()],
  } satisfies BetterAuthOptions;
  return betterAuth(options);
}

/** The configured auth instance. */
export type Auth = ReturnType<typeof createAuth>;
