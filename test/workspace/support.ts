import assert from 'node:assert/strict';
import type { RoleName } from '../../src/state/schema-access.ts';
import { createUser, signIn, type Session } from '../access/auth/support.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { parseSse } from '../support/sse.ts';
import type { StoreKind, TestStore } from '../support/stores.ts';
export { usdToNanos as nanos } from '../support/money.ts';

/** A person of the home organization with a personal key (and a password, to sign in). */
export interface Person {
  id: string;
  key: string;
  email: string;
  password: string;
}

export interface Workspace {
  gw: TestGateway;
  /** Members of the Default team (ana, ben), a viewer (vic), an org owner (olga). */
  ana: Person;
  ben: Person;
  vic: Person;
  olga: Person;
  person(options: { teamRole?: RoleName | null; orgRole?: RoleName }): Promise<Person>;
  signIn(p: Person): Promise<Session>;
  /** The store under the gateway. */
  store: TestStore;
  /** Stops this gateway, runs `whileStopped` (a CLI command), and starts another on the same store with `env` (same people). */
  restart(env: Record<string, string>, whileStopped?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** A Tollgate on the given store kind, in front of the simulator, with a few people. */
export async function startWorkspace(kind: StoreKind, env: Record<string, string> = {}): Promise<Workspace> {
  const store: TestStore = await kind.create();
  const gw = await startGateway({ store, env });
  const person = async (options: { teamRole?: RoleName | null; orgRole?: RoleName }): Promise<Person> => {
    const u = await createUser(gw, options);
    const teamId = options.teamRole === null ? null : gw.tg.home.defaultTeam.id;
    const { secret } = await gw.tg.keys.create({ name: 'personal', orgId: gw.tg.home.org.id, userId: u.user.id, teamId }, { actorId: 'system', orgId: gw.tg.home.org.id });
    return { id: u.user.id, key: secret, email: u.email, password: u.password };
  };
  const ana = await person({ teamRole: 'member' });
  const ben = await person({ teamRole: 'member' });
  const vic = await person({ teamRole: 'viewer' });
  const olga = await person({ teamRole: null, orgRole: 'owner' });
  const w: Workspace = {
    gw,
    store,
    async restart(next, whileStopped) {
      await w.gw.close();
      await whileStopped?.();
      w.gw = await startGateway({ store, env: next });
    },
    ana,
    ben,
    vic,
    olga,
    person,
    signIn: (p) => signIn(w.gw, p.email, p.password),
    async close() {
      await w.gw.close().catch(() => {});
      await store.dispose();
    },
  };
  return w;
}

/** A JSON request with a person's key; `body` makes it a POST unless `method` says otherwise. */
export function as(gw: TestGateway, p: Person | string, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return gw.call(path, { key: typeof p === 'string' ? p : p.key, ...init });
}

/** The JSON body of a response that must have the given status. */
export async function ok<T = any>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  const text = await r.text();
  assert.equal(r.status, status, text.slice(0, 500));
  return JSON.parse(text) as T;
}

/** Asserts an OpenAI-shaped error with this status and code (and param, when given). */
export async function fails(res: Response | Promise<Response>, status: number, code: string, param?: string | null) {
  const r = await res;
  const text = await r.text();
  assert.equal(r.status, status, text.slice(0, 500));
  const body = JSON.parse(text) as { error: { message: string; type: string; param: string | null; code: string } };
  assert.equal(body.error.code, code, text.slice(0, 500));
  assert.equal(typeof body.error.message, 'string');
  assert.ok('type' in body.error && 'param' in body.error, 'OpenAI error shape');
  if (param !== undefined) assert.equal(body.error.param, param, text.slice(0, 500));
  return body;
}

export interface TurnEvents {
  events: { event: string | undefined; data: any }[];
  names: (string | undefined)[];
  created: any;
  completed: any;
  error: any;
  conversation: any;
  text: string;
}

/** Posts a streamed turn and reads its events. */
export async function turn(gw: TestGateway, p: Person, conversationId: string, body: Record<string, unknown>): Promise<TurnEvents> {
  const res = await as(gw, p, `/api/conversations/${conversationId}/messages`, { body });
  assert.equal(res.status, 200, res.status === 200 ? '' : await res.clone().text());
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  return readTurn(await res.text());
}

export function readTurn(text: string): TurnEvents {
  const events = parseSse(text).map((e) => ({ event: e.event, data: JSON.parse(e.data) }));
  const find = (name: string) => events.find((e) => e.event === name)?.data;
  return {
    events,
    names: events.map((e) => e.event),
    created: find('message.created')?.message,
    completed: find('message.completed')?.message,
    error: find('error'),
    conversation: find('conversation.updated')?.conversation,
    text: events.filter((e) => e.event === 'message.delta').map((e) => e.data.delta).join(''),
  };
}

/** Creates a conversation for a person. */
export async function newConversation(gw: TestGateway, p: Person, body: Record<string, unknown> = {}): Promise<any> {
  return ok(as(gw, p, '/api/conversations', { body: { model: 'gpt-4o-mini', ...body } }), 201);
}

/** nano-dollars of a decimal USD string. */
