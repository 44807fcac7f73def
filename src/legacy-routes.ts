// TRANSITIONAL (issue 10): the routes not yet declared with defineRoute, registered the old way.
// Each module moves its routes to declarations; this file shrinks to nothing and is deleted.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Directory } from './access/index.ts';
import type { KeyService } from './access/index.ts';
import type { SessionService } from './access/index.ts';
import { routeDoc } from './http/index.ts';
import { routeKeyOf, type AnyRoute } from './http/index.ts';
import { ACTION_TABLE, isAction } from './access/index.ts';
import { isSelfRule, ROUTE_PERMISSIONS } from './access/index.ts';
import { budgetRoutes, type BudgetService } from './metering/index.ts';
import { priceRoutes, type PriceCatalog } from './metering/index.ts';
import type { UnpricedModels } from './metering/index.ts';
import type { Store } from './state/index.ts';
import { workspaceRoutes, type WorkspaceDeps } from './workspace/index.ts';

export interface LegacyDeps {
  log: FastifyRequest['log'];
  store: Store;
  keys: KeyService;
  sessions: SessionService;
  directory: Directory;
  catalog: PriceCatalog;
  budgets: BudgetService;
  unpriced: UnpricedModels;
  workspace?: WorkspaceDeps | undefined;
}

export async function registerLegacyRoutes(app: FastifyInstance, deps: LegacyDeps): Promise<void> {
  await app.register(
    async (api) => {
      await priceRoutes(api, { catalog: deps.catalog, directory: deps.directory });
      await budgetRoutes(api, { budgets: deps.budgets, directory: deps.directory, otherAlerts: (limit, reader) => deps.unpriced.alerts(limit, reader) });
      if (deps.workspace) await workspaceRoutes(api, deps.workspace);
    },
    { prefix: '/api' },
  );
}

/** Descriptions of the routes still registered the old way, for the OpenAPI document (from ROUTE_PERMISSIONS and documentRoute). */
export function legacyRouteDocs(declared: readonly AnyRoute[]): AnyRoute[] {
  const seen = new Set(declared.map(routeKeyOf));
  const out: AnyRoute[] = [];
  for (const [key, rule] of Object.entries(ROUTE_PERMISSIONS)) {
    if (seen.has(key)) continue;
    const [method, path] = key.split(' ') as [AnyRoute['method'], string];
    const doc = routeDoc(key);
    const summary = doc?.summary ?? (isAction(rule) ? ACTION_TABLE[rule].summary : isSelfRule(rule) ? 'Your own account.' : 'Public.');
    out.push({ method, path, permission: rule, summary, ...(doc?.body ? { body: doc.body } : {}), ...(doc?.query ? { query: doc.query } : {}), ...(path.startsWith('/v1/') ? { gateway: true } : {}) });
  }
  return out;
}
