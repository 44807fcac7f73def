/**
 * What a target of an action is:
 * - `org`: the organization itself (its price catalog, its settings); a team cannot hold it.
 * - `team`: something that belongs to a team, or to a user (a personal key carries `ownerUserId`).
 * - `self`: something personal to one user (a conversation); only its owner reaches it.
 */
export type ScopeKind = 'org' | 'team' | 'self';

export interface ActionSpec {
  scope: ScopeKind;
  /** Changes state or spends money; read-only roles may never be granted it. */
  mutates: boolean;
  summary: string;
}

/**
 * The catalogue of actions every /api and /v1 route maps to. Adding a route that does something new
 * is adding a row here, a row in the matrix and a line in the route map.
 * @example ACTION_TABLE['keys.create'].scope; // 'team'
 */
export const ACTION_TABLE = {
  'gateway.call': { scope: 'team', mutates: true, summary: 'Call a /v1 endpoint (spends money).' },
  'keys.create': { scope: 'team', mutates: true, summary: 'Create a personal or team (service) key.' },
  'keys.read': { scope: 'team', mutates: false, summary: 'List and show keys (never their secrets).' },
  'keys.update': { scope: 'team', mutates: true, summary: 'Change a key (scopes, allowlist, expiry) or rotate its secret.' },
  'keys.revoke': { scope: 'team', mutates: true, summary: 'Revoke a key.' },
  'usage.read': { scope: 'team', mutates: false, summary: 'Read ledger rows and totals.' },
  'budgets.read': { scope: 'team', mutates: false, summary: 'Read budgets and their status.' },
  'budgets.write': { scope: 'team', mutates: true, summary: 'Create, change and delete budgets.' },
  'prices.read': { scope: 'org', mutates: false, summary: 'Read the price catalog.' },
  'prices.write': { scope: 'org', mutates: true, summary: 'Set and delete price overrides.' },
  'alerts.read': { scope: 'team', mutates: false, summary: 'Read budget and pricing alerts.' },
  'teams.read': { scope: 'team', mutates: false, summary: 'Read teams.' },
  'teams.write': { scope: 'team', mutates: true, summary: 'Create, rename and delete teams.' },
  'members.read': { scope: 'team', mutates: false, summary: 'Read who is in a team and with which role.' },
  'members.write': { scope: 'team', mutates: true, summary: 'Add and remove members, change roles.' },
  'users.invite': { scope: 'team', mutates: true, summary: 'Invite a user into a team.' },
  'org.read': { scope: 'org', mutates: false, summary: 'Read the organization (name, policies; never SSO secrets).' },
  'orgs.create': { scope: 'org', mutates: true, summary: 'Create another organization (owners of the home organization only).' },
  'users.manage': { scope: 'org', mutates: true, summary: 'Disable and enable users, set org-wide roles, send password resets.' },
  'org.settings.write': { scope: 'org', mutates: true, summary: 'Change organization settings.' },
  'audit.read': { scope: 'team', mutates: false, summary: 'Read the audit log.' },
  'reports.read': { scope: 'team', mutates: false, summary: 'Read spend and compliance reports.' },
  'guardrails.read': { scope: 'team', mutates: false, summary: 'Read guardrail policies (organization, team, key).' },
  'guardrails.write': { scope: 'team', mutates: true, summary: 'Set and delete guardrail policies.' },
  'conversations.read': { scope: 'self', mutates: false, summary: 'Read workspace conversations.' },
  'conversations.write': { scope: 'self', mutates: true, summary: 'Create, change and delete conversations.' },
  'templates.read': { scope: 'team', mutates: false, summary: "Read prompt templates: one's own and those shared with one's teams." },
  'templates.write': { scope: 'team', mutates: true, summary: "Create, change and delete prompt templates: one's own, or a team's as its admin." },
} as const satisfies Record<string, ActionSpec>;

export type Action = keyof typeof ACTION_TABLE;

/** Every action, in catalogue order. */
export const ACTIONS = Object.keys(ACTION_TABLE) as readonly Action[] as readonly [Action, ...Action[]];

/** Narrows a string (e.g. from a route map or a request) to a known action. */
export function isAction(name: string): name is Action {
  return Object.hasOwn(ACTION_TABLE, name);
}
