import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { ConnectorError, connectorManifest, type AuthValue } from '@conflux/connector-sdk';
import { connectionTestContext, runAction } from '../../../test/support/connector-context.ts';
import email, { mailboxAddress, messageIdFor, testEmailConnection } from './index.ts';

const send = email.actions.send!;

/** A message as the test SMTP server received it. */
interface Received {
  from: string;
  recipients: string[];
  raw: string;
}

/** How the test server answers; a function returns an SMTP error code to refuse, or nothing to accept. */
interface Behaviour {
  rcpt?: (address: string) => number | undefined;
  data?: () => number | undefined;
}

const smtpReply = (responseCode: number) => Object.assign(new Error(`refused with ${responseCode}`), { responseCode });

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function smtpServer(behaviour: Behaviour = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      // smtp-server answers a failed login with 535.
      if (auth.username === 'mailer' && auth.password === 'pa55word') callback(null, { user: auth.username });
      else callback(new Error('Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      const code = behaviour.rcpt?.(address.address);
      callback(code ? smtpReply(code) : null);
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const code = behaviour.data?.();
        if (code) return callback(smtpReply(code));
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port, received };
}

function connection(port: number, overrides: Record<string, unknown> = {}): AuthValue {
  return {
    kind: 'custom',
    values: { host: '127.0.0.1', port, secure: false, username: 'mailer', password: 'pa55word', from: 'Acme Billing <billing@acme.example>', ...overrides },
  };
}

// Loopback is private: the platform would mark a test or on-premise connection this way.
const privateAllowed = { metadata: { allowPrivateNetwork: true } };

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

const message = { to: 'ada@example.com', subject: 'Invoice 1042', text: 'Your invoice is attached.' };

describe('email connector: send over real SMTP', () => {
  it('delivers to to, cc and bcc with text, html and attachments', async () => {
    const smtp = await smtpServer();
    const result = await runAction(
      send,
      {
        to: ['Ada Lovelace <ada@example.com>', 'grace@example.com'],
        cc: 'ops@example.com',
        bcc: ['audit@example.com'],
        subject: 'Invoice 1042 — ünïcode',
        text: 'Your invoice is attached.',
        html: '<p>Your invoice is <b>attached</b>.</p>',
        attachments: [
          { filename: 'invoice-1042.pdf', contentBase64: Buffer.from('%PDF-1.7 fake').toString('base64'), contentType: 'application/pdf' },
          { filename: 'lines.csv', content: 'sku,qty\nA-1,2\n' },
        ],
      },
      { auth: connection(smtp.port), idempotencyKey: 'run_7:sendInvoice', ...privateAllowed },
    );

    expect(result).toEqual({
      messageId: messageIdFor('run_7:sendInvoice', 'billing@acme.example'),
      accepted: ['ada@example.com', 'grace@example.com', 'ops@example.com', 'audit@example.com'],
      rejected: [],
    });
    const [mail] = smtp.received;
    expect(mail?.from).toBe('billing@acme.example');
    expect(mail?.recipients).toEqual(['ada@example.com', 'grace@example.com', 'ops@example.com', 'audit@example.com']);
    expect(mail?.raw).toContain('From: Acme Billing <billing@acme.example>');
    expect(mail?.raw).toContain('Cc: ops@example.com');
    expect(mail?.raw).not.toContain('audit@example.com');
    expect(mail?.raw).toContain(`Message-ID: ${messageIdFor('run_7:sendInvoice', 'billing@acme.example')}`);
    expect(mail?.raw).toMatch(/filename=invoice-1042\.pdf/);
    expect(mail?.raw).toContain(Buffer.from('%PDF-1.7 fake').toString('base64'));
    expect(mail?.raw).toMatch(/filename=lines\.csv/);
  });

  it('uses the same Message-ID on a retry of the step', async () => {
    const smtp = await smtpServer();
    const options = { auth: connection(smtp.port), idempotencyKey: 'run_8:notify', ...privateAllowed };
    const first = (await runAction(send, message, options)) as { messageId: string };
    const second = (await runAction(send, message, options)) as { messageId: string };
    const other = (await runAction(send, message, { ...options, idempotencyKey: 'run_9:notify' })) as { messageId: string };
    expect(second.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
  });

  it('reports recipients the server refused while sending to the others', async () => {
    const smtp = await smtpServer({ rcpt: (address) => (address === 'gone@example.com' ? 550 : undefined) });
    const result = await runAction(send, { ...message, to: ['ada@example.com', 'gone@example.com'] }, { auth: connection(smtp.port), ...privateAllowed });
    expect(result).toMatchObject({ accepted: ['ada@example.com'], rejected: ['gone@example.com'] });
  });

  it('a 4xx reply is retryable', async () => {
    const smtp = await smtpServer({ data: () => 451 });
    const error = await failure(runAction(send, message, { auth: connection(smtp.port), ...privateAllowed }));
    expect(error).toMatchObject({ kind: 'retryable', details: { smtpCode: 451 } });
  });

  it('a 5xx reply is permanent', async () => {
    const smtp = await smtpServer({ rcpt: () => 550 });
    const error = await failure(runAction(send, message, { auth: connection(smtp.port), ...privateAllowed }));
    expect(error).toMatchObject({ kind: 'permanent', details: { smtpCode: 550 } });
  });

  it('a refused login (535) asks for a reconnect', async () => {
    const smtp = await smtpServer();
    const error = await failure(runAction(send, message, { auth: connection(smtp.port, { password: 'wrong' }), ...privateAllowed }));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('535');
    expect(error.message).not.toContain('wrong');
  });

  it('no server at all is retryable', async () => {
    const smtp = await smtpServer();
    await cleanups.pop()?.();
    const error = await failure(runAction(send, message, { auth: connection(smtp.port), ...privateAllowed }));
    expect(error.kind).toBe('retryable');
  });

  it('refuses a loopback SMTP host unless the platform allowed private networks', async () => {
    const smtp = await smtpServer();
    const error = await failure(runAction(send, message, { auth: connection(smtp.port) }));
    expect(error).toMatchObject({ kind: 'permanent', message: expect.stringContaining('127.0.0.1 is not a public address') });
    const byName = await failure(runAction(send, message, { auth: connection(smtp.port, { host: 'localhost' }) }));
    expect(byName.kind).toBe('permanent');
    expect(smtp.received).toEqual([]);
  });

  it('caps attachments at 10 MB in total, before connecting', async () => {
    const smtp = await smtpServer();
    const half = Buffer.alloc(5.5 * 1024 * 1024, 1).toString('base64');
    const error = await failure(
      runAction(send, { ...message, attachments: [{ filename: 'a.bin', contentBase64: half }, { filename: 'b.bin', contentBase64: half }] }, { auth: connection(smtp.port), ...privateAllowed }),
    );
    expect(error).toMatchObject({ kind: 'permanent', message: 'Attachments total 11.0 MB; the limit is 10.0 MB. Send a link to large files instead.' });
    expect(smtp.received).toEqual([]);
  });

  it('asks for a reconnect when the connection lacks SMTP settings', async () => {
    expect((await failure(runAction(send, message, { auth: null }))).kind).toBe('auth');
    const error = await failure(runAction(send, message, { auth: { kind: 'custom', values: { host: 'smtp.example.com', from: 'not an address' } } }));
    expect(error).toMatchObject({ kind: 'auth', message: expect.stringContaining('from') });
  });

  describe('props', () => {
    it('validate addresses, bodies and attachments', () => {
      const props = send.props;
      expect(props.safeParse({ ...message, to: 'not-an-address' }).success).toBe(false);
      expect(props.safeParse({ ...message, cc: ['ok@example.com', 'bad@'] }).success).toBe(false);
      expect(props.safeParse({ to: 'a@example.com', subject: 'no body' }).success).toBe(false);
      expect(props.safeParse({ ...message, attachments: [{ filename: 'x.txt' }] }).success).toBe(false);
      expect(props.safeParse({ ...message, attachments: [{ filename: 'x.txt', content: 'a', contentBase64: 'YQ==' }] }).success).toBe(false);
      expect(props.safeParse({ ...message, attachments: [{ filename: 'x.bin', contentBase64: 'not base64!' }] }).success).toBe(false);
      expect(props.safeParse({ ...message, html: '<p>x</p>', to: ['"Lovelace, Ada" <ada@example.com>'] }).success).toBe(true);
    });

    it('read the mailbox out of display-name addresses', () => {
      expect(mailboxAddress('Ada <ada@example.com>')).toBe('ada@example.com');
      expect(mailboxAddress(' ada@example.com ')).toBe('ada@example.com');
      expect(mailboxAddress('ada@example.com, bob@example.com')).toBeUndefined();
    });
  });

  it('has a manifest with the SMTP fields as a form', () => {
    const manifest = connectorManifest(email);
    expect(manifest.auth).toMatchObject([{ kind: 'custom', fields: { properties: { host: {}, port: { default: 587 }, secure: { type: 'boolean' }, from: {} } } }]);
    expect(manifest.actions[0]?.props).toMatchObject({ properties: { attachments: { type: 'array' } } });
  });
});

describe('email connector: connection test', () => {
  it('connects and logs in without sending anything', async () => {
    const smtp = await smtpServer();
    expect(email.test).toBe(testEmailConnection);
    const result = await testEmailConnection(connectionTestContext({ auth: connection(smtp.port), ...privateAllowed }));
    expect(result).toEqual({ ok: true, detail: `127.0.0.1:${smtp.port} accepted the connection and the login of mailer.` });
    expect(smtp.received).toEqual([]);
  });

  it('reports a refused login, a closed port and a private host without permission', async () => {
    const smtp = await smtpServer();
    const login = await testEmailConnection(connectionTestContext({ auth: connection(smtp.port, { password: 'wrong' }), ...privateAllowed }));
    expect(login).toMatchObject({ ok: false, refused: true, message: expect.stringMatching(/^The SMTP server check failed: .*535/) });
    const closed = await testEmailConnection(connectionTestContext({ auth: connection(1), ...privateAllowed }));
    expect(closed).toMatchObject({ ok: false, message: expect.stringMatching(/ECONNREFUSED|connect/i) });
    const refused = await testEmailConnection(connectionTestContext({ auth: connection(smtp.port) }));
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('not a public address') });
    expect(await testEmailConnection(connectionTestContext({ auth: null }))).toMatchObject({ ok: false, message: expect.stringContaining('no SMTP settings') });
  });
});
