import { toNextJsHandler } from 'better-auth/next-js';
import { getServices } from '@/server/services';

export const dynamic = 'force-dynamic';

// Resolved per request so that the build never needs a database.
export const GET = (req: Request) => toNextJsHandler(getServices().auth).GET(req);
export const POST = (req: Request) => toNextJsHandler(getServices().auth).POST(req);
