import { ERROR_SECTIONS } from './error-table.ts';

const TITLES: Record<string, string> = {
  http: 'HTTP (every route)',
  gateway: 'Gateway (`/v1`)',
  access: 'Access: keys, sign-in, directory, single sign-on',
  metering: 'Metering: usage, prices, budgets',
  workspace: 'Workspace',
  traffic: 'Traffic: rate limits, cache, deployments',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * docs/errors.md, written from the error table (`npm run docs:errors`; a test keeps the file equal
 * to this). `{name}` in a message is filled in per request.
 */
export function renderErrorDocs(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/errors/codes/*.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    "Every error Tollgate itself sends has OpenAI's shape, `{\"error\":{\"message\",\"type\",\"param\",\"code\"}}`,",
    'with the status below. `retry` is the `x-should-retry` header: whether the same request may succeed',
    'later. `{name}` in a message stands for a value filled in per request. Errors relayed from the',
    "upstream keep OpenAI's own codes (docs/gateway.md#errors).",
    '',
  ];
  for (const [section, codes] of Object.entries(ERROR_SECTIONS)) {
    const entries = Object.entries(codes).sort(([a], [b]) => a.localeCompare(b));
    if (entries.length === 0) continue;
    lines.push(`## ${TITLES[section] ?? section}`, '', '| code | status | type | retry | message |', '|---|---|---|---|---|');
    for (const [code, spec] of entries) lines.push(`| \`${code}\` | ${spec.status} | \`${spec.type}\` | ${spec.retry ? 'yes' : 'no'} | ${cell(spec.message)} |`);
    lines.push('');
  }
  return lines.join('\n');
}
