import type { Metadata } from 'next';
import { FlowBuilder } from '@/components/flows/flow-builder';

export const metadata: Metadata = { title: 'Flow builder' };

export default async function FlowPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <FlowBuilder flowId={id} />;
}
