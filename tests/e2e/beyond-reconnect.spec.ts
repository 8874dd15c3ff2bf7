/**
 * Reconnect: a stage connection lost to a network change shows `reconnecting` and comes back by
 * itself, subscribed to everyone again.
 */
import { execFileSync } from 'node:child_process';
import { Beyond, expect, test } from './beyond-fixtures';

/**
 * Aborts every TCP connection to ivs-local (its events WebSockets included), as a network change
 * does: `ss -K` inside the suite's network namespace (root there). WebRTC media (UDP) is untouched.
 */
function cutStageSockets(): number {
  const port = new URL(process.env.E2E_IVS_URL!).port;
  const out = execFileSync('ss', ['-K', '-t', 'dst', '127.0.0.1', 'dport', '=', `:${port}`], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.startsWith('ESTAB') || line.includes('ESTAB')).length;
}

test('a stage connection cut by the network shows reconnecting, comes back by itself, and media from everyone flows again', async ({ stage, openHarness }) => {
  const publisher = new Beyond(await openHarness('publisher'));
  const viewer = new Beyond(await openHarness('viewer'));
  await publisher.join({ token: (await stage.token({ userId: 'publisher' })).token, publish: true, speaker: false, quality: false });
  await viewer.join({ token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token, publish: false, speaker: false, quality: false });
  const id = await publisher.localId();
  await viewer.expectReceiving(id);
  await viewer.page.evaluate(() => window.harnessBeyond.clearEvents());

  expect(cutStageSockets(), 'connections cut').toBeGreaterThan(0);
  await expect.poll(async () => (await viewer.state()).events.some((e) => e.type === 'stateChanged' && e.detail['state'] === 'reconnecting'), { timeout: 10_000 }).toBe(true);
  await expect.poll(async () => (await viewer.state()).state, { timeout: 20_000 }).toBe('connected');

  const states = (await viewer.state()).events.filter((e) => e.type === 'stateChanged').map((e) => e.detail['state']);
  expect(states).toEqual(['reconnecting', 'connected']);
  expect((await viewer.state()).events.some((e) => e.type === 'left')).toBe(false);
  await expect.poll(async () => (await viewer.state()).participants.some((p) => p.id === id && p.videoTrackId !== undefined), { timeout: 15_000 }).toBe(true);
  await viewer.expectReceiving(id);
  await viewer.dispose();
  await publisher.dispose();
});
