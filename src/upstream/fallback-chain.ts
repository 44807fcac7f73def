import { fallbackChainsSchema } from '../config/index.ts';
import type { FailureKind } from './retry-policy.ts';

/** One step of a chain: a model (any of its deployments) or one deployment. */
export type FallbackStep = { model: string; deployment?: undefined } | { model?: undefined; deployment: string };

export { fallbackChainsSchema };

export function parseFallbackChains(input: unknown): Map<string, FallbackStep[]> {
  const parsed = fallbackChainsSchema.parse(input);
  return new Map(Object.entries(parsed).map(([model, steps]) => [model, steps.map((s) => (typeof s === 'string' ? { model: s } : { deployment: s.deployment }))]));
}

/**
 * Where one request is in its fallback chain. It stays on a step until that step failed
 * `switchAfter` times (default 2: `gpt-4o` → `gpt-4o-mini` after the second failure), or at once
 * when the step cannot serve at all (no deployment available, out of quota); the last step stays
 * until `skip` (nothing left to call). A request error
 * (a 4xx other than 408/429) is not a reason to fall back: the next model would refuse it too.
 * @example
 * const plan = new FallbackPlan('gpt-4o', chains.get('gpt-4o') ?? [], 2);
 * plan.current() // { model: 'gpt-4o' }; plan.failed('server'); plan.failed('server'); plan.current() // { model: 'gpt-4o-mini' }
 */
export class FallbackPlan {
  private readonly steps: FallbackStep[];
  private index = 0;
  private failuresHere = 0;

  constructor(
    model: string,
    chain: readonly FallbackStep[],
    private readonly switchAfter = 2,
  ) {
    this.steps = [{ model }, ...chain];
  }

  /** The step to try now; undefined when the chain is used up. */
  current(): FallbackStep | undefined {
    return this.steps[this.index];
  }

  /** The index of the current step (0 = the model asked for). */
  get position(): number {
    return this.index;
  }

  /**
   * Counts a failure on the current step and moves on when it is due. The last step is never left
   * this way: it is retried until the retry policy's cap or deadline ends the request.
   */
  failed(kind: FailureKind): void {
    if (this.index >= this.steps.length - 1) return;
    if (kind === 'quota') return this.skip();
    if (++this.failuresHere >= this.switchAfter) this.skip();
  }

  /** The current step cannot serve (no deployment available): move on at once. */
  skip(): void {
    this.index++;
    this.failuresHere = 0;
  }
}
