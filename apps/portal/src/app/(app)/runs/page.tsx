import type { Metadata } from 'next';
import { RunsList } from '@/components/runs/runs-list';
import { filtersFromSearch } from '@/components/runs/run-filters';

export const metadata: Metadata = { title: 'Runs' };

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <RunsList initial={filtersFromSearch(await searchParams)} />;
}
