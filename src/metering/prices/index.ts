export { PriceCatalog, loadPriceCatalog, type PriceCatalogOptions, type SetPriceOverride } from './price-catalog.ts';
export { computeCost, estimateWorstCase, type CostBreakdown, type MeteredUsage } from './cost.ts';
export { priceRoutes, type PriceRouteDeps } from './price-routes.ts';
export { resolveModelFamily } from './model-family.ts';
export { billedTier } from './service-tier.ts';
export { readPriceFile, parsePriceData, type PriceData } from './bundled-prices.ts';
export type { ModelPrice, PriceSheet, ServiceTier, TierPrice } from './price-sheet.ts';
export type { PriceOverride } from './price-override-store.ts';
