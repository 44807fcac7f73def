import { ConfigError } from '../config/index.ts';
import type { Store } from '../state/index.ts';
import { BudgetRepository } from './budgets/budget-repository.ts';

/**
 * Metering off computes no cost, so no budget could hold: starting that way while budgets exist
 * would switch them all off without a word. Throws a ConfigError saying how many there are and
 * the two ways out; resolves when there are none.
 * @example if (!config.metering.enabled) await refuseMeteringOffWithBudgets(store);
 */
export async function refuseMeteringOffWithBudgets(store: Store): Promise<void> {
  const count = (await new BudgetRepository(store).all()).length;
  if (count === 0) return;
  const them = count === 1 ? '1 budget, which' : `${count} budgets, which`;
  throw new ConfigError(
    `metering is off (TOLLGATE_METERING=off, or metering.enabled: false in the configuration file) but the store holds ${them} would not be enforced: ` +
      'turn metering on (unset TOLLGATE_METERING), or start with metering on and delete the budgets first ' +
      '(GET /api/budgets lists them, DELETE /api/budgets/{id} deletes one); metering off is meant for benchmarks only',
  );
}
