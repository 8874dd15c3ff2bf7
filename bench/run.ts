/**
 * `npm run bench`: every benchmark of the project, each against a baseline measured in the same run
 * (or a fixed budget where the issue sets one), printed as figures with a verdict.
 *
 *   npm run bench                 # all
 *   npm run bench -- size chat    # a selection: size, control-plane, chat, media, speaking, sfu, latency, layers
 *
 * Speed targets live here, not in the tests: figures depend on the machine, the ratio to a baseline
 * measured alongside does much less.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { runChatFanoutBench } from './chat-fanout.bench';
import { runControlPlaneBench, runDurableCreateStageBench } from './control-plane.bench';
import { measureBrowserInstall, measureSize } from './size';

// The benchmarks talk only to ivs-local: the AWS SDK's notice about future Node versions is noise
// in their output (child processes inherit this too).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

type BenchName = 'size' | 'control-plane' | 'chat' | 'media' | 'speaking' | 'sfu' | 'latency' | 'layers';
const selected = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const run = (name: BenchName) => selected.length === 0 || selected.includes(name);
const verdicts: string[] = [];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
function verdict(name: string, ok: boolean, detail: string) {
  const line = `${ok ? 'MET ' : 'MISSED'}  ${name}: ${detail}`;
  verdicts.push(line);
}

if (run('size')) {
  console.log('\n== Bundle size of the "." entry (minified, gzip -9, peer SDKs excluded)');
  const size = await measureSize();
  console.log(`app importing StageSession + StageGrid + ChatSession + HttpControlPlane: ${kb(size.app.gzipBytes)} gzip (${kb(size.app.minifiedBytes)} minified)`);
  console.log(`everything "." exports:                                               ${kb(size.entry.gzipBytes)} gzip (${kb(size.entry.minifiedBytes)} minified)`);
  for (const [chunk, bytes] of Object.entries(size.app.lazyChunks)) console.log(`  loaded on first use: ${chunk} ${kb(bytes)} gzip`);
  console.log(`app after it joined an IVS stage, connected chat and called its backend: ${kb(size.app.afterFirstUseGzipBytes)} gzip (all but the local stage driver)`);
  verdict('size', size.app.gzipBytes <= size.budgetBytes, `${kb(size.app.gzipBytes)} vs budget ${kb(size.budgetBytes)}`);

  console.log('\n== Browser-user install: npm i aws-ivs-realtime amazon-ivs-web-broadcast amazon-ivs-chat-messaging (packed build)');
  const install = await measureBrowserInstall();
  const line = (f: { packages: number; megabytes: number }) => `${f.packages} packages, ${f.megabytes} MB`;
  console.log(`aws-ivs-realtime + both IVS SDKs: ${line(install.browserUser)}`);
  console.log(`baseline, the two IVS SDKs alone (same run): ${line(install.ivsSdksOnly)}`);
  console.log(`before ivs-local became its own package: ${line(install.before)}`);
  verdict(
    'browser-user install',
    install.browserUser.packages === install.ivsSdksOnly.packages + 1,
    `aws-ivs-realtime adds ${install.browserUser.packages - install.ivsSdksOnly.packages} package(s) and ${(install.browserUser.megabytes - install.ivsSdksOnly.megabytes).toFixed(1)} MB to the IVS SDKs`,
  );
}

if (run('control-plane')) {
  console.log('\n== Control plane: CreateParticipantToken with SigV4 verification, 20 concurrent clients');
  const cp = await runControlPlaneBench();
  console.table({
    'ivs-local (AWS SDK client, SigV4)': cp.emulator,
    'bare node:http echo (fetch)': cp.baseline,
  });
  console.log(`throughput ratio emulator/baseline: ${cp.throughputRatio.toFixed(2)}; AWS quota for this call: ${cp.awsQuotaTps} TPS`);
  verdict('control-plane', cp.emulator.errors === 0 && cp.emulator.requestsPerSecond > cp.awsQuotaTps, `${cp.emulator.requestsPerSecond.toFixed(0)} req/s (${cp.emulator.errors} errors), baseline ${cp.baseline.requestsPerSecond.toFixed(0)} req/s`);

  console.log('\n== Control plane: CreateStage with durable --data (fsync before each 200, group commit) vs in memory, 20 concurrent clients');
  const durable = await runDurableCreateStageBench();
  console.table({ 'in memory': durable.inMemory, 'durable --data': durable.durable });
  console.log(`throughput ratio durable/in-memory: ${durable.throughputRatio.toFixed(2)} (${durable.stagesAtEnd} stages in the data file at the end)`);
  verdict(
    'durable CreateStage',
    durable.durable.errors === 0 && durable.durable.requestsPerSecond > durable.awsQuotaTps,
    `${durable.durable.requestsPerSecond.toFixed(0)} req/s durable vs ${durable.inMemory.requestsPerSecond.toFixed(0)} req/s in memory (${durable.throughputRatio.toFixed(2)}×); AWS's quota for CreateStage: ${durable.awsQuotaTps} TPS`,
  );
}

if (run('chat')) {
  console.log('\n== Chat fan-out: one room, 200 clients, 100 messages/s for 10 s');
  const chat = await runChatFanoutBench();
  console.table({ 'ivs-local chat socket': chat.emulator, 'bare ws broadcast': chat.baseline });
  verdict(
    'chat fan-out',
    chat.meetsTarget,
    `delivered ${chat.emulator.delivered}/${chat.emulator.expected}, p50 ${ms(chat.emulator.p50Ms)}, p99 ${ms(chat.emulator.p99Ms)} = ${chat.p99Ratio.toFixed(2)}× baseline p99 ${ms(chat.baseline.p99Ms)} (target ≤ ${chat.targetRatio}×)`,
  );
}

if (run('media')) {
  console.log('\n== Local stage media (Chromium, fake 720p camera, sealed network namespace)');
  if (!existsSync('dist/index.js')) spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  const media = spawnSync(process.execPath, ['bench/media/run.mjs', ...process.argv.slice(2).filter((a) => a.startsWith('-'))], { stdio: 'inherit' });
  verdict('media', media.status === 0, media.status === 0 ? 'see the figures above' : `runner exited ${media.status}`);
}

if (run('speaking')) {
  console.log('\n== Speaking highlight: fake-microphone beep onset → ivs-tile--speaking on the listener (local stage)');
  if (!existsSync('dist/index.js')) spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  // @ts-expect-error -- plain ES module without types
  const { measureSpeakingLatency } = (await import('./media/speaking.mjs')) as {
    measureSpeakingLatency(o?: { runs?: number }): Promise<{ samples: number[]; p50Ms: number; p90Ms: number; targetMs: number; pass: boolean }>;
  };
  const speaking = await measureSpeakingLatency({ runs: 2 });
  console.log(`onsets ${speaking.samples.length}, p50 ${ms(speaking.p50Ms)}, p90 ${ms(speaking.p90Ms)}`);
  verdict('speaking highlight', speaking.pass, `p50 ${ms(speaking.p50Ms)} (target ≤ ${speaking.targetMs} ms)`);
}

if (run('latency')) {
  console.log('\n== Glass-to-glass latency: canvas pixel clock → StageSession → ivs-local SFU → StageSession + StageGrid tile → requestVideoFrameCallback (Chromium, one page)');
  if (!existsSync('packages/ivs-local/dist/index.js')) spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  const latency = spawnSync(process.execPath, ['bench/media/latency.mjs'], { stdio: 'inherit' });
  verdict('glass-to-glass latency p50 ≤ baseline + 20 ms', latency.status === 0, 'see the figures above');
}

if (run('layers')) {
  console.log('\n== Simulcast layers: downstream bitrate of a viewer (StageSession + StageGrid, page of 4) watching 6 simulcast bots, layer preferences on vs off');
  if (!existsSync('dist/index.js') || !existsSync('packages/ivs-local/dist/index.js')) spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  const layers = spawnSync(process.execPath, ['bench/media/layers.mjs'], { stdio: 'inherit' });
  verdict('layers: downstream bitrate with layer preferences < without (same run)', layers.status === 0, 'see the figures above');
}

if (run('sfu')) {
  console.log('\n== SFU capacity: bots (15 fps H.264 + Opus) → Node WHEP subscribers, sealed network namespace');
  if (!existsSync('packages/ivs-local/dist/bin/ivs-local.js')) spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  const sfu = spawnSync(process.execPath, ['--import', 'tsx', 'bench/sfu.bench.ts'], { stdio: 'inherit' });
  verdict('sfu: 12 publishers in a full stage, every stream ≥ 90 %', sfu.status === 0, sfu.status === 0 ? 'see the figures above' : 'see the figures above (the load generator shares the cores)');
}

console.log(`\n== Verdicts\n${verdicts.join('\n')}`);
