#!/usr/bin/env node
/**
 * Media benchmarks of the local stage, in real Chromium (fake 720p camera) against the built
 * package and the `ivs-local` CLI, inside a sealed network namespace (scripts/netns-run.sh).
 *
 * 1. First frame: a viewer's `join()` → first remote frame presented in its StageGrid tile
 *    (p50/p95 over N runs), against a baseline measured in the same run: two RTCPeerConnections
 *    connected directly inside one page (offer → first frame). Target: SDK p50 ≤ 2 × baseline p50.
 * 2. SFU cost: 1 publisher (720p) → 8 subscriber pages for 10 s: CPU % (of one core) and RSS of
 *    the ivs-local process (from /proc), frames decoded by every subscriber. Target: no subscriber
 *    below 90 % of the publisher's frame rate.
 *
 * Usage: node bench/media/run.mjs [--runs 10] [--subscribers 8] [--seconds 10] [--json <file>] [--strict]
 * Needs `npm run build` first. `--strict` exits 1 when a target is missed.
 */
/* global window, document, performance -- page functions run in the browser; performance is also Node's */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));

// Run inside a fresh network namespace (re-executes this script through the wrapper).
if (process.env.IVS_NETNS === undefined) {
  const child = spawn(join(root, 'scripts/netns-run.sh'), [process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await main();
}

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10' },
      subscribers: { type: 'string', default: '8' },
      seconds: { type: 'string', default: '10' },
      json: { type: 'string' },
      strict: { type: 'boolean', default: false },
    },
  });
  const runs = positiveInt(values.runs, '--runs');
  const subscriberCount = positiveInt(values.subscribers, '--subscribers');
  const seconds = positiveInt(values.seconds, '--seconds');

  for (const file of ['dist/index.js', 'packages/ivs-local/dist/index.js', 'packages/ivs-local/dist/bin/ivs-local.js']) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first.`);
  }
  if (process.env.IVS_NETNS !== '1') console.warn('bench: no network namespace available; running on the host network.');

  const [{ chromium }, { IVSRealTimeClient, CreateStageCommand, CreateParticipantTokenCommand, DeleteStageCommand }] = await Promise.all([
    import('playwright-core'),
    import('@aws-sdk/client-ivs-realtime'),
  ]);
  const { CHROMIUM_ARGS, chromiumExecutable } = await import('../../tests/e2e/support/chromium.mjs');
  const { startStaticServer } = await import('../../tests/e2e/support/static-server.mjs');
  const { buildHarness } = await import('../../tests/e2e/support/build-harness.mjs');

  // The e2e harness page (a StageSession + StageGrid app), built against dist/.
  const outDir = join(root, `tests/e2e/.out/bench-${process.pid}`);
  const site = await startStaticServer(await buildHarness({ outDir, source: false }));
  const ivs = await startIvsLocal();
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS], headless: true });
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const control = new IVSRealTimeClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials, maxAttempts: 1 });

  const createStage = async (name) => (await control.send(new CreateStageCommand({ name }))).stage.arn;
  const token = async (stageArn, userId, capabilities) =>
    (await control.send(new CreateParticipantTokenCommand({ stageArn, userId, capabilities }))).participantToken;
  const openHarness = async () => {
    const page = await context.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => document.documentElement.dataset.harness === 'ready');
    return page;
  };
  const must = (result, what) => {
    if (!result.ok) throw new Error(`${what} failed: ${result.error.name}: ${result.error.message}`);
    return result;
  };
  const video720 = { width: 1280, height: 720, frameRate: 30 };

  const results = { machine: { cores: (await import('node:os')).cpus().length, node: process.version, netns: process.env.IVS_NETNS === '1' } };
  try {
    // ---- 1. first frame ------------------------------------------------------------------------
    console.log(`bench: first frame, ${runs} runs each (SDK viewer join vs two peer connections in one page)`);
    const stageArn = await createStage('bench-first-frame');
    const host = await openHarness();
    const hostToken = await token(stageArn, 'host', ['PUBLISH', 'SUBSCRIBE']);
    must(await host.evaluate(() => window.harness.mountGrid()), 'host mountGrid');
    must(await host.evaluate((o) => window.harness.join(o), { token: hostToken.token, publish: true, video: video720, audio: true }), 'host join');
    await waitFor(async () => (await host.evaluate(() => window.harness.stats())).outbound.some((o) => o.framesEncoded > 30), 'host publishing', 15_000);

    const baselinePage = await context.newPage();
    await baselinePage.goto(`${site.url}/baseline.html`);
    const viewer = await openHarness();
    const sdk = [];
    const baseline = [];
    for (let i = 0; i < runs; i++) {
      // Headless Chromium paints background pages about once a second: measure in the foreground.
      await baselinePage.bringToFront();
      baseline.push((await baselinePage.evaluate(() => window.baseline.firstFrame())).firstFrameMs);
      await viewer.bringToFront();
      const viewerToken = await token(stageArn, `viewer-${i}`, ['SUBSCRIBE']);
      const ms = await viewer.evaluate(async (t) => {
        window.harness.mountGrid();
        window.harness.armFirstRemoteFrame();
        const frame = window.harness.firstRemoteFrame();
        const joined = await window.harness.join({ token: t, publish: false });
        if (!joined.ok) throw new Error(`join failed: ${joined.error.name}: ${joined.error.message}`);
        const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no remote frame within 15 s')), 15_000));
        return Promise.race([frame, timeout]);
      }, viewerToken.token);
      sdk.push(ms);
      must(await viewer.evaluate(() => window.harness.dispose()), 'viewer dispose');
      process.stdout.write(`  run ${i + 1}: sdk ${ms.toFixed(0)} ms, baseline ${baseline[i].toFixed(0)} ms\n`);
    }
    await baselinePage.evaluate(() => window.baseline.dispose());
    await baselinePage.close();
    await viewer.close();
    must(await host.evaluate(() => window.harness.dispose()), 'host dispose');
    await host.close();
    await control.send(new DeleteStageCommand({ arn: stageArn }));
    results.firstFrame = {
      runs,
      sdk: { p50: percentile(sdk, 50), p95: percentile(sdk, 95), samples: sdk },
      baseline: { p50: percentile(baseline, 50), p95: percentile(baseline, 95), samples: baseline },
    };
    results.firstFrame.ratio = results.firstFrame.sdk.p50 / results.firstFrame.baseline.p50;
    results.firstFrame.pass = results.firstFrame.ratio <= 2;

    // ---- 2. SFU cost -----------------------------------------------------------------------------
    console.log(`bench: SFU cost, 1 publisher (720p) → ${subscriberCount} subscribers, ${seconds} s`);
    const sfuStage = await createStage('bench-sfu');
    const publisher = await openHarness();
    const publisherToken = await token(sfuStage, 'publisher', ['PUBLISH', 'SUBSCRIBE']);
    must(await publisher.evaluate((o) => window.harness.join(o), { token: publisherToken.token, publish: true, video: video720, audio: true }), 'publisher join');
    const subscribers = [];
    for (let i = 0; i < subscriberCount; i++) {
      const page = await openHarness();
      const t = await token(sfuStage, `subscriber-${i}`, ['SUBSCRIBE']);
      must(await page.evaluate(() => window.harness.mountGrid()), 'subscriber mountGrid');
      must(await page.evaluate((tk) => window.harness.join({ token: tk, publish: false }), t.token), `subscriber ${i} join`);
      subscribers.push(page);
    }
    const decoded = async (page) => {
      const stats = await page.evaluate(() => window.harness.stats());
      return stats.inbound.filter((s) => s.kind === 'video').reduce((sum, s) => sum + s.framesDecoded, 0);
    };
    const encoded = async () => {
      const stats = await publisher.evaluate(() => window.harness.stats());
      const video = stats.outbound.filter((s) => s.kind === 'video');
      // With simulcast every layer counts frames; the top layer is the one with the most.
      const top = video.reduce((best, s) => (s.frameHeight > (best?.frameHeight ?? -1) ? s : best), undefined);
      return { frames: Math.max(0, ...video.map((s) => s.framesEncoded)), width: top?.frameWidth ?? 0, height: top?.frameHeight ?? 0 };
    };
    for (const [i, page] of subscribers.entries()) await waitFor(async () => (await decoded(page)) > 10, `subscriber ${i} decoding`, 20_000);
    await sleep(2000); // Let bitrate ramp-up settle.

    const cpu0 = procCpu(ivs.pid);
    const t0 = performance.now();
    const pub0 = await encoded();
    const sub0 = await Promise.all(subscribers.map(decoded));
    const rssSamples = [];
    const window_ = seconds * 1000;
    while (performance.now() - t0 < window_) {
      rssSamples.push(procRss(ivs.pid));
      await sleep(500);
    }
    const pub1 = await encoded();
    const sub1 = await Promise.all(subscribers.map(decoded));
    const elapsed = (performance.now() - t0) / 1000;
    const cpu1 = procCpu(ivs.pid);
    const publisherFps = (pub1.frames - pub0.frames) / elapsed;
    const subscriberFps = sub1.map((v, i) => (v - sub0[i]) / elapsed);
    results.sfu = {
      subscribers: subscriberCount,
      seconds: elapsed,
      publisher: { fps: publisherFps, width: pub1.width, height: pub1.height },
      subscriberFps,
      minSubscriberRatio: Math.min(...subscriberFps) / publisherFps,
      serverCpuPercent: ((cpu1 - cpu0) / elapsed) * 100,
      serverRssMiB: Math.max(...rssSamples) / 1048576,
    };
    results.sfu.pass = results.sfu.minSubscriberRatio >= 0.9;
    for (const page of [publisher, ...subscribers]) await page.evaluate(() => window.harness.dispose()).catch(() => {});
    await control.send(new DeleteStageCommand({ arn: sfuStage }));
  } finally {
    control.destroy();
    await browser.close().catch(() => {});
    await ivs.stop();
    await site.close();
    await rm(outDir, { recursive: true, force: true });
  }

  printReport(results);
  if (values.json) {
    await mkdir(dirname(values.json), { recursive: true });
    await writeFile(values.json, `${JSON.stringify(results, null, 2)}\n`);
  }
  if (values.strict && !(results.firstFrame.pass && results.sfu.pass)) process.exitCode = 1;
}

function printReport(r) {
  const f = r.firstFrame;
  const s = r.sfu;
  const ms = (v) => `${v.toFixed(0)} ms`;
  const rows = [
    ['benchmark', 'figure', 'value'],
    ['first frame', 'SDK viewer join → first remote frame, p50', ms(f.sdk.p50)],
    ['first frame', 'SDK viewer join → first remote frame, p95', ms(f.sdk.p95)],
    ['first frame', 'baseline (2 PCs in one page) offer → first frame, p50', ms(f.baseline.p50)],
    ['first frame', 'baseline p95', ms(f.baseline.p95)],
    ['first frame', 'SDK p50 / baseline p50', `${f.ratio.toFixed(2)}×`],
    ['SFU cost', `publisher frame rate (${s.publisher.width}×${s.publisher.height})`, `${s.publisher.fps.toFixed(1)} fps`],
    ['SFU cost', `subscriber frame rate, min / max of ${s.subscribers}`, `${Math.min(...s.subscriberFps).toFixed(1)} / ${Math.max(...s.subscriberFps).toFixed(1)} fps`],
    ['SFU cost', 'slowest subscriber / publisher', `${(s.minSubscriberRatio * 100).toFixed(0)} %`],
    ['SFU cost', 'ivs-local CPU (% of one core)', `${s.serverCpuPercent.toFixed(1)} %`],
    ['SFU cost', 'ivs-local RSS (max)', `${s.serverRssMiB.toFixed(0)} MiB`],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  console.log('');
  console.log(line(rows[0]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
  console.log('');
  console.log(`target first frame: SDK p50 ≤ 2 × baseline p50 (${ms(2 * f.baseline.p50)}): ${f.pass ? 'PASS' : 'FAIL'} (${ms(f.sdk.p50)})`);
  console.log(`target SFU: every subscriber ≥ 90 % of the publisher's frame rate: ${s.pass ? 'PASS' : 'FAIL'} (slowest ${(s.minSubscriberRatio * 100).toFixed(0)} %)`);
  console.log(`machine: ${r.machine.cores} cores, Node ${r.machine.node}, ${r.machine.netns ? 'sealed network namespace' : 'host network'}`);
}

