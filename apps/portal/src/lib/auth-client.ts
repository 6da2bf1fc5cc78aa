'use client';
import { createAuthClient } from 'better-auth/react';
import { inferAdditionalFields } from 'better-auth/client/plugins';
import type { Auth } from '@/server/auth';

/** The browser side of better-auth: sign up/in/out, verification, password reset. */
export const authClient = createAuthClient({
  plugins: [inferAdditionalFields<Auth>()],
});
