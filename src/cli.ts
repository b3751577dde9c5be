// `fogbank start|coverage|help|version`. Flags and FOGBANK_* environment variables are equivalent;
// a bad value stops with one line naming the option.
import './core/quiet-warnings.ts';
import { parseArgs } from 'node:util';
import { createFogbank, VERSION } from './fogbank.ts';
import { isLogLevel, type LogLevel } from './core/logger.ts';
import { DataDirectoryError } from './store/database.ts';
import { parseAllowedHosts } from './server/host-check.ts';
import { parseAllowedOrigins } from './server/browser-origin.ts';
import { parsePortRange, type PortRange } from './server/ports.ts';
import { ServiceError } from './core/errors.ts';
import { isIamMode, type IamMode } from './core/iam/mode.ts';

const HELP = `Fogbank ${VERSION} — the whole cloud, on one machine.

Usage:
  fogbank start [options]    run Fogbank (AWS and Google Cloud APIs on one port)
  fogbank coverage           print implemented operations per service
  fogbank snapshot ...       save|list|restore|delete|export|import the state of a running Fogbank
                             (fogbank snapshot help)
  fogbank version

Options (environment variable in brackets):
  --host <addr>        address to listen on        [FOGBANK_HOST]       default 127.0.0.1
  --port <n>           port (0 = any free port)    [FOGBANK_PORT]       default 4566
  --data-dir <path>    where state is kept         [FOGBANK_DATA_DIR]   default ./.fogbank
  --ephemeral          keep state in memory only   [FOGBANK_EPHEMERAL=1]
  --log-level <level>  error, warn, info or debug  [FOGBANK_LOG_LEVEL]  default warn
  --snapshot <file>    load an exported snapshot at start (CI seeds)  [FOGBANK_SNAPSHOT]
                       (debug, or DEBUG=1, prints every request)
  --port-range <a-b>   ports for resources that own an endpoint (caches, databases, ...),
                       kept per resource across restarts [FOGBANK_PORT_RANGE] default 4510-4559

Security (README, "Security model"):
  --iam <mode>                   off (default: nothing checked), soft (signatures and policies
                                 checked, would-be denials logged), strict (denied as AWS does)
                                 [FOGBANK_IAM]
  --allowed-hosts <list>         Host names answered besides localhost, *.localhost, loopback
                                 addresses and cloud names, e.g. fogbank,*.corp.test (* = any);
                                 beyond loopback any Host is answered unless this is given
                                 [FOGBANK_ALLOWED_HOSTS]
  --cors-allowed-origins <list>  web origins whose pages may call the cloud APIs, e.g.
                                 https://app.example.com,http://localhost:* (* = any)
                                 [FOGBANK_CORS_ALLOWED_ORIGINS]  default: localhost origins

Admin UI login, needed only when listening beyond loopback:
  FOGBANK_ADMIN_USER (default admin), FOGBANK_ADMIN_PASSWORD (default: generated at first start, printed once)
`;

class UsageError extends Error {}

function fail(message: string): never {
  process.stderr.write(`fogbank: ${message}\n`);
  process.exit(2);
}

interface StartOptions {
  host: string;
  port: number;
  dataDir: string;
  ephemeral: boolean;
  logLevel: LogLevel;
  logRequests: boolean;
  allowedHosts?: string[];
  corsAllowedOrigins?: string[];
  portRange?: PortRange;
  snapshot?: string;
  iam?: IamMode;
}

