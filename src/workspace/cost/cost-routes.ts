import { z } from 'zod';
import { accessOf } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/routes/index.ts';
import type { BudgetService } from '../../metering/budgets/index.ts';
import type { PriceCatalog } from '../../metering/prices/index.ts';
import { EstimateBody } from '../conversation-input.ts';
import type { ConversationStore, MessageRow } from '../conversation-store.ts';
import { callerOf, ownConversation } from '../workspace-caller.ts';
import { estimateTurn, TurnEstimate } from './cost-estimate.ts';
import { CatalogModel, chatModels } from './model-catalog.ts';

export interface CostRouteDeps {
  conversations: ConversationStore;
  catalog: PriceCatalog;
  budgets: BudgetService;
}

const ModelCatalog = z.object({ object: z.literal('list'), data: z.array(CatalogModel) });

/** Cost in view: the estimate before sending, and the model catalog the model switch shows. */
export function costRoutes(deps: CostRouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/conversations/estimate',
      permission: 'conversations.read',
      summary: 'What sending a draft would cost: prompt tokens as the gateway counts them (history included), the expected reply, its price and your tightest budget.',
      body: EstimateBody,
      response: TurnEstimate,
      handler: async ({ body: b, req }) => {
        const caller = callerOf(req);
        let history: MessageRow[] = [];
        let replies: MessageRow[] = [];
        if (b.conversation_id !== undefined) {
          const c = await ownConversation(deps.conversations, caller, b.conversation_id, 'conversations.read');
          const leaf = b.parent_id === undefined ? c.current_leaf_id : b.parent_id;
          if (leaf !== null) {
            history = await deps.conversations.branch(c.id, leaf);
            if (history.length === 0) throw fail('invalid_parameter', { param: 'parent_id', reason: `this conversation has no message '${leaf}'` });
          }
          replies = history.filter((m) => m.role === 'assistant');
        } else if (b.parent_id) {
          throw fail('invalid_parameter', { param: 'parent_id', reason: "it needs a 'conversation_id'" });
        }
        return estimateTurn(deps, { caller, model: b.model, history, draft: b.content, replies });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/models/catalog',
      permission: 'conversations.read',
      summary: 'Chat models you may use, with prices per 1M tokens, context window, output limit and capabilities.',
      response: ModelCatalog,
      handler: ({ req }) => {
        callerOf(req);
        const allowed = accessOf(req).principal?.allowedModels ?? null;
        return { object: 'list' as const, data: chatModels(deps.catalog, allowed) };
      },
    }),
  ];
}
