/**
 * SFU capacity of ivs-local's stage media server, with bots (plain WHIP publishers, 15 fps H.264 +
 * Opus) and Node WHEP subscribers instead of browsers, inside a sealed network namespace:
 *
 * 1. fan-out: 1 publisher → S subscribers for S = 2, 4, 8, 16, 24, 32, … until a subscriber falls
 *    below 90 % of the source frame rate: the largest S that held;
 * 2. full stage: 12 publishers, each subscribed by 12 participants (the 11 others' worth of
 *    streams plus one) and by V extra viewers.
 *
 * For each run: ivs-local's CPU (% of one core, from /proc) and RSS, per forwarded stream. The
 * load generator (bots and subscribers, werift in JS) runs in another process on the same cores.
 *
 * Usage: tsx bench/sfu.bench.ts [--seconds 8] [--max-fanout 48] [--viewers 4]   (needs `npm run build`)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runLoadTest, type LoadTestReport } from '../packages/ivs-local/src/bots/load-test';

interface Row {
  run: string;
  publishers: number;
  subscribers: number;
  streams: number;
  minFps: number;
  held: boolean;
  cpuPercent: number | null;
  rssMiB: number | null;
  cpuPerStream: string;
}

function startIvsLocal(): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['packages/ivs-local/dist/bin/ivs-local.js', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const match = /ivs-local listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ url: match[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`ivs-local exited ${String(code)}`)));
  });
}

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

async function measure(run: string, publishers: number, subscribers: number, seconds: number): Promise<{ row: Row; report?: LoadTestReport }> {
  const { url, child } = await startIvsLocal();
  try {
    let report: LoadTestReport;
    try {
      report = await runLoadTest({ endpoint: url, publishers, subscribers, durationSeconds: seconds, serverPid: child.pid! });
    } catch (error) {
      // The load generator could not keep up (a viewer missed the heartbeat while joining, …).
      console.log(`${run}: ${publishers} → ${subscribers} failed: ${(error as Error).message}`);
      const row: Row = { run, publishers, subscribers, streams: publishers * subscribers, minFps: 0, held: false, cpuPercent: null, rssMiB: null, cpuPerStream: 'n/a' };
      return { row };
    }
    const streams = publishers * subscribers;
    const minFps = Math.min(...report.subscriberReports.map((r) => r.minFps));
    const row: Row = {
      run,
      publishers,
      subscribers,
      streams,
      minFps,
      held: report.failures.length === 0,
      cpuPercent: report.server.cpuPercent,
      rssMiB: report.server.rssMiB,
      cpuPerStream: report.server.cpuPercent === null ? 'n/a' : `${(report.server.cpuPercent / streams).toFixed(2)} %`,
    };
    console.log(`${run}: ${publishers} → ${subscribers} (${streams} streams) lowest ${minFps} fps, ivs-local CPU ${row.cpuPercent} %, RSS ${row.rssMiB} MiB${row.held ? '' : ' — below 90 %'}`);
    return { row, report };
  } finally {
    child.kill('SIGTERM');
  }
}

export async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '8' }, 'max-fanout': { type: 'string', default: '48' }, viewers: { type: 'string', default: '4' } },
  });
  const seconds = Number(values.seconds);
  const maxFanout = Number(values['max-fanout']);
  const viewers = Number(values.viewers);
  if (!existsSync('packages/ivs-local/dist/bin/ivs-local.js')) throw new Error('packages/ivs-local/dist/bin/ivs-local.js is missing: run `npm run build` first.');
  const rows: Row[] = [];
  let largest = 0;
  for (const s of [2, 4, 8, 16, 24, 32, 48, 64].filter((n) => n <= maxFanout)) {
    const { row } = await measure('fan-out', 1, s, seconds);
    rows.push(row);
    if (!row.held) break;
    largest = s;
  }
  const mesh = await measure('full stage', 12, 12, seconds);
  rows.push(mesh.row);
  const meshViewers = viewers > 0 ? await measure(`full stage + ${viewers} viewers`, 12, 12 + viewers, seconds) : undefined;
  if (meshViewers) rows.push(meshViewers.row);
  console.table(rows);
  console.log(`largest fan-out with every subscriber ≥ 90 % of the source's 15 fps: 1 → ${largest}`);
  console.log(`12 publishers in a full stage: ${mesh.row.held ? 'every stream ≥ 90 %' : `lowest stream ${mesh.row.minFps} fps (< 90 %)`}`);
  return mesh.row.held ? 0 : 1;
}

// Run inside a fresh network namespace (re-executes itself through the wrapper).
if (process.env['IVS_NETNS'] === undefined) {
  const result = spawnSync('scripts/netns-run.sh', [process.execPath, '--import', 'tsx', 'bench/sfu.bench.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
} else {
  process.exit(await main());
}
