import type { OutboundFetch } from '../../http/index.ts';
import { createOidcSso, type OidcSso } from './oidc-client.ts';
import type { SsoSettings } from './sso-settings.ts';

/**
 * One OIDC client per organization, reused across sign-ins so the IdP's discovery document and
 * keys are fetched once. An entry is rebuilt when the org's settings or the redirect URI change,
 * so an instance that missed the PUT (another gateway instance) never uses stale settings.
 * @example const sso = clients.get(org.id, settings, redirectUri); await sso.begin();
 */
export class SsoClients {
  private readonly byOrg = new Map<string, { key: string; sso: OidcSso }>();

  /** `outbound`: the fetch every call to an identity provider goes through. */
  constructor(private readonly outbound: OutboundFetch) {}

  get(orgId: string, settings: SsoSettings, redirectUri: string): OidcSso {
    const key = JSON.stringify([settings, redirectUri]);
    const cached = this.byOrg.get(orgId);
    if (cached?.key === key) return cached.sso;
    const sso = createOidcSso({
      issuer: settings.issuer,
      clientId: settings.client_id,
      ...(settings.client_secret === null ? {} : { clientSecret: settings.client_secret }),
      redirectUri,
      ...(settings.scopes === null ? {} : { scopes: settings.scopes }),
      groupsClaim: settings.groups_claim,
      fetch: this.outbound,
    });
    this.byOrg.set(orgId, { key, sso });
    return sso;
  }

  /** Forgets an organization's client (its settings changed or were removed). */
  invalidate(orgId: string): void {
    this.byOrg.delete(orgId);
  }
}
