import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './http.ts';
import { priceKeys } from './query-keys.ts';
import type { List, ModelPrice } from './types.ts';

export interface PriceList extends List<ModelPrice> {
  as_of: string;
  source: string;
  at: string;
}

export function usePrices() {
  return useQuery({ queryKey: priceKeys.list(), queryFn: () => unwrap<PriceList>(api.GET('/api/prices')), staleTime: 5 * 60_000 });
}

export function usePrice(model: string | undefined) {
  return useQuery({
    queryKey: priceKeys.detail(model ?? ''),
    queryFn: () => unwrap<ModelPrice>(api.GET('/api/prices/{model}', { params: { path: { model: model! } } })),
    enabled: Boolean(model),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export interface PriceOverrideInput {
  input: string;
  output: string;
  cached_input?: string;
  effective_from?: string;
  max_output_tokens?: number;
  context_window?: number;
  note?: string;
}

export const setPriceOverride = (model: string, body: PriceOverrideInput) =>
  unwrap<ModelPrice>(api.PUT('/api/prices/{model}', { params: { path: { model } }, body: body as never }));
export const deletePriceOverride = (model: string) => unwrap<unknown>(api.DELETE('/api/prices/{model}', { params: { path: { model } } }));
