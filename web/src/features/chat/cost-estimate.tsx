import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useBudgets } from '../../api/budgets.ts';
import { isApiError } from '../../api/api-error.ts';
import { estimateTurn } from '../../api/workspace.ts';
import { useSession } from '../../app/session.tsx';
import { budgetsThatApply, PERIOD_WORDS, tightestBudget } from '../../lib/my-budgets.ts';
import { formatInt, formatRelative } from '../../lib/format.ts';
import { costOfTokens, formatUsd, parseUsd } from '../../lib/money.ts';
import { cx } from '../../ui/cx.ts';
import { useWorkspace } from '../workspace/workspace-context.tsx';

const DEFAULT_REPLY_TOKENS = 400;

/** Tokens a reply is expected to have: the average of the last replies in this branch, else 400. */
function expectedReplyTokens(completions: number[], maxOutput: number | null): number {
  const recent = completions.slice(-5);
  const avg = recent.length ? Math.round(recent.reduce((a, b) => a + b, 0) / recent.length) : DEFAULT_REPLY_TOKENS;
  return maxOutput ? Math.min(avg, maxOutput) : avg;
}

let estimateRouteMissing = false;

/**
 * What the message about to be sent will cost: its prompt tokens counted as the gateway counts
 * them (history included) and the expected reply, at the model's prices; next to what is left in
 * the tightest budget that applies to the person. Updates on every keystroke (counted off the main
 * thread); the server's estimate, when the server has one, refines the reply size and the budget.
 */
export function CostEstimate() {
  const { me } = useSession();
  const ws = useWorkspace();
  const { tokens, modelInfo, branch, draft, model, conversationId } = ws;
  const budgets = useBudgets();

  const [settled, setSettled] = useState(draft);
  useEffect(() => {
    const t = setTimeout(() => setSettled(draft), 600);
    return () => clearTimeout(t);
  }, [draft]);
  const server = useQuery({
    queryKey: ['estimate', conversationId ?? '', branch.at(-1)?.id ?? '', model, settled],
    queryFn: ({ signal }) =>
      estimateTurn({ ...(conversationId ? { conversation_id: conversationId } : {}), parent_id: branch.at(-1)?.id ?? null, model, content: settled }, signal).catch((err) => {
        if (isApiError(err) && err.isMissingRoute) estimateRouteMissing = true;
        throw err;
      }),
    enabled: !estimateRouteMissing && settled.trim().length > 0,
    retry: false,
    staleTime: 30_000,
  });

  const completions = useMemo(() => branch.filter((m) => m.role === 'assistant' && m.completion_tokens !== null).map((m) => m.completion_tokens!), [branch]);
  const reply = server.data?.expected_completion_tokens ?? expectedReplyTokens(completions, modelInfo?.maxOutputTokens ?? null);
  const prompt = tokens?.promptTokens ?? 0;
  const inCost = costOfTokens(prompt, modelInfo?.inputUsdPer1m);
  const outCost = costOfTokens(reply, modelInfo?.outputUsdPer1m);
  const cost = inCost !== null && outCost !== null ? inCost + outCost : null;

  const budget = server.data?.budget ?? null;
  const local = tightestBudget(budgetsThatApply(budgets.data?.data ?? [], me));
  const remaining = budget ? parseUsd(budget.remaining_usd) : local ? parseUsd(local.remaining_usd) : null;
  const limit = budget ? budget.limit_usd : local?.limit_usd;
  const period = budget ? budget.period : local?.period;
  const resets = budget ? budget.resets_at : (local?.resets_at ?? null);
  const over = cost !== null && remaining !== null && cost > remaining;
  const counting = draft !== '' && tokens?.draft !== draft;

  if (!draft.trim()) {
    return (
      <p className="text-xs text-fg-muted" data-testid="cost-estimate">
        {remaining !== null ? <>{formatUsd(remaining)} left {PERIOD_WORDS[period ?? ''] ?? ''} of your ${limit} budget</> : 'Type a message to see what it will cost.'}
      </p>
    );
  }
  return (
    <p className={cx('text-xs', over ? 'text-danger' : 'text-fg-muted')} data-testid="cost-estimate" data-counting={counting || undefined} aria-live="off">
      <span title="Prompt tokens as the gateway counts them (this message and the conversation so far), plus the expected reply">
        ≈ <span data-testid="estimate-prompt-tokens">{formatInt(prompt)}</span> tokens in + ~{formatInt(reply)} out
      </span>
      {' · '}
      <span className="font-medium text-fg" data-testid="estimate-cost">
        {cost === null ? 'cost unknown (no price for this model)' : `≈ ${formatUsd(cost)}`}
      </span>
      {remaining !== null && (
        <>
          {' · '}
          <span data-testid="estimate-budget">
            {formatUsd(remaining)} left {PERIOD_WORDS[period ?? ''] ?? ''}
            {resets && `, resets ${formatRelative(resets)}`}
          </span>
        </>
      )}
      {over && <span role="alert"> — more than what is left in your budget</span>}
    </p>
  );
}
