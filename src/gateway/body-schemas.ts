import { z } from 'zod';

// Only the fields the gateway itself relies on are checked; everything else passes through to the
// upstream untouched, so new OpenAI parameters work without a Tollgate release.

// Its form (length, characters) is checked by checkModelName, with a clearer error than a schema gives.
const model = z.string();
const streamOptions = z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional();
const tokenArray = z.array(z.number().int());

export const chatCompletionBody = z.looseObject({
  model,
  messages: z.array(z.looseObject({ role: z.string() })).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptions,
});

export const completionBody = z.looseObject({
  model,
  prompt: z.union([z.string(), z.array(z.string()), tokenArray, z.array(tokenArray)]),
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptions,
});

export const responseBody = z.looseObject({
  model,
  input: z.union([z.string(), z.array(z.unknown())]).optional(),
  stream: z.boolean().nullable().optional(),
});

export const embeddingBody = z.looseObject({
  model,
  input: z.union([z.string(), z.array(z.string()).min(1), tokenArray.min(1), z.array(tokenArray).min(1)]),
});

export const moderationBody = z.looseObject({
  model: model.optional(),
  input: z.union([z.string(), z.array(z.unknown()).min(1)]),
});

export type GatewayBody = { model?: string; stream?: boolean | null; stream_options?: { include_usage?: boolean } | null };
