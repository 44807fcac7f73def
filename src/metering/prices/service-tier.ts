import type { ServiceTier } from './price-sheet.ts';

/**
 * What each `service_tier` value OpenAI returns is billed as. `auto` and `scale` (Scale Tier
 * capacity) are standard prices; `batch` is how Tollgate marks Batch API rows. Anything else,
 * or none, is standard.
 */
const BILLED_AS: Readonly<Record<string, ServiceTier>> = {
  default: 'default',
  auto: 'default',
  scale: 'default',
  standard: 'default',
  batch: 'batch',
  flex: 'flex',
  priority: 'priority',
};

/**
 * The tier a request is billed at, from the `service_tier` the upstream returned.
 * @example billedTier('auto') === 'default'; billedTier('flex') === 'flex'; billedTier(null) === 'default'
 */
export function billedTier(serviceTier: string | null | undefined): ServiceTier {
  if (!serviceTier) return 'default';
  return Object.hasOwn(BILLED_AS, serviceTier) ? BILLED_AS[serviceTier]! : 'default';
}
