import type { Config } from '../config/index.ts';
import { startTollgate } from '../main.ts';

/** `tollgate serve`: runs until SIGINT/SIGTERM, then drains and closes. */
export async function serveCommand(config: Config): Promise<void> {
  const tg = await startTollgate(config);
  const lines = [
    `Tollgate listening on ${tg.url}`,
    `  OpenAI-compatible API: ${tg.url}/v1`,
    tg.upstreamMode === 'simulator'
      ? '  Upstream: built-in simulator (no OPENAI_API_KEY set; answers are simulated, not from OpenAI)'
      : `  Upstream: ${tg.upstreamUrl}`,
    `  Store: ${tg.store.dialect === 'sqlite' ? `SQLite in ${config.dataDir}` : 'PostgreSQL'}`,
  ];
  if (tg.generatedAdminKey) {
    lines.push(
      '',
      '  Admin key (shown once, store it now):',
      `    ${tg.generatedAdminKey}`,
      '',
      '  Try it:',
      `    curl ${tg.url}/v1/chat/completions -H "Authorization: Bearer ${tg.generatedAdminKey}" \\`,
      `      -H "Content-Type: application/json" -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await tg.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}
