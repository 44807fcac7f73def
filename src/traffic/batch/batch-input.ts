import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** The endpoints OpenAI's batch input format allows. */
export const BATCH_URLS = ['/v1/chat/completions', '/v1/responses', '/v1/embeddings', '/v1/completions', '/v1/moderations'] as const;

/** One line of OpenAI's batch input format. */
export const batchLineSchema = z.strictObject({
  custom_id: z.string().min(1).max(512),
  method: z.literal('POST'),
  url: z.enum(BATCH_URLS),
  body: z.record(z.string(), z.unknown()),
});

export type BatchLine = z.infer<typeof batchLineSchema>;

/** A batch input file that cannot run; the message names the line and the field. */
export class BatchInputError extends Error {
  override name = 'BatchInputError';
}

/** Largest input file read (OpenAI allows 200 MB per batch file). */
const MAX_INPUT_BYTES = 200 * 1024 * 1024;

/**
 * Reads and validates a whole batch input file before anything is sent: every line JSON in OpenAI's
 * batch input format (`custom_id`, `method: "POST"`, `url`, `body`), custom ids unique. Blank lines
 * are skipped. Throws BatchInputError naming the first bad line.
 * @example const lines = await readBatchInput('input.jsonl');
 */
export async function readBatchInput(path: string): Promise<BatchLine[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BatchInputError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) throw new BatchInputError(`${path} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB`);
  return parseBatchInput(text, path);
}

/** Validates batch input text (see readBatchInput). */
export function parseBatchInput(text: string, name = 'input'): BatchLine[] {
  const lines: BatchLine[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new BatchInputError(`${name} line ${i + 1}: not valid JSON`);
    }
    const parsed = batchLineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BatchInputError(`${name} line ${i + 1}: ${issue.path.join('.') || 'line'}: ${issue.message}`);
    }
    if (parsed.data.body.stream === true) throw new BatchInputError(`${name} line ${i + 1}: body.stream: batch requests are not streamed`);
    if (seen.has(parsed.data.custom_id)) throw new BatchInputError(`${name} line ${i + 1}: custom_id '${parsed.data.custom_id}' appears twice`);
    seen.add(parsed.data.custom_id);
    lines.push(parsed.data);
  });
  if (lines.length === 0) throw new BatchInputError(`${name} holds no requests`);
  return lines;
}
