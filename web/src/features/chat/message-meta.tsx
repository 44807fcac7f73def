import type { Message } from '../../api/workspace-types.ts';
import { formatInt } from '../../lib/format.ts';
import { formatUsdText } from '../../lib/money.ts';

/** Under a reply: its model, tokens in and out, cost and time. */
export function MessageMeta({ m }: { m: Message }) {
  if (m.role !== 'assistant') return null;
  const parts: string[] = [];
  if (m.model) parts.push(m.model);
  if (m.prompt_tokens !== null || m.completion_tokens !== null) parts.push(`${formatInt(m.prompt_tokens)} in · ${formatInt(m.completion_tokens)} out`);
  if (m.latency_ms !== null) parts.push(`${(m.latency_ms / 1000).toFixed(1)} s`);
  return (
    <p className="text-xs text-fg-muted" data-testid="message-meta">
      {parts.join(' · ')}
      {m.cost_usd !== null && (
        <>
          {' · '}
          <span className="font-medium text-fg" data-testid="message-cost">
            {formatUsdText(m.cost_usd)}
          </span>
        </>
      )}
      {m.cost_usd === null && m.status === 'complete' && ' · cost unknown (model has no price)'}
    </p>
  );
}
