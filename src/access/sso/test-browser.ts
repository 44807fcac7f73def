/**
 * Test helper, not shipped API: a minimal browser for driving an identity provider's login and
 * consent pages with fetch. It keeps cookies (by name and path), follows redirects by hand and
 * stops at the first redirect to `stopAt`, returning that URL.
 * @example
 * const browser = new TestBrowser();
 * const callbackUrl = await browser.signIn(start.url, { stopAt: redirectUri, login: 'ana' });
 */
export class TestBrowser {
  private readonly cookies = new Map<string, { path: string; name: string; value: string }>();

  async signIn(authorizationUrl: string, opts: { stopAt: string; login: string }): Promise<string> {
    let response = await this.request(authorizationUrl);
    for (let step = 0; step < 20; step++) {
      const location = response.headers.get('location');
      if (location !== null) {
        const next = new URL(location, response.url).href;
        if (next.startsWith(opts.stopAt)) return next;
        response = await this.request(next);
        continue;
      }
      if (response.status !== 200) throw new Error(`unexpected ${response.status} at ${response.url}: ${await response.text()}`);
      const html = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
      if (action === undefined || prompt === undefined) throw new Error(`no form at ${response.url}`);
      const form = new URLSearchParams({ prompt });
      if (prompt === 'login') {
        form.set('login', opts.login);
        form.set('password', 'any');
      }
      response = await this.request(new URL(action, response.url).href, form);
    }
    throw new Error('too many redirects');
  }

  /** A GET with this browser's cookies; redirects are not followed (read `location`). */
  get(url: string): Promise<Response> {
    return this.request(url);
  }

  /** The value of a cookie this browser holds, if any. */
  cookie(name: string): string | undefined {
    return [...this.cookies.values()].find((c) => c.name === name)?.value;
  }

  private async request(url: string, form?: URLSearchParams): Promise<Response & { url: string }> {
    const target = new URL(url);
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(target.pathname);
    if (cookie !== '') headers['cookie'] = cookie;
    const init: RequestInit = { redirect: 'manual', headers };
    if (form) Object.assign(init, { method: 'POST', body: form });
    const response = await fetch(target, init);
    for (const line of response.headers.getSetCookie()) this.store(line);
    // A manual-redirect response's url is the requested one; keep it for resolving relative links.
    Object.defineProperty(response, 'url', { value: target.href });
    return response;
  }

  private store(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = '/';
    let expired = value === '';
    for (const attribute of attributes) {
      const [key = '', val = ''] = attribute.split('=');
      if (key.toLowerCase() === 'path') path = val;
      if (key.toLowerCase() === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
    }
    const id = `${path} ${name}`;
    if (expired) this.cookies.delete(id);
    else this.cookies.set(id, { path, name, value });
  }

  private cookieHeader(pathname: string): string {
    return [...this.cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}
