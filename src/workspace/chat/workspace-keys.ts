import type { Logger } from 'pino';
import type { Directory } from '../../access/index.ts';
import type { KeyService } from '../../access/index.ts';
import type { ChatPrincipal } from './chat-runner.ts';

interface Minted {
  keyId: string;
  orgId: string;
  secret: string;
  expiresAt: number;
}

export interface WorkspaceKeysOptions {
  /** How long a minted key lives. Default 2 h; it is replaced 10 min before it expires. */
  ttlMs?: number;
  now?: () => number;
  log?: Logger | undefined;
}

/** Name of the keys minted for workspace chat, so a person listing their keys knows what they are. */
export const WORKSPACE_KEY_NAME = 'workspace chat (temporary, managed by Tollgate)';

/**
 * Short-lived personal keys minted for a person so that their workspace turns run through the
 * gateway's pipeline as them (PipelineChatRunner): the key's principal carries their roles, model
 * limits and budgets exactly as a key they made themselves would. The secret stays in this
 * process's memory; keys are revoked on close and replaced when the person's access changes.
 */
export class WorkspaceKeys {
  private readonly minted = new Map<string, Minted>();
  private readonly pending = new Map<string, Promise<Minted>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly keys: KeyService,
    private readonly directory: Directory,
    private readonly options: WorkspaceKeysOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 2 * 3_600_000;
    this.now = options.now ?? Date.now;
  }

  /** A secret that authenticates as this person (their first team, as their own personal keys default to). */
  async secretFor(p: ChatPrincipal): Promise<string> {
    const have = this.minted.get(p.userId);
    if (have && have.expiresAt - this.now() > 600_000) return have.secret;
    let pending = this.pending.get(p.userId);
    if (!pending) {
      pending = this.mint(p).finally(() => this.pending.delete(p.userId));
      this.pending.set(p.userId, pending);
    }
    return (await pending).secret;
  }

  /** Forgets (and revokes) a person's key, e.g. after the gateway refused it because their access changed. */
  async forget(userId: string): Promise<void> {
    const have = this.minted.get(userId);
    this.minted.delete(userId);
    if (have) await this.revoke(have, userId);
  }

  async close(): Promise<void> {
    const all = [...this.minted.entries()];
    this.minted.clear();
    await Promise.all(all.map(([userId, m]) => this.revoke(m, userId)));
  }

  private async mint(p: ChatPrincipal): Promise<Minted> {
    const memberships = await this.directory.memberships(p.userId);
    const ctx = { actorId: p.userId, orgId: p.orgId };
    const expiresAt = this.now() + this.ttlMs;
    const { key, secret } = await this.keys.create(
      { name: WORKSPACE_KEY_NAME, orgId: p.orgId, userId: p.userId, teamId: memberships[0]?.team_id ?? null, expiresAt },
      ctx,
    );
    const old = this.minted.get(p.userId);
    const m = { keyId: key.id, orgId: p.orgId, secret, expiresAt };
    this.minted.set(p.userId, m);
    if (old) void this.revoke(old, p.userId);
    return m;
  }

  private async revoke(m: Minted, userId: string): Promise<void> {
    await this.keys.revoke(m.keyId, { actorId: userId, orgId: m.orgId }).catch((err: unknown) => this.options.log?.warn({ err, key: m.keyId }, 'could not revoke a workspace chat key; it expires by itself'));
  }
}
