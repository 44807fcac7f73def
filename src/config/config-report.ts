import type { LoadedConfig, SettingSource } from './load-config.ts';
import { SETTINGS } from './load-config.ts';
import { maskUrl } from './url-secrets.ts';

/** What replaces a secret's value wherever the configuration is shown. */
export const MASK = '********';

/** One setting as `tollgate config` shows it: secrets masked. */
export interface SettingReport {
  /** e.g. `server.port` */
  name: string;
  /** The effective value (a secret: MASK when set; a URL secret: its password masked); null when unset. */
  value: string | number | boolean | readonly string[] | null;
  secret: boolean;
  /** The environment variable that overrides it. */
  env: string;
  source: SettingSource;
}

/**
 * The effective configuration, setting by setting, with where each value came from; no secret is in it.
 * @example reportConfig(loadConfigWithSources()).find((s) => s.name === 'upstream.api_key')?.value // '********'
 */
export function reportConfig(loaded: LoadedConfig): SettingReport[] {
  return SETTINGS.map((leaf) => {
    let value: unknown = loaded.config;
    for (const key of leaf.path) value = (value as Record<string, unknown>)[key];
    let shown = value === undefined ? null : leaf.meta.secret === 'value' ? MASK : leaf.meta.secret === 'url' ? maskUrl(String(value), MASK) : value;
    // Deployments, aliases and fallbacks are lists and maps (secrets in them are references only): shown as JSON.
    if (shown !== null && typeof shown === 'object' && !(Array.isArray(shown) && shown.every((v) => typeof v === 'string'))) shown = JSON.stringify(shown);
    return {
      name: leaf.name,
      value: shown as SettingReport['value'],
      secret: leaf.meta.secret !== undefined,
      env: leaf.meta.env,
      source: loaded.sources.get(leaf.name) ?? { kind: 'default' },
    };
  });
}
