import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStageCommand, IVSRealTimeClient, ListStagesCommand } from '@aws-sdk/client-ivs-realtime';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli, startCli, type CliChild } from './cli-process';
import { sendRaw } from './raw-http';

const VERSION = (JSON.parse(await readFile(join(process.cwd(), 'packages/ivs-local/package.json'), 'utf8')) as { version: string }).version;

let dir: string;
const children: CliChild[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ivs-local-cli-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await c.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

async function start(args: string[], env: Record<string, string | undefined> = {}): Promise<CliChild> {
  const c = await startCli(args, env);
  children.push(c);
  return c;
}

/** An AWS SDK client configured from what the banner prints, as a user would copy it. */
function clientFromBanner(stdout: string): IVSRealTimeClient {
  return new IVSRealTimeClient({
    endpoint: /IVS_LOCAL_URL=(\S+)/.exec(stdout)![1]!,
    region: /AWS_REGION=(\S+)/.exec(stdout)![1]!,
    credentials: {
      accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(stdout)![1]!,
      secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(stdout)![1]!,
    },
    maxAttempts: 1,
  });
}

describe('ivs-local CLI', () => {
  test('the banner lists the endpoints, credentials, env vars and an example command; it serves the AWS SDK and exits 0 on SIGTERM', async () => {
    const c = await start(['--port', '0', '--data', join(dir, 'data.json')]);
    const client = clientFromBanner(c.stdout());
    const { stage } = await client.send(new CreateStageCommand({ name: 'cli' }));
    expect(stage!.arn).toContain(':stage/');
    client.destroy();
    c.child.kill('SIGTERM');
    const result = await c.exited;
    expect(result.stdout).toMatch(new RegExp(`ivs-local ${VERSION.replace(/\./g, '\\.')} listening on http://127\\.0\\.0\\.1:\\d+ \\(region us-east-1`));
    expect(result.stdout).toContain('AWS_ACCESS_KEY_ID=IVSLOCALACCESSKEY');
    expect(result.stdout).toContain('AWS_SECRET_ACCESS_KEY=ivs-local-secret');
    expect(result.stdout).toMatch(/ws:\/\/127\.0\.0\.1:\d+\/chat/);
    expect(result.stdout).toContain(`GET ${c.url}/_ivs-local/health`);
    expect(result.stdout).toContain(`aws ivs-realtime create-stage --name demo --endpoint-url ${c.url} --region us-east-1`);
    expect(result.stdout).toContain('stopped.');
    expect(result.code).toBe(0);
  });

  test('--version prints the package version and exits 0', async () => {
    for (const result of await Promise.all([runCli(['--version']), runCli(['-v'])])) {
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(VERSION);
    }
  });

  test('GET /_ivs-local/health answers 200 JSON with the version; other methods get an AWS-shaped 405', async () => {
    const c = await start(['--port', '0', '--quiet']);
    const res = await sendRaw(c.url, { method: 'GET', path: '/_ivs-local/health' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', service: 'ivs-local', version: VERSION, region: 'us-east-1', persistence: 'memory' });
    const post = await sendRaw(c.url, { method: 'POST', path: '/_ivs-local/health', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers['x-amzn-errortype']).toBe('MethodNotAllowedException');
    expect(post.headers['allow']).toBe('GET, HEAD');
  });

  test('one log line per request (method, operation, status, ms); --quiet turns it off', async () => {
    const loud = await start(['--port', '0']);
    const client = clientFromBanner(loud.stdout());
    await client.send(new CreateStageCommand({ name: 'logged' }));
    await client.send(new ListStagesCommand({})).catch(() => undefined);
    await sendRaw(loud.url, { method: 'GET', path: '/_ivs-local/health' });
    await sendRaw(loud.url, { method: 'POST', path: '/CreateStage', body: '{}' }); // unsigned: 403
    client.destroy();
    await expect.poll(() => loud.stdout().match(/^\[ivs-local\] .*$/gm)?.length ?? 0).toBe(4);
    const lines = loud.stdout().match(/^\[ivs-local\] .*$/gm)!;
    expect(lines[0]).toMatch(/^\[ivs-local\] POST CreateStage 200 \d+ ms$/);
    expect(lines[1]).toMatch(/^\[ivs-local\] POST ListStages 200 \d+ ms$/);
    expect(lines[2]).toMatch(/^\[ivs-local\] GET Health 200 \d+ ms$/);
    expect(lines[3]).toMatch(/^\[ivs-local\] POST \/CreateStage 403 \d+ ms$/);
    // No secret reaches the log.
    expect(loud.stdout().split('Press Ctrl+C')[1]).not.toContain('ivs-local-secret');

    const quiet = await start(['--port', '0', '--quiet']);
    const quietClient = clientFromBanner(quiet.stdout());
    await quietClient.send(new CreateStageCommand({ name: 'silent' }));
    quietClient.destroy();
    quiet.child.kill('SIGINT');
    const result = await quiet.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/^\[ivs-local\]/m);
  });

  test('every flag can come from an IVS_LOCAL_* environment variable; a flag wins over its variable', async () => {
    const dataFile = join(dir, 'env.json');
    const c = await start(['--region', 'us-west-2'], {
      IVS_LOCAL_PORT: '0',
      IVS_LOCAL_HOST: '127.0.0.1',
      IVS_LOCAL_REGION: 'eu-west-1',
      IVS_LOCAL_ACCOUNT_ID: '210987654321',
      IVS_LOCAL_DATA: dataFile,
      IVS_LOCAL_SESSION_LINGER: '5',
      IVS_LOCAL_ACCESS_KEY_ID: 'ENVKEY',
      IVS_LOCAL_SECRET_ACCESS_KEY: 'env-secret',
      IVS_LOCAL_QUIET: '1',
      IVS_LOCAL_DEBUG: 'true',
    });
    expect(c.stdout()).toMatch(/\(region us-west-2, account 210987654321\)/);
    expect(c.stdout()).toContain('AWS_ACCESS_KEY_ID=ENVKEY');
    expect(c.stdout()).toContain('AWS_SECRET_ACCESS_KEY=env-secret');
    expect(c.stdout()).toContain(`Data file                     ${dataFile}`);
    const client = clientFromBanner(c.stdout());
    const { stage } = await client.send(new CreateStageCommand({ name: 'from-env' }));
    expect(stage!.arn).toMatch(/^arn:aws:ivs:us-west-2:210987654321:stage\//);
    client.destroy();
    expect(c.stdout()).not.toMatch(/^\[ivs-local\]/m); // IVS_LOCAL_QUIET
    c.child.kill('SIGTERM');
    await c.exited;
    const saved = JSON.parse(await readFile(dataFile, 'utf8')) as { region: string; stages: unknown[] };
    expect(saved.region).toBe('us-west-2');
    expect(saved.stages).toHaveLength(1);

    const [badEnv, badBool] = await Promise.all([runCli([], { IVS_LOCAL_PORT: 'seventy' }), runCli([], { IVS_LOCAL_QUIET: 'maybe' })]);
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('--port must be an integer');
    expect(badBool.code).toBe(2);
    expect(badBool.stderr).toContain('IVS_LOCAL_QUIET');
  });

  test('a corrupt --data file is a clear error with exit code 3', async () => {
    const dataFile = join(dir, 'bad.json');
    await writeFile(dataFile, 'not json at all');
    const result = await runCli(['--port', '0', '--data', dataFile]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(dataFile);
    expect(result.stderr).toContain('not valid JSON');
  });

  test('a port in use exits 1; bad arguments exit 2 and point to --help; --help lists flags, variables and exit codes', async () => {
    const first = await start(['--port', '0', '--quiet']);
    const [taken, bad, unknown, region, linger, help] = await Promise.all([
      runCli(['--port', String(first.port)]),
      runCli(['--port', 'seventy']),
      runCli(['--bogus']),
      runCli(['--port', '0', '--region', 'Not A Region']),
      runCli(['--port', '0', '--session-linger', 'soon']),
      runCli(['--help']),
    ]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already in use');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--help');
    expect(unknown.code).toBe(2);
    expect(region.code).toBe(2);
    expect(region.stderr).toContain('region');
    expect(linger.code).toBe(2);
    expect(linger.stderr).toContain('--session-linger must be a number of seconds');
    expect(help.code).toBe(0);
    for (const text of ['--data <file>', '--session-linger <s>', '--quiet', '--version', 'IVS_LOCAL_PORT', 'IVS_LOCAL_SECRET_ACCESS_KEY', 'Exit codes:', '  3    the --data file']) {
      expect(help.stdout).toContain(text);
    }
  });
});
