/**
 * Outgoing mail over SMTP. Production points SMTP_URL at a real relay; `pnpm start` points it at the local
 * mail catcher (plain SMTP on loopback).
 */
import nodemailer from 'nodemailer';

/** How to reach the SMTP server and who the mail is from. */
export interface MailerConfig {
  /** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://…` (TLS from the start); `?ignoreTLS=true` disables STARTTLS. */
  smtpUrl: string;
  /** Default sender, e.g. `Conflux <no-reply@example.com>`. */
  from: string;
}

/** One message to send; at least one of `text` and `html` should be given. */
export interface OutgoingMail {
  to: string | string[];
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
}

/** Sends mail through one SMTP server. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** A failed delivery; `temporary` says whether trying again later may succeed (4xx replies, network errors). */
export class MailSendError extends Error {
  override readonly name = 'MailSendError';
  readonly responseCode: number | undefined;
  readonly temporary: boolean;

  constructor(message: string, params: { responseCode?: number | undefined; temporary: boolean; cause: unknown }) {
    super(message, { cause: params.cause });
    this.responseCode = params.responseCode;
    this.temporary = params.temporary;
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Parses an SMTP URL into nodemailer's transport options. Exported for tests. */
export function smtpOptionsFromUrl(smtpUrl: string) {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error('SMTP URL is not a valid URL (expected smtp://user:pass@host:port)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP URL must start with smtp:// or smtps://, got ${url.protocol}//`);
  }
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // A local catcher speaks plain SMTP; there is nothing to encrypt on loopback.
  const ignoreTLS =
    url.searchParams.get('ignoreTLS') === 'true' || (!secure && LOOPBACK_HOSTS.has(url.hostname));
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  return {
    host,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ignoreTLS,
    auth: user ? { user, pass } : undefined,
    // Fail fast instead of nodemailer's two-minute defaults: a job retries a temporary failure anyway.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  };
}

/** Creates a mailer for `smtpUrl`; every call opens one SMTP connection (no pool to keep alive). */
export function createMailer(config: MailerConfig): Mailer {
  const transport = nodemailer.createTransport(smtpOptionsFromUrl(config.smtpUrl), { from: config.from });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
        });
        return { messageId: info.messageId };
      } catch (error) {
        const responseCode = (error as { responseCode?: unknown }).responseCode;
        const code = typeof responseCode === 'number' ? responseCode : undefined;
        // No SMTP reply at all (refused, timed out, dropped) is as temporary as a 4xx.
        const temporary = code === undefined || (code >= 400 && code < 500);
        throw new MailSendError(`Sending mail failed: ${(error as Error).message}`, {
          responseCode: code,
          temporary,
          cause: error,
        });
      }
    },
    close() {
      transport.close();
    },
  };
}
