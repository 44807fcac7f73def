import { z } from 'zod';
import { LABELS } from '../classification/labels.ts';
import { DETECTOR_IDS } from '../detectors/finding.ts';

const Label = z.enum(LABELS);
const ruleName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: 'must be 1–63 lower-case letters, digits, _ or -' });

const RegexRule = z.strictObject({
  type: z.literal('regex'),
  name: ruleName,
  /** RE2 syntax (no back-references or look-around); at most 1,000 characters. */
  pattern: z.string().min(1).max(1_000),
  case_insensitive: z.boolean().default(false),
  action: z.enum(['flag', 'redact', 'block']),
  /** A match raises the request's label to at least this. */
  label: Label.optional(),
});

const WordsRule = z.strictObject({
  type: z.literal('words'),
  name: ruleName,
  /** Whole words or phrases, matched case-insensitively. */
  words: z.array(z.string().trim().min(1).max(100)).min(1).max(10_000),
  action: z.enum(['flag', 'redact', 'block']),
  label: Label.optional(),
});

export const CustomRule = z.discriminatedUnion('type', [RegexRule, WordsRule]);

/** What a policy does in one direction (the prompt going in, or the reply coming out). */
export const DirectionPolicy = z.strictObject({
  /** Detector → action; a detector not named is allowed (not even run). */
  pii: z.partialRecord(z.enum(DETECTOR_IDS), z.enum(['allow', 'redact', 'block'])).default({}),
  /** Moderation category (as OpenAI names them, e.g. `violence`, `self-harm/intent`) → threshold and action. */
  moderation: z.record(z.string().regex(/^[a-z][a-z/_-]{0,62}$/), z.strictObject({ threshold: z.number().min(0).max(1), action: z.enum(['flag', 'block']) })).default({}),
  injection: z
    .strictObject({
      /** Known prompt-injection phrasings. */
      phrases: z.enum(['off', 'flag', 'block']).default('off'),
      /** Zero-width, bidirectional-control and tag characters; `strip` removes them before sending. */
      invisible_characters: z.enum(['off', 'flag', 'strip', 'block']).default('off'),
    })
    .prefault({}),
  custom: z.array(CustomRule).max(100).default([]),
});

/**
 * A guardrail policy, as stored per organization, team or key (JSON). Every field has a default, so
 * `{}` is a valid policy that does nothing.
 * @example GuardPolicy.parse({ input: { pii: { credit_card: 'block', email: 'redact' } } })
 */
export const GuardPolicy = z.strictObject({
  version: z.literal(1).default(1),
  input: DirectionPolicy.prefault({}),
  output: DirectionPolicy.prefault({}),
  /** Put the values redacted from the prompt back into the reply where the model repeats a placeholder. */
  restore_placeholders: z.boolean().default(false),
  /** Region (ISO 3166 alpha-2) whose numbering plan applies to phone numbers written without +country. */
  phone_region: z.string().regex(/^[A-Z]{2}$/, { error: 'must be a two-letter country code such as US' }).default('US'),
  classification: z
    .strictObject({
      /** The label of a request when nothing raises it. */
      default_label: Label.default('internal'),
      /** What a detection raises the label to; detectors not named raise nothing. */
      from_detections: z.partialRecord(z.enum(DETECTOR_IDS), Label).default({
        email: 'confidential',
        phone: 'confidential',
        ip_address: 'internal',
        credit_card: 'restricted',
        iban: 'restricted',
        ssn: 'restricted',
        secret: 'restricted',
      }),
      /** Where data of a label (and of every more sensitive label) may go. */
      rules: z
        .array(
          z.strictObject({
            label: Label,
            /** Only to deployments marked zero-retention. */
            zero_retention: z.boolean().optional(),
            /** Only to deployments in one of these regions. */
            regions: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
            /** false: never stored in or answered from the response cache. */
            response_cache: z.boolean().optional(),
            /** false: audit records keep metadata only, never the content. */
            audit_content: z.boolean().optional(),
          }),
        )
        .max(20)
        .default([]),
    })
    .prefault({}),
});

export type GuardPolicy = z.output<typeof GuardPolicy>;
export type GuardPolicyInput = z.input<typeof GuardPolicy>;
export type DirectionPolicy = z.output<typeof DirectionPolicy>;
export type CustomRule = z.output<typeof CustomRule>;
