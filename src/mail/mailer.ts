import { createTransport, type Transporter } from 'nodemailer';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';

/** One e-mail: plain text, optionally with an HTML alternative. */
export interface MailMessage {
  /** A single recipient address. */
  to: string;
  subject: string;
  text: string;
  /** An HTML part beside `text` (multipart/alternative); its user text must be escaped. */
  html?: string;
}

/** Sends e-mail. Services depend on this, never on a transport, so tests can read the outbox. */
export interface Mailer {
  /** Resolves once the message is handed over (to the SMTP server, or to the outbox). */
  send(message: MailMessage): Promise<void>;
}

/** Options of {@link SmtpMailer}. */
export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`. */
  url: string;
  /** The `From` header, e.g. `Carebot <no-reply@example.com>`. */
  from: string;
}

/**
 * Sends through an SMTP server with nodemailer, one connection per message.
 *
 * The connection URL carries credentials: errors are passed on, but neither the URL nor the
 * message is logged here.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(options: SmtpMailerOptions) {
    this.transport = createTransport(
      {
        url: options.url,
        // a mail is sent while a request waits (e.g. requestPasswordReset): fail in seconds,
        // not after nodemailer's default minutes; `?connectionTimeout=` in the URL still wins
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      },
      { from: options.from },
    );
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html === undefined ? {} : { html: message.html }),
    });
  }

  /** Closes pooled connections, if the URL asked for a pool (`?pool=true`). */
  close(): void {
    this.transport.close();
  }
}

/** How many messages {@link OutboxMailer} keeps; older ones are dropped first. */
export const OUTBOX_CAPACITY = 1_000;

/**
 * Keeps e-mail in memory instead of sending it: the default in development and tests, where
 * tests read reset links from {@link OutboxMailer.lastTo}.
 *
 * With a logger (development) every message is also logged in full, so a developer can follow
 * the reset link from the console. Never give it a logger in production: the text holds tokens.
 */
export class OutboxMailer implements Mailer {
  /** Sent messages, oldest first, at most {@link OUTBOX_CAPACITY}. */
  readonly outbox: MailMessage[] = [];

  constructor(private readonly logger?: Logger) {}

  async send(message: MailMessage): Promise<void> {
    // a copy, so a caller mutating its object cannot rewrite what was "sent"
    const { to, subject, text, html } = message;
    this.outbox.push({ to, subject, text, ...(html === undefined ? {} : { html }) });
    if (this.outbox.length > OUTBOX_CAPACITY) {
      this.outbox.splice(0, this.outbox.length - OUTBOX_CAPACITY);
    }
    this.logger?.info({ to, subject, text }, 'mail (dev outbox)');
  }

  /** The latest message to `email` (compared case-insensitively), if any is still kept. */
  lastTo(email: string): MailMessage | undefined {
    const wanted = email.toLowerCase();
    return this.outbox.findLast((message) => message.to.toLowerCase() === wanted);
  }
}

/**
 * The mailer a configuration asks for: SMTP when `SMTP_URL` is set, otherwise the outbox
 * (logging each message only in development).
 */
export function createMailer(
  config: Pick<Config, 'env' | 'smtpUrl' | 'mailFrom'>,
  logger: Logger,
): Mailer {
  if (config.smtpUrl !== undefined) {
    return new SmtpMailer({ url: config.smtpUrl, from: config.mailFrom });
  }
  if (config.env === 'production') {
    logger.warn('SMTP_URL is not set: e-mail (password resets, invitations) is never delivered');
  }
  return new OutboxMailer(config.env === 'development' ? logger : undefined);
}
