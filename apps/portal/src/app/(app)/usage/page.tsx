import type { Metadata } from 'next';
import { UsageView } from './usage-view';

export const metadata: Metadata = { title: 'Usage' };

// The quota mail links here (`${PUBLIC_URL}/usage`): keep the path.
export default function UsagePage() {
  return <UsageView />;
}
