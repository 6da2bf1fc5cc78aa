/**
 * The email connector: send a message through the tenant's own SMTP server with nodemailer. SMTP is not
 * HTTP, so this is the one first-party connector that cannot use the guarded fetch; smtp-host.ts applies
 * the egress rule to the SMTP host instead.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { ConnectorError, defineAction, defineConnector, z, type AuthValue, type ConnectionTestContext, type ConnectionTestResult } from '@conflux/connector-sdk';
import { resolveSmtpHost, SmtpHostRefused } from './smtp-host.ts';

export { resolveSmtpHost, smtpHostAllowed, SmtpHostRefused, type SmtpHostPolicy } from './smtp-host.ts';

/** Largest total attachment size, decoded; most providers refuse messages much beyond it. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** The mailbox address in `name@example.com` or `Name <name@example.com>`, or undefined if there is none. */
export function mailboxAddress(value: string): string | undefined {
  const match = /^\s*(?:.*?<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(value);
  const address = match?.[1] ?? match?.[2];
  return address && z.email().safeParse(address).success ? address : undefined;
}

const address = z
  .string()
  .trim()
  .max(512)
  .refine((value) => mailboxAddress(value) !== undefined, 'Use an email address: ada@example.com or "Ada Lovelace <ada@example.com>"');
const recipients = z.union([address, z.array(address).min(1).max(100)]);

const smtpFields = z.object({
  host: z.string().trim().min(1, 'Host is required').max(253).describe('SMTP server host name, e.g. smtp.example.com.'),
  port: z.number().int().min(1).max(65535).default(587).describe('SMTP port: 587 for STARTTLS, 465 for TLS.'),
  secure: z.boolean().default(false).describe('TLS from the first byte (usually port 465). When off, STARTTLS is used if the server offers it.'),
  username: z.string().max(1024).optional().describe('SMTP user name; leave empty for servers that need no login.'),
  password: z.string().max(8192).optional().describe('SMTP password or app password.'),
  from: address.describe('Sender of every message, e.g. "Acme Billing <billing@acme.example>".'),
});

/** The SMTP settings of an email connection. */
export type SmtpSettings = z.output<typeof smtpFields>;

const attachment = z
  .object({
    filename: z.string().trim().min(1).max(255).describe('File name shown to the recipient, e.g. invoice-1042.pdf.'),
    contentBase64: z.base64().optional().describe('File content, base64-encoded (binary files such as a PDF from an earlier step).'),
    content: z.string().optional().describe('File content as text (e.g. a CSV built by an earlier step).'),
    contentType: z.string().trim().max(255).optional().describe('MIME type, e.g. application/pdf; guessed from the file name when empty.'),
  })
  .refine((file) => (file.contentBase64 === undefined) !== (file.content === undefined), 'Give the content either as contentBase64 or as content');

const sendProps = z
  .object({
    to: recipients.describe('Recipient address, or a list of addresses.'),
    cc: recipients.optional().describe('Copy recipients.'),
    bcc: recipients.optional().describe('Blind-copy recipients; not shown to the others.'),
    subject: z.string().max(998).describe('Subject line.'),
    text: z.string().optional().describe('Plain-text body.'),
    html: z.string().optional().describe('HTML body; shown instead of the text by clients that can.'),
    attachments: z.array(attachment).max(20).default([]).describe('Files to attach (10 MB in total), e.g. a report produced by an earlier step.'),
  })
  .refine((props) => props.text !== undefined || props.html !== undefined, { message: 'Give a text or an HTML body', path: ['text'] });

/** The props of the `send` action after parsing. */
export type SendProps = z.output<typeof sendProps>;

/** What `send` returns: the Message-ID and which recipients the server took. */
export interface SendResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

function smtpSettings(auth: AuthValue | null): SmtpSettings {
  if (auth?.kind !== 'custom') throw ConnectorError.auth('The email connection has no SMTP settings: reconnect it.');
  const parsed = smtpFields.safeParse(auth.values);
  if (!parsed.success) throw ConnectorError.auth(`The email connection’s SMTP settings are incomplete: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

// Connection metadata is kept by the platform beside the credentials; ActionContext does not carry it yet,
// so it is read defensively and its absence means "public hosts only".
function connectionMetadata(ctx: object): Record<string, unknown> {
  const metadata = (ctx as { connection?: { metadata?: unknown } }).connection?.metadata;
  return typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
}

function attachmentBytes(file: SendProps['attachments'][number]): Buffer {
  return file.contentBase64 !== undefined ? Buffer.from(file.contentBase64, 'base64') : Buffer.from(file.content ?? '', 'utf8');
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The same Message-ID on every retry and replay of a step: receiving systems that deduplicate by it drop
 * a second copy, and the run view shows one id for the message.
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = mailboxAddress(from)?.split('@')[1] ?? 'conflux.invalid';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

/** Classifies a nodemailer failure by its SMTP reply code. */
export function smtpError(error: unknown): ConnectorError {
  if (error instanceof SmtpHostRefused) return ConnectorError.permanent(error.message, { cause: error });
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  const reply = typeof responseCode === 'number' ? responseCode : undefined;
  const message = `Sending mail failed: ${(error as Error).message}`;
  const details = { smtpCode: reply, code: typeof code === 'string' ? code : undefined };
  // 4xx replies are temporary by definition, including 454 "temporary authentication failure".
  if (reply !== undefined && reply >= 400 && reply < 500) return ConnectorError.retryable(message, { cause: error, details });
  if (code === 'EAUTH' || reply === 530 || reply === 534 || reply === 535) return ConnectorError.auth(message, { cause: error });
  if (reply !== undefined && reply >= 500) return ConnectorError.permanent(message, { cause: error, details });
  // nodemailer refused the message itself (no recipients, bad address): sending it again changes nothing.
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return ConnectorError.permanent(message, { cause: error, details });
  // No reply at all: refused, timed out, dropped, TLS failed. Another attempt may find the server well.
  return ConnectorError.retryable(message, { cause: error, details });
}

/** A nodemailer transport to the checked address of the connection's SMTP server. */
async function smtpTransport(smtp: SmtpSettings, metadata: Record<string, unknown>): Promise<Transporter<SMTPTransport.SentMessageInfo>> {
  let address: string;
  try {
    address = await resolveSmtpHost(smtp.host, { allowPrivateNetwork: metadata.allowPrivateNetwork === true });
  } catch (error) {
    if (error instanceof SmtpHostRefused) throw smtpError(error);
    throw ConnectorError.retryable(`SMTP host ${smtp.host} could not be resolved: ${(error as Error).message}`, { cause: error });
  }
  return nodemailer.createTransport({
    // Connect to the address that was checked; TLS still verifies the certificate against the name.
    host: address,
    servername: isIP(smtp.host) ? undefined : smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.username ? { user: smtp.username, pass: smtp.password ?? '' } : undefined,
    // Fail fast instead of nodemailer's two-minute defaults: the engine retries a temporary failure.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    // Attachments are content only; nodemailer must never read a local file or fetch a URL for us.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

/**
 * "Test connection": connects, greets, upgrades to TLS when offered and logs in (nodemailer's `verify`),
 * without sending anything.
 */
export async function testEmailConnection(ctx: ConnectionTestContext): Promise<ConnectionTestResult> {
  let transport: Transporter | undefined;
  try {
    const smtp = smtpSettings(ctx.auth);
    transport = await smtpTransport(smtp, ctx.connection.metadata);
    await transport.verify();
    return { ok: true, detail: `${smtp.host}:${smtp.port} accepted the connection${smtp.username ? ` and the login of ${smtp.username}` : ''}.` };
  } catch (error) {
    const failure = error instanceof ConnectorError ? error : smtpError(error);
    return { ok: false, refused: failure.kind === 'auth', message: failure.message.replace(/^Sending mail failed: /, 'The SMTP server check failed: ') };
  } finally {
    transport?.close();
  }
}

const send = defineAction({
  name: 'Send an email',
  description: 'Sends an email with optional attachments through the connection’s SMTP server.',
  props: sendProps,
  sample: {
    messageId: '<3f9a1c0e7b2d4e8f9a0b1c2d3e4f5a6b@acme.example>',
    accepted: ['ada@example.com', 'grace@example.com'],
    rejected: [],
  } satisfies SendResult,
  async run(ctx): Promise<SendResult> {
    const smtp = smtpSettings(ctx.auth);
    const { props } = ctx;
    const files = props.attachments.map((file) => ({ filename: file.filename, content: attachmentBytes(file), contentType: file.contentType }));
    const total = files.reduce((sum, file) => sum + file.content.length, 0);
    if (total > MAX_ATTACHMENT_BYTES) {
      throw ConnectorError.permanent(`Attachments total ${megabytes(total)}; the limit is ${megabytes(MAX_ATTACHMENT_BYTES)}. Send a link to large files instead.`);
    }

    const transport = await smtpTransport(smtp, connectionMetadata(ctx));
    try {
      const info = await transport.sendMail({
        from: smtp.from,
        to: props.to,
        cc: props.cc,
        bcc: props.bcc,
        subject: props.subject,
        text: props.text,
        html: props.html,
        attachments: files,
        messageId: messageIdFor(ctx.idempotencyKey, smtp.from),
      });
      return { messageId: info.messageId, accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
    } catch (error) {
      throw smtpError(error);
    } finally {
      transport.close();
    }
  },
});

const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"><rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3.5 6.5 8.5 7 8.5-7"/></svg>';

export default defineConnector({
  id: 'email',
  name: 'Email (SMTP)',
  version: '0.1.0',
  description: 'Send email with attachments through your own SMTP server.',
  categories: ['communication'],
  icon,
  auth: [{ kind: 'custom', fields: smtpFields, label: 'SMTP server', help: 'The server, port and login your mail provider gives for sending (SMTP submission).' }],
  // Any public SMTP host. SMTP does not pass the HTTP egress guard; smtpHostAllowed applies its rule instead.
  egress: { hosts: ['*'] },
  actions: { send },
  triggers: {},
  test: testEmailConnection,
});
