#!/usr/bin/env node
/**
 * `ivs-local`: runs the IVS emulator from the command line.
 *
 * Exit codes: 0 after a clean shutdown, 2 for bad arguments, 3 when the data file cannot be used,
 * 1 for any other startup failure (e.g. the port is taken).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_LOCAL_CREDENTIALS, IVS_LOCAL_VERSION, LocalDataFileError, startLocalIvs, type LocalIvs } from '../index';

/** The CLI's default port (the library's default is an ephemeral port). */
export const DEFAULT_CLI_PORT = 4590;

const HELP = `ivs-local — an offline emulator of the Amazon IVS Real-Time and IVS Chat APIs

Usage: ivs-local [options]

Options:
  --port <n>               TCP port (default ${DEFAULT_CLI_PORT}; 0 picks a free one)
  --host <addr>            interface to listen on (default 127.0.0.1, loopback only)
  --region <name>          region to emulate; clients must sign for it (default us-east-1)
  --account-id <digits>    account id used in ARNs (default 123456789012)
  --data <file>            keep stages, rooms, tags and the token signing key in <file>
                           across restarts (created if missing; never overwritten if unreadable)
  --session-linger <s>     seconds a stage session stays active after its last participant
                           left (Amazon IVS: a few minutes; default 0, it ends at once)
  --access-key-id <id>     access key id clients must sign with (default ${DEFAULT_LOCAL_CREDENTIALS.accessKeyId})
  --secret-access-key <s>  secret key clients must sign with (default ${DEFAULT_LOCAL_CREDENTIALS.secretAccessKey})
  -v, --version            print the version and exit
  -h, --help               show this help

Point any AWS SDK at it with endpoint = the printed URL and the printed credentials.`;

function fail(message: string, code: number): never {
  process.stderr.write(`ivs-local: ${message}\n`);
  process.exit(code);
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_CLI_PORT;
  if (!/^\d+$/.test(text) || Number(text) > 65535) fail(`--port must be an integer between 0 and 65535, got "${text}". Run ivs-local --help.`, 2);
  return Number(text);
}

function banner(ivs: LocalIvs): string {
  const { url, wsUrl, region, accountId, credentials } = ivs;
  const lines = [
    `ivs-local listening on ${url} (region ${region}, account ${accountId})`,
    '',
    `  IVS Real-Time control plane   POST ${url}/<Operation>   (SigV4 service "ivs")`,
    `  IVS Chat control plane        POST ${url}/<Operation>   (SigV4 service "ivschat")`,
    `  Chat messaging WebSocket      ${wsUrl}/chat`,
    `  Stage media (WHIP/WHEP)       ${url}/stage/<stageId>/whip`,
    `  Data file                     ${ivs.dataFile ?? '(none: state is in memory; use --data <file> to keep it)'}`,
    '',
    'Environment for your app (these are ivs-local credentials, not AWS ones):',
    `  export IVS_LOCAL_URL=${url}`,
    `  export AWS_ENDPOINT_URL_IVS_REALTIME=${url}`,
    `  export AWS_ENDPOINT_URL_IVSCHAT=${url}`,
    `  export AWS_ACCESS_KEY_ID=${credentials.accessKeyId}`,
    `  export AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}`,
    `  export AWS_REGION=${region}`,
    '',
    'Press Ctrl+C to stop.',
  ];
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        region: { type: 'string' },
        'account-id': { type: 'string' },
        data: { type: 'string' },
        'session-linger': { type: 'string' },
        'access-key-id': { type: 'string' },
        'secret-access-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${(error as Error).message}. Run ivs-local --help.`, 2);
  }
  if (values.version) {
    process.stdout.write(`${IVS_LOCAL_VERSION}\n`);
    return;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const port = parsePort(values.port);
  const linger = values['session-linger'];
  if (linger !== undefined && !/^\d+(\.\d+)?$/.test(linger)) fail(`--session-linger must be a number of seconds ≥ 0, got "${linger}". Run ivs-local --help.`, 2);
  const accessKeyId = values['access-key-id'] ?? DEFAULT_LOCAL_CREDENTIALS.accessKeyId;
  const secretAccessKey = values['secret-access-key'] ?? DEFAULT_LOCAL_CREDENTIALS.secretAccessKey;

  let ivs: LocalIvs;
  try {
    ivs = await startLocalIvs({
      port,
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
      ...(values['account-id'] !== undefined ? { accountId: values['account-id'] } : {}),
      ...(values.data !== undefined ? { dataFile: values.data } : {}),
      ...(linger !== undefined ? { stageSessionLingerMs: Number(linger) * 1000 } : {}),
      credentials: { accessKeyId, secretAccessKey },
    });
  } catch (error) {
    if (error instanceof LocalDataFileError) fail(error.message, 3);
    if (error instanceof TypeError) fail(error.message, 2);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${port} is already in use. Pick another with --port <n> (or --port 0 for any free port).`, 1);
    if (code === 'EADDRNOTAVAIL') fail(`cannot listen on ${values.host}: no such local address.`, 1);
    fail(`could not start: ${(error as Error).message}`, 1);
  }
  process.stdout.write(banner(ivs));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`ivs-local: ${signal} again, exiting without waiting.\n`);
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`\nivs-local: ${signal} received, shutting down...\n`);
    ivs.close().then(
      () => {
        process.stdout.write('ivs-local: stopped.\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`ivs-local: shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
