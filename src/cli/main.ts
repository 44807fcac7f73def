import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.ts';
import { keysCommand } from './keys-command.ts';
import { migrateCommand } from './migrate-command.ts';
import { serveCommand } from './serve-command.ts';
import { simulateCommand } from './simulate-command.ts';
import { usersCommand } from './users-command.ts';

const HELP = `Usage: tollgate <command> [options]

Commands:
  serve                 Run the gateway, admin API and web app (default)
  simulate [--port N]   Run the OpenAI-compatible simulator on its own (default port 8090)
  keys create --name NAME [--user EMAIL | --team TEAM_ID --role admin|member|viewer]
              [--models m1,m2*] [--expires ISO-TIME]
                        Create a personal key (default: the home organization's owner) or a service key
  keys list             List keys (prefix, name, kind, owner, created, last used, expiry, state)
  keys revoke ID        Revoke a key at once
  users list            List users
  users create --email E [--name N] [--org-role ROLE] [--team TEAM_ID --role ROLE]
  users set-password EMAIL
                        Set a user's password (from TOLLGATE_NEW_PASSWORD or standard input);
                        ends their sessions
  migrate               Create or update the database schema, then exit
  batch run INPUT.jsonl --out OUTPUT.jsonl [--concurrency N] [--base-url URL] [--key KEY]
                        Send a file in OpenAI's batch input format through a Tollgate gateway
                        (key from TOLLGATE_API_KEY or --key); run again to resume

Configuration comes from the environment; see docs/configuration.md.
  PORT, HOST, TOLLGATE_DATA_DIR, DATABASE_URL, OPENAI_API_KEY, OPENAI_BASE_URL,
  TOLLGATE_ADMIN_KEY, TOLLGATE_OWNER_EMAIL, TOLLGATE_LOG_LEVEL
`;

/** Entry point of the `tollgate` command. */
export async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  try {
    switch (command) {
      case 'serve':
        parseArgs({ args: rest, options: {} });
        return await serveCommand(loadConfig());
      case 'simulate': {
        const { values } = parseArgs({ args: rest, options: { port: { type: 'string', default: '8090' }, host: { type: 'string', default: '127.0.0.1' } } });
        return await simulateCommand(parsePort(values.port), values.host);
      }
      case 'keys':
        return await keysCommand(loadConfig(), rest);
      case 'users':
        return await usersCommand(loadConfig(), rest);
      case 'batch': {
        // Loaded on demand: the other commands start without the batch runner's dependencies.
        const { batchCommand } = await import('./batch-command.ts');
        return await batchCommand(rest, fail);
      }
      case 'migrate':
        parseArgs({ args: rest, options: {} });
        return await migrateCommand(loadConfig());
      default:
        fail(`unknown command '${command}'\n\n${HELP}`);
    }
  } catch (err) {
    if (err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) fail((err as Error).message);
    throw err;
  }
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port '${value}'`);
  return port;
}

export function fail(message: string): never {
  process.stderr.write(`tollgate: ${message}\n`);
  process.exit(2);
}
