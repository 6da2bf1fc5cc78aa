import { handleOAuthCallback } from '@/server/oauth';
import { getServices } from '@/server/services';

// Per request, with the session's cookie: never prerendered or cached.
export const dynamic = 'force-dynamic';

/** Where the provider sends the person back with a code (or an error) for the pending authorization. */
export const GET = (request: Request) => handleOAuthCallback(getServices(), request);
