import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Directory } from '../../access/index.ts';
import { loadTeam } from '../../access/index.ts';
import { changeContextOf } from '../../access/index.ts';
import type { Action } from '../../access/index.ts';
import { authorize } from '../../access/index.ts';
import { visibility } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/routes/index.ts';
import { IdPath } from '../conversation-input.ts';
import { callerOf, type WorkspaceCaller } from '../workspace-caller.ts';
import { CreateTemplateBody, ListTemplatesQuery, RenderBody, UpdateTemplateBody, type TemplateVariable } from './template-input.ts';
import { checkTemplateVariables, renderTemplate } from './template-render.ts';
import { TemplateView, templateView, type TemplateRow, type TemplateStore } from './template-store.ts';

export interface TemplateRouteDeps {
  templates: TemplateStore;
  /** Teams, to place a team template (a team of another organization is 404 `team_not_found`). */
  directory: Directory;
}

const TemplateList = z.object({ object: z.literal('list'), data: z.array(TemplateView), next_cursor: z.null() });
const Deleted = z.object({ id: z.string(), object: z.literal('template'), deleted: z.literal(true) });
const Rendered = z.object({ content: z.string() });

/**
 * /api/templates: a prompt library, personal or shared with a team (read by its members, written by
 * its admins). The routes' permission (templates.read/write) is checked before the handler runs.
 */
export function templateRoutes(deps: TemplateRouteDeps): AnyRoute[] {
  const { templates } = deps;

  /** The template, if the caller may do `action` to it; a personal template of someone else is 404. */
  const load = async (req: FastifyRequest, id: string, action: Action): Promise<{ caller: WorkspaceCaller; template: TemplateRow }> => {
    const caller = callerOf(req);
    const t = await templates.get(id);
    if (!t || t.org_id !== caller.orgId || (t.team_id === null && t.user_id !== caller.userId)) throw fail('template_not_found', { id });
    authorize(caller.actor, action, t.team_id === null ? { orgId: t.org_id, teamId: null, ownerUserId: t.user_id } : { orgId: t.org_id, teamId: t.team_id });
    return { caller, template: t };
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/api/templates',
      permission: 'templates.read',
      summary: 'Your personal templates and those shared with your teams, by name.',
      query: ListTemplatesQuery,
      response: TemplateList,
      handler: async ({ query: q, req }) => {
        const caller = callerOf(req);
        const rows = await templates.list(caller, visibility(caller.actor, 'templates.read'), q.category);
        return { object: 'list' as const, data: rows.map(templateView), next_cursor: null };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/templates',
      permission: 'templates.write',
      summary: 'Create a personal template, or (as its admin) a team template; every {{variable}} in the content must be declared.',
      body: CreateTemplateBody,
      response: TemplateView,
      status: 201,
      handler: async ({ body: b, req }) => {
        const caller = callerOf(req);
        let teamId: string | null = null;
        if (b.scope === 'team') {
          if (b.team_id === undefined) throw fail('invalid_parameter', { param: 'team_id', reason: 'a team template names its team' });
          teamId = (await loadTeam(deps.directory, caller.actor, b.team_id, 'team_id')).id;
          authorize(caller.actor, 'templates.write', { orgId: caller.orgId, teamId });
        } else {
          if (b.team_id !== undefined) throw fail('invalid_parameter', { param: 'team_id', reason: "a personal template belongs to no team (use scope 'team')" });
          authorize(caller.actor, 'templates.write', { orgId: caller.orgId, teamId: null, ownerUserId: caller.userId });
        }
        checkTemplateVariables(b.content, b.variables);
        return templateView(await templates.create(caller, teamId, { name: b.name, category: b.category, content: b.content, variables: b.variables }, changeContextOf(req)));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/templates/:id',
      permission: 'templates.read',
      summary: 'One template.',
      params: IdPath,
      response: TemplateView,
      handler: async ({ params, req }) => templateView((await load(req, params.id, 'templates.read')).template),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/templates/:id',
      permission: 'templates.write',
      summary: "Change a template's name, category, content or variables.",
      params: IdPath,
      body: UpdateTemplateBody,
      response: TemplateView,
      handler: async ({ params, body: b, req }) => {
        const { template } = await load(req, params.id, 'templates.write');
        const fields = {
          name: b.name ?? template.name,
          category: b.category ?? template.category,
          content: b.content ?? template.content,
          variables: b.variables ?? (JSON.parse(template.variables) as TemplateVariable[]),
        };
        checkTemplateVariables(fields.content, fields.variables);
        return templateView(await templates.update(template, fields, changeContextOf(req)));
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/templates/:id',
      permission: 'templates.write',
      summary: 'Delete a template.',
      params: IdPath,
      response: Deleted,
      handler: async ({ params, req }) => {
        const { template } = await load(req, params.id, 'templates.write');
        await templates.delete(template, changeContextOf(req));
        return { id: template.id, object: 'template' as const, deleted: true as const };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/templates/:id/render',
      permission: 'templates.read',
      summary: "Fill the template's {{variables}}; an unknown, missing or invalid value is 400 naming the variable.",
      params: IdPath,
      body: RenderBody,
      response: Rendered,
      handler: async ({ params, body: b, req }) => {
        const { template } = await load(req, params.id, 'templates.read');
        return { content: renderTemplate(template.content, JSON.parse(template.variables) as TemplateVariable[], b.variables) };
      },
    }),
  ];
}
