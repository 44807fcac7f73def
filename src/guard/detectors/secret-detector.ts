import { scanRegex, type Detector, type Finding } from './finding.ts';

interface SecretFormat {
  /** Sticky (`y`): tried where the scan found its prefix; or global (`g`) for the two searched whole. */
  re: RegExp;
  /** The character before a match must not be one of these (a look-behind, checked by hand for speed). */
  notAfter?: RegExp;
  /** Extra check on the match (entropy hints, structure). */
  accept?: (m: RegExpExecArray) => boolean;
  /** Report only this capture group (the value after a `name =`). */
  group?: number;
}

// A random token mixes character classes; words joined by dashes ("sk-learn-pipeline-example") do not.
const mixed = (s: string) => [/[a-z]/, /[A-Z]/, /\d/].filter((c) => c.test(s)).length >= 2 && /\d/.test(s);

function jwtHeaderOk(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as unknown;
    return header !== null && typeof header === 'object' && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

/** Common credential formats, by kind. Each begins with a fixed prefix, which is how the scan finds it. */
export const SECRET_FORMATS = {
  openai_key: { re: /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,250}(?![\w-])/y, notAfter: /[\w-]/, accept: (m) => mixed(m[0].slice(3)) },
  tollgate_key: { re: /tg-[A-Za-z0-9_-]{16,200}(?![\w-])/y, notAfter: /[\w-]/, accept: (m) => mixed(m[0].slice(3)) },
  aws_access_key: { re: /A(?:KIA|SIA|IDA|ROA)[A-Z0-9]{16}(?![A-Za-z0-9])/y, notAfter: /[A-Za-z0-9]/ },
  aws_secret_key: { re: /aws_?secret_?access_?key["']?\s*[=:]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/dgi, group: 1 },
  github_token: { re: /gh[pousr]_[A-Za-z0-9]{36}(?!\w)/y, notAfter: /\w/ },
  github_pat: { re: /github_pat_[A-Za-z0-9_]{82}(?!\w)/y, notAfter: /\w/ },
  slack_token: { re: /xox[abposr]-(?:[A-Za-z0-9]{1,40}-){1,4}[A-Za-z0-9]{8,64}(?![\w-])/y, notAfter: /[\w-]/ },
  google_api_key: { re: /AIza[0-9A-Za-z_-]{35}(?![\w-])/y, notAfter: /[\w-]/ },
  stripe_key: { re: /[sr]k_(?:live|test)_[0-9A-Za-z]{16,247}(?!\w)/y, notAfter: /\w/ },
  private_key: {
    re: /-----BEGIN (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,12000}?-----END (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,-]{0,12000})/y,
  },
  jwt: { re: /eyJ[A-Za-z0-9_-]{5,2000}\.eyJ[A-Za-z0-9_-]{5,8000}\.[A-Za-z0-9_-]{16,1000}(?![\w-])/g, notAfter: /[\w-]/, accept: (m) => jwtHeaderOk(m[0]) },
} satisfies Record<string, SecretFormat>;

type FormatName = keyof typeof SECRET_FORMATS;
const F: Record<FormatName, SecretFormat> = SECRET_FORMATS;
// The kind a finding reports (both GitHub formats are `github_token`).
const KIND: Record<FormatName, string> = { ...(Object.fromEntries(Object.keys(F).map((k) => [k, k])) as Record<FormatName, string>), github_pat: 'github_token' };
// Prefixes with no `-` or `_` to jump to, by the three characters after their `A`.
const A_PREFIX: Readonly<Record<string, FormatName>> = Object.assign(Object.create(null) as object, { KIA: 'aws_access_key', SIA: 'aws_access_key', IDA: 'aws_access_key', ROA: 'aws_access_key', Iza: 'google_api_key' } as const);

/**
 * API keys, tokens and private keys in the formats of OpenAI, Tollgate, AWS, GitHub, Slack, Google,
 * Stripe; PEM private keys; JWTs. Most formats have a `-` or `_` a fixed distance into their prefix
 * (`sk-`, `ghp_`, `xoxb-`, `-----BEGIN`), so the scan jumps from one of those characters to the next
 * (a fast search: prose has few) and tries only the formats whose prefix ends there; the rest are
 * found by three patterns with a literal start. A long prompt costs a handful of searches, not one
 * pattern per format over the whole text.
 */
export const secretDetector: Detector = {
  id: 'secret',
  scan(text: string, out: Finding[]) {
    const after = new Map<FormatName, number>(); // where each format's last match ended: one format's matches do not overlap
    for (let i = text.indexOf('-'); i >= 0; i = text.indexOf('-', i + 1)) {
      if (i >= 2 && text.charCodeAt(i - 1) === 107 /* k */ && text.charCodeAt(i - 2) === 115 /* s */) tryFormat('openai_key', i - 2, text, out, after);
      if (i >= 2 && text.charCodeAt(i - 1) === 103 /* g */ && text.charCodeAt(i - 2) === 116 /* t */) tryFormat('tollgate_key', i - 2, text, out, after);
      if (i >= 4 && text.startsWith('xox', i - 4)) tryFormat('slack_token', i - 4, text, out, after);
      // (Inside a key already found, tryFormat skips the BEGIN lines: a run of them stays linear.)
      if (text.startsWith('-----BEGIN ', i)) tryFormat('private_key', i, text, out, after);
    }
    for (let i = text.indexOf('_'); i >= 0; i = text.indexOf('_', i + 1)) {
      if (i >= 3 && text.startsWith('gh', i - 3)) tryFormat('github_token', i - 3, text, out, after);
      if (i >= 6 && text.startsWith('github', i - 6)) tryFormat('github_pat', i - 6, text, out, after);
      if (i >= 2 && text.charCodeAt(i - 1) === 107 /* k */) tryFormat('stripe_key', i - 2, text, out, after);
    }
    // The AWS and Google prefixes start with a capital A: jumped to like the dashes (capital As are rare).
    for (let i = text.indexOf('A'); i >= 0; i = text.indexOf('A', i + 1)) {
      const next = A_PREFIX[text.slice(i + 1, i + 4)];
      if (next !== undefined) tryFormat(next, i, text, out, after);
    }
    scanRegex(F.aws_secret_key.re, text, acceptAwsSecret, out);
    // A JWT's payload starts with `.eyJ`: without one there is nothing to look for. Found from its
    // `J` (rare in prose; a search for `.eyJ` stops at every full stop).
    if (hasJwtPayload(text)) scanRegex(F.jwt.re, text, acceptJwt, out);
  },
};

function hasJwtPayload(text: string): boolean {
  for (let j = text.indexOf('J', 3); j >= 0; j = text.indexOf('J', j + 1)) if (text.startsWith('.ey', j - 3)) return true;
  return false;
}

/** Tries format `name` at `at` (where its prefix is), unless a match of it already covers that place. */
function tryFormat(name: FormatName, at: number, text: string, out: Finding[], after: Map<FormatName, number>): void {
  if (at < 0 || at < (after.get(name) ?? 0)) return;
  const f = F[name];
  f.re.lastIndex = at;
  const m = f.re.exec(text);
  if (m === null) return;
  after.set(name, at + m[0].length);
  report(name, f, m, text, out);
}

const acceptAwsSecret = (m: RegExpExecArray) => report('aws_secret_key', F.aws_secret_key, m, m.input);
const acceptJwt = (m: RegExpExecArray) => report('jwt', F.jwt, m, m.input);

/** The finding for a match of format `name`, if it passes the format's checks (pushed to `out` when given). */
function report(name: FormatName, f: SecretFormat, m: RegExpExecArray, text: string, out?: Finding[]): Finding | undefined {
  if (f.notAfter && m.index > 0 && f.notAfter.test(text[m.index - 1]!)) return undefined;
  if (f.accept && !f.accept(m)) return undefined;
  const [start, end] = f.group !== undefined ? m.indices![f.group]! : [m.index, m.index + m[0].length];
  const finding: Finding = { detector: 'secret', kind: KIND[name], start, end };
  out?.push(finding);
  return finding;
}
