import type { Stage } from './stage.ts';

/**
 * Stage 6: output policies, on JSON answers and on streams as they go (it may wrap `call.reply`
 * before the runner sends it). Nothing is configured yet, so it passes every answer through.
 */
export function guardOutStage(): Stage {
  return { name: 'guard-out', run() {} };
}
