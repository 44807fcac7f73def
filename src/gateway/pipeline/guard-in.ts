import type { Stage } from './stage.ts';

/**
 * Stage 3: input policies (PII, moderation, prompt-injection rules; src/guard). Nothing is
 * configured yet, so it passes every call through at no cost.
 */
export function guardInStage(): Stage {
  return { name: 'guard-in', run() {} };
}
