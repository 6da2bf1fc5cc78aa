import { TRPCClientError } from '@trpc/client';

/** A message a person can act on, from whatever a tRPC call threw. */
export function errorMessage(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string; fieldErrors?: Record<string, string[] | undefined> | null } | undefined;
    if (data?.code === 'UNAUTHORIZED') return 'Your session has ended. Sign in again to continue.';
    if (data?.code === 'TOO_MANY_REQUESTS') return 'Too many attempts. Wait a minute and try again.';
    const field = data?.fieldErrors ? Object.values(data.fieldErrors).flat().find(Boolean) : undefined;
    if (field) return field;
    if (!data) return 'Could not reach Conflux. Check your connection and try again.';
    return error.message || fallback;
  }
  if (error instanceof Error && error.message) return error.message;
  return fallback;
}

/** The application error code (LAST_OWNER, ALREADY_INVITED, …) of a tRPC error, if any. */
export function appCodeOf(error: unknown): string | null {
  if (error instanceof TRPCClientError) return (error.data as { appCode?: string | null } | undefined)?.appCode ?? null;
  return null;
}

/** The shape better-auth's client returns on failure. */
export interface AuthError {
  code?: string | undefined;
  message?: string | undefined;
  status: number;
  statusText?: string;
}

/** A friendly message for a better-auth error, without saying more than the server did. */
export function authErrorMessage(error: AuthError): string {
  if (error.status === 429) return 'Too many attempts. Wait a minute and try again.';
  switch (error.code) {
    case 'INVALID_EMAIL_OR_PASSWORD':
      return 'That email and password do not match an account.';
    case 'INVALID_EMAIL':
      return 'Enter a valid email address.';
    case 'PASSWORD_TOO_SHORT':
      return 'Use at least 10 characters for your password.';
    case 'PASSWORD_TOO_LONG':
      return 'Passwords can be at most 128 characters.';
    case 'INVALID_TOKEN':
      return 'This link is no longer valid: links work once and expire after a while.';
    case 'USER_ALREADY_EXISTS':
    case 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL':
      return 'An account with this email already exists. Sign in instead.';
    default:
      if (error.status >= 500 || !error.status) return 'Something went wrong on our side. Please try again.';
      return error.message || 'Something went wrong. Please try again.';
  }
}
