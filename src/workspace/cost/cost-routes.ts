import type { FastifyInstance } from 'fastify';
import { accessOf } from '../../access/index.ts';
import type { BudgetService } from '../../metering/index.ts';
import type { PriceCatalog } from '../../metering/index.ts';
import { errors } from '../../http/index.ts';
import { documentRoute } from '../../http/index.ts';
import { parseInput } from '../../http/index.ts';
import { EstimateBody } from '../conversation-input.ts';
import type { ConversationStore, MessageRow } from '../conversation-store.ts';
import { callerOf, ownConversation } from '../workspace-caller.ts';
import { estimateTurn } from './cost-estimate.ts';
import { chatModels } from './model-catalog.ts';

documentRoute('POST /api/conversations/estimate', {
  summary: 'What sending a draft would cost: prompt tokens as the gateway counts them (history included), the expected reply, its price and your tightest budget.',
  body: EstimateBody,
});
documentRoute('GET /api/models/catalog', { summary: 'Chat models you may use, with prices per 1M tokens, context window, output limit and capabilities.' });

export interface CostRouteDeps {
  conversations: ConversationStore;
  catalog: PriceCatalog;
  budgets: BudgetService;
}

/** Cost in view: the estimate before sending, and the model catalog the model switch shows. */
export async function costRoutes(app: FastifyInstance, deps: CostRouteDeps): Promise<void> {
  app.post('/conversations/estimate', async (req) => {
    const b = parseInput(EstimateBody, req.body);
    const caller = callerOf(req);
    let history: MessageRow[] = [];
    let replies: MessageRow[] = [];
    if (b.conversation_id !== undefined) {
      const c = await ownConversation(deps.conversations, caller, b.conversation_id, 'conversations.read');
      const leaf = b.parent_id === undefined ? c.current_leaf_id : b.parent_id;
      if (leaf !== null) {
        history = await deps.conversations.branch(c.id, leaf);
        if (history.length === 0) throw errors.badRequest('invalid_parameter', `Invalid 'parent_id': this conversation has no message '${leaf}'.`, 'parent_id');
      }
      replies = history.filter((m) => m.role === 'assistant');
    } else if (b.parent_id) {
      throw errors.badRequest('invalid_parameter', "Invalid 'parent_id': it needs a 'conversation_id'.", 'parent_id');
    }
    return estimateTurn(deps, { caller, model: b.model, history, draft: b.content, replies });
  });

  app.get('/models/catalog', async (req) => {
    callerOf(req);
    const allowed = accessOf(req).principal?.allowedModels ?? null;
    return { object: 'list', data: chatModels(deps.catalog, allowed) };
  });
}
