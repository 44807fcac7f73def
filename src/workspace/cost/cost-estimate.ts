import { z } from 'zod';
import { countChatPromptTokens, formatUsd, UsdAmount } from '../../metering/index.ts';
import { BUDGET_SCOPES, PERIOD_KINDS, type BudgetService } from '../../metering/budgets/index.ts';
import { computeCost, type PriceCatalog } from '../../metering/prices/index.ts';
import type { MessageRow } from '../conversation-store.ts';
import type { WorkspaceCaller } from '../workspace-caller.ts';
import { capabilitiesOf } from './model-catalog.ts';

/** The budget with the least room left of those a turn of the caller spends under. */
export const TightestBudget = z.object({
  id: z.string(),
  scope: z.enum(BUDGET_SCOPES),
  limit_usd: UsdAmount,
  spent_usd: UsdAmount,
  remaining_usd: UsdAmount,
  period: z.enum(PERIOD_KINDS),
  /** Null for a `total` budget, which never resets. */
  resets_at: z.iso.datetime().nullable(),
});

/** What sending a draft would cost (`POST /api/conversations/estimate`). */
export const TurnEstimate = z.object({
  object: z.literal('conversation.estimate'),
  model: z.string(),
  prompt_tokens: z.number().int().min(0),
  expected_completion_tokens: z.number().int().min(0),
  /** Null when the model has no price. */
  cost_usd: UsdAmount.nullable(),
  context_window: z.number().int().nullable(),
  max_output_tokens: z.number().int().nullable(),
  capabilities: z.array(z.string()),
  budget: TightestBudget.nullable(),
});
export type TurnEstimate = z.output<typeof TurnEstimate>;

/** Expected reply length when the conversation has no finished reply to learn from. */
export const DEFAULT_EXPECTED_COMPLETION_TOKENS = 256;

export interface EstimateInput {
  caller: WorkspaceCaller;
  model: string;
  /** The branch the draft would answer, root first (empty for a new conversation). */
  history: readonly MessageRow[];
  draft: string;
  /** Replies of the conversation so far, whose length predicts the next one's. */
  replies: readonly MessageRow[];
}

/**
 * What sending a draft would cost: prompt tokens as the gateway counts them for the request the
 * turn sends (the branch + the draft), the expected reply length (the conversation's average, else
 * 256), their price, the model's context window and the tightest budget that applies to the caller.
 */
export async function estimateTurn(deps: { catalog: PriceCatalog; budgets: BudgetService }, e: EstimateInput, at: number = Date.now()): Promise<TurnEstimate> {
  const priming = countChatPromptTokens([], e.model);
  let promptTokens = priming;
  for (const m of e.history) {
    if (!(m.role === 'assistant' && m.status === 'error' && m.content.length === 0)) promptTokens += messageTokens(m, e.model, priming);
  }
  if (e.draft.length > 0) promptTokens += countChatPromptTokens([{ role: 'user', content: e.draft }], e.model) - priming;
  const price = deps.catalog.priceFor(e.model, at);
  const finished = e.replies.filter((m) => m.status === 'complete' && m.completion_tokens !== null);
  let expected = finished.length === 0 ? DEFAULT_EXPECTED_COMPLETION_TOKENS : Math.round(finished.reduce((n, m) => n + (m.completion_tokens ?? 0), 0) / finished.length);
  if (price) expected = Math.min(expected, price.maxOutputTokens);
  const cost = computeCost({ prompt: promptTokens, cached: 0, completion: expected, reasoning: 0 }, price, 'default');
  return {
    object: 'conversation.estimate',
    model: e.model,
    prompt_tokens: promptTokens,
    expected_completion_tokens: expected,
    cost_usd: cost.total === null ? null : formatUsd(cost.total),
    context_window: price?.contextWindow ?? null,
    max_output_tokens: price?.maxOutputTokens ?? null,
    capabilities: capabilitiesOf(e.model),
    budget: await tightestBudget(deps.budgets, e.caller, at),
  };
}

/** Stored messages never change, so their token counts (per model: encodings differ) are kept. */
const tokenCache = new Map<string, number>();
const TOKEN_CACHE_MAX = 50_000;

/**
 * A stored message's share of a chat prompt (its framing and content, without the reply priming):
 * the gateway's formula is a sum over messages, so the history's count is the sum of cached parts.
 */
function messageTokens(m: MessageRow, model: string, priming: number): number {
  const key = `${model}\n${m.id}`;
  let n = tokenCache.get(key);
  if (n === undefined) {
    n = countChatPromptTokens([{ role: m.role, content: m.content }], model) - priming;
    if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.delete(tokenCache.keys().next().value!);
    tokenCache.set(key, n);
  }
  return n;
}

/**
 * The budget with the least room left among those a workspace turn of the caller spends under:
 * their user budget, the team their spend counts to (their first team, as their personal keys),
 * and their organization's. Null when none applies.
 */
export async function tightestBudget(budgets: BudgetService, caller: WorkspaceCaller, at: number): Promise<z.output<typeof TightestBudget> | null> {
  const subject = { keyId: '', userId: caller.userId, teamId: caller.actor.memberships[0]?.teamId ?? null, orgId: caller.orgId };
  const applying = budgets.budgetsFor(subject);
  if (applying.length === 0) return null;
  const statuses = await budgets.statuses(applying, at);
  const tightest = statuses.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  return {
    id: tightest.budget.id,
    scope: tightest.budget.scope,
    limit_usd: formatUsd(tightest.budget.limitNanos),
    spent_usd: formatUsd(tightest.spent),
    remaining_usd: formatUsd(tightest.remaining),
    period: tightest.budget.period,
    resets_at: tightest.period.end === null ? null : new Date(tightest.period.end).toISOString(),
  };
}
