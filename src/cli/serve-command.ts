import { resolve } from 'node:path';
import { MASK, maskUrl, type Config } from '../config/index.ts';
import { startTollgate } from '../app.ts';

/** `tollgate serve`: runs until SIGINT/SIGTERM, then drains and closes. */
export async function serveCommand(config: Config): Promise<void> {
  const tg = await startTollgate(config);
  const lines = [
    `Tollgate listening on ${tg.url}`,
    `  OpenAI-compatible API: ${tg.url}/v1`,
    tg.upstreamMode === 'simulator'
      ? '  Upstream: built-in simulator (no OPENAI_API_KEY set; answers are simulated, not from OpenAI)'
      : `  Upstream: ${maskUrl(tg.upstreamUrl, MASK)}`,
    `  Store: ${tg.store.dialect === 'sqlite' ? `SQLite in ${config.store.data_dir}` : 'PostgreSQL'}`,
  ];
  if (tg.generatedAdminKey) {
    lines.push(
      '',
      '  Admin key (shown once, store it now):',
      `    ${tg.generatedAdminKey}`,
      '',
      '  Try it (in another terminal):',
      `    export TOLLGATE_KEY=${tg.generatedAdminKey}`,
      `    curl ${tg.url}/v1/chat/completions -H "Authorization: Bearer $TOLLGATE_KEY" \\`,
      `      -H "Content-Type: application/json" -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
    );
  } else {
    lines.push(
      '',
      config.access.admin_key === undefined ? '  Admin key: shown once, on the first start. Lost it? Make a new one (the owner\'s) with:' : '  Admin key: TOLLGATE_ADMIN_KEY. Another one (the owner\'s) with:',
      `    ${newKeyCommand(config)}`,
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

/** The command that makes a new personal key of the owner against the store this server uses (secrets are never printed). */
export function newKeyCommand(config: Config): string {
  const env = config.store.database_url ? 'DATABASE_URL=<the same URL> ' : config.store.data_dir === resolve('data') ? '' : `TOLLGATE_DATA_DIR=${shellWord(config.store.data_dir)} `;
  return `${env}npx tollgate keys create --name "admin key"`;
}

function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
