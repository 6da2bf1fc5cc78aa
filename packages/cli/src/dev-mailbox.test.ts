import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, startMailCatcher, type MailCatcher } from '@conflux/mail';
import { createSystemClient } from '@conflux/db/system';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { storeDevMail } from './dev-mailbox.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

async function send(catcher: MailCatcher, subject: string) {
  const mailer = createMailer({ smtpUrl: catcher.url, from: 'Conflux <no-reply@conflux.localhost>' });
  try {
    return await mailer.send({ to: 'Ada <ada@example.com>', subject, text: `${subject} (text)`, html: `<p>${subject}</p>` });
  } finally {
    mailer.close();
  }
}

describe('dev mailbox storage', () => {
  it('stores what the catcher receives in dev_mail, through the system client', async () => {
    const catcher = await startMailCatcher({ port: await freePort(), onMail: storeDevMail(db.system.db) });
    try {
      await send(catcher, 'Confirm your e-mail');
    } finally {
      await catcher.close();
    }
    const rows = await db.system.db.devMail.findMany({
      where: { subject: 'Confirm your e-mail' },
      select: { from: true, to: true, subject: true, text: true, html: true, receivedAt: true },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      from: 'Conflux <no-reply@conflux.localhost>',
      to: 'Ada <ada@example.com>',
      subject: 'Confirm your e-mail',
      html: '<p>Confirm your e-mail</p>',
    });
    expect(rows[0]?.text?.trim()).toBe('Confirm your e-mail (text)');
    expect(rows[0]?.receivedAt).toBeInstanceOf(Date);
  });

  it('keeps a message the database could not take: the sender gets 451 and the retry is stored once', async () => {
    // A client pointed at a server that hangs up at once stands for a database that is briefly
    // unavailable. (A merely free port could be taken by another test meanwhile and hang the connect.)
    const hangUp = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
    const wrong = new URL(db.systemUrl);
    wrong.port = String((hangUp.address() as net.AddressInfo).port);
    const broken = createSystemClient(wrong.toString(), { max: 1 });
    let store = storeDevMail(broken.db);
    const catcher = await startMailCatcher({ port: await freePort(), onMail: (mail) => store(mail) });
    try {
      await expect(send(catcher, 'Invitation to Acme')).rejects.toMatchObject({ responseCode: 451, temporary: true });
      expect(await db.system.db.devMail.count({ where: { subject: 'Invitation to Acme' } })).toBe(0);

      store = storeDevMail(db.system.db);
      await send(catcher, 'Invitation to Acme');
      expect(await db.system.db.devMail.count({ where: { subject: 'Invitation to Acme' } })).toBe(1);
    } finally {
      await catcher.close();
      await broken.close();
      hangUp.close();
    }
  });
});
