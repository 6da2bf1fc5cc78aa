import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port.ts';
import { createMailer, MailSendError, smtpOptionsFromUrl, type Mailer } from './mailer.ts';
import { startMailCatcher, type CaughtMail, type MailCatcher } from './mail-catcher.ts';

const FROM = 'Conflux <no-reply@conflux.localhost>';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function catcher(onMail: (mail: CaughtMail) => Promise<void>, errors: Error[] = []): Promise<MailCatcher> {
  const started = await startMailCatcher({ port: await freePort(), onMail, onError: (e) => errors.push(e) });
  cleanups.push(() => started.close());
  return started;
}

function mailer(smtpUrl: string): Mailer {
  const created = createMailer({ smtpUrl, from: FROM });
  cleanups.push(() => created.close());
  return created;
}

describe('mailer → mail catcher over real SMTP', () => {
  it('delivers subject, recipients, text and html', async () => {
    const received: CaughtMail[] = [];
    const server = await catcher(async (mail) => void received.push(mail));
    expect(server.url).toBe(`smtp://127.0.0.1:${server.port}?ignoreTLS=true`);

    const { messageId } = await mailer(server.url).send({
      to: ['ada@example.com', 'Grace <grace@example.com>'],
      subject: 'Welcome to Conflux — ünïcode',
      text: 'Hello Ada,\nyour workspace is ready.',
      html: '<p>Hello <b>Ada</b>, your workspace is ready.</p>',
    });

    expect(messageId).toMatch(/^<.+@.+>$/);
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail).toMatchObject({
      from: 'Conflux <no-reply@conflux.localhost>',
      subject: 'Welcome to Conflux — ünïcode',
    });
    expect(mail?.to).toBe('ada@example.com, Grace <grace@example.com>');
    expect(mail?.text?.trim()).toBe('Hello Ada,\nyour workspace is ready.');
    expect(mail?.html).toContain('<p>Hello <b>Ada</b>, your workspace is ready.</p>');
  });

  it('accepts senders that authenticate, and loopback URLs without ?ignoreTLS', async () => {
    const received: CaughtMail[] = [];
    const server = await catcher(async (mail) => void received.push(mail));
    await mailer(`smtp://someone:s%40cret@localhost:${server.port}`).send({ to: 'a@example.com', subject: 'hi', text: 'x' });
    expect(received.map((m) => m.subject)).toEqual(['hi']);
  });

  it('answers 451 when storing fails, so the sender keeps the message and the retry lands once', async () => {
    const stored: CaughtMail[] = [];
    const errors: Error[] = [];
    let failuresLeft = 1;
    const server = await catcher(async (mail) => {
      if (failuresLeft-- > 0) throw new Error('database is restarting');
      stored.push(mail);
    }, errors);
    const sender = mailer(server.url);
    const mail = { to: 'ada@example.com', subject: 'Invitation', text: 'Join us' };

    const failure = await sender.send(mail).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MailSendError);
    expect(failure).toMatchObject({ responseCode: 451, temporary: true });
    expect(stored).toEqual([]);
    expect(errors.map((e) => e.message)).toContain('database is restarting');

    await sender.send(mail);
    expect(stored.map((m) => m.subject)).toEqual(['Invitation']);
  });

  it('rejects a message over 10 MB permanently without calling onMail', async () => {
    const received: CaughtMail[] = [];
    const server = await catcher(async (mail) => void received.push(mail));
    const sender = mailer(server.url);

    const failure = await sender
      .send({ to: 'ada@example.com', subject: 'Too big', text: 'x'.repeat(10 * 1024 * 1024 + 1) })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MailSendError);
    expect(failure).toMatchObject({ responseCode: 552, temporary: false });
    expect(received).toEqual([]);

    // The catcher is still healthy afterwards.
    await sender.send({ to: 'ada@example.com', subject: 'Small', text: 'ok' });
    expect(received.map((m) => m.subject)).toEqual(['Small']);
  });

  it('reports an unreachable server as a temporary failure', async () => {
    const port = await freePort();
    const failure = await mailer(`smtp://127.0.0.1:${port}`)
      .send({ to: 'a@example.com', subject: 's', text: 't' })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'MailSendError', temporary: true, responseCode: undefined });
  });
});

describe('smtpOptionsFromUrl', () => {
  it('turns off STARTTLS on loopback or when asked, and keeps it elsewhere', () => {
    expect(smtpOptionsFromUrl('smtp://127.0.0.1:2525')).toMatchObject({ host: '127.0.0.1', port: 2525, ignoreTLS: true, secure: false });
    expect(smtpOptionsFromUrl('smtp://localhost:25').ignoreTLS).toBe(true);
    expect(smtpOptionsFromUrl('smtp://[::1]:25')).toMatchObject({ host: '::1', ignoreTLS: true });
    expect(smtpOptionsFromUrl('smtp://mail.example.com:587').ignoreTLS).toBe(false);
    expect(smtpOptionsFromUrl('smtp://mail.internal:25?ignoreTLS=true').ignoreTLS).toBe(true);
    expect(smtpOptionsFromUrl('smtps://localhost').ignoreTLS).toBe(false);
  });

  it('reads credentials, secure mode and default ports', () => {
    expect(smtpOptionsFromUrl('smtps://apikey:p%2Fw%40rd@smtp.example.com')).toMatchObject({
      secure: true,
      port: 465,
      auth: { user: 'apikey', pass: 'p/w@rd' },
    });
    expect(smtpOptionsFromUrl('smtp://smtp.example.com')).toMatchObject({ port: 587, auth: undefined });
  });

  it('rejects what is not an SMTP URL', () => {
    expect(() => smtpOptionsFromUrl('http://example.com')).toThrow(/smtp:\/\/ or smtps:\/\//);
    expect(() => smtpOptionsFromUrl('not a url')).toThrow(/not a valid URL/);
  });
});
