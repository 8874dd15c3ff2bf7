#!/usr/bin/env node
/**
 * Downstream bitrate of a viewer watching 6 simulcast publishers in a StageGrid page of 4 tiles,
 * with the grid's layer preferences on (tiles on the hidden page ask for the lowest layer) against
 * the same viewer with `layerPreferences: false` (every stream left to the stage), in the same run.
 *
 * Publishers: `startBots({ simulcast: true })` from the built ivs-local (pre-encoded H.264 in 3
 * layers, no encoder cost). Viewer: the e2e harness app (StageSession + StageGrid, built against
 * dist/) in Chromium. Everything inside a sealed network namespace. Each mode gets a fresh viewer
 * page; the modes alternate (`--rounds` times) so that neither always runs first.
 *
 * Usage: node bench/media/layers.mjs [--seconds 8] [--settle 4] [--rounds 1]   (needs `npm run build`)
 * Exits 1 when the layer preferences do not lower the downstream bitrate.
 */
/* global window, document -- page functions run in the browser */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PUBLISHERS = 6;
const PAGE_TILES = 4;
if (process.env.IVS_NETNS === undefined) {
  const child = spawn(join(root, 'scripts/netns-run.sh'), [process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await main();
}

async function main() {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, settle: { type: 'string', default: '4' }, rounds: { type: 'string', default: '1' } } });
  const seconds = Number(values.seconds);
  const settle = Number(values.settle);
  const rounds = Number(values.rounds);
  const [{ chromium }, sdk, { startLocalIvs, startBots }] = await Promise.all([
    import('playwright-core'),
    import('@aws-sdk/client-ivs-realtime'),
    import(join(root, 'packages/ivs-local/dist/index.js')),
  ]);
  const { CHROMIUM_ARGS, chromiumExecutable } = await import('../../tests/e2e/support/chromium.mjs');
  const { startStaticServer } = await import('../../tests/e2e/support/static-server.mjs');
  const { buildHarness } = await import('../../tests/e2e/support/build-harness.mjs');
  const outDir = join(root, `tests/e2e/.out/bench-layers-${process.pid}`);
  const site = await startStaticServer(await buildHarness({ outDir, source: false }));
  const ivs = await startLocalIvs({ port: 0 });
  const client = new sdk.IVSRealTimeClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials });
  const { stage } = await client.send(new sdk.CreateStageCommand({ name: 'layers' }));
  const bots = await startBots({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials, stageArn: stage.arn, count: PUBLISHERS, simulcast: true });
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS], headless: true });
  const samples = { on: [], off: [] };
  try {
    let viewerIndex = 0;
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
        viewerIndex += 1;
        const { participantToken } = await client.send(
          new sdk.CreateParticipantTokenCommand({ stageArn: stage.arn, userId: `viewer-${viewerIndex}`, capabilities: ['SUBSCRIBE'] }),
        );
        const result = await watch(browser, site.url, participantToken.token, mode === 'on', { seconds, settle });
        samples[mode].push(result);
        console.log(`  ${mode === 'on' ? 'layer preferences on ' : 'layerPreferences: false'}: video ${result.videoKbps.toFixed(0)} kbps, audio ${result.audioKbps.toFixed(0)} kbps, received widths ${result.widths.join(', ')}`);
      }
    }
  } finally {
    await browser.close();
    await bots.stop();
    client.destroy();
    await ivs.close();
    await site.close();
    await rm(outDir, { recursive: true, force: true });
  }

  const mean = (rows, key) => rows.reduce((sum, row) => sum + row[key], 0) / rows.length;
  const on = { videoKbps: mean(samples.on, 'videoKbps'), audioKbps: mean(samples.on, 'audioKbps') };
  const off = { videoKbps: mean(samples.off, 'videoKbps'), audioKbps: mean(samples.off, 'audioKbps') };
  const total = (row) => row.videoKbps + row.audioKbps;
  console.table({
    [`StageGrid layer preferences (page of ${PAGE_TILES}, ${PUBLISHERS} publishers)`]: {
      'video kbps': Math.round(on.videoKbps),
      'audio kbps': Math.round(on.audioKbps),
      'layers received': samples.on.at(-1).widths.join(' '),
    },
    'baseline: layerPreferences: false (same run)': {
      'video kbps': Math.round(off.videoKbps),
      'audio kbps': Math.round(off.audioKbps),
      'layers received': samples.off.at(-1).widths.join(' '),
    },
  });
  const saving = 1 - total(on) / total(off);
  const met = total(on) < total(off);
  console.log(`downstream ${total(on).toFixed(0)} kbps with layer preferences vs ${total(off).toFixed(0)} kbps without: ${(saving * 100).toFixed(0)} % less (${met ? 'met' : 'missed'}: lower than the baseline)`);
  process.exitCode = met ? 0 : 1;
}

/**
 * One viewer page: StageSession + StageGrid (`maxTiles` 4, `layerPreferences` as given) joins, waits
 * until every publisher's video decodes, lets layer switches settle, then measures bytes received.
 */
async function watch(browser, url, token, layerPreferences, { seconds, settle }) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.harness === 'ready');
    const joined = await page.evaluate(
      async ({ token, layerPreferences, maxTiles }) => {
        const mounted = window.harness.mountGrid({ maxTiles, showLocal: false, layerPreferences });
        if (!mounted.ok) return mounted;
        return window.harness.join({ token, publish: false });
      },
      { token, layerPreferences, maxTiles: PAGE_TILES },
    );
    if (!joined.ok) throw new Error(`viewer join failed: ${joined.error.name}: ${joined.error.message}`);
    const inbound = async () => (await page.evaluate(() => window.harness.stats())).inbound;
    const deadline = Date.now() + 30_000;
    while ((await inbound()).filter((s) => s.kind === 'video' && s.framesDecoded > 0).length < PUBLISHERS) {
      if (Date.now() > deadline) throw new Error(`the viewer did not decode video from ${PUBLISHERS} publishers within 30 s`);
      await sleep(250);
    }
    await sleep(settle * 1000);
    const bytes = (stats, kind) => stats.filter((s) => s.kind === kind).reduce((sum, s) => sum + s.bytesReceived, 0);
    const before = await inbound();
    const start = Date.now();
    await sleep(seconds * 1000);
    const after = await inbound();
    const elapsed = (Date.now() - start) / 1000;
    const kbps = (kind) => ((bytes(after, kind) - bytes(before, kind)) * 8) / 1000 / elapsed;
    const widths = after
      .filter((s) => s.kind === 'video')
      .map((s) => s.frameWidth)
      .sort((a, b) => b - a);
    await page.evaluate(() => window.harness.dispose());
    return { videoKbps: kbps('video'), audioKbps: kbps('audio'), widths };
  } finally {
    await page.close();
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
