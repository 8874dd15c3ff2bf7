#!/usr/bin/env node
/**
 * `ivs-local`: runs the IVS emulator from the command line. Every flag can also be set with an
 * `IVS_LOCAL_*` environment variable (a flag wins over its variable).
 *
 * Exit codes: 0 after a clean shutdown (or --help / --version), 1 for any other startup or shutdown
 * failure (e.g. the port is taken), 2 for bad arguments, 3 when the data file cannot be used,
 * 130 when a second Ctrl+C stops it without waiting.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_LOCAL_CREDENTIALS, IvsLocalOptionError, ivsLocalVersion, IVS_LOCAL_HEALTH_PATH, LocalDataFileError, startLocalIvs, type IvsLocalServer } from '../index';

/** The CLI's default port (the library's default is an ephemeral port). */
export const DEFAULT_CLI_PORT = 4590;

/** Exit codes, as `--help` lists them. */
const EXIT = { ok: 0, failure: 1, usage: 2, dataFile: 3, interrupted: 130 } as const;

/** Each value flag and the environment variable that sets it. */
const VALUE_FLAGS = {
  port: 'IVS_LOCAL_PORT',
  host: 'IVS_LOCAL_HOST',
  region: 'IVS_LOCAL_REGION',
  'account-id': 'IVS_LOCAL_ACCOUNT_ID',
  data: 'IVS_LOCAL_DATA',
  'session-linger': 'IVS_LOCAL_SESSION_LINGER',
  'access-key-id': 'IVS_LOCAL_ACCESS_KEY_ID',
  'secret-access-key': 'IVS_LOCAL_SECRET_ACCESS_KEY',
} as const;
const BOOLEAN_FLAGS = { quiet: 'IVS_LOCAL_QUIET', debug: 'IVS_LOCAL_DEBUG' } as const;

type ValueFlag = keyof typeof VALUE_FLAGS;
type BooleanFlag = keyof typeof BOOLEAN_FLAGS;

const HELP = `ivs-local ${ivsLocalVersion()} — an offline emulator of the Amazon IVS Real-Time and IVS Chat APIs

Usage: ivs-local [options]
       ivs-local bots --stage <arn> --count N     publish synthetic participants (--help for more)
       ivs-local load-test --publishers P --subscribers S --duration s   (--help for more)

Options (each also set by the environment variable on its right; a flag wins):
  --port <n>               TCP port (default ${DEFAULT_CLI_PORT}; 0 picks a free one)          IVS_LOCAL_PORT
  --host <addr>            interface to listen on (default 127.0.0.1, loopback only)     IVS_LOCAL_HOST
  --region <name>          region to emulate; clients must sign for it (default us-east-1) IVS_LOCAL_REGION
  --account-id <digits>    account id used in ARNs (default 123456789012)               IVS_LOCAL_ACCOUNT_ID
  --data <file>            keep stages, rooms, tags, public keys and the token signing    IVS_LOCAL_DATA
                           key in <file> across restarts (created if missing, mode 0600;
                           never overwritten if unreadable). Every change is on disk
                           (fsync) before its request is answered.
  --session-linger <s>     seconds a stage session stays active after its last            IVS_LOCAL_SESSION_LINGER
                           participant left (Amazon IVS: a few minutes; default 0)
  --access-key-id <id>     access key id clients must sign with                           IVS_LOCAL_ACCESS_KEY_ID
                           (default ${DEFAULT_LOCAL_CREDENTIALS.accessKeyId})
  --secret-access-key <s>  secret key clients must sign with                              IVS_LOCAL_SECRET_ACCESS_KEY
                           (default ${DEFAULT_LOCAL_CREDENTIALS.secretAccessKey})
  -q, --quiet              no log line per request                                        IVS_LOCAL_QUIET=1
  --debug                  print stack traces of internal errors                          IVS_LOCAL_DEBUG=1
  -v, --version            print the version and exit
  -h, --help               show this help

Endpoints: the control planes at http://HOST:PORT/<Operation>, the chat WebSocket at /chat,
stage media at /stage/<stageId>/…, health at ${IVS_LOCAL_HEALTH_PATH} (200 JSON with the version).
Point any AWS SDK at it with endpoint = the printed URL and the printed credentials.

Exit codes:
  0    clean shutdown (SIGINT/SIGTERM), or --help / --version
  1    startup or shutdown failure (e.g. the port is in use)
  2    bad arguments or environment variables
  3    the --data file cannot be used (unreadable, corrupt, other region; left untouched)
  130  a second SIGINT/SIGTERM during shutdown`;

function fail(message: string, code: number): never {
  process.stderr.write(`ivs-local: ${message}\n`);
  process.exit(code);
}

function usage(message: string): never {
  fail(`${message} Run ivs-local --help.`, EXIT.usage);
}

function parsePort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) usage(`--port must be an integer between 0 and 65535, got "${text}".`);
  return Number(text);
}

function isTrue(value: string, name: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off|)$/i.test(value)) return false;
  usage(`${name} must be 1/true/yes/on or 0/false/no/off, got "${value}".`);
}

interface CliSettings {
  values: Partial<Record<ValueFlag, string>>;
  flags: Record<BooleanFlag, boolean>;
  help: boolean;
  version: boolean;
}

