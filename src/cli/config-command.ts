import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigWithSources, MASK, reportConfig, type SettingReport, type SettingSource } from '../config/index.ts';
import { formatTable } from './text-table.ts';

/**
 * `tollgate config [--json]`: the effective configuration, setting by setting, with where each value
 * came from (default, the file and line, or the environment variable). Secrets are masked; an
 * invalid configuration is a ConfigError (the caller prints it and exits 2), so this also checks a
 * configuration before a deploy.
 */
export function configCommand(args: string[], env: NodeJS.ProcessEnv = process.env, out: Pick<NodeJS.WriteStream, 'write'> = process.stdout): void {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const loaded = loadConfigWithSources(env);
  const settings = reportConfig(loaded);
  if (values.json) {
    out.write(`${JSON.stringify({ file: loaded.file ?? null, settings }, null, 2)}\n`);
    return;
  }
  const file = loaded.file ?? 'none (set TOLLGATE_CONFIG, or put tollgate.yaml in the working directory)';
  const rows = settings.map((s) => [s.name, shown(s.value), from(s.source)]);
  out.write(`Configuration file: ${file}\nSecrets are shown as ${MASK}; unset settings as -.\n\n${formatTable(['SETTING', 'VALUE', 'FROM'], rows, 96)}`);
}

function shown(value: SettingReport['value']): string {
  if (value === null) return '-';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function from(source: SettingSource): string {
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'env':
      return `env ${source.variable}`;
    case 'file': {
      const at = `${basename(source.file)}${source.line === undefined ? '' : `:${source.line}`}`;
      if (!source.ref) return at;
      return 'env' in source.ref ? `${at} → env ${source.ref.env}` : `${at} → file ${source.ref.file}`;
    }
  }
}
