export { ConfigSchema, type Config, type ConfigInput } from './config-schema.ts';
export { ConfigError } from './config-error.ts';
export { loadConfig, loadConfigWithSources, SETTINGS, type LoadedConfig, type LoadOptions, type SettingSource } from './load-config.ts';
export { MASK, reportConfig, type SettingReport } from './config-report.ts';
export type { SecretRef } from './secret-ref.ts';
export { maskUrl } from './url-secrets.ts';
export { deploymentListSchema, deploymentSchema, fallbackChainsSchema, modelAliasesSchema, secretRefSchema, upstreamCrossIssues } from './upstream-schema.ts';
