import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accessOf, ACCOUNT, authorize, changeContextOf, loadUser, SELF, type UserRow } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { exportArchive } from './export-archive.ts';
import { erasePerson, exportPersonData, type PrivacyDeps } from './privacy-service.ts';

const IdParams = z.strictObject({ id: z.string().min(1).max(100) });
const ExportQuery = z.strictObject({
  format: z.enum(['json', 'zip'], { error: "expected 'json' or 'zip'" }).default('json').describe('json: one document (the default); zip: the same as files, one per conversation, usage and audit as JSON lines'),
});
const EraseBody = z.strictObject({ confirm: z.string().min(1).max(100).describe("The id of the user to erase, repeated: erasure cannot be undone") });

const ExportSchema = z.strictObject({
  object: z.literal('data_export'),
  format_version: z.literal(1),
  generated_at: z.string(),
  user: z.record(z.string(), z.unknown()),
  conversations: z.array(z.unknown()),
  templates: z.array(z.unknown()),
  usage: z.array(z.unknown()),
  audit: z.array(z.unknown()),
  truncated: z.boolean().describe('More than 100,000 ledger rows or audit records: the newest are included'),
});

const ErasureSchema = z.strictObject({
  object: z.literal('erasure'),
  user_id: z.string(),
  pseudonym: z.string().describe('What ledger rows and audit records name instead of the person from now on'),
  data_key_destroyed: z.boolean(),
  conversations_deleted: z.number().int(),
  templates_deleted: z.number().int(),
  usage_rows_pseudonymized: z.number().int(),
  audit_records_redacted: z.number().int(),
  keys_revoked: z.number().int(),
});

/**
 * Privacy requests (docs/compliance.md): a person's data export and erasure, for themselves
 * (`/api/me/…`) and for owners about the users of their organization (`/api/users/:id/…`).
 * @example routes.push(...privacyRoutes(deps));
 */
export function privacyRoutes(deps: PrivacyDeps): AnyRoute[] {
  const self = async (req: FastifyRequest, what: string): Promise<UserRow> => {
    const { actor, principal, via } = accessOf(req);
    // A service key acts for a team, not a person: there is no one to export or erase.
    if (via === 'key' && !principal?.userId) throw fail('permission_denied', { what });
    const user = await deps.directory.getUser(actor.userId);
    if (!user) throw fail('permission_denied', { what });
    return user;
  };
  const member = async (req: FastifyRequest, id: string): Promise<UserRow> => {
    const { actor } = accessOf(req);
    const user = await loadUser(deps.directory, actor, id);
    authorize(actor, 'users.manage', { orgId: user.org_id });
    return user;
  };
  const confirmed = (user: UserRow, confirm: string) => {
    if (confirm !== user.id) throw fail('invalid_parameter', { param: 'confirm', reason: `repeat the id of the user to erase ('${user.id}'): erasure cannot be undone` });
  };
  const sendExport = async (req: FastifyRequest, reply: FastifyReply, user: UserRow, format: 'json' | 'zip') => {
    const doc = await exportPersonData(deps, user, changeContextOf(req));
    reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="tollgate-data-${user.id}.${format}"`);
    return format === 'zip' ? reply.header('content-type', 'application/zip').send(Buffer.from(exportArchive(doc))) : doc;
  };
  const erasure = async (req: FastifyRequest, user: UserRow) => ({ object: 'erasure' as const, user_id: user.id, ...(await erasePerson(deps, user, changeContextOf(req))) });

  return [
    defineRoute({
      method: 'GET',
      path: '/api/me/data-export',
      permission: SELF,
      summary: 'Everything Tollgate holds about you, as one JSON document or a ZIP archive (format=zip): profile, conversations, templates, usage and audit records about you.',
      query: ExportQuery,
      response: ExportSchema,
      handler: async ({ query, req, reply }) => sendExport(req, reply, await self(req, 'export the data of a person with a service key'), query.format),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/users/:id/data-export',
      permission: 'users.manage',
      summary: "A user's data export, JSON or ZIP (format=zip) (owners, for users of their organization).",
      params: IdParams,
      query: ExportQuery,
      response: ExportSchema,
      handler: async ({ params, query, req, reply }) => sendExport(req, reply, await member(req, params.id), query.format),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/me/erasure',
      permission: ACCOUNT,
      summary: 'Erase yourself: your content is destroyed, your usage and audit records are pseudonymized, your account is disabled. Cannot be undone.',
      body: EraseBody,
      response: ErasureSchema,
      handler: async ({ body, req }) => {
        const user = await self(req, 'erase a person with a service key');
        confirmed(user, body.confirm);
        return erasure(req, user);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/users/:id/erasure',
      permission: 'users.manage',
      summary: "Erase a user of your organization (owners): content destroyed, usage and audit records pseudonymized, account disabled. Cannot be undone.",
      params: IdParams,
      body: EraseBody,
      response: ErasureSchema,
      handler: async ({ params, body, req }) => {
        const user = await member(req, params.id);
        confirmed(user, body.confirm);
        return erasure(req, user);
      },
    }),
  ];
}
