/**
 * A local SMTP server that accepts every message and hands it, parsed, to a callback. `pnpm start` runs it
 * when SMTP_URL is unset, so that sign-up and invitation mails can be read in the portal's dev mailbox.
 * It speaks real SMTP, so the apps send through the same code path as in production.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';

/** A message as the catcher received it. */
export interface CaughtMail {
  from: string;
  to: string;
  subject: string;
  text: string | null;
  html: string | null;
}

/** Options of the mail catcher. */
export interface MailCatcherOptions {
  /** Port to listen on; 0 lets the OS pick a free one. */
  port: number;
  host?: string;
  /** Stores or shows a message; if it throws, the sender gets a temporary 451 reply and keeps the message. */
  onMail: (mail: CaughtMail) => Promise<void>;
  /** Reports failures of `onMail` and connection errors (they never stop the server). */
  onError?: (error: Error) => void;
  /** Largest accepted message in bytes; 10 MB by default. */
  maxMessageBytes?: number;
}

/** A running mail catcher. */
export interface MailCatcher {
  port: number;
  /** SMTP URL to give senders, e.g. `smtp://127.0.0.1:2525?ignoreTLS=true`. */
  url: string;
  close(): Promise<void>;
}

const TEN_MEGABYTES = 10 * 1024 * 1024;

/** An error smtp-server turns into an SMTP reply with the given code. */
function smtpReply(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

// `Name <address>` without the header's quoting: this is for people reading a mailbox, not for replying.
function formatAddress(entry: EmailAddress): string[] {
  if (entry.group) return entry.group.flatMap(formatAddress);
  if (!entry.address) return entry.name ? [entry.name] : [];
  return [entry.name ? `${entry.name} <${entry.address}>` : entry.address];
}

function addressText(header: AddressObject | AddressObject[] | undefined): string {
  if (!header) return '';
  return (Array.isArray(header) ? header : [header]).flatMap((h) => h.value.flatMap(formatAddress)).join(', ');
}

function envelopeAddresses(session: SMTPServerSession): { from: string; to: string } {
  const { mailFrom, rcptTo } = session.envelope;
  return {
    from: mailFrom ? mailFrom.address : '',
    to: rcptTo.map((r) => r.address).join(', '),
  };
}

function urlHost(host: string): string {
  // A wildcard listener is reachable on loopback; IPv6 literals need brackets in a URL.
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the catcher and resolves once it listens. */
export async function startMailCatcher(options: MailCatcherOptions): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const maxBytes = options.maxMessageBytes ?? TEN_MEGABYTES;
  const reportError = options.onError ?? (() => undefined);

  async function deliver(raw: Buffer, session: SMTPServerSession): Promise<void> {
    let mail: CaughtMail;
    try {
      const parsed = await simpleParser(raw);
      const envelope = envelopeAddresses(session);
      mail = {
        from: addressText(parsed.from) || envelope.from,
        to: addressText(parsed.to) || envelope.to,
        subject: parsed.subject ?? '',
        text: parsed.text ?? null,
        html: typeof parsed.html === 'string' ? parsed.html : null,
      };
    } catch (error) {
      // The same bytes would fail again: a permanent rejection, not a retry loop.
      reportError(error as Error);
      throw smtpReply(554, 'Message could not be parsed');
    }
    try {
      await options.onMail(mail);
    } catch (error) {
      reportError(error as Error);
      throw smtpReply(451, 'Temporary failure storing the message, try again later');
    }
  }

  const server = new SMTPServer({
    authOptional: true,
    // Senders that carry credentials in their SMTP URL may authenticate; any credentials will do.
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    disabledCommands: ['STARTTLS'],
    size: maxBytes,
    rejectOversized: true,
    logger: false,
    banner: 'Conflux mail catcher',
    // Stop waiting for idle senders quickly when the launcher shuts down.
    closeTimeout: 3_000,
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // Keep draining an oversized message (the protocol needs it) without buffering it.
        if (bytes <= maxBytes) chunks.push(chunk);
      });
      stream.once('error', (error) => callback(error));
      stream.once('end', () => {
        if (stream.sizeExceeded || bytes > maxBytes) {
          callback(smtpReply(552, `Message exceeds the maximum size of ${maxBytes} bytes`));
          return;
        }
        deliver(Buffer.concat(chunks), session).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      });
    },
  });
  // smtp-server reports client-side failures (resets, timeouts) as server errors; they must not crash us.
  server.on('error', (error) => reportError(error));

  await new Promise<void>((resolve, reject) => {
    const onListenError = (error: Error) => reject(error);
    server.server.once('error', onListenError);
    server.listen(options.port, host, () => {
      server.server.off('error', onListenError);
      resolve();
    });
  });

  const { port } = server.server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `smtp://${urlHost(host)}:${port}?ignoreTLS=true`,
    close() {
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}
