/**
 * Starts the demo the way a user does (`node scripts/demo.mjs`), on a free port and on ivs-local
 * whatever AWS credentials the environment holds, and stops it with SIGTERM afterwards (which also
 * checks that it shuts down cleanly). Specs find it through `DEMO_URL`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const STARTUP_TIMEOUT_MS = 60_000;

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.IVS_NETNS !== '1') {
    console.warn('demo tests: not inside a network namespace (run through scripts/demo-test.sh to isolate WebRTC traffic).');
  }
  const child = spawn(process.execPath, ['scripts/demo.mjs', '--port', '0', '--local', '--no-watch'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not print its URL within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)), STARTUP_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with code ${code} before printing its URL:\n${output}`));
    });
  });
  // Let Vite transform the page once before the first test measures anything.
  const warm = await fetch(new URL('src/main.ts', url));
  if (!warm.ok) throw new Error(`the demo does not serve its page (${warm.status}).`);
  process.env.DEMO_URL = url;
  console.log(`demo tests: demo at ${url}`);

  return async () => {
    if (child.exitCode !== null) throw new Error(`the demo exited early (code ${child.exitCode}):\n${output}`);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000))]);
    if (code === 'timeout') {
      child.kill('SIGKILL');
      throw new Error('the demo did not stop within 10 s of SIGTERM.');
    }
    if (code !== 0) throw new Error(`the demo exited with code ${code} on SIGTERM:\n${output}`);
  };
}
