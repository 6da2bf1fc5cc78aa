export { createMailer, MailSendError, type Mailer, type MailerConfig, type OutgoingMail } from './mailer.ts';
export { startMailCatcher, type CaughtMail, type MailCatcher, type MailCatcherOptions } from './mail-catcher.ts';