export function parseStartOptions(argv: string[], env: NodeJS.ProcessEnv): StartOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        ephemeral: { type: 'boolean' },
        'log-level': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        'cors-allowed-origins': { type: 'string' },
        'port-range': { type: 'string' },
        snapshot: { type: 'string' },
        iam: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    const e = err as { code?: string; message: string };
    const m = /'([^']+)'/.exec(e.message);
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${m?.[1] ?? ''} (see fogbank help)`);
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`option ${m?.[1]?.split(' ')[0] ?? ''} needs a value`);
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument ${m?.[1] ?? ''}`);
    throw new UsageError(e.message);
  }
  const v = parsed.values;
  const portText = v.port ?? env.FOGBANK_PORT ?? '4566';
  const portName = v.port !== undefined ? '--port' : 'FOGBANK_PORT';
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    throw new UsageError(`${portName} must be a whole number from 0 to 65535, not '${portText}'`);
  }
  const host = v.host ?? env.FOGBANK_HOST ?? '127.0.0.1';
  if (!host.trim()) throw new UsageError(`${v.host !== undefined ? '--host' : 'FOGBANK_HOST'} must not be empty`);
  const dataDir = v['data-dir'] ?? env.FOGBANK_DATA_DIR ?? '.fogbank';
  if (!dataDir.trim()) throw new UsageError(`${v['data-dir'] !== undefined ? '--data-dir' : 'FOGBANK_DATA_DIR'} must not be empty`);
  const ephEnv = env.FOGBANK_EPHEMERAL;
  if (ephEnv !== undefined && !['', '0', '1', 'true', 'false'].includes(ephEnv)) {
    throw new UsageError(`FOGBANK_EPHEMERAL must be 1 or 0, not '${ephEnv}'`);
  }
  const level = v['log-level'] ?? env.FOGBANK_LOG_LEVEL ?? 'warn';
  if (!isLogLevel(level)) {
    throw new UsageError(`${v['log-level'] !== undefined ? '--log-level' : 'FOGBANK_LOG_LEVEL'} must be error, warn, info or debug, not '${level}'`);
  }
  const debugEnv = env.DEBUG === '1' || env.DEBUG === 'true';
  const hostsText = v['allowed-hosts'] ?? env.FOGBANK_ALLOWED_HOSTS;
  // An empty value (FOGBANK_ALLOWED_HOSTS= in a compose file) means the option is not given.
  const hosts = hostsText === undefined || !hostsText.trim() ? undefined : parseAllowedHosts(hostsText);
  if (hosts && 'error' in hosts) throw new UsageError(`${v['allowed-hosts'] !== undefined ? '--allowed-hosts' : 'FOGBANK_ALLOWED_HOSTS'}: ${hosts.error}`);
  const originsText = v['cors-allowed-origins'] ?? env.FOGBANK_CORS_ALLOWED_ORIGINS;
  const origins = originsText === undefined || !originsText.trim() ? undefined : parseAllowedOrigins(originsText);
  if (origins && 'error' in origins) {
    throw new UsageError(`${v['cors-allowed-origins'] !== undefined ? '--cors-allowed-origins' : 'FOGBANK_CORS_ALLOWED_ORIGINS'}: ${origins.error}`);
  }
  const rangeText = v['port-range'] ?? env.FOGBANK_PORT_RANGE;
  const portRange = rangeText === undefined || !rangeText.trim() ? undefined : parsePortRange(rangeText);
  if (portRange && 'error' in portRange) throw new UsageError(`${v['port-range'] !== undefined ? '--port-range' : 'FOGBANK_PORT_RANGE'} ${portRange.error}`);
  const iamText = v.iam ?? env.FOGBANK_IAM;
  const iam = iamText === undefined || !iamText.trim() ? undefined : iamText.trim();
  if (iam !== undefined && !isIamMode(iam)) throw new UsageError(`${v.iam !== undefined ? '--iam' : 'FOGBANK_IAM'} must be off, soft or strict, not '${iam}'`);
  return {
    host,
    port: Number(portText),
    iam,
    portRange,
    dataDir,
    ephemeral: v.ephemeral ?? (ephEnv === '1' || ephEnv === 'true'),
    logLevel: debugEnv && level === 'warn' ? 'debug' : level,
    logRequests: debugEnv || level === 'debug',
    allowedHosts: hosts,
    corsAllowedOrigins: origins,
    snapshot: (v.snapshot ?? env.FOGBANK_SNAPSHOT) || undefined,
  };
}

async function start(argv: string[]): Promise<void> {
  let opts: StartOptions;
  try {
    opts = parseStartOptions(argv, process.env);
  } catch (err) {
    if (err instanceof UsageError) fail(err.message);
    throw err;
  }
  let fogbank;
  try {
    fogbank = await createFogbank({ ...opts, adminUser: process.env.FOGBANK_ADMIN_USER, adminPassword: process.env.FOGBANK_ADMIN_PASSWORD });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') fail(`port ${opts.port} on ${opts.host} is already in use (choose another with --port)`);
    if (e.code === 'EADDRNOTAVAIL') fail(`cannot listen on --host ${opts.host}: no such local address`);
    if (e.code === 'EACCES') fail(`not allowed to listen on ${opts.host}:${opts.port}`);
    if (err instanceof DataDirectoryError) fail(err.message);
    if (opts.snapshot && (e.code === 'ENOENT' || err instanceof ServiceError)) fail(`--snapshot ${opts.snapshot}: ${e.message}`);
    throw err;
  }
  // Signal handlers before the ready line: a script that stops Fogbank as soon as it reads that line
  // must find them installed, or the signal's default action kills it with its engines left running.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    fogbank.stop().then(
      () => {
        process.stdout.write(`Fogbank stopped (${signal})\n`);
        process.exit(0);
      },
      (err) => {
        process.stderr.write(`fogbank: error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const where = opts.ephemeral ? 'in memory (ephemeral)' : fogbank.env.dataDir;
  process.stdout.write(`Fogbank ${VERSION} ready on ${fogbank.endpoint} — data: ${where} — admin: ${fogbank.adminUrl}\n`);
  if (fogbank.generatedAdminPassword) {
    process.stdout.write(
      `Admin UI login: user '${process.env.FOGBANK_ADMIN_USER || 'admin'}', password '${fogbank.generatedAdminPassword}' ` +
        `(generated now and shown only once; set FOGBANK_ADMIN_PASSWORD to choose one)\n`,
    );
  }
}

async function printCoverage(): Promise<void> {
  const { coverageTable } = await import('./admin/coverage.ts');
  const fogbank = await createFogbank({ ephemeral: true, port: 0 });
  try {
    process.stdout.write(coverageTable(await fogbank.services.coverage()) + '\n');
  } finally {
    await fogbank.stop();
  }
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'coverage':
      return printCoverage();
    case 'snapshot': {
      // Loaded only for this command: `start` should not pay for the client of the admin API.
      const { snapshotCommand, SnapshotCliError } = await import('./core/snapshots/cli.ts');
      return snapshotCommand(rest, process.env).catch((err) => {
        if (err instanceof SnapshotCliError) fail(err.message);
        throw err;
      });
    }
    case 'version':
    case '--version':
      process.stdout.write(`${VERSION}\n`);
      return;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return;
    default:
      fail(`unknown command '${command}' (commands: start, coverage, snapshot, version, help)`);
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`fogbank: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
