import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSqliteStore, type TestStore } from '../../../test/support/stores.ts';
import { DEFAULT_PII_POLICY } from '../policy/default-policy.ts';
import { GuardPolicy } from '../policy/policy-schema.ts';
import { blockingLayer, GuardPolicies } from './guard-policies.ts';
import { GuardPolicyStore } from './guard-policy-store.ts';

let ts: TestStore;
let store: GuardPolicyStore;
const ctx = { actorId: 'usr_admin', orgId: 'org_1' };
const subject = (keyId: string, teamId: string | null = 'team_1') => ({ keyId, orgId: 'org_1', teamId });

before(async () => {
  ts = await createSqliteStore();
  store = new GuardPolicyStore(ts.store);
});
after(() => ts.dispose());

test('no policy anywhere: resolve answers undefined without looking anything up', async () => {
  const p = new GuardPolicies({ store });
  await p.reload();
  assert.equal(p.active, false);
  assert.equal(p.resolve(subject('key_1')), undefined);
});

test('org, team and key merge strictest-first; keys without their own policy share one compilation; a change is seen after reload', async () => {
  await store.put({ orgId: 'org_1', scope: 'org', scopeId: 'org_1', teamId: null, ownerUserId: null }, GuardPolicy.parse({ input: { pii: { email: 'redact' } } }), ctx, 1);
  await store.put({ orgId: 'org_1', scope: 'key', scopeId: 'key_b', teamId: 'team_1', ownerUserId: null }, GuardPolicy.parse({ input: { pii: { email: 'block' } } }), ctx, 2);
  const p = new GuardPolicies({ store });
  await p.reload();
  const a = p.resolve(subject('key_a'))!;
  const c = p.resolve(subject('key_c'))!;
  const b = p.resolve(subject('key_b'))!;
  assert.equal(a.compiled.input.actions.get('email'), 'redact');
  assert.equal(b.compiled.input.actions.get('email'), 'block', "the key's policy tightens the org's");
  assert.equal(a, c, 'two keys of the same team without a policy of their own share the resolved policy');
  assert.equal(blockingLayer(b, 'input.pii.email'), 'key:key_b');
  assert.equal(p.resolve(subject('key_no_team', null))?.compiled.input.actions.get('email'), 'redact', 'a key in no team gets the org policy');
  assert.equal(p.resolve({ keyId: 'key_x', orgId: 'org_2', teamId: null }), undefined, "another organization's policy never applies");

  await store.delete('key', 'key_b', ctx, 3);
  await p.reload();
  assert.equal(p.resolve(subject('key_b'))!.compiled.input.actions.get('email'), 'redact');
  const changes = await ts.store.db.selectFrom('audit_events').select(['action', 'target']).orderBy('at').execute();
  assert.deepEqual(changes.map((c) => c.action), ['guard_policy.set', 'guard_policy.set', 'guard_policy.deleted']);
});

test('the tollgate.yaml default applies to every organization and is named "default" when it blocks', () => {
  const p = new GuardPolicies({ defaultPolicy: { ...DEFAULT_PII_POLICY, input: { pii: { credit_card: 'block' } } } });
  const r = p.resolve({ keyId: 'k', orgId: 'any', teamId: null })!;
  assert.equal(r.compiled.input.actions.get('credit_card'), 'block');
  assert.equal(blockingLayer(r, 'input.pii.credit_card'), 'default');
});

test('layers that each validate but together break a limit refuse the key (500 guard_policy_unusable), never run unchecked', async () => {
  const rules = (prefix: string) => Array.from({ length: 60 }, (_, i) => ({ type: 'words' as const, name: `${prefix}${i}`, words: [`${prefix}word${i}`], action: 'flag' as const }));
  await store.put({ orgId: 'org_9', scope: 'org', scopeId: 'org_9', teamId: null, ownerUserId: null }, GuardPolicy.parse({ input: { custom: rules('o') } }), { actorId: 'usr_admin', orgId: 'org_9' }, 1);
  await store.put({ orgId: 'org_9', scope: 'key', scopeId: 'key_9', teamId: null, ownerUserId: null }, GuardPolicy.parse({ input: { custom: rules('k') } }), { actorId: 'usr_admin', orgId: 'org_9' }, 2);
  const p = new GuardPolicies({ store });
  await p.reload();
  assert.throws(() => p.resolve({ keyId: 'key_9', orgId: 'org_9', teamId: null }), (err: { code?: string; status?: number }) => err.code === 'guard_policy_unusable' && err.status === 500);
  assert.equal(p.resolve({ keyId: 'key_8', orgId: 'org_9', teamId: null })!.compiled.input.detectors.length > 0, true, 'other keys keep the org policy');
});
