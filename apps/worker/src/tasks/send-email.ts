import type { Task } from 'graphile-worker';
import { parsePayload } from '@conflux/queue';
import type { Mailer } from '@conflux/mail';

/**
 * Sends one email. A failure throws, so graphile-worker retries with its exponential backoff; a payload
 * that does not match the schema fails loudly rather than sending something half-formed.
 */
export function sendEmailTask(mailer: Mailer): Task {
  return async (payload, helpers) => {
    const mail = parsePayload('send-email', payload);
    const { messageId } = await mailer.send(mail);
    helpers.logger.info(`sent "${mail.subject}" to ${mail.to} (${messageId})`);
  };
}
