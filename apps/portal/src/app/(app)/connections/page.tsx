import type { Metadata } from 'next';
import { ConnectionsView } from './connections-view';

export const metadata: Metadata = { title: 'Connections' };

export default async function ConnectionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const one = (value: string | string[] | undefined) => (typeof value === 'string' ? value : null);
  return <ConnectionsView oauth={one(query.oauth)} detail={one(query.detail)} />;
}
