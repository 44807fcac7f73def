import type { Store } from '../state/index.ts';

/** Where each known key among the ids belongs (access's `keyPlacements`, passed in by the caller). */
export type KeyPlacementLookup = (keyIds: readonly string[]) => Promise<Map<string, { org_id: string | null; team_id: string | null; user_id: string | null }>>;

/**
 * Ledger rows and budgets written before organizations existed (migration 0005) are placed where
 * their key is (organization, team, user), else in the home organization with no team. Run once,
 * by whoever starts Tollgate, right after access created the home organization (`HomeOrg.firstStart`);
 * later rows carry their placement (rows of requests without a valid key have none and are read as
 * the home organization's). Metering owns these tables; the keys' placement comes from access, as a
 * function the caller passes (so this file, which every CLI command loads, does not load access).
 * @example await placeUnplacedRows(store, home.org.id, (ids) => keyPlacements(store, ids));
 */
export async function placeUnplacedRows(store: Store, homeOrgId: string, placementsOf: KeyPlacementLookup): Promise<void> {
  const db = store.db;
  const usageKeys = await db.selectFrom('usage_records').select('key_id').distinct().where('org_id', 'is', null).where('key_id', 'is not', null).execute();
  const budgetKeys = await db.selectFrom('budgets').select('scope_id').distinct().where('org_id', 'is', null).where('scope', '=', 'key').execute();
  const ids = new Set<string>([...usageKeys.flatMap((r) => (r.key_id === null ? [] : [r.key_id])), ...budgetKeys.map((r) => r.scope_id)]);
  const placed = await placementsOf([...ids]);
  for (const [keyId, p] of placed) {
    const orgId = p.org_id ?? homeOrgId;
    await db.updateTable('usage_records').set({ org_id: orgId, team_id: p.team_id, user_id: p.user_id }).where('org_id', 'is', null).where('key_id', '=', keyId).execute();
    await db.updateTable('budgets').set({ org_id: orgId, team_id: p.team_id, owner_user_id: p.user_id }).where('org_id', 'is', null).where('scope', '=', 'key').where('scope_id', '=', keyId).execute();
  }
  await db.updateTable('usage_records').set({ org_id: homeOrgId, team_id: null, user_id: null }).where('org_id', 'is', null).execute();
  await db.updateTable('budgets').set({ org_id: homeOrgId, team_id: null, owner_user_id: null }).where('org_id', 'is', null).where('scope', '=', 'key').execute();
  await db.updateTable('budgets').set({ org_id: homeOrgId }).where('org_id', 'is', null).execute();
}
