import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TollgateError } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { sha256Hex } from '../credentials/constant-time.ts';
import type { OrgRow } from '../directory/directory.ts';
import { PUBLIC } from '../permissions/route-permissions.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { PathId } from '../route-schemas.ts';
import { presentedSessionToken, setSessionCookie } from '../sessions/session-cookie.ts';
import { ReturnTo } from './return-to.ts';
import type { SsoClients } from './sso-clients.ts';
import { bindBrowser, clearBrowserBinding, presentedBrowserValue } from './sso-cookie.ts';
import { provisionSsoUser, ssoActorId } from './sso-provisioning.ts';
import { requireRedirectUri } from './sso-redirect-uri.ts';
import { readSsoSettings, ssoNotConfigured, type SsoSettings } from './sso-settings.ts';
import { SsoStateStore } from './sso-state-store.ts';

const StartQuery = z.strictObject({ return_to: ReturnTo.optional() });

/**
 * What the identity provider sends back (OpenID Connect's authorization response). Not strict: a
 * provider may add its own parameters (`session_state`, …), and the whole query string is handed to
 * the OIDC client as received. `state` is checked by the state store, whatever its form.
 */
const CallbackQuery = z.looseObject({
  code: z.string().optional(),
  state: z.unknown().optional().describe('The state of the sign-in this answers (a string)'),
  iss: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

/**
 * GET /api/auth/sso/:orgId/start sends the browser to the organization's identity provider;
 * GET /api/auth/sso/callback completes the sign-in: checks the pending state and the browser
 * binding, verifies the IdP's answer, provisions the user, starts a session and redirects.
 */
export function ssoSignInRoutes(deps: AccessRouteDeps, clients: SsoClients): AnyRoute[] {
  const states = new SsoStateStore(deps.store, deps.now);

  return [
    defineRoute({
      method: 'GET',
      path: '/api/auth/sso/:orgId/start',
      permission: PUBLIC,
      summary: "Start a single sign-on: redirects the browser to the organization's identity provider (with return_to, a path on this site to come back to).",
      params: z.strictObject({ orgId: PathId }),
      query: StartQuery,
      status: 302,
      handler: async ({ params, query, req, reply }) => {
        const { org, settings } = await ssoOrg(deps, params.orgId);
        const redirectUri = requireRedirectUri(deps.publicUrl, 'sign-in');
        const { url, state, nonce, codeVerifier } = await (await clients.get(org.id, settings, redirectUri)).begin();
        const browser = bindBrowser(req, reply, deps.secureCookies);
        await states.save(state, { orgId: org.id, nonce, codeVerifier, redirectUri, returnTo: query.return_to ?? null, browserHash: sha256Hex(browser) });
        return reply.redirect(url, 302);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/auth/sso/callback',
      permission: PUBLIC,
      summary: "The identity provider's redirect back: completes the sign-in, sets the session cookie and redirects to return_to (or /).",
      query: CallbackQuery,
      status: 302,
      handler: async ({ query, req, reply }) => {
        const state = query.state;
        try {
          const pending = await states.take(state, presentedBrowserValue(req));
          const { org, settings } = await ssoOrg(deps, pending.orgId);
          const sso = await clients.get(org.id, settings, pending.redirectUri);
          const identity = await sso.complete(`${pending.redirectUri}${rawQuery(req)}`, { state: state as string, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
          const ctx = { actorId: ssoActorId(identity.issuer), orgId: org.id, requestId: req.id, ip: req.ip };
          const user = await provisionSsoUser(deps.directory, org, settings, identity, ctx);
          const { token } = await deps.sessions.start(user.id, { ip: req.ip, userAgent: req.headers['user-agent'], method: 'sso', replacing: presentedSessionToken(req) });
          setSessionCookie(req, reply, token, deps.secureCookies);
          clearBrowserBinding(reply);
          req.log.info({ orgId: org.id, userId: user.id }, 'sso sign-in');
          return reply.redirect(pending.returnTo ?? '/', 302);
        } catch (err) {
          if (err instanceof TollgateError && err.status < 500) req.log.info({ code: err.code }, 'sso sign-in refused');
          throw err;
        }
      },
    }),
  ];
}

async function ssoOrg(deps: AccessRouteDeps, orgId: string): Promise<{ org: OrgRow; settings: SsoSettings }> {
  const org = await deps.directory.getOrg(orgId);
  const settings = org ? readSsoSettings(org.sso) : null;
  if (!org || !settings) throw ssoNotConfigured();
  return { org, settings };
}

/** The callback's query string as the IdP sent it (`?code=…&state=…&iss=…`). */
function rawQuery(req: FastifyRequest): string {
  const at = req.url.indexOf('?');
  return at === -1 ? '' : req.url.slice(at);
}
