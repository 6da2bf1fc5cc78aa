import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/root';
import { createContext } from '@/server/context';
import { getServices } from '@/server/services';

export const dynamic = 'force-dynamic';

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    // Queries with large inputs (a mapping sample, a long expression) come as POST: a URL has size limits.
    allowMethodOverride: true,
    createContext: () => createContext({ services: getServices(), headers: req.headers }),
  });
}

export { handler as GET, handler as POST };
