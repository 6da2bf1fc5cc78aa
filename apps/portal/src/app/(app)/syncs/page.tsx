import type { Metadata } from 'next';
import { SyncsView } from './syncs-view';

export const metadata: Metadata = { title: 'Syncs' };

export default function SyncsPage() {
  return <SyncsView />;
}
