import { readFileSync } from 'node:fs';
import { compilePolicy, PolicyError } from '../policy/compile-policy.ts';
import { DEFAULT_PII_POLICY } from '../policy/default-policy.ts';
import type { GuardPolicyInput } from '../policy/policy-schema.ts';

/**
 * The default policy tollgate.yaml asks for (`guardrails.default_policy`, or a JSON file in
 * `guardrails.default_policy_file`), validated at start so a bad one stops Tollgate with the field named.
 */
export function defaultGuardPolicy(settings: { default_policy: 'off' | 'pii'; default_policy_file?: string | undefined }): GuardPolicyInput | undefined {
  if (settings.default_policy_file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(settings.default_policy_file, 'utf8'));
    } catch (err) {
      throw new Error(`guardrails.default_policy_file: cannot read ${settings.default_policy_file} as JSON: ${(err as Error).message}`);
    }
    try {
      compilePolicy(raw);
    } catch (err) {
      if (err instanceof PolicyError) throw new Error(`guardrails.default_policy_file: ${err.message}`);
      throw err;
    }
    return raw as GuardPolicyInput;
  }
  return settings.default_policy === 'pii' ? DEFAULT_PII_POLICY : undefined;
}
