import { z } from 'zod';

/** The most characters one message may hold (about 250,000 tokens): a 5 MB paste is refused with 400. */
export const MAX_MESSAGE_CHARS = 1_000_000;
export const MAX_TAGS = 20;

// Control characters, line and paragraph separators and bidirectional overrides: invisible or
// misleading in a list, and a way to spoof what a label says.
const HIDDEN = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** A short one-line label: trimmed, not empty, no control characters. */
export const label = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !HIDDEN.test(s), 'must not contain control characters');

export const ModelId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'is not a model id');

const Tags = z
  .array(label(50))
  .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
  .transform((tags) => [...new Set(tags)]);

const flag = z.enum(['true', 'false'], { error: "expected 'true' or 'false'" }).transform((v) => v === 'true');
const id = z.string().min(1).max(100);

/** A query parameter that is an integer from `min` to `max`, saying so when it is not. */
export const intParam = (min: number, max: number) => {
  const expected = { error: `expected an integer from ${min} to ${max}` };
  return z.coerce.number(expected).int(expected).min(min, expected).max(max, expected);
};

/** The id of a path (`/api/conversations/:id`, `/api/templates/:id`, `/api/shares/:id`). */
const pathId = z.string().min(1).max(200);
export const IdPath = z.strictObject({ id: pathId });
export const MessagePath = z.strictObject({ id: pathId, messageId: pathId });

export const CreateConversationBody = z.strictObject({
  title: label(200).optional(),
  model: ModelId,
  folder: label(100).nullable().optional(),
  tags: Tags.optional(),
  temporary: z.boolean().optional(),
});

export const UpdateConversationBody = z.strictObject({
  title: label(200).optional(),
  model: ModelId.optional(),
  folder: label(100).nullable().optional(),
  tags: Tags.optional(),
  pinned: z.boolean().optional(),
  archived: z.boolean().optional(),
  current_leaf_id: id.optional(),
});

export const ListConversationsQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  folder: label(100).optional(),
  pinned: flag.optional(),
  archived: flag.default(false),
  temporary: flag.default(false),
  limit: intParam(1, 200).default(50),
  cursor: z.string().max(500).optional(),
});

export const SearchQuery = z.strictObject({
  q: z.string().trim().min(1, 'must not be empty').max(200),
  limit: intParam(1, 100).default(20),
});

const turnOptions = {
  model: ModelId.optional(),
  max_tokens: z.number().int().min(1).max(1_000_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  stream: z.boolean().default(true),
};

export const TurnBody = z.strictObject({
  content: z
    .string()
    .max(MAX_MESSAGE_CHARS, `a message may hold at most ${MAX_MESSAGE_CHARS.toLocaleString('en')} characters`)
    .refine((s) => s.trim().length > 0, 'a message must not be empty'),
  parent_id: id.nullable(),
  ...turnOptions,
});

export const RegenerateBody = z.strictObject(turnOptions);

export const EstimateBody = z.strictObject({
  conversation_id: id.optional(),
  parent_id: id.nullable().optional(),
  model: ModelId,
  content: z.string().max(MAX_MESSAGE_CHARS, `a message may hold at most ${MAX_MESSAGE_CHARS.toLocaleString('en')} characters`),
});

export type CreateConversationInput = z.output<typeof CreateConversationBody>;
export type UpdateConversationInput = z.output<typeof UpdateConversationBody>;
export type ListConversationsInput = z.output<typeof ListConversationsQuery>;
export type TurnInput = z.output<typeof TurnBody>;
