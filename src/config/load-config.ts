import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { readConfigFile, type ConfigFile } from './config-file.ts';
import { ConfigSchema, ConfigShape, type Config } from './config-schema.ts';
import { secretFromFile, type SecretRef } from './secret-ref.ts';
import { groupAt, settingLeaves, type SettingLeaf } from './setting.ts';

/** Where a setting's value came from. */
export type SettingSource =
  | { kind: 'default' }
  | { kind: 'env'; variable: string }
  /** tollgate.yaml; for a secret, `ref` says where the file pointed. */
  | { kind: 'file'; file: string; line: number | undefined; ref?: SecretRef };

/** The configuration and how it was made. */
export interface LoadedConfig {
  config: Config;
  /** The configuration file that was read, if any. */
  file: string | undefined;
  /** Where each setting (by name, e.g. `server.port`) came from. */
  sources: ReadonlyMap<string, SettingSource>;
}

export interface LoadOptions {
  /**
   * Look for `tollgate.yaml` in the working directory when TOLLGATE_CONFIG is unset. Default true;
   * tests that describe a configuration in variables alone turn it off, so a file left in the
   * checkout cannot change what they test.
   */
  findFile?: boolean;
}

/** Every setting of the schema, found once. */
export const SETTINGS: readonly SettingLeaf[] = settingLeaves(ConfigShape);

/**
 * Reads the configuration: defaults, then the file (TOLLGATE_CONFIG, else `./tollgate.yaml` if there
 * is one), then environment variables, which win. Throws a ConfigError listing every problem, each
 * named by the variable or by the setting with the file and line it is written on.
 * @example const config = loadConfig({ ...process.env, PORT: '9000' });
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  return loadConfigWithSources(env, options).config;
}

/**
 * {@link loadConfig}, also saying where each value came from (for `tollgate config`).
 * @example const { config, sources } = loadConfigWithSources(process.env); sources.get('server.port') // { kind: 'env', variable: 'PORT' }
 */
export function loadConfigWithSources(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): LoadedConfig {
  const file = openFile(env, options.findFile ?? true);
  const input = withoutNulls(file?.data ?? {});
  const sources = new Map<string, SettingSource>();
  const problems: string[] = [];

  for (const leaf of SETTINGS) {
    const parent = objectAt(input, leaf.path.slice(0, -1));
    const key = leaf.path.at(-1)!;
    let source: SettingSource = { kind: 'default' };
    if (parent && parent[key] !== undefined && file) {
      source = { kind: 'file', file: file.path, line: file.lineOf(leaf.path) };
      if (leaf.meta.secret) {
        const found = secretFromFile(parent[key], leaf.meta.secret, env);
        if ('error' in found) {
          problems.push(`  ${fileLabel(leaf.name, source)}: ${found.error}`);
          delete parent[key];
        } else {
          parent[key] = found.value;
          if (found.ref) source.ref = found.ref;
        }
      }
    }
    const fromEnv = env[leaf.meta.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      const target = objectAt(input, leaf.path.slice(0, -1), true);
      if (target) {
        target[key] = fromEnv;
        source = { kind: 'env', variable: leaf.meta.env };
      }
    }
    sources.set(leaf.name, source);
  }

  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap((issue) => describeIssue(issue, sources, file)));
  if (parsed.success) problems.push(...resolveDeploymentSecrets(parsed.data, env, sources.get('upstream.deployments'), file));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  return { config: parsed.data, file: file?.path, sources };
}

/** The configuration file to read: TOLLGATE_CONFIG (which must exist), else `./tollgate.yaml` when present. */
function openFile(env: NodeJS.ProcessEnv, findFile: boolean): ConfigFile | undefined {
  const named = env['TOLLGATE_CONFIG'];
  if (named !== undefined && named !== '') return readConfigFile(resolve(named), 'TOLLGATE_CONFIG');
  if (!findFile) return undefined;
  const local = resolve('tollgate.yaml');
  return existsSync(local) ? readConfigFile(local) : undefined;
}

/** A copy without keys that have no value (`key:` or `key: ~`): such a setting takes its default, such a group is empty. */
function withoutNulls(data: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v === null) continue;
    copy[k] = typeof v === 'object' && !Array.isArray(v) ? withoutNulls(v as Record<string, unknown>) : v;
  }
  return copy;
}

/** The plain object at `path` in `root` (created when `create` and missing); undefined where something else is in the way. */
function objectAt(root: Record<string, unknown>, path: readonly string[], create = false): Record<string, unknown> | undefined {
  let node: Record<string, unknown> = root;
  for (const key of path) {
    let next = node[key];
    if ((next === undefined || next === null) && create) next = node[key] = {};
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return undefined;
    node = next as Record<string, unknown>;
  }
  return node;
}

/** One zod issue as lines naming the variable, or the setting with the file and line it is written on. */
function describeIssue(issue: z.core.$ZodIssue, sources: ReadonlyMap<string, SettingSource>, file: ConfigFile | undefined): string[] {
  if (issue.code === 'unrecognized_keys') {
    const group = groupAt(ConfigShape, issue.path);
    const known = group ? Object.keys(group.shape).join(', ') : '';
    const where = issue.path.length === 0 ? 'the groups are' : `${issue.path.join('.')} has`;
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return `  ${fileLabel(path.join('.'), { file: file?.path ?? 'the file', line: file?.lineOf(path) })}: unknown setting (${where} ${known})`;
    });
  }
  const leaf = SETTINGS.find((s) => s.path.every((k, i) => issue.path[i] === k));
  const name = leaf?.name ?? issue.path.join('.');
  const source = leaf ? sources.get(leaf.name) : file ? ({ kind: 'file', file: file.path, line: file.lineOf(issue.path) } as const) : undefined;
  if (source?.kind === 'env') return [`  ${source.variable}: ${issue.message}`];
  if (source?.kind === 'file') return [`  ${fileLabel(name, source)}: ${issue.message}`];
  return [`  ${name}: ${issue.message}`];
}

function fileLabel(name: string, source: { file: string; line: number | undefined }): string {
  return `${name} (${source.file}${source.line === undefined ? '' : `, line ${source.line}`})`;
}

/**
 * Reads each deployment's secret through its reference (an environment variable or a file) into
 * `config.deploymentSecrets`, so a reference that leads nowhere stops the start with the line it is
 * written on; the problems name references, never values.
 */
function resolveDeploymentSecrets(config: Config, env: NodeJS.ProcessEnv, source: SettingSource | undefined, file: ConfigFile | undefined): string[] {
  const problems: string[] = [];
  config.upstream.deployments.forEach((d, i) => {
    if (!d.api_key) return;
    const found = secretFromFile(d.api_key, 'value', env);
    if ('value' in found) {
      config.deploymentSecrets.set(d.id, found.value);
      return;
    }
    const name = `upstream.deployments[${i}].api_key (deployment '${d.id}')`;
    if (source?.kind === 'env') problems.push(`  ${source.variable}: ${name} ${found.error}`);
    else if (file) problems.push(`  ${fileLabel(name, { file: file.path, line: file.lineOf(['upstream', 'deployments', i, 'api_key']) })}: ${found.error}`);
    else problems.push(`  ${name}: ${found.error}`);
  });
  return problems;
}
