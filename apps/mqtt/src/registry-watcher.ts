import pg from 'pg';
import type { Logger } from 'pino';

/** A change of a device, flow or command queue, as the migration's triggers announce it (on commit). */
export type RegistryChange =
  | { kind: 'device'; tenantId: string; deviceId: string; op: string }
  | { kind: 'flow'; tenantId: string }
  | { kind: 'command'; commandId: string };

const CHANNELS = ['conflux_device_change', 'conflux_flow_change', 'conflux_device_command'] as const;

/**
 * Listens for registry changes (LISTEN/NOTIFY on a dedicated connection, re-established when it drops). A
 * missed notification is not fatal: the MQTT app also polls; notifications make it immediate.
 */
export function watchRegistry(params: { url: string; log: Logger; onChange(change: RegistryChange): void; onReconnect?(): void }): { ready: Promise<void>; close(): Promise<void> } {
  let client: pg.Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let first = true;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: params.url });
    client = c;
    c.on('error', (error) => {
      params.log.warn({ err: error.message }, 'registry listener lost its connection; reconnecting');
      void c.end().catch(() => undefined);
      retry();
    });
    c.on('notification', (n) => {
      try {
        if (n.channel === 'conflux_device_change') {
          const body = JSON.parse(n.payload ?? '{}') as { tenantId: string; deviceId: string; op: string };
          params.onChange({ kind: 'device', ...body });
        } else if (n.channel === 'conflux_flow_change') params.onChange({ kind: 'flow', tenantId: n.payload ?? '' });
        else if (n.channel === 'conflux_device_command') params.onChange({ kind: 'command', commandId: n.payload ?? '' });
      } catch (error) {
        params.log.warn({ err: error }, 'unreadable registry notification');
      }
    });
    try {
      await c.connect();
      for (const channel of CHANNELS) await c.query(`LISTEN ${channel}`);
      if (!first) params.onReconnect?.();
      first = false;
      markReady();
    } catch (error) {
      params.log.warn({ err: (error as Error).message }, 'registry listener could not connect; retrying');
      void c.end().catch(() => undefined);
      retry();
    }
  };
  const retry = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, 1000);
  };
  void connect();
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
