import { AlertTriangle, CheckCircle2, XCircle } from 'lucide-react';
import { Badge } from '@/components/ui/badge';

/** A connection's status as people read it. */
export type ConnectionStatus = 'ok' | 'needs_reconnect' | 'error';

const LABELS: Record<ConnectionStatus, string> = { ok: 'Connected', needs_reconnect: 'Needs reconnect', error: 'Error' };

export function connectionStatusLabel(status: ConnectionStatus): string {
  return LABELS[status];
}

/** Connected / Needs reconnect / Error, with an icon so the state does not hang on colour alone. */
export function ConnectionStatusBadge({ status }: { status: ConnectionStatus }) {
  if (status === 'ok') return <Badge tone="success" icon={<CheckCircle2 className="size-3" aria-hidden="true" />}>{LABELS.ok}</Badge>;
  if (status === 'needs_reconnect') return <Badge tone="warning" icon={<AlertTriangle className="size-3" aria-hidden="true" />}>{LABELS.needs_reconnect}</Badge>;
  return <Badge tone="danger" icon={<XCircle className="size-3" aria-hidden="true" />}>{LABELS.error}</Badge>;
}
