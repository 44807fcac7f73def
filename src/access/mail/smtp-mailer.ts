import { createTransport } from 'nodemailer';
import type { Mailer, MailMessage } from './mailer.ts';

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  url: string;
  /** The From header, e.g. `Tollgate <tollgate@example.com>`. */
  from: string;
  /** Milliseconds to wait for a connection, the greeting, and between socket reads. Default 10 s. */
  timeoutMs?: number;
}

/**
 * A {@link Mailer} that sends plain-text mail over SMTP with nodemailer. One connection per
 * message (mail is rare: invitations, password resets); `close` waits for messages in flight.
 * The URL's credentials stay inside nodemailer: they are never logged or put into errors.
 * @example
 * const mailer = createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom });
 * await mailer.send({ to: 'ana@example.com', subject: 'Hello', text: 'Hi Ana' });
 */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const timeout = options.timeoutMs ?? 10_000;
  const transport = createTransport(
    { url: options.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout * 3, logger: false },
    { from: options.from },
  );
  const inFlight = new Set<Promise<unknown>>();

  return {
    async send(message: MailMessage): Promise<void> {
      const sending = transport.sendMail({ to: message.to, subject: message.subject, text: message.text });
      inFlight.add(sending);
      try {
        await sending;
      } catch (err) {
        throw new Error(`mail to ${message.to} could not be sent: ${describe(err)}`);
      } finally {
        inFlight.delete(sending);
      }
    },
    async close(): Promise<void> {
      await Promise.allSettled([...inFlight]);
      transport.close();
    },
  };
}

/** The SMTP error's code and response, without the stack or the transport's options (which hold the password). */
function describe(err: unknown): string {
  const e = err as { code?: unknown; response?: unknown; message?: unknown };
  const parts = [e.code, e.response ?? e.message].filter((p): p is string => typeof p === 'string');
  return parts.join(' ') || 'unknown error';
}
