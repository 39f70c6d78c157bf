import { loadPeer } from '../kernel/peer-require';
import type { AlertMessage } from './alert.interface';
import type { AlertChannel } from './alert-channel.interface';
import { mailHtml, mailSubject, mailText } from './alert-format';

/** What {@link EmailChannel} needs of a nodemailer transporter. */
export interface MailTransport {
  sendMail(mail: {
    from: string;
    to: string | string[];
    subject: string;
    text: string;
    html: string;
  }): Promise<unknown>;
  close?(): void;
}

/** Options of {@link EmailChannel}. */
export interface EmailChannelOptions {
  /** An SMTP URL for nodemailer (`smtps://user:pass@smtp.example.com`). Or give `transport`. */
  smtpUrl?: string;
  /** A nodemailer transporter of your own. */
  transport?: MailTransport;
  /** Recipients. */
  to: string | string[];
  /** @default 'Faultline <faultline@localhost>' */
  from?: string;
  /** Put before every subject. @default '' */
  subjectPrefix?: string;
  /** @default 'email' */
  name?: string;
}

/**
 * Sends alerts by e-mail over SMTP (nodemailer): a one-line subject that cannot inject headers,
 * a text body and an HTML body with every value escaped.
 *
 * @example
 * ErrorHandlingModule.forRoot({
 *   alerts: { email: { smtpUrl: process.env.SMTP_URL, to: 'oncall@example.com' } },
 * })
 */
export class EmailChannel implements AlertChannel {
  readonly name: string;
  private readonly transport: MailTransport;

  constructor(private readonly options: EmailChannelOptions) {
    this.name = options.name ?? 'email';
    this.transport = options.transport ?? smtpTransport(options.smtpUrl ?? '');
  }

  async send(message: AlertMessage, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await this.transport.sendMail({
      from: this.options.from ?? 'Faultline <faultline@localhost>',
      to: this.options.to,
      subject: mailSubject(message, this.options.subjectPrefix ?? ''),
      text: mailText(message),
      html: mailHtml(message),
    });
  }

  async close(): Promise<void> {
    // A transporter handed in belongs to the application.
    if (!this.options.transport) this.transport.close?.();
  }
}

function smtpTransport(url: string): MailTransport {
  // Optional peer dependency: loaded only when e-mail alerts are configured.
  const nodemailer = loadPeer<typeof import('nodemailer')>(
    'nodemailer',
    'alerts.email.smtpUrl',
    'pass alerts.email.transport',
  );
  return nodemailer.createTransport({
    url,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10_000,
  }) as unknown as MailTransport;
}
