import type { ChangeContext } from '../../../src/access/change-record.ts';
import type { OrgRow, TeamRow, UserRow } from '../../../src/access/directory/directory.ts';
import type { RoleName } from '../../../src/state/schema-access.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import type { TestStore } from '../../support/stores.ts';
export { usdToNanos as nanos } from '../../support/money.ts';

/** A key made for a test: its id and its secret. */
export interface TestKey {
  id: string;
  secret: string;
}

/**
 * Two teams (A, B) of the home organization and another organization, built through Tollgate's own
 * services (the teams and users API is not needed):
 * - adminA (admin of A), memberA (member of A), viewerA (viewer of A), memberB (member of B),
 *   auditor (org-wide auditor); owner2 owns the other organization;
 * - personal keys (spend counted to their team), memberA's personal key in no team, and one
 *   service key per team.
 */
export interface World {
  gw: TestGateway;
  org: OrgRow;
  other: OrgRow;
  teamA: TeamRow;
  teamB: TeamRow;
  users: Record<'adminA' | 'memberA' | 'viewerA' | 'memberB' | 'auditor' | 'owner2', UserRow>;
  keys: Record<'owner' | 'adminA' | 'memberA' | 'memberAPersonal' | 'viewerA' | 'memberB' | 'auditor' | 'serviceA' | 'serviceB' | 'owner2', TestKey>;
  close(): Promise<void>;
}

/** Starts a gateway on the store and builds the world in it. */
/** Made-up models without a price that the tests call (the simulator serves only these besides its catalog). */
export const UNPRICED_TEST_MODELS = ['acme-audit-unpriced', 'acme-team-b-model', 'acme-unpriced-alert-model'];

export async function buildWorld(store: TestStore): Promise<World> {
  const gw = await startGateway({ store, simulatorModels: UNPRICED_TEST_MODELS });
  const { directory, keys } = gw.tg;
  const org = gw.tg.home.org;
  const ctx: ChangeContext = { actorId: 'system', orgId: org.id };
  const teamA = await directory.createTeam(org.id, 'Team A', ctx);
  const teamB = await directory.createTeam(org.id, 'Team B', ctx);
  const user = async (email: string, team: TeamRow | null, role: RoleName, orgId = org.id) => {
    const u = await directory.createUser({ orgId, email, name: email.split('@')[0]!, orgRole: team ? null : role }, { actorId: 'system', orgId });
    if (team) await directory.setMembership(team.id, u.id, role, { actorId: 'system', orgId });
    return u;
  };
  const other = await directory.createOrg('Other Corp', null);
  const users = {
    adminA: await user('admin.a@example.com', teamA, 'admin'),
    memberA: await user('member.a@example.com', teamA, 'member'),
    viewerA: await user('viewer.a@example.com', teamA, 'viewer'),
    memberB: await user('member.b@example.com', teamB, 'member'),
    auditor: await user('auditor@example.com', null, 'auditor'),
    owner2: await user('owner@other.example.com', null, 'owner', other.id),
  };
  const personal = async (u: UserRow, teamId: string | null): Promise<TestKey> => {
    const { key, secret } = await keys.create({ name: `${u.name} personal`, orgId: u.org_id, teamId, userId: u.id }, { actorId: u.id, orgId: u.org_id });
    return { id: key.id, secret };
  };
  const service = async (team: TeamRow): Promise<TestKey> => {
    const { key, secret } = await keys.create({ name: `${team.name} service`, orgId: org.id, teamId: team.id, role: 'member' }, ctx);
    return { id: key.id, secret };
  };
  const ownerKey = (await gw.tg.store.db.selectFrom('api_keys').select('id').where('user_id', '=', gw.tg.home.owner.id).executeTakeFirstOrThrow()).id;
  const world: World = {
    gw,
    org,
    other,
    teamA,
    teamB,
    users,
    keys: {
      owner: { id: ownerKey, secret: gw.adminKey },
      adminA: await personal(users.adminA, teamA.id),
      memberA: await personal(users.memberA, teamA.id),
      memberAPersonal: await personal(users.memberA, null),
      viewerA: await personal(users.viewerA, teamA.id),
      memberB: await personal(users.memberB, teamB.id),
      auditor: await personal(users.auditor, null),
      serviceA: await service(teamA),
      serviceB: await service(teamB),
      owner2: await personal(users.owner2, null),
    },
    close: () => gw.close(),
  };
  return world;
}

export const chatBody = (model = 'gpt-4o-mini') => ({ model, max_tokens: 16, messages: [{ role: 'user', content: 'Say hello to the metering tests.' }] });

/** One chat completion with a key; returns the status and the request id. */
export async function chat(w: World, key: TestKey, model?: string): Promise<{ status: number; requestId: string; body: { error?: { code: string; message: string } } }> {
  const res = await w.gw.call('/v1/chat/completions', { key: key.secret, body: chatBody(model) });
  return { status: res.status, requestId: res.headers.get('x-request-id')!, body: (await res.json()) as { error?: { code: string; message: string } } };
}

/** GET/POST/PATCH/PUT/DELETE an /api path with a key; returns status and parsed JSON. */
export async function api<T = Record<string, unknown>>(w: World, key: TestKey, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; json: T }> {
  const res = await w.gw.call(path, { key: key.secret, ...init });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as T };
}

/** USD decimal string → integer nano-dollars. */
