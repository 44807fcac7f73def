import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../http/errors.ts';
import { documentRoute } from '../../http/openapi/route-docs.ts';
import { parseInput } from '../../http/parse-input.ts';
import { parseEmailAddress } from '../credentials/email-address.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { readSsoSettings } from './sso-settings.ts';

const LookupQuery = z.strictObject({ email: z.string().max(1000) });

documentRoute('GET /api/auth/sso/lookup', {
  summary: "Which organization signs this email address in with single sign-on (by its SSO settings' allowed email domains), and where to start.",
  query: LookupQuery,
});

/**
 * GET /api/auth/sso/lookup?email=: for a sign-in page's "Sign in with SSO" button. Answers the
 * organization whose SSO settings list the address's domain in `allowed_email_domains`, with the
 * URL that starts the sign-in; 404 `sso_not_found` otherwise. It tells only that a domain uses SSO
 * here (as any such sign-in page does), never whether an account exists.
 */
export async function ssoLookupRoute(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  app.get('/auth/sso/lookup', async (req) => {
    const email = parseEmailAddress(parseInput(LookupQuery, req.query, 'query').email);
    const domain = email.slice(email.lastIndexOf('@') + 1);
    const orgs = await deps.store.db.selectFrom('orgs').select(['id', 'name', 'sso']).where('sso', 'is not', null).orderBy('created_at').execute();
    const org = orgs.find((o) => readSsoSettings(o.sso)?.allowed_email_domains?.includes(domain));
    if (!org) throw errors.notFound('sso_not_found', `No organization signs in '${domain}' addresses with single sign-on.`, 'email');
    return { object: 'sso_lookup', org_id: org.id, org_name: org.name, start_url: `/api/auth/sso/${org.id}/start` };
  });
}
