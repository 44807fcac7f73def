import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { documentRoute } from '../../http/index.ts';
import { parseInput } from '../../http/index.ts';
import type { ConversationStore } from '../conversation-store.ts';
import { callerOf, ownConversation } from '../workspace-caller.ts';
import { exportFileName, toJson, toMarkdown } from './conversation-export.ts';
import { toPdf } from './pdf-export.ts';

const ExportQuery = z.strictObject({ format: z.enum(['md', 'json', 'pdf']).default('md') });

documentRoute('GET /api/conversations/:id/export', { summary: 'The current branch as a Markdown, JSON or PDF file (attachment).', query: ExportQuery });

const TYPES = { md: 'text/markdown; charset=utf-8', json: 'application/json; charset=utf-8', pdf: 'application/pdf' } as const;

/** GET /conversations/:id/export?format=md|json|pdf: the branch that ends at the current leaf. */
export async function exportRoutes(app: FastifyInstance, deps: { conversations: ConversationStore }): Promise<void> {
  app.get('/conversations/:id/export', async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const { format } = parseInput(ExportQuery, req.query, 'query');
    const c = await ownConversation(deps.conversations, callerOf(req), req.params.id, 'conversations.read');
    const messages = c.current_leaf_id === null ? [] : await deps.conversations.branch(c.id, c.current_leaf_id);
    const doc = { conversation: c, messages };
    reply
      .header('content-type', TYPES[format])
      .header('content-disposition', `attachment; filename="${exportFileName(c.title, format)}"`)
      .header('cache-control', 'no-store');
    if (format === 'pdf') return reply.send(toPdf(doc));
    return reply.send(format === 'md' ? toMarkdown(doc) : toJson(doc));
  });
}
