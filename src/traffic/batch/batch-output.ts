import { randomBytes } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

/** One line of OpenAI's batch output format. */
export interface BatchOutputLine {
  id: string;
  custom_id: string;
  /** The HTTP answer (also for 4xx/5xx); null when no answer came. */
  response: { status_code: number; request_id: string; body: unknown } | null;
  /** Why there is no answer (connection failed after every retry); null otherwise. */
  error: { code: string; message: string } | null;
}

/** An output file that cannot be resumed (not ours, or corrupted in the middle). */
export class BatchOutputError extends Error {
  override name = 'BatchOutputError';
}

/** Builds an output line for an answer. */
export function answerLine(customId: string, status: number, requestId: string, body: unknown): BatchOutputLine {
  return { id: `batch_req_${randomBytes(12).toString('hex')}`, custom_id: customId, response: { status_code: status, request_id: requestId, body }, error: null };
}

/** Builds an output line for a request that got no answer. */
export function errorLine(customId: string, code: string, message: string): BatchOutputLine {
  return { id: `batch_req_${randomBytes(12).toString('hex')}`, custom_id: customId, response: null, error: { code, message } };
}

/**
 * The output file, which is also the record of what is finished: a line is appended and fsync'd
 * once its request is done, so after a crash (even SIGKILL) every complete line is a finished
 * request and every other request is sent again. A last line cut by the crash is removed on open.
 * @example
 * const out = await BatchOutput.open('output.jsonl', new Set(lines.map((l) => l.custom_id)));
 * out.done.has('req-1'); await out.append(answerLine(…)); await out.close();
 */
export class BatchOutput {
  private tail: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: FileHandle,
    /** custom ids already in the file. */
    readonly done: Set<string>,
  ) {}

  /** Opens (or creates) the output; refuses one that holds ids the input does not have. */
  static async open(path: string, inputIds: ReadonlySet<string>): Promise<BatchOutput> {
    const file = await open(path, 'a+');
    try {
      const text = (await file.readFile()).toString('utf8');
      const end = text.lastIndexOf('\n') + 1;
      if (end < text.length) await file.truncate(Buffer.byteLength(text.slice(0, end)));
      const done = new Set<string>();
      text
        .slice(0, end)
        .split('\n')
        .forEach((raw, i) => {
          if (raw === '') return;
          let id: unknown;
          try {
            id = (JSON.parse(raw) as { custom_id?: unknown }).custom_id;
          } catch {
            throw new BatchOutputError(`${path} line ${i + 1} is not valid JSON; not resuming into a damaged output`);
          }
          if (typeof id !== 'string' || !inputIds.has(id)) throw new BatchOutputError(`${path} line ${i + 1} is for a request the input does not have; is it the output of another batch?`);
          if (done.has(id)) throw new BatchOutputError(`${path} holds custom_id '${id}' twice`);
          done.add(id);
        });
      return new BatchOutput(file, done);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  /** Appends one finished line and makes it durable before resolving. Calls are serialized. */
  append(line: BatchOutputLine): Promise<void> {
    const text = `${JSON.stringify(line)}\n`;
    const run = this.tail.then(async () => {
      await this.file.appendFile(text, 'utf8');
      await this.file.datasync();
      this.done.add(line.custom_id);
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.file.close();
  }
}
