import type { GuardPolicyInput } from './policy-schema.ts';

/**
 * The PII policy an organization gets when it turns guardrails on without writing its own: every
 * detector redacts on the way in (the model sees `[EMAIL_1]`, and the reply gets the value back),
 * invisible characters are stripped, and card numbers and secrets are redacted on the way out too.
 * Prompt-injection phrases are opt-in (`injection.phrases: 'flag'`): they cost about as much again
 * as all PII detectors together (docs/guardrails.md).
 */
export const DEFAULT_PII_POLICY: GuardPolicyInput = {
  input: {
    pii: { email: 'redact', phone: 'redact', credit_card: 'redact', iban: 'redact', ssn: 'redact', ip_address: 'redact', secret: 'redact' },
    injection: { invisible_characters: 'strip' },
  },
  output: {
    pii: { credit_card: 'redact', secret: 'redact' },
  },
  restore_placeholders: true,
};
