import { handleOAuthStart } from '@/server/oauth';
import { getServices } from '@/server/services';

// Per request, with the session's cookie: never prerendered or cached.
export const dynamic = 'force-dynamic';

/** Sends the person to the provider's authorization page for a connection (OAuth2 authorization code). */
export const GET = (request: Request) => handleOAuthStart(getServices(), request);
