import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import Provider, { type Configuration } from 'oidc-provider';

/** A user the test identity provider knows; `login` is what the login form takes. */
export interface TestAccount {
  login: string;
  email: string;
  name: string;
  groups: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A second, public client: no secret, PKCE only. */
  publicClientId: string;
  redirectUri: string;
  /** The provider's signing key, to re-sign ID tokens in tests. */
  signingKey: KeyObject;
  kid: string;
  close(): Promise<void>;
}

/**
 * Test helper, not shipped API: a real oidc-provider on 127.0.0.1 with an in-memory store,
 * one confidential client, PKCE required and the development login and consent pages.
 * @example
 * const idp = await startTestProvider([{ login: 'ana', email: 'ana@example.com', name: 'Ana', groups: ['eng'] }]);
 * try { ... } finally { await idp.close(); }
 */
export async function startTestProvider(accounts: TestAccount[]): Promise<TestProvider> {
  let handler: Parameters<typeof createServer>[1] = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const kid = 'test-key';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const redirectUri = 'http://127.0.0.1/api/auth/oidc/callback';
  const clientId = 'tollgate';
  const clientSecret = 'tollgate-test-secret';
  const publicClientId = 'tollgate-public';
  const byLogin = new Map(accounts.map((a) => [a.login, a]));

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: publicClientId,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } as never] },
    cookies: { keys: ['test-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    features: { devInteractions: { enabled: true } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    pkce: { required: () => true, methods: ['S256'] },
    findAccount: (_ctx, sub) => {
      const account = byLogin.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: account.email, email_verified: true, name: account.name, groups: account.groups }),
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  handler = provider.callback();

  return {
    issuer,
    clientId,
    clientSecret,
    publicClientId,
    redirectUri,
    signingKey: privateKey,
    kid,
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}
