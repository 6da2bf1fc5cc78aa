import type { Metadata } from 'next';
import { SyncFlowView } from './sync-flow-view';

export const metadata: Metadata = { title: 'Sync' };

export default async function SyncFlowPage({ params }: { params: Promise<{ flowId: string }> }) {
  const { flowId } = await params;
  return <SyncFlowView flowId={flowId} />;
}
