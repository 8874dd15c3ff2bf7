import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStageCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
const BIN = join(process.cwd(), 'packages/ivs-local/src/bin/ivs-local.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], options: { untilStdout?: RegExp; then?: (stdout: string, child: ReturnType<typeof spawn>) => Promise<void> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let triggered = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ivs-local did not finish in time; stdout: ${stdout}; stderr: ${stderr}`));
    }, 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!triggered && options.untilStdout?.test(stdout)) {
        triggered = true;
        options.then!(stdout, child).catch((error: unknown) => {
          child.kill('SIGKILL');
          reject(error as Error);
        });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ivs-local-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ivs-local CLI', () => {
  test('prints endpoints, credentials and env vars, serves the AWS SDK, and exits 0 on SIGTERM', async () => {
    const result = await runCli(['--port', '0', '--data', join(dir, 'data.json')], {
      untilStdout: /Press Ctrl\+C/,
      then: async (stdout, child) => {
        const url = /IVS_LOCAL_URL=(\S+)/.exec(stdout)![1]!;
        const client = new IVSRealTimeClient({
          endpoint: url,
          region: /AWS_REGION=(\S+)/.exec(stdout)![1]!,
          credentials: {
            accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(stdout)![1]!,
            secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(stdout)![1]!,
          },
          maxAttempts: 1,
        });
        const { stage } = await client.send(new CreateStageCommand({ name: 'cli' }));
        expect(stage!.arn).toContain(':stage/');
        client.destroy();
        child.kill('SIGTERM');
      },
    });
    expect(result.stdout).toMatch(/ivs-local listening on http:\/\/127\.0\.0\.1:\d+ \(region us-east-1/);
    expect(result.stdout).toContain('AWS_ACCESS_KEY_ID=IVSLOCALACCESSKEY');
    expect(result.stdout).toContain('AWS_SECRET_ACCESS_KEY=ivs-local-secret');
    expect(result.stdout).toMatch(/ws:\/\/127\.0\.0\.1:\d+\/chat/);
    expect(result.stdout).toContain('stopped.');
    expect(result.code).toBe(0);
  });

  test('a corrupt --data file is a clear error with exit code 3', async () => {
    const dataFile = join(dir, 'bad.json');
    await writeFile(dataFile, 'not json at all');
    const result = await runCli(['--port', '0', '--data', dataFile]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(dataFile);
    expect(result.stderr).toContain('not valid JSON');
  });

  test('bad arguments exit with code 2 and point to --help; --help prints usage', async () => {
    const bad = await runCli(['--port', 'seventy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--help');
    const unknown = await runCli(['--bogus']);
    expect(unknown.code).toBe(2);
    const linger = await runCli(['--port', '0', '--session-linger', 'soon']);
    expect(linger.code).toBe(2);
    expect(linger.stderr).toContain('--session-linger must be a number of seconds');
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--data <file>');
    expect(help.stdout).toContain('--session-linger <s>');
  });
});
