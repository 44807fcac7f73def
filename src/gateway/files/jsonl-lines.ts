/** A line or a file past the bound the reader was given. */
export class LineLimitError extends Error {
  override name = 'LineLimitError';
  constructor(
    readonly what: 'line' | 'file',
    readonly line: number,
  ) {
    super(what === 'line' ? `line ${line} is longer than the limit` : 'the file is larger than the limit');
  }
}

/**
 * The lines of a JSONL stream, one at a time: memory stays at one line (at most `maxLineBytes`),
 * and reading stops with a LineLimitError past `maxTotalBytes`. Empty lines are skipped; the
 * number given is the line's 1-based position in the file.
 */
export async function* jsonlLines(source: AsyncIterable<Buffer>, limits: { maxLineBytes: number; maxTotalBytes: number }): AsyncGenerator<{ n: number; text: string }> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let total = 0;
  let n = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > limits.maxTotalBytes) throw new LineLimitError('file', n + 1);
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      if (partBytes + piece.length > limits.maxLineBytes) throw new LineLimitError('line', n + 1);
      const text = (partBytes === 0 ? piece : Buffer.concat([...parts, piece])).toString('utf8');
      parts = [];
      partBytes = 0;
      n++;
      if (text.trim() !== '') yield { n, text };
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      partBytes += rest.length;
      if (partBytes > limits.maxLineBytes) throw new LineLimitError('line', n + 1);
      parts.push(rest);
    }
  }
  if (partBytes > 0) {
    const text = Buffer.concat(parts).toString('utf8');
    n++;
    if (text.trim() !== '') yield { n, text };
  }
}
