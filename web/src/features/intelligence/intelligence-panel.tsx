import { Lightbulb } from 'lucide-react';
import { usePrice } from '../../api/prices.ts';
import { formatInt, formatPercent } from '../../lib/format.ts';
import { formatUsdText } from '../../lib/money.ts';
import { Badge } from '../../ui/badge.tsx';
import { Meter } from '../../ui/meter.tsx';
import { useWorkspace } from '../workspace/workspace-context.tsx';
import { PanelSection } from '../workspace/panel-section.tsx';

/**
 * The Intelligence panel: how much of the model's context window the conversation (and the draft)
 * uses, the model's card (prices per 1M tokens, window, limits, capabilities), and the room where
 * model advice and conversation analysis will appear.
 */
export function IntelligencePanel() {
  const { modelInfo, model, tokens, branch } = useWorkspace();
  // The catalog may not know the window; the price catalog does.
  const price = usePrice(modelInfo?.contextWindow ? undefined : model);
  const window = modelInfo?.contextWindow ?? price.data?.context_window ?? null;
  const used = tokens?.promptTokens ?? 0;
  const input = modelInfo?.inputUsdPer1m ?? price.data?.input ?? null;
  const output = modelInfo?.outputUsdPer1m ?? price.data?.output ?? null;
  const cached = modelInfo?.cachedInputUsdPer1m ?? price.data?.cached_input ?? null;
  const maxOut = modelInfo?.maxOutputTokens ?? price.data?.max_output_tokens ?? null;

  return (
    <div data-testid="intelligence-panel" aria-label="Intelligence" role="region" className="flex flex-col">
      <PanelSection title="Context">
        {window ? (
          <>
            <Meter value={used / window} label="Context window used" valueText={`${formatInt(used)} of ${formatInt(window)} tokens`} />
            <p className="mt-1.5 text-xs text-fg-muted" data-testid="context-used">
              {tokens ? `${formatInt(used)} of ${formatInt(window)} tokens (${formatPercent(used / window)})` : 'Counting…'} · {branch.length} message{branch.length === 1 ? '' : 's'} in this branch
              {tokens && tokens.draftTokens > 0 && ` + your draft (${formatInt(tokens.draftTokens)})`}
            </p>
          </>
        ) : (
          <p className="text-xs text-fg-muted">{formatInt(used)} tokens. The size of this model’s context window is not known.</p>
        )}
      </PanelSection>
      <PanelSection title="Model card">
        <div className="flex items-center justify-between gap-2">
          <p className="font-medium" data-testid="model-card-name">{model}</p>
          {price.data?.source === 'override' && <Badge tone="accent">negotiated price</Badge>}
        </div>
        <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1.5 text-xs">
          <dt className="text-fg-muted">Input / 1M tokens</dt>
          <dd className="text-right tabular-nums" data-testid="model-price-input">{input ? formatUsdText(input) : '—'}</dd>
          <dt className="text-fg-muted">Output / 1M tokens</dt>
          <dd className="text-right tabular-nums" data-testid="model-price-output">{output ? formatUsdText(output) : '—'}</dd>
          <dt className="text-fg-muted">Cached input / 1M</dt>
          <dd className="text-right tabular-nums">{cached ? formatUsdText(cached) : '—'}</dd>
          <dt className="text-fg-muted">Context window</dt>
          <dd className="text-right tabular-nums">{window ? formatInt(window) : '—'}</dd>
          <dt className="text-fg-muted">Longest reply</dt>
          <dd className="text-right tabular-nums">{maxOut ? formatInt(maxOut) : '—'}</dd>
        </dl>
        {modelInfo?.capabilities && modelInfo.capabilities.length > 0 && (
          <div className="mt-2 flex flex-wrap gap-1" aria-label="Capabilities">
            {modelInfo.capabilities.map((c) => (
              <Badge key={c}>{c}</Badge>
            ))}
          </div>
        )}
        {!input && !price.isPending && <p className="mt-2 text-xs text-warn">This model has no price: its requests are served, but their cost is unknown.</p>}
      </PanelSection>
      <PanelSection title="Advice">
        <p className="flex gap-2 text-xs text-fg-muted">
          <Lightbulb className="size-4 shrink-0" aria-hidden />
          Model advice (a cheaper model that would do), conversation analysis and suggested follow-ups will appear here.
        </p>
      </PanelSection>
    </div>
  );
}
