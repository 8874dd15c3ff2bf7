/**
 * Speaking-highlight latency: from the onset of a beep of Chromium's fake microphone (timed to the
 * sample on the speaker's page) to the `ivs-tile--speaking` class on the listener's StageGrid tile,
 * through ivs-local, the ActiveSpeakerDetector (getStats every 100 ms) and the grid.
 * Target: p50 ≤ 300 ms.
 *
 * Runs the e2e spec `tests/e2e/beyond-speaker.spec.ts` (about 8 s of beeps, 16 onsets) through
 * `scripts/e2e.sh` (network namespace, built package) and reads its samples.
 *
 *   import { measureSpeakingLatency } from './bench/media/speaking.mjs';
 *   const r = await measureSpeakingLatency();  // { samples, p50Ms, p90Ms, targetMs: 300, pass }
 *
 * or `node bench/media/speaking.mjs` (prints the JSON).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * @param {{ runs?: number, source?: boolean }} [options] runs: spec runs to pool (default 1);
 *   source: test `src/` instead of the built package (E2E_SOURCE=1).
 * @returns {Promise<{ samples: number[], p50Ms: number, p90Ms: number, targetMs: number, pass: boolean, detector: object }>}
 */
export async function measureSpeakingLatency(options = {}) {
  const runs = options.runs ?? 1;
  const dir = mkdtempSync(join(tmpdir(), 'ivs-speaking-'));
  const samples = [];
  let detector = {};
  try {
    for (let run = 0; run < runs; run++) {
      const out = join(dir, `run-${run}.json`);
      const code = await new Promise((resolve) => {
        const child = spawn('bash', ['scripts/e2e.sh', 'beyond-speaker', '-g', '300 ms'], {
          cwd: root,
          stdio: ['ignore', 'ignore', 'inherit'],
          env: { ...process.env, BEYOND_SPEAKING_OUT: out, ...(options.source ? { E2E_SOURCE: '1' } : {}) },
        });
        child.on('exit', (c) => resolve(c ?? 1));
      });
      let data;
      try {
        data = JSON.parse(readFileSync(out, 'utf8'));
      } catch {
        throw new Error(`speaking latency: the spec wrote no samples (exit code ${code}); run bash scripts/e2e.sh beyond-speaker to see why`);
      }
      samples.push(...data.latenciesMs);
      detector = data.detector;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const p50Ms = Math.round(percentile(sorted, 50));
  const p90Ms = Math.round(percentile(sorted, 90));
  return { samples: sorted.map((s) => Math.round(s)), p50Ms, p90Ms, targetMs: 300, pass: p50Ms <= 300, detector };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await measureSpeakingLatency({ runs: Number(process.argv[2] ?? 1), source: process.env.E2E_SOURCE === '1' });
  console.log(JSON.stringify(result));
}
