import type { z } from 'zod';
import { chatCompletionBody, completionBody, embeddingBody, moderationBody, responseBody } from './body-schemas.ts';
import type { StreamKind } from './sse-relay.ts';

/** A POST endpoint of the OpenAI API that the gateway serves. Adding one is adding a row here. */
export interface EndpointSpec {
  /** Path below /v1. */
  path: string;
  schema: z.ZodType;
  /** How its stream is framed, or undefined when it cannot stream. */
  streamKind?: StreamKind;
  /** Whether the upstream accepts `stream_options.include_usage` (so the gateway can ask for usage). */
  usageChunk?: boolean;
  /** Model used when the body names none (moderations). */
  defaultModel?: string;
}

export const ENDPOINTS: readonly EndpointSpec[] = [
  { path: '/chat/completions', schema: chatCompletionBody, streamKind: 'chat', usageChunk: true },
  { path: '/responses', schema: responseBody, streamKind: 'responses' },
  { path: '/completions', schema: completionBody, streamKind: 'completions', usageChunk: true },
  { path: '/embeddings', schema: embeddingBody },
  { path: '/moderations', schema: moderationBody, defaultModel: 'omni-moderation-latest' },
];
