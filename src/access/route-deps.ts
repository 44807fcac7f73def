import type { Logger } from 'pino';
import type { OutboundFetch } from '../http/index.ts';
import type { Store } from '../state/index.ts';
import type { BackgroundTasks } from './background-tasks.ts';
import type { LoginThrottle } from './credentials/login-throttle.ts';
import type { Directory } from './directory/directory.ts';
import type { KeyService } from './key-service.ts';
import type { Mailer } from './mail/mailer.ts';
import type { SecureCookies } from './sessions/session-cookie.ts';
import type { SessionService } from './sessions/session-service.ts';

/** What the access routes (keys, sign-in, me, SSO, directory, invitations, audit) need. */
export interface AccessRouteDeps {
  store: Store;
  directory: Directory;
  keys: KeyService;
  sessions: SessionService;
  log: Logger;
  /** Undefined: no SMTP configured; links are returned to the admin who asked instead. */
  mailer: Mailer | undefined;
  /** Base of links in mail and of the SSO callback; undefined: derived from the request. */
  publicUrl: string | undefined;
  secureCookies: SecureCookies;
  /** The fetch for URLs a tenant sets (SSO issuers): no internal destinations (TOLLGATE_OUTBOUND_ALLOW_PRIVATE). */
  outbound: OutboundFetch;
  /** Work that outlives its request (password-reset mails); the server drains it before closing the store. */
  background: BackgroundTasks;
  /** Slows and locks repeated failed sign-ins; default a StoreLoginThrottle (shared by every instance on the same database). */
  loginThrottle?: LoginThrottle | undefined;
  now?: () => number;
}
