import type { FieldCipher } from '../../compliance/index.ts';
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

  /** `outbound`: the fetch every call to an identity provider goes through; `cipher` opens the stored client secret. */
  constructor(
    private readonly outbound: OutboundFetch,
    private readonly cipher: FieldCipher,
  ) {}

  async get(orgId: string, settings: SsoSettings, redirectUri: string): Promise<OidcSso> {
    const key = JSON.stringify([settings, redirectUri]);
    const cached = this.byOrg.get(orgId);
    if (cached?.key === key) return cached.sso;
    const secret = settings.client_secret === null ? null : await this.cipher.open(orgId, settings.client_secret, ssoSecretAad(orgId));
    const sso = createOidcSso({
      issuer: settings.issuer,
      clientId: settings.client_id,
      ...(secret === null ? {} : { clientSecret: secret }),
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

/** The associated data binding an organization's sealed SSO client secret to its row. */
export const ssoSecretAad = (orgId: string) => `orgs/${orgId}/sso/client_secret`;
