import type { Metadata } from 'next';
import { NewConnectionView } from './new-connection-view';

export const metadata: Metadata = { title: 'New connection' };

export default async function NewConnectionPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { connector } = await searchParams;
  return <NewConnectionView connectorId={typeof connector === 'string' ? connector : null} />;
}
