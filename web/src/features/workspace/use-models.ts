import { useMemo } from 'react';
import { usePrices } from '../../api/prices.ts';
import { useModelCatalog } from '../../api/workspace.ts';

/** A model the person can choose, with what the app needs to show its cost. */
export interface ModelChoice {
  id: string;
  inputUsdPer1m: string | null;
  outputUsdPer1m: string | null;
  cachedInputUsdPer1m: string | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  capabilities: string[] | null;
}

const PREFERRED_DEFAULT = 'gpt-4o-mini';

/**
 * The models to offer: the workspace's catalog (GET /api/models/catalog: the models the caller may
 * use) when the server has it; otherwise the priced chat models of the price catalog, which every
 * role may read.
 */
export function useModels(): { models: ModelChoice[]; isPending: boolean; fromCatalog: boolean } {
  const catalog = useModelCatalog();
  const prices = usePrices();
  return useMemo(() => {
    if (catalog.data) {
      return {
        isPending: false,
        fromCatalog: true,
        models: catalog.data.data.map((m) => ({
          id: m.id,
          inputUsdPer1m: m.input_usd_per_1m,
          outputUsdPer1m: m.output_usd_per_1m,
          cachedInputUsdPer1m: m.cached_input_usd_per_1m,
          contextWindow: m.context_window,
          maxOutputTokens: m.max_output_tokens,
          capabilities: m.capabilities,
        })),
      };
    }
    const chat = (prices.data?.data ?? []).filter((p) => /^(gpt-|o\d|chatgpt)/.test(p.model) && !/(audio|realtime|image|transcribe|tts|search|embedding)/.test(p.model));
    return {
      isPending: catalog.isPending || prices.isPending,
      fromCatalog: false,
      models: chat.map((p) => ({
        id: p.model,
        inputUsdPer1m: p.input,
        outputUsdPer1m: p.output,
        cachedInputUsdPer1m: p.cached_input,
        contextWindow: p.context_window,
        maxOutputTokens: p.max_output_tokens,
        capabilities: null,
      })),
    };
  }, [catalog.data, catalog.isPending, prices.data, prices.isPending]);
}

/** The model new conversations start with: the last one chosen, else gpt-4o-mini, else the first. */
export function defaultModel(models: ModelChoice[]): string {
  const last = localStorage.getItem('tollgate.model');
  if (last && models.some((m) => m.id === last)) return last;
  if (models.some((m) => m.id === PREFERRED_DEFAULT) || models.length === 0) return PREFERRED_DEFAULT;
  return models[0]!.id;
}

export function rememberModel(id: string): void {
  localStorage.setItem('tollgate.model', id);
}
