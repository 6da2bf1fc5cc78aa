import type { Metadata } from 'next';
import { ConnectionView } from './connection-view';

export const metadata: Metadata = { title: 'Connection' };

export default async function ConnectionPage({
  params,
  searchParams,
}: {
  params: Promise<{ connectionId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ connectionId }, query] = await Promise.all([params, searchParams]);
  const one = (value: string | string[] | undefined) => (typeof value === 'string' ? value : null);
  return <ConnectionView connectionId={connectionId} oauth={one(query.oauth)} detail={one(query.detail)} created={query.created === '1'} />;
}
