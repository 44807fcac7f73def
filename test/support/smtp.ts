import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the test SMTP server accepted. */
export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), lowercased. */
  to: string[];
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** The From header as written, e.g. `Tollgate <tollgate@localhost>`. */
  fromHeader: string;
  subject: string;
  text: string;
  /** The whole message as received. */
  raw: string;
}

export interface TestSmtp {
  /** `smtp://user:pass@127.0.0.1:PORT`: pass as TOLLGATE_SMTP_URL. */
  url: string;
  /** Every message received so far, oldest first. */
  messages: ReceivedMail[];
  /** Resolves with the first message (already received or arriving within `timeoutMs`) sent to `to`. */
  waitFor(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Credentials the server demands (AUTH PLAIN/LOGIN without TLS). Default: tollgate / smtp-test-password. */
  user?: string;
  pass?: string;
}

/**
 * A real SMTP server (the `smtp-server` package) on a loopback port, in this process. Messages are
 * parsed with `mailparser`. STARTTLS is off, so a client connects in plain text on loopback.
 * @example
 * const smtp = await startSmtpServer();
 * const gw = await startGateway({ env: { TOLLGATE_SMTP_URL: smtp.url } });
 * const mail = await smtp.waitFor('ana@example.com');
 */
export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const user = options.user ?? 'tollgate';
  const pass = options.pass ?? 'smtp-test-password';
  const messages: ReceivedMail[] = [];
  const waiters: { to: string; resolve: (m: ReceivedMail) => void }[] = [];

  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) callback(null, { user });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            const mail: ReceivedMail = {
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              fromHeader: headerText(parsed.from),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              raw,
            };
            messages.push(mail);
            for (const w of [...waiters]) {
              if (mail.to.includes(w.to)) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve(mail);
              }
            }
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    messages,
    waitFor(to, timeoutMs = 10_000) {
      const address = to.toLowerCase();
      const found = messages.find((m) => m.to.includes(address));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { to: address, resolve: (m: ReceivedMail) => (clearTimeout(timer), resolve(m)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no mail to ${address} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function headerText(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return '';
  return Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text;
}
