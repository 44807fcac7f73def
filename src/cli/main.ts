import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.ts';

const HELP = `Usage: tollgate <command> [options]

Commands:
  serve                 Run the gateway, admin API and web app (npm start)
  simulate [--port N]   Run the OpenAI-compatible simulator on its own (default port 8090)
  keys create --name NAME [--user EMAIL | --team TEAM_ID --role admin|member|viewer]
              [--models m1,m2*] [--expires ISO-TIME]
                        Create a personal key (default: the home organization's owner) or a service key
  keys list [--json]    List keys (name, owner's email or team, role, models, created, last used,
                        expiry, state)
  keys revoke ID        Revoke a key at once
  keys rotate-master --new-key-file FILE
                        Re-wrap every data key under a new master key (FILE is created, 0600, if
                        absent); content is not re-encrypted
  audit verify [--public-key FILE]... [--expect CHECKPOINT]... [--json]
                        Check the audit log's hash chain and signed checkpoints; names the first
                        broken record and exits 1 when it is not intact
  audit public-key      Print the public key that verifies the audit checkpoints
  report compliance [--org ORG_ID] [--from ISO-TIME] [--to ISO-TIME] [--format json|html|pdf] [--out FILE]
                        The compliance report (access review, audit chain, retention, encryption,
                        spend against budgets) of an organization for a period (default 30 days)
  users list [--json]   List users (email, name, roles, teams, password and 2FA, last sign-in)
  users create --email E [--name N] [--org-role ROLE] [--team TEAM_ID --role ROLE]
  users set-password EMAIL
                        Set a user's password (from TOLLGATE_NEW_PASSWORD or standard input);
                        ends their sessions
  migrate               Create or update the database schema, then exit
  config [--json]       Print the effective configuration (secrets masked) and where each value
                        came from: default, the configuration file and line, or a variable
  batch run INPUT.jsonl --out OUTPUT.jsonl [--concurrency N] [--base-url URL] [--key KEY]
                        Send a file in OpenAI's batch input format through a Tollgate gateway
                        (key from TOLLGATE_API_KEY or --key); run again to resume
  help                  This text

Configuration comes from tollgate.yaml (TOLLGATE_CONFIG names the file; default ./tollgate.yaml,
if present) and environment variables, which override it; see docs/configuration.md.
  PORT (default 8080), HOST (default 127.0.0.1), TOLLGATE_DATA_DIR (default ./data),
  DATABASE_URL, OPENAI_API_KEY, OPENAI_BASE_URL, TOLLGATE_ADMIN_KEY, TOLLGATE_OWNER_EMAIL,
  TOLLGATE_LOG_LEVEL,
  TOLLGATE_MASTER_KEY(_FILE), TOLLGATE_AUDIT_SIGNING_KEY_FILE
`;

/** Entry point of the `tollgate` command; with no arguments it prints the help (it never starts a server unasked). */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  // Each command is imported when it runs: help and argument errors do not load the whole server.
  try {
    switch (command) {
      case 'serve': {
        parseArgs({ args: rest, options: {} });
        const config = loadConfig();
        const { serveCommand } = await import('./serve-command.ts');
        return await serveCommand(config);
      }
      case 'simulate': {
        const { values } = parseArgs({ args: rest, options: { port: { type: 'string', default: '8090' }, host: { type: 'string', default: '127.0.0.1' } } });
        const port = parsePort(values.port);
        const { simulateCommand } = await import('./simulate-command.ts');
        return await simulateCommand(port, values.host);
      }
      case 'keys': {
        const config = loadConfig();
        const { keysCommand } = await import('./keys-command.ts');
        return await keysCommand(config, rest);
      }
      case 'audit': {
        const config = loadConfig();
        const { auditCommand } = await import('./audit-command.ts');
        return await auditCommand(config, rest);
      }
      case 'report': {
        const config = loadConfig();
        const { reportCommand } = await import('./report-command.ts');
        return await reportCommand(config, rest);
      }
      case 'users': {
        const config = loadConfig();
        const { usersCommand } = await import('./users-command.ts');
        return await usersCommand(config, rest);
      }
      case 'batch': {
        // Loaded on demand: the other commands start without the batch runner's dependencies.
        const { batchCommand } = await import('./batch-command.ts');
        return await batchCommand(rest, fail);
      }
      case 'config': {
        const { configCommand } = await import('./config-command.ts');
        return configCommand(rest);
      }
      case 'migrate': {
        parseArgs({ args: rest, options: {} });
        const config = loadConfig();
        const { migrateCommand } = await import('./migrate-command.ts');
        return await migrateCommand(config);
      }
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
