import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { parseEmailAddress } from '../credentials/email-address.ts';
import { PUBLIC } from '../permissions/route-permissions.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { readSsoSettings } from './sso-settings.ts';

const LookupQuery = z.strictObject({ email: z.string().max(1000, { error: 'must be at most 1000 characters' }) });

const SsoLookupSchema = z.strictObject({
  object: z.literal('sso_lookup'),
  org_id: z.string(),
  org_name: z.string(),
  start_url: z.string().describe('The path that starts the sign-in (GET, in the browser)'),
});

/**
 * GET /api/auth/sso/lookup?email=: for a sign-in page's "Sign in with SSO" button. Answers the
 * organization whose SSO settings list the address's domain in `allowed_email_domains`, with the
 * URL that starts the sign-in; 404 `sso_not_found` otherwise. It tells only that a domain uses SSO
 * here (as any such sign-in page does), never whether an account exists.
 */
export function ssoLookupRoute(deps: AccessRouteDeps): AnyRoute {
  return defineRoute({
    method: 'GET',
    path: '/api/auth/sso/lookup',
    permission: PUBLIC,
    summary: "Which organization signs this email address in with single sign-on (by its SSO settings' allowed email domains), and where to start.",
    query: LookupQuery,
    response: SsoLookupSchema,
    handler: async ({ query }) => {
      const email = parseEmailAddress(query.email);
      const domain = email.slice(email.lastIndexOf('@') + 1);
      const orgs = await deps.store.db.selectFrom('orgs').select(['id', 'name', 'sso']).where('sso', 'is not', null).orderBy('created_at').execute();
      const org = orgs.find((o) => readSsoSettings(o.sso)?.allowed_email_domains?.includes(domain));
      if (!org) throw fail('sso_not_found', { domain });
      return { object: 'sso_lookup' as const, org_id: org.id, org_name: org.name, start_url: `/api/auth/sso/${org.id}/start` };
    },
  });
}
