import type { Migration } from 'kysely';
import * as init from './0001-init.ts';
import * as prices from './0002-prices.ts';
import * as budgets from './0003-budgets.ts';
import * as ledgerCost from './0004-ledger-cost.ts';
import * as access from './0005-access.ts';
import * as loginThrottle from './0006-login-throttle.ts';
import * as accessHardening from './0007-access-hardening.ts';
import * as orgUnpricedModels from './0008-org-unpriced-models.ts';
import * as workspace from './0009-workspace.ts';
import * as compliance from './0010-compliance.ts';
import * as ledgerAttempts from './0011-ledger-attempts.ts';
import * as rateLimitsAndInstances from './0012-rate-limits-and-instances.ts';
import * as ledgerCache from './0013-ledger-cache.ts';
import * as guardPolicies from './0014-guard-policies.ts';
import * as retention from './0015-retention.ts';
import * as filesAndBatches from './0016-files-and-batches.ts';
import * as teamRetention from './0019-team-retention.ts';
import * as upstreamDeployments from './0020-upstream-deployments.ts';

/** Every migration, by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  '0001-init': init,
  '0002-prices': prices,
  '0003-budgets': budgets,
  '0004-ledger-cost': ledgerCost,
  '0005-access': access,
  '0006-login-throttle': loginThrottle,
  '0007-access-hardening': accessHardening,
  '0008-org-unpriced-models': orgUnpricedModels,
  '0009-workspace': workspace,
  '0010-compliance': compliance,
  '0011-ledger-attempts': ledgerAttempts,
  '0012-rate-limits-and-instances': rateLimitsAndInstances,
  '0013-ledger-cache': ledgerCache,
  '0014-guard-policies': guardPolicies,
  '0015-retention': retention,
  '0016-files-and-batches': filesAndBatches,
  '0019-team-retention': teamRetention,
  '0020-upstream-deployments': upstreamDeployments,
};
