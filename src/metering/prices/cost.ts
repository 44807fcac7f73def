import { picosToNanos, type Nanos, type PicosPerToken } from '../../money/index.ts';
import type { ModelPrice, ServiceTier } from './price-sheet.ts';
import { billedTier } from './service-tier.ts';

/**
 * Token counts of one request, in OpenAI's vocabulary: `prompt` includes the cached, cache-write,
 * audio and image input tokens; `completion` includes the reasoning, audio and image output tokens.
 * `audioIn` and `imageIn` count the input tokens of that kind not served from the cache (cached
 * tokens of any kind are billed at the cached input price).
 */
export interface MeteredUsage {
  prompt: number;
  cached: number;
  completion: number;
  reasoning: number;
  cacheWrite?: number | undefined;
  audioIn?: number | undefined;
  audioOut?: number | undefined;
  imageIn?: number | undefined;
  imageOut?: number | undefined;
}

/**
 * What a request cost, in integer nano-dollars. Components are each rounded for display; `total` is
 * the exact sum in pico-dollars rounded once, so it may differ from the sum of the rounded parts by
 * a few nanos.
 */
export interface CostBreakdown {
  /** false when the model has no price: `total` is then null, never 0. */
  known: boolean;
  total: Nanos | null;
  /** Uncached input tokens (text, and image tokens at the image input price where the model has one). */
  input: Nanos;
  cached: Nanos;
  cacheWrite: Nanos;
  /** Every output token: text, reasoning, and image tokens at the image output price where the model has one. */
  output: Nanos;
  /** The reasoning tokens' part of `output`, shown separately and not added twice. */
  reasoning: Nanos;
  /** Audio input and output tokens. */
  audio: Nanos;
  /** The tier the upstream served (`service_tier`), which is what is billed. */
  tier: ServiceTier;
  /** false when the model has no prices for that tier: the request is billed at standard prices. */
  tierApplied: boolean;
  /** Standard-tier cost minus billed cost: positive for batch and flex, negative for priority. */
  tierDiscount: Nanos;
}

interface Rates {
  input: PicosPerToken;
  cached: PicosPerToken;
  output: PicosPerToken;
}

interface Counts {
  textIn: number;
  cached: number;
  cacheWrite: number;
  audioIn: number;
  imageIn: number;
  textOut: number;
  reasoning: number;
  audioOut: number;
  imageOut: number;
}

type Parts = Record<'input' | 'cached' | 'cacheWrite' | 'output' | 'reasoning' | 'audio', number>;

/**
 * The cost of a request from its usage, the model's price and the tier the upstream served.
 * @example
 * // 1000 input and 500 output tokens of gpt-4o: 1000×2.50/1M + 500×10.00/1M = $0.0075
 * computeCost({ prompt: 1000, cached: 0, completion: 500, reasoning: 0 }, catalog.priceFor('gpt-4o', now), 'default').total === 7_500_000
 */
export function computeCost(usage: MeteredUsage, price: ModelPrice | undefined, serviceTier: string | null | undefined): CostBreakdown {
  const tier = billedTier(serviceTier);
  if (!price) {
    return { known: false, total: null, input: 0, cached: 0, cacheWrite: 0, output: 0, reasoning: 0, audio: 0, tier, tierApplied: false, tierDiscount: 0 };
  }
  const counts = countsOf(usage);
  const { rates, applied } = ratesAt(price, tier);
  const billed = parts(counts, price, rates);
  const total = picosToNanos(sum(billed));
  const standard = applied && tier !== 'default' ? picosToNanos(sum(parts(counts, price, ratesAt(price, 'default').rates))) : total;
  return {
    known: true,
    total,
    input: picosToNanos(billed.input),
    cached: picosToNanos(billed.cached),
    cacheWrite: picosToNanos(billed.cacheWrite),
    output: picosToNanos(billed.output),
    reasoning: picosToNanos(billed.reasoning),
    audio: picosToNanos(billed.audio),
    tier,
    tierApplied: applied,
    tierDiscount: standard - total,
  };
}

/**
 * The most a request can cost, for budget reservations: the prompt at the input price plus the
 * largest completion (`maxOutputTokens`, capped by and defaulting to the model's limit) at the
 * highest output price the model has (text, audio or image). Rounded up; null when unpriced.
 * @example estimateWorstCase(1000, 500, gpt4o) === 7_500_000 // 1000×2.50/1M + 500×10.00/1M
 */
export function estimateWorstCase(
  promptTokens: number,
  maxOutputTokens: number | undefined,
  price: ModelPrice | undefined,
  serviceTier?: string | null,
): Nanos | null {
  if (!price) return null;
  const { rates } = ratesAt(price, billedTier(serviceTier));
  const outputRate = Math.max(rates.output, price.audioOutput ?? 0, price.imageOutput ?? 0);
  const limit = price.maxOutputTokens;
  const output = maxOutputTokens === undefined ? limit : Math.min(count(maxOutputTokens), limit || Number.MAX_SAFE_INTEGER);
  return Math.ceil((count(promptTokens) * rates.input + output * outputRate) / 1000);
}

function ratesAt(price: ModelPrice, tier: ServiceTier): { rates: Rates; applied: boolean } {
  const tierPrice = tier === 'default' ? null : price[tier];
  if (tier !== 'default' && !tierPrice) return { rates: ratesAt(price, 'default').rates, applied: false };
  const p = tierPrice ?? price;
  return { rates: { input: p.input, cached: p.cachedInput ?? p.input, output: p.output }, applied: true };
}

function parts(c: Counts, price: ModelPrice, r: Rates): Parts {
  return {
    input: c.textIn * r.input + c.imageIn * (price.imageInput ?? r.input),
    cached: c.cached * r.cached,
    cacheWrite: c.cacheWrite * (price.cacheWrite ?? r.input),
    output: c.textOut * r.output + c.imageOut * (price.imageOutput ?? r.output),
    reasoning: c.reasoning * r.output,
    audio: c.audioIn * (price.audioInput ?? r.input) + c.audioOut * (price.audioOutput ?? r.output),
  };
}

/** Everything billed once: reasoning is inside output. */
function sum(p: Parts): number {
  return p.input + p.cached + p.cacheWrite + p.output + p.audio;
}

const count = (v: number | undefined): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.trunc(v) : 0);

/** Splits prompt and completion into their kinds; inconsistent counts are capped, never negative. */
function countsOf(u: MeteredUsage): Counts {
  let inLeft = count(u.prompt);
  const take = (v: number | undefined, from: number) => Math.min(count(v), from);
  const cached = take(u.cached, inLeft);
  inLeft -= cached;
  const cacheWrite = take(u.cacheWrite, inLeft);
  inLeft -= cacheWrite;
  const audioIn = take(u.audioIn, inLeft);
  inLeft -= audioIn;
  const imageIn = take(u.imageIn, inLeft);
  inLeft -= imageIn;
  let outLeft = count(u.completion);
  const audioOut = take(u.audioOut, outLeft);
  outLeft -= audioOut;
  const imageOut = take(u.imageOut, outLeft);
  outLeft -= imageOut;
  return { textIn: inLeft, cached, cacheWrite, audioIn, imageIn, textOut: outLeft, reasoning: take(u.reasoning, outLeft), audioOut, imageOut };
}
