import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import type {} from '../../src/access/index.ts';
import type { Actor } from '../../src/access/index.ts';
import pino from 'pino';
import type { TestStore } from './stores.ts';
import type { Store } from '../../src/state/index.ts';
import { createBudgetService, type BudgetService, type BudgetServiceOptions } from '../../src/metering/budgets/budget-service.ts';

/** Test support shared by the budget tests (not a test file itself). */

export const silent = pino({ level: 'silent' });

/** Inserts an api_keys row, so `key` budgets can name it; with `orgId`, a service key of that organization. */
export async function insertKey(store: Store, id: string, orgId: string | null = null): Promise<void> {
  await store.db
    .insertInto('api_keys')
    .values({ id, name: id, prefix: 'tg-test', hash: `hash-${id}`, owner: null, role: 'user', allowed_models: null, created_at: 0, last_used_at: null, expires_at: null, revoked_at: null, org_id: orgId })
    .execute();
}

/**
 * Makes every request of a bare Fastify app act as `actor` (what the enforcement hook would decide),
 * for route tests that do not build the whole server.
 * @example actAs(app, { userId: 'usr_1', orgId: org.id, memberships: [], orgRole: 'owner' });
 */
export function actAs(app: FastifyInstance, actor: Actor): void {
  app.decorateRequest('access', null);
  app.addHook('onRequest', async (req) => {
    req.access = { actor, via: 'key', principal: null, session: null };
  });
}

/** A store whose queries are counted, to prove the hot path does not touch the database. */
export function countingStore(store: Store): { store: Store; queries: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      n++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { store: { ...store, db: store.db.withPlugin(plugin) }, queries: () => n };
}

/** A settable clock. */
export function clock(start: number | string) {
  let now = typeof start === 'string' ? Date.parse(start) : start;
  return {
    now: () => now,
    set: (t: number | string) => {
      now = typeof t === 'string' ? Date.parse(t) : t;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Services opened in a test, closed together. */
export class Services {
  private readonly open: BudgetService[] = [];
  constructor(private readonly t: TestStore) {}

  async make(options: BudgetServiceOptions = {}, store: Store = this.t.store): Promise<BudgetService> {
    const s = await createBudgetService(store, { log: silent, ...options });
    this.open.push(s);
    return s;
  }

  async close(): Promise<void> {
    for (const s of this.open.splice(0)) await s.close();
  }
}

export const usd = (dollars: number): number => Math.round(dollars * 1e9);
