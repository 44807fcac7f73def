import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../http/errors.ts';
import type { KeyService } from './key-service.ts';

const CreateKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  owner: z.string().trim().min(1).max(200).nullable().optional(),
  role: z.enum(['admin', 'user']).optional(),
  allowed_models: z.array(z.string().trim().min(1).max(200)).min(1).max(500).nullable().optional(),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
});

/** Admin API for keys: create (the secret is returned once), list, get, revoke. */
export async function keyRoutes(app: FastifyInstance, deps: { keys: KeyService; now?: () => number }): Promise<void> {
  const now = deps.now ?? Date.now;

  app.post('/keys', async (req, reply) => {
    const parsed = CreateKeyBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : 'body');
      throw errors.badRequest('invalid_parameter', `Invalid '${param}': ${issue.message}.`, param);
    }
    const b = parsed.data;
    const expiresAt = b.expires_at ? Date.parse(b.expires_at) : null;
    if (expiresAt !== null && expiresAt <= now()) {
      throw errors.badRequest('invalid_parameter', "Invalid 'expires_at': must be in the future.", 'expires_at');
    }
    const { key, secret } = await deps.keys.create({
      name: b.name,
      owner: b.owner,
      role: b.role,
      allowedModels: b.allowed_models,
      expiresAt,
    });
    return reply.code(201).send({ ...key, key: secret });
  });

  app.get('/keys', async () => ({ object: 'list', data: await deps.keys.list() }));

  app.get<{ Params: { id: string } }>('/keys/:id', async (req) => {
    const key = await deps.keys.get(req.params.id);
    if (!key) throw errors.notFound('key_not_found', `No key with id '${req.params.id}'.`, 'id');
    return key;
  });

  app.delete<{ Params: { id: string } }>('/keys/:id', async (req) => {
    const key = await deps.keys.revoke(req.params.id);
    if (!key) throw errors.notFound('key_not_found', `No key with id '${req.params.id}'.`, 'id');
    return key;
  });
}
