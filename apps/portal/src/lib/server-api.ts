import 'server-only';
import { headers } from 'next/headers';
import { createContext } from '@/server/context';
import { createCaller } from '@/server/root';
import { getServices } from '@/server/services';

/** The tRPC API called in-process from server components, with the request's session. */
export async function serverApi() {
  return createCaller(await createContext({ services: getServices(), headers: await headers() }));
}
