import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Directory } from '../../access/index.ts';
import { changeContextOf } from '../../access/index.ts';
import type { Action } from '../../access/index.ts';
import { authorize } from '../../access/index.ts';
import { seesAnything, visibility } from '../../access/index.ts';
import { errors } from '../../http/index.ts';
import { documentRoute } from '../../http/index.ts';
import { parseInput } from '../../http/index.ts';
import { callerOf, type WorkspaceCaller } from '../workspace-caller.ts';
import { CreateTemplateBody, ListTemplatesQuery, RenderBody, UpdateTemplateBody, type TemplateVariable } from './template-input.ts';
import { checkTemplateVariables, renderTemplate } from './template-render.ts';
import { templateView, type TemplateRow, type TemplateStore } from './template-store.ts';

documentRoute('GET /api/templates', { summary: 'Your personal templates and those shared with your teams, by name.', query: ListTemplatesQuery });
documentRoute('POST /api/templates', { summary: 'Create a personal template, or (as its admin) a team template; every {{variable}} in the content must be declared.', body: CreateTemplateBody });
documentRoute('GET /api/templates/:id', { summary: 'One template.' });
documentRoute('PATCH /api/templates/:id', { summary: "Change a template's name, category, content or variables.", body: UpdateTemplateBody });
documentRoute('DELETE /api/templates/:id', { summary: 'Delete a template.' });
documentRoute('POST /api/templates/:id/render', { summary: 'Fill the template\'s {{variables}}; an unknown, missing or invalid value is 400 naming the variable.', body: RenderBody });

export interface TemplateRouteDeps {
  templates: TemplateStore;
  directory: Pick<Directory, 'getTeam'>;
}

type ById = FastifyRequest<{ Params: { id: string } }>;

/** /api/templates: a prompt library, personal or shared with a team (read by its members, written by its admins). */
export async function templateRoutes(app: FastifyInstance, deps: TemplateRouteDeps): Promise<void> {
  const { templates } = deps;

  /** The template, if the caller may do `action` to it; a personal template of someone else is 404. */
  const load = async (req: ById, action: Action): Promise<{ caller: WorkspaceCaller; template: TemplateRow }> => {
    const caller = callerOf(req);
    const t = await templates.get(req.params.id);
    if (!t || t.org_id !== caller.orgId || (t.team_id === null && t.user_id !== caller.userId)) {
      throw errors.notFound('template_not_found', `No template with id '${req.params.id.slice(0, 100)}'.`, 'id');
    }
    authorize(caller.actor, action, t.team_id === null ? { orgId: t.org_id, teamId: null, ownerUserId: t.user_id } : { orgId: t.org_id, teamId: t.team_id });
    return { caller, template: t };
  };

  app.get('/templates', async (req) => {
    const q = parseInput(ListTemplatesQuery, req.query, 'query');
    const caller = callerOf(req);
    const v = visibility(caller.actor, 'templates.read');
    if (!seesAnything(v)) throw errors.forbidden('permission_denied', "You do not have permission to perform 'templates.read'.");
    const rows = await templates.list(caller, v, q.category);
    return { object: 'list', data: rows.map(templateView), next_cursor: null };
  });

  app.post('/templates', async (req, reply) => {
    const b = parseInput(CreateTemplateBody, req.body);
    const caller = callerOf(req);
    let teamId: string | null = null;
    if (b.scope === 'team') {
      if (b.team_id === undefined) throw errors.badRequest('invalid_parameter', "Invalid 'team_id': a team template names its team.", 'team_id');
      const team = await deps.directory.getTeam(b.team_id);
      if (!team || team.org_id !== caller.orgId) throw errors.notFound('team_not_found', `No team with id '${b.team_id}'.`, 'team_id');
      teamId = team.id;
      authorize(caller.actor, 'templates.write', { orgId: caller.orgId, teamId });
    } else {
      if (b.team_id !== undefined) throw errors.badRequest('invalid_parameter', "Invalid 'team_id': a personal template belongs to no team (use scope 'team').", 'team_id');
      authorize(caller.actor, 'templates.write', { orgId: caller.orgId, teamId: null, ownerUserId: caller.userId });
    }
    checkTemplateVariables(b.content, b.variables);
    const row = await templates.create(caller, teamId, { name: b.name, category: b.category, content: b.content, variables: b.variables }, changeContextOf(req));
    return reply.code(201).send(templateView(row));
  });

  app.get('/templates/:id', async (req: ById) => templateView((await load(req, 'templates.read')).template));

  app.patch('/templates/:id', async (req: ById) => {
    const b = parseInput(UpdateTemplateBody, req.body);
    const { template } = await load(req, 'templates.write');
    const fields = {
      name: b.name ?? template.name,
      category: b.category ?? template.category,
      content: b.content ?? template.content,
      variables: b.variables ?? (JSON.parse(template.variables) as TemplateVariable[]),
    };
    checkTemplateVariables(fields.content, fields.variables);
    return templateView(await templates.update(template, fields, changeContextOf(req)));
  });

  app.delete('/templates/:id', async (req: ById) => {
    const { template } = await load(req, 'templates.write');
    await templates.delete(template, changeContextOf(req));
    return { id: template.id, object: 'template', deleted: true };
  });

  app.post('/templates/:id/render', async (req: ById) => {
    const b = parseInput(RenderBody, req.body);
    const { template } = await load(req, 'templates.read');
    return { content: renderTemplate(template.content, JSON.parse(template.variables) as TemplateVariable[], b.variables) };
  });
}
