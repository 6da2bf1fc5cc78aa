import type { Metadata } from 'next';
import { ConnectorView } from './connector-view';

export const metadata: Metadata = { title: 'Connector' };

export default async function ConnectorPage({ params }: { params: Promise<{ connectorId: string }> }) {
  const { connectorId } = await params;
  return <ConnectorView connectorId={decodeURIComponent(connectorId)} />;
}
