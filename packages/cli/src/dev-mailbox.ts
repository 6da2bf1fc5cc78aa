/**
 * Where the local mail catcher puts what the apps send: the `dev_mail` table, which the portal's dev
 * mailbox (/dev/mailbox) reads. Written with the system client because mail belongs to no tenant.
 */
import type { SystemDb } from '@conflux/db/system';
import type { CaughtMail } from '@conflux/mail';

/** Returns an `onMail` handler for the catcher that stores each message in `dev_mail`. */
export function storeDevMail(db: SystemDb): (mail: CaughtMail) => Promise<void> {
  return async (mail) => {
    await db.devMail.create({
      data: { from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html },
      select: { id: true },
    });
  };
}
