import { z } from 'zod';

// The shapes of `upstream.deployments`, `upstream.aliases` and `upstream.fallbacks` in tollgate.yaml.
// They live in config/ so the loader can check them (with file and line) before anything starts;
// src/upstream/ re-exports them and builds its deployments, aliases and chains from them.

/** Where an upstream secret comes from: never the secret itself in configuration. */
export const secretRefSchema = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name') }),
  z.strictObject({ file: z.string().min(1).max(1_000).refine((p) => p.startsWith('/'), 'an absolute file path') }),
]);

const baseUrl = z
  .url({ protocol: /^https?$/, error: 'an http(s) URL' })
  .max(2_000)
  .refine((u) => {
    if (!URL.canParse(u)) return true; // the url check above reports it
    const url = new URL(u);
    return !url.username && !url.password && !url.search && !url.hash;
  }, 'a base URL without credentials, query or fragment (give the key as api_key: { env | file })');

const modelName = z.string().min(1).max(200);

/**
 * One upstream that serves models: an OpenAI key or project, an Azure OpenAI v1 endpoint, or any
 * OpenAI-compatible server (vLLM, Ollama). Strict: a misspelt field is an error, and an inline secret
 * is refused (the key is given by reference: an environment variable or a file).
 * @example
 * deploymentSchema.parse({ id: 'azure-eu', provider: 'azure', base_url: 'https://x.openai.azure.com/openai/v1',
 *   api_key: { env: 'AZURE_EU_KEY' }, models: ['gpt-4o'], model_map: { 'gpt-4o': 'prod-gpt4o' },
 *   weight: 2, priority: 0, attributes: { region: 'eu', zero_retention: true } })
 */
export const deploymentSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, dot, dash, underscore (at most 63)'),
  provider: z.enum(['openai', 'azure', 'openai-compatible']),
  base_url: baseUrl,
  /** Absent only for servers that need no key (local vLLM, Ollama). */
  api_key: secretRefSchema.optional(),
  /** Share of traffic among deployments of the same priority. */
  weight: z.number().int().min(0).max(1_000).default(1),
  /** 0 is tried first; higher numbers are backups used when every better one is unavailable. */
  priority: z.number().int().min(0).max(100).default(0),
  /** Models (as clients name them) this deployment serves; `*` for any. */
  models: z.array(modelName).min(1).max(1_000),
  /** The name to send upstream when it differs (Azure deployment names). */
  model_map: z.record(modelName, modelName).default({}),
  /** This deployment's own limits (what its upstream account allows). */
  limits: z
    .strictObject({
      requests_per_minute: z.number().int().min(1).optional(),
      tokens_per_minute: z.number().int().min(1).optional(),
      max_concurrent: z.number().int().min(1).optional(),
    })
    .default({}),
  attributes: z
    .strictObject({
      /** The upstream keeps no request data (a zero-data-retention agreement). */
      zero_retention: z.boolean().default(false),
      /** Where requests are processed, e.g. `eu`, `us`. */
      region: z.string().min(1).max(50).optional(),
      tags: z.array(z.string().min(1).max(50)).max(50).default([]),
    })
    .default({ zero_retention: false, tags: [] }),
});

/** A plain string as api_key gets its own message, which never repeats the value. */
const inlineSecretGuard = z.unknown().superRefine((v, ctx) => {
  if (v && typeof v === 'object' && typeof (v as { api_key?: unknown }).api_key === 'string') {
    ctx.addIssue({ code: 'custom', path: ['api_key'], message: 'inline secrets are refused: give api_key as { env: NAME } or { file: /path }' });
  }
});

/** A list of deployments: each valid, ids unique, no inline secret. */
export const deploymentListSchema = z
  .array(inlineSecretGuard.pipe(deploymentSchema))
  .max(1_000)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((d, i) => {
      if (seen.has(d.id)) ctx.addIssue({ code: 'custom', message: `duplicate deployment id '${d.id}'`, path: [i, 'id'] });
      seen.add(d.id);
    });
  });

/** `alias → model`, e.g. `{ fast: 'gpt-4o-mini', smart: 'gpt-4o' }`. */
export const modelAliasesSchema = z.record(modelName, modelName);

const stepSchema = z.union([modelName, z.strictObject({ deployment: z.string().min(1).max(63) })]);

/**
 * Fallback chains, per model or alias: `{ 'gpt-4o': ['gpt-4o-mini', { deployment: 'azure-eu' }] }`.
 * The requested model is always the first step; a chain names what comes after it.
 */
export const fallbackChainsSchema = z.record(modelName, z.array(stepSchema).min(1).max(10));

type Issue = { path: (string | number)[]; message: string };

/**
 * What the three settings must say together: an alias names a model, not itself nor another alias
 * (aliases resolve in one step, so a loop cannot form); a fallback step names a deployment that
 * exists, or a model some deployment serves; every alias and chain names something served.
 * Paths are relative to the `upstream` group.
 */
export function upstreamCrossIssues(u: {
  deployments: readonly z.output<typeof deploymentSchema>[];
  aliases: Record<string, string>;
  fallbacks: Record<string, readonly z.output<typeof stepSchema>[]>;
}): Issue[] {
  const issues: Issue[] = [];
  const ids = new Set(u.deployments.map((d) => d.id));
  const served = (model: string) => u.deployments.length === 0 || u.deployments.some((d) => d.models.includes(model) || d.models.includes('*'));
  for (const [alias, model] of Object.entries(u.aliases)) {
    if (alias === model) issues.push({ path: ['aliases', alias], message: `alias '${alias}' names itself (a loop)` });
    else if (Object.hasOwn(u.aliases, model)) {
      const loop = u.aliases[model] === alias ? ` — a loop: ${alias} → ${model} → ${alias}` : '';
      issues.push({ path: ['aliases', alias], message: `alias '${alias}' names another alias '${model}'; aliases resolve in one step${loop}` });
    } else if (!served(model)) issues.push({ path: ['aliases', alias], message: `alias '${alias}' names '${model}', which no deployment serves` });
  }
  for (const [from, steps] of Object.entries(u.fallbacks)) {
    steps.forEach((step, i) => {
      if (typeof step !== 'string') {
        if (!ids.has(step.deployment)) issues.push({ path: ['fallbacks', from, i], message: `fallback of '${from}' names the deployment '${step.deployment}', which is not in upstream.deployments` });
      } else if (step === from) {
        issues.push({ path: ['fallbacks', from, i], message: `fallback of '${from}' names '${from}' itself` });
      } else if (!served(u.aliases[step] ?? step)) {
        issues.push({ path: ['fallbacks', from, i], message: `fallback of '${from}' names '${step}', which no deployment serves` });
      }
    });
    if (!served(u.aliases[from] ?? from)) issues.push({ path: ['fallbacks', from], message: `a fallback chain for '${from}', which no deployment serves` });
  }
  return issues;
}
