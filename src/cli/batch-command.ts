import { parseArgs } from 'node:util';
import { BatchInputError, BatchOutput, BatchOutputError, progressDisplay, readBatchInput, runBatch } from '../traffic/batch/index.ts';

const USAGE = 'usage: tollgate batch run INPUT.jsonl --out OUTPUT.jsonl [--concurrency N] [--base-url URL] [--key KEY]';

/**
 * `tollgate batch run input.jsonl --out output.jsonl`: sends a file in OpenAI's batch input format
 * through a Tollgate gateway and writes OpenAI's batch output format. Run it again after an
 * interruption and it sends only what is not in the output yet. The key comes from `--key` or
 * `TOLLGATE_API_KEY` (preferred: a command line is visible to other users of the machine).
 */
export async function batchCommand(args: string[], fail: (message: string) => never): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      concurrency: { type: 'string', default: '8' },
      'base-url': { type: 'string' },
      key: { type: 'string' },
    },
  });
  const [sub, input, ...extra] = positionals;
  if (sub !== 'run' || !input || extra.length > 0) fail(USAGE);
  if (!values.out) fail(`--out is required\n${USAGE}`);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) fail(`--concurrency must be a whole number from 1 to 256, got '${values.concurrency}'`);
  const apiKey = values.key ?? process.env.TOLLGATE_API_KEY;
  if (!apiKey) fail('a Tollgate key is needed: set TOLLGATE_API_KEY (or pass --key)');
  const baseUrl = values['base-url'] ?? process.env.TOLLGATE_BASE_URL ?? 'http://127.0.0.1:8080';
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) fail(`--base-url must be an http(s) URL, got '${baseUrl}'`);

  let output: BatchOutput;
  let lines;
  try {
    lines = await readBatchInput(input);
    output = await BatchOutput.open(values.out, new Set(lines.map((l) => l.custom_id)));
  } catch (err) {
    if (err instanceof BatchInputError || err instanceof BatchOutputError) fail(err.message);
    throw err;
  }

  const stop = new AbortController();
  const interrupt = () => stop.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const display = progressDisplay(process.stderr);
  try {
    const summary = await runBatch({ lines, output, baseUrl, apiKey, concurrency, signal: stop.signal, onProgress: (p) => display.update(p) });
    display.stop(summary);
    if (summary.interrupted) {
      process.stderr.write(`interrupted: ${summary.done} of ${summary.total} done; run the same command again to resume\n`);
      process.exitCode = 130;
      return;
    }
    const resumed = summary.resumed > 0 ? ` (${summary.resumed} from an earlier run)` : '';
    process.stdout.write(`done: ${summary.total} requests${resumed}, ${summary.failed} failed → ${values.out}\n`);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await output.close();
  }
}
