import type { Metadata } from 'next';
import { DeviceView } from './device-view';

export const metadata: Metadata = { title: 'Device' };

export default async function DevicePage({ params }: { params: Promise<{ deviceId: string }> }) {
  const { deviceId } = await params;
  return <DeviceView deviceId={deviceId} />;
}
