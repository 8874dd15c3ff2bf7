/** Runs the real `ivs-local` CLI (packages/ivs-local/src/bin/ivs-local.ts through tsx) as a child process, for CLI and fault tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The CLI runs in this very node process (no tsx wrapper), so a signal reaches ivs-local itself. */
const NODE_ARGS = ['--import', 'tsx'];
const BIN = join(process.cwd(), 'packages/ivs-local/src/bin/ivs-local.ts');

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `ivs-local` child. */
export interface CliChild {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:PORT`, read from the start banner. */
  readonly url: string;
  readonly port: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<CliExit>;
}

function spawnCli(args: string[], env: Record<string, string | undefined>): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<CliExit> } {
  const child = spawn(process.execPath, [...NODE_ARGS, BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  const exited = new Promise<CliExit>((resolve) => {
    child.on('exit', (code, signal) => {
      // Let the pipes drain before reporting what was printed.
      setImmediate(() => resolve({ code, signal, stdout: out.stdout, stderr: out.stderr }));
    });
  });
  return { child, out, exited };
}

/** Runs the CLI to completion (for --help, --version, bad arguments). */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 20_000): Promise<CliExit> {
  const { child, exited } = spawnCli(args, env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

/** Starts the CLI and resolves once its banner says it listens. Rejects if it exits first. */
export async function startCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 20_000): Promise<CliChild> {
  const { child, out, exited } = spawnCli(args, env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ivs-local did not start within ${timeoutMs} ms; stdout: ${out.stdout}; stderr: ${out.stderr}`));
    }, timeoutMs);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(out.stdout);
      if (match && out.stdout.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((result) => {
      clearTimeout(timer);
      reject(new Error(`ivs-local exited (${result.code ?? result.signal}) before listening; stderr: ${result.stderr}`));
    });
  });
  return { child, url, port: Number(new URL(url).port), stdout: () => out.stdout, stderr: () => out.stderr, exited };
}
