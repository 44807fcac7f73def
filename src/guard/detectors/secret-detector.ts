import { scanRegex, type Detector, type Finding } from './finding.ts';

interface SecretFormat {
  kind: string;
  /** Starts with its literal prefix, so V8 can skip ahead to it instead of trying every position. */
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

/** Common credential formats. Each is anchored on a fixed prefix, so a scan is a handful of fast searches. */
const FORMATS: readonly SecretFormat[] = [
  { kind: 'openai_key', re: /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,250}(?![\w-])/g, notAfter: /[\w-]/, accept: (m) => mixed(m[0].slice(3)) },
  { kind: 'tollgate_key', re: /tg-[A-Za-z0-9_-]{16,200}(?![\w-])/g, notAfter: /[\w-]/, accept: (m) => mixed(m[0].slice(3)) },
  { kind: 'aws_access_key', re: /A(?:KIA|SIA|IDA|ROA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, notAfter: /[A-Za-z0-9]/ },
  { kind: 'aws_secret_key', re: /aws_?secret_?access_?key["']?\s*[=:]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/dgi, group: 1 },
  { kind: 'github_token', re: /gh[pousr]_[A-Za-z0-9]{36}(?!\w)/g, notAfter: /\w/ },
  { kind: 'github_token', re: /github_pat_[A-Za-z0-9_]{82}(?!\w)/g, notAfter: /\w/ },
  { kind: 'slack_token', re: /xox[abposr]-(?:[A-Za-z0-9]{1,40}-){1,4}[A-Za-z0-9]{8,64}(?![\w-])/g, notAfter: /[\w-]/ },
  { kind: 'google_api_key', re: /AIza[0-9A-Za-z_-]{35}(?![\w-])/g, notAfter: /[\w-]/ },
  { kind: 'stripe_key', re: /[sr]k_(?:live|test)_[0-9A-Za-z]{16,247}(?!\w)/g, notAfter: /\w/ },
  {
    kind: 'private_key',
    re: /-----BEGIN (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,12000}?-----END (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,-]{0,12000})/g,
  },
  { kind: 'jwt', re: /eyJ[A-Za-z0-9_-]{5,2000}\.eyJ[A-Za-z0-9_-]{5,8000}\.[A-Za-z0-9_-]{16,1000}(?![\w-])/g, notAfter: /[\w-]/, accept: (m) => jwtHeaderOk(m[0]) },
];

/** API keys, tokens and private keys in the formats of OpenAI, Tollgate, AWS, GitHub, Slack, Google, Stripe; PEM private keys; JWTs. */
export const secretDetector: Detector = {
  id: 'secret',
  scan(text: string, out: Finding[]) {
    for (const f of FORMATS) {
      scanRegex(
        f.re,
        text,
        (m) => {
          if (f.notAfter && m.index > 0 && f.notAfter.test(text[m.index - 1]!)) return undefined;
          if (f.accept && !f.accept(m)) return undefined;
          if (f.group !== undefined) {
            const [start, end] = m.indices![f.group]!;
            return { detector: 'secret', kind: f.kind, start, end };
          }
          return { detector: 'secret', kind: f.kind, start: m.index, end: m.index + m[0].length };
        },
        out,
      );
    }
  },
};