/** Starts the `ivs-local` CLI (packages/ivs-local/dist/bin/ivs-local.js) on a free port, as a child process. */
async function startIvsLocal() {
  const child = spawn(process.execPath, [join(root, 'packages/ivs-local/dist/bin/ivs-local.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const banner = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ivs-local did not start within 15 s:\n${output}`)), 15_000);
    const onData = (chunk) => {
      output += chunk;
      if (/AWS_REGION=\S+/.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`ivs-local exited with code ${code}:\n${output}`)));
  });
  const grab = (name) => new RegExp(`${name}=(\\S+)`).exec(banner)?.[1];
  const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1];
  if (!url) throw new Error(`cannot read the ivs-local URL from:\n${banner}`);
  return {
    pid: child.pid,
    url,
    region: grab('AWS_REGION'),
    credentials: { accessKeyId: grab('AWS_ACCESS_KEY_ID'), secretAccessKey: grab('AWS_SECRET_ACCESS_KEY') },
    stop: async () => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** utime + stime of a process, in seconds (/proc/<pid>/stat; clock ticks are 100 Hz on Linux). */
function procCpu(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3, utime field 14, stime field 15 (1-based).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident set size in bytes (/proc/<pid>/status VmRSS). */
function procRss(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

async function waitFor(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(200);
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positiveInt(text, name) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${text}`);
  return n;
}
