import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
  /**
   * When set, every ID token the token endpoint returns is passed through it, the way a hostile
   * network or a compromised IdP front would rewrite it. Set and clear it between requests.
   */
  tamperIdToken: ((idToken: string) => string) | undefined;
  close(): Promise<void>;
}

export interface TestProviderOptions {
  /** Redirect URIs the clients accept. Default: one placeholder on 127.0.0.1. */
  redirectUris?: string[];
}

/**
 * Test helper, not shipped API: a real oidc-provider on 127.0.0.1 with an in-memory store,
 * one confidential client, PKCE required and the development login and consent pages.
 * @example
 * const idp = await startTestProvider([{ login: 'ana', email: 'ana@example.com', name: 'Ana', groups: ['eng'] }]);
 * try { ... } finally { await idp.close(); }
 */
export async function startTestProvider(accounts: TestAccount[], options: TestProviderOptions = {}): Promise<TestProvider> {
  let handler: Parameters<typeof createServer>[1] = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const kid = 'test-key';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const redirectUris = options.redirectUris ?? ['http://127.0.0.1/api/auth/oidc/callback'];
  const redirectUri = redirectUris[0]!;
  const clientId = 'tollgate';
  const clientSecret = 'tollgate-test-secret';
  const publicClientId = 'tollgate-public';
  const byLogin = new Map(accounts.map((a) => [a.login, a]));

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: publicClientId,
        redirect_uris: redirectUris,
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
  const callback = provider.callback();
  handler = (req, res) => {
    const tamper = result.tamperIdToken;
    if (tamper && req.url?.startsWith('/token')) rewriteJsonBody(res, (body) => ({ ...body, id_token: tamper(String(body['id_token'])) }));
    return callback(req, res);
  };

  const result: TestProvider = {
    issuer,
    clientId,
    clientSecret,
    publicClientId,
    redirectUri,
    signingKey: privateKey,
    kid,
    tamperIdToken: undefined,
    close: () => closeServer(server),
  };
  return result;
}

/** Buffers a JSON response and lets `rewrite` change it before it is sent. */
function rewriteJsonBody(res: ServerResponse<IncomingMessage>, rewrite: (body: Record<string, unknown>) => Record<string, unknown>): void {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  const chunks: Buffer[] = [];
  res.write = ((chunk: unknown) => {
    if (chunk !== undefined && chunk !== null) chunks.push(Buffer.from(chunk as string));
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
    let text = Buffer.concat(chunks).toString('utf8');
    if (res.statusCode === 200) text = JSON.stringify(rewrite(JSON.parse(text) as Record<string, unknown>));
    if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(text));
    return end(text);
  }) as typeof res.end;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}