/** Flags first, then the `IVS_LOCAL_*` variables for what the flags left unset. */
function readSettings(argv: string[], env: NodeJS.ProcessEnv): CliSettings {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(Object.keys(VALUE_FLAGS).map((name) => [name, { type: 'string' as const }])),
        quiet: { type: 'boolean', short: 'q' },
        debug: { type: 'boolean' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    usage(`${(error as Error).message}.`);
  }
  const given = parsed.values as Record<string, string | boolean | undefined>;
  const values: CliSettings['values'] = {};
  for (const [flag, variable] of Object.entries(VALUE_FLAGS) as [ValueFlag, string][]) {
    const value = given[flag] ?? env[variable];
    if (typeof value === 'string') values[flag] = value;
  }
  const flags = {} as Record<BooleanFlag, boolean>;
  for (const [flag, variable] of Object.entries(BOOLEAN_FLAGS) as [BooleanFlag, string][]) {
    const variableValue = env[variable];
    flags[flag] = given[flag] === true || (variableValue !== undefined && isTrue(variableValue, variable));
  }
  return { values, flags, help: given['help'] === true, version: given['version'] === true };
}

function banner(ivs: IvsLocalServer): string {
  const { url, wsUrl, region, accountId, credentials } = ivs;
  const lines = [
    `ivs-local ${ivsLocalVersion()} listening on ${url} (region ${region}, account ${accountId})`,
    '',
    `  IVS Real-Time control plane   POST ${url}/<Operation>   (SigV4 service "ivs")`,
    `  IVS Chat control plane        POST ${url}/<Operation>   (SigV4 service "ivschat")`,
    `  Chat messaging WebSocket      ${wsUrl}/chat`,
    `  Stage media (WHIP/WHEP)       ${url}/stage/<stageId>/whip`,
    `  Health                        GET ${url}${IVS_LOCAL_HEALTH_PATH}`,
    `  Data file                     ${ivs.dataFile ? `${ivs.dataFile} (every change is on disk before it is answered)` : '(none: state is in memory; use --data <file> to keep it)'}`,
    '',
    'Environment for your app (these are ivs-local credentials, not AWS ones):',
    `  export IVS_LOCAL_URL=${url}`,
    `  export AWS_ENDPOINT_URL_IVS_REALTIME=${url}`,
    `  export AWS_ENDPOINT_URL_IVSCHAT=${url}`,
    `  export AWS_ACCESS_KEY_ID=${credentials.accessKeyId}`,
    `  export AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}`,
    `  export AWS_REGION=${region}`,
    '',
    'Try it (after the exports above):',
    `  aws ivs-realtime create-stage --name demo --endpoint-url ${url} --region ${region}`,
    '',
    'Press Ctrl+C to stop.',
  ];
  return `${lines.join('\n')}\n`;
}

async function start(settings: CliSettings): Promise<IvsLocalServer> {
  const { values, flags } = settings;
  const port = values.port === undefined ? DEFAULT_CLI_PORT : parsePort(values.port);
  const linger = values['session-linger'];
  if (linger !== undefined && !/^\d+(\.\d+)?$/.test(linger)) usage(`--session-linger must be a number of seconds ≥ 0, got "${linger}".`);
  try {
    return await startLocalIvs({
      port,
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
      ...(values['account-id'] !== undefined ? { accountId: values['account-id'] } : {}),
      ...(values.data !== undefined ? { dataFile: values.data } : {}),
      ...(linger !== undefined ? { stageSessionLingerMs: Number(linger) * 1000 } : {}),
      credentials: {
        accessKeyId: values['access-key-id'] ?? DEFAULT_LOCAL_CREDENTIALS.accessKeyId,
        secretAccessKey: values['secret-access-key'] ?? DEFAULT_LOCAL_CREDENTIALS.secretAccessKey,
      },
      ...(flags.quiet ? {} : { logRequests: ({ line }) => process.stdout.write(`[ivs-local] ${line}\n`) }),
      debug: flags.debug,
    });
  } catch (error) {
    if (error instanceof LocalDataFileError) fail(error.message, EXIT.dataFile);
    if (error instanceof IvsLocalOptionError) usage(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${port} is already in use. Pick another with --port <n> (or --port 0 for any free port).`, EXIT.failure);
    if (code === 'EADDRNOTAVAIL') fail(`cannot listen on ${values.host}: no such local address.`, EXIT.failure);
    fail(`could not start: ${(error as Error).message}`, EXIT.failure);
  }
}

function stopOnSignals(ivs: IvsLocalServer): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`ivs-local: ${signal} again, exiting without waiting.\n`);
      process.exit(EXIT.interrupted);
    }
    stopping = true;
    process.stdout.write(`\nivs-local: ${signal} received, shutting down...\n`);
    ivs.close().then(
      () => {
        process.stdout.write('ivs-local: stopped.\n');
        process.exit(EXIT.ok);
      },
      (error: unknown) => {
        process.stderr.write(`ivs-local: shutdown failed: ${(error as Error).message}\n`);
        process.exit(EXIT.failure);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(): Promise<void> {
  const subcommand = process.argv[2];
  if (subcommand === 'bots' || subcommand === 'load-test') {
    const tools = await import('../bots/cli');
    const run = subcommand === 'bots' ? tools.runBotsCommand : tools.runLoadTestCommand;
    process.exit(await run(process.argv.slice(3)));
  }
  const settings = readSettings(process.argv.slice(2), process.env);
  if (settings.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (settings.version) {
    process.stdout.write(`${ivsLocalVersion()}\n`);
    return;
  }
  const ivs = await start(settings);
  process.stdout.write(banner(ivs));
  stopOnSignals(ivs);
}

// A reader that went away (`ivs-local | head`, a parent that stopped reading) must not crash the
// emulator with EPIPE: what it prints is informational.
process.stdout.on('error', () => {});
void main();
