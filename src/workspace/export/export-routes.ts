import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../../http/routes/index.ts';
import { IdPath } from '../conversation-input.ts';
import type { ConversationStore } from '../conversation-store.ts';
import { callerOf, ownConversation } from '../workspace-caller.ts';
import { exportFileName, toJson, toMarkdown } from './conversation-export.ts';
import { toPdf } from './pdf-export.ts';

const ExportQuery = z.strictObject({ format: z.enum(['md', 'json', 'pdf'], { error: "expected 'md', 'json' or 'pdf'" }).default('md') });

const TYPES = { md: 'text/markdown; charset=utf-8', json: 'application/json; charset=utf-8', pdf: 'application/pdf' } as const;

/** GET /api/conversations/:id/export?format=md|json|pdf: the branch that ends at the current leaf, as a file. */
export function exportRoutes(deps: { conversations: ConversationStore }): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/conversations/:id/export',
      permission: 'conversations.read',
      summary: 'The current branch as a file (attachment): Markdown (text/markdown, the default), JSON (format=json: application/json) or PDF (format=pdf: application/pdf).',
      params: IdPath,
      query: ExportQuery,
      produces: 'text/markdown',
      handler: async ({ params, query, req, reply }) => {
        const { format } = query;
        const c = await ownConversation(deps.conversations, callerOf(req), params.id, 'conversations.read');
        const messages = c.current_leaf_id === null ? [] : await deps.conversations.branch(c.id, c.current_leaf_id);
        const doc = { conversation: c, messages };
        reply
          .header('content-type', TYPES[format])
          .header('content-disposition', `attachment; filename="${exportFileName(c.title, format)}"`)
          .header('cache-control', 'no-store');
        return reply.send(format === 'pdf' ? toPdf(doc) : format === 'md' ? toMarkdown(doc) : toJson(doc));
      },
    }),
  ];
}
