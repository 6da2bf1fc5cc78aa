import type { Logger } from 'pino';
import type { SystemDb } from '@conflux/db/system';
import { downTopic } from '@conflux/core';
import { claimDeviceCommands, settleDeviceCommands } from '@conflux/core/ingest';

const MAX_ATTEMPTS = 5;

/**
 * Publishes queued device commands (the outbox flows write into, inside their tenant) on each device's down
 * topic. Woken by notification, and polls every `intervalMs` for what a notification missed or a crashed
 * process left claimed. The topic is built from the command row's own tenant and device, never from input.
 */
export function startCommandPublisher(params: {
  sys: SystemDb;
  publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void>;
  log: Logger;
  intervalMs?: number;
}): { kick(): void; close(): Promise<void> } {
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  const round = async () => {
    for (;;) {
      const claimed = await claimDeviceCommands(params.sys, { limit: 200 });
      if (!claimed.length) return;
      const sent: string[] = [];
      const failed: { id: string; error: string }[] = [];
      await Promise.all(
        claimed.map(async (command) => {
          try {
            await params.publish(downTopic(command.tenantId, command.deviceId, command.channel), command.payload, command.qos);
            sent.push(command.id);
          } catch (error) {
            params.log.warn({ err: error, commandId: command.id }, 'command not published; will retry');
            if (command.attempts >= MAX_ATTEMPTS) failed.push({ id: command.id, error: (error as Error).message });
          }
        }),
      );
      await settleDeviceCommands(params.sys, { sent, failed });
      if (claimed.length < 200) return;
    }
  };

  const kick = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = round()
      .catch((error: unknown) => params.log.warn({ err: error }, 'publishing device commands failed'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          kick();
        }
      });
  };
  const timer = setInterval(kick, params.intervalMs ?? 2000);
  timer.unref();
  kick();
  return {
    kick,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
