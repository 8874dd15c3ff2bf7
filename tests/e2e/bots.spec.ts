/**
 * `ivs-local bots` (the built CLI, as users run it) puts 3 named participants into a stage; a
 * browser viewer's StageGrid shows them with their names, moving video and audio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { repoRoot } from './support/package';

let bots: ChildProcess | undefined;
test.afterEach(() => {
  bots?.kill('SIGTERM');
  bots = undefined;
});

/** Starts `ivs-local bots` against the suite's ivs-local; resolves once every bot printed that it publishes. */
function startBotsCli(stageArn: string, count: number): Promise<string> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'packages/ivs-local/dist/bin/ivs-local.js'), 'bots', '--endpoint', process.env['E2E_IVS_URL']!, '--stage', stageArn, '--count', String(count), '--duration', '60'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  bots = child;
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      if ((out.match(/publishing as/g) ?? []).length === count) resolve(out);
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += String(chunk)));
    child.once('exit', (code) => reject(new Error(`ivs-local bots exited (${String(code)}): ${out}`)));
  });
}

test('ivs-local bots: 3 named participants with moving video and audio in a viewer\'s grid', async ({ stage, openHarness }) => {
  const viewer = await openHarness('viewer');
  await viewer.joinWithGrid({ token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token, publish: false });
  const printed = await startBotsCli(stage.arn, 3);
  const ids = [...printed.matchAll(/publishing as (\S+):/g)].map((m) => m[1]!);
  expect(ids).toHaveLength(3);

  for (const id of ids) await viewer.expectMediaFlowing(id, { frames: 10, packets: 20 });
  const names = await viewer.page.locator('.ivs-tile__name').allTextContents();
  expect(names.map((n) => n.trim()).sort()).toEqual(['Bot 1', 'Bot 2', 'Bot 3', 'viewer (you)']);
  expect((await viewer.snapshot()).participants.filter((p) => p.userId.startsWith('bot-')).map((p) => p.userId).sort()).toEqual(['bot-1', 'bot-2', 'bot-3']);

  // Moving: each tile's picture changes between two samples half a second apart.
  const changed = await viewer.page.evaluate(async () => {
    const sample = (video: HTMLVideoElement) => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const context = canvas.getContext('2d')!;
      context.drawImage(video, 0, 0, 64, 48);
      return Array.from(context.getImageData(0, 0, 64, 48).data);
    };
    const videos = [...document.querySelectorAll<HTMLVideoElement>('.ivs-tile__video')].filter((v) => v.videoWidth > 0);
    const before = videos.map(sample);
    await new Promise((r) => setTimeout(r, 500));
    return videos.map((v, i) => sample(v).some((value, j) => Math.abs(value - before[i]![j]!) > 8));
  });
  expect(changed).toEqual([true, true, true]);
});
