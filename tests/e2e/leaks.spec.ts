/**
 * Repeated join/leave must not leak: tracks, media elements, peer connections, sockets or heap.
 */
import type { CDPSession } from '@playwright/test';
import { expect, expectOk, test, type HarnessPage } from './fixtures';

const CYCLES = Number(process.env.E2E_LEAK_CYCLES ?? 20);
/** Allowed JS heap growth over all cycles, after garbage collection (warm-up effects included). */
const HEAP_GROWTH_LIMIT_BYTES = 1.5 * 1024 * 1024;
/**
 * Allowed growth over the second half of the cycles, once lazily compiled code and caches have
 * settled (measured: a few KiB). A leak of 13 KiB per cycle or more exceeds it.
 */
const SECOND_HALF_GROWTH_LIMIT_BYTES = 128 * 1024;

/** JS heap in use after garbage collection (the harness's own event log emptied first). */
async function usedHeapAfterGc(page: HarnessPage, cdp: CDPSession): Promise<number> {
  await page.page.evaluate(() => window.harness.clearEvents());
  let used = Number.POSITIVE_INFINITY;
  // A few rounds: finalizers and WeakRefs settle over more than one collection.
  for (let i = 0; i < 3; i++) {
    await cdp.send('HeapProfiler.collectGarbage');
    used = Math.min(used, (await cdp.send('Runtime.getHeapUsage')).usedSize);
  }
  return used;
}

test(`${CYCLES} join/leave cycles of a publishing participant leave no live track, no <video>, no connection and no heap growth`, async ({ stage, openHarness }) => {
  test.setTimeout(180_000);
  const hostToken = await stage.token({ userId: 'host' });
  const host = await openHarness('host');
  await host.joinWithGrid({ token: hostToken.token, publish: true });

  const guest = await openHarness('guest');
  expectOk(await guest.page.evaluate(() => window.harness.mountGrid()), 'mountGrid');
  const cdp = await guest.page.context().newCDPSession(guest.page);
  await cdp.send('HeapProfiler.enable');

  const cycle = async (i: number) => {
    const token = await stage.token({ userId: `guest-${i}` });
    expectOk(await guest.join({ token: token.token, publish: true }), `cycle ${i}: join`);
    // Wait for real media both ways: the guest renders the host, the host decodes the guest.
    await expect.poll(async () => (await guest.tile(hostToken.participantId))?.framesPresented ?? 0, { message: `cycle ${i}: guest renders the host` }).toBeGreaterThan(0);
    await expect.poll(async () => (await host.mediaFrom(token.participantId)).framesDecoded, { message: `cycle ${i}: host decodes the guest` }).toBeGreaterThan(0);
    const during = await guest.snapshot();
    // The counters below are live: camera + microphone + the host's two tracks, two <video>s.
    expect(during.liveTracks, `cycle ${i}: tracks while joined`).toBeGreaterThanOrEqual(4);
    expect(during.videoElements, `cycle ${i}: <video>s while joined`).toBe(2);
    expectOk(await guest.leave(), `cycle ${i}: leave`);
    const snap = await guest.snapshot();
    expect(snap.liveTracks, `cycle ${i}: no live track after leave (${snap.liveTrackKinds.join(', ')})`).toBe(0);
    expect(snap.videoElements, `cycle ${i}: no <video> after leave`).toBe(0);
    expect(snap.tiles, `cycle ${i}: the grid is empty`).toEqual([]);
  };

  await cycle(0); // Warm-up: code loaded, caches filled.
  const heapBefore = await usedHeapAfterGc(guest, cdp);
  const started = Date.now();
  let heapHalfway = heapBefore;
  for (let i = 1; i <= CYCLES; i++) {
    await cycle(i);
    if (i === CYCLES / 2) heapHalfway = await usedHeapAfterGc(guest, cdp);
  }
  const elapsed = Date.now() - started;
  await expect.poll(async () => (await guest.snapshot()).peerConnectionsOpen, { message: 'every peer connection is closed' }).toBe(0);
  await expect.poll(async () => (await guest.snapshot()).webSocketsOpen, { message: 'every events socket is closed' }).toBe(0);
  const heapAfter = await usedHeapAfterGc(guest, cdp);

  const snap = await guest.snapshot();
  const growth = heapAfter - heapBefore;
  console.log(
    `leaks: ${CYCLES} cycles in ${(elapsed / 1000).toFixed(1)} s; JS heap ${(heapBefore / 1048576).toFixed(2)} MiB → ${(heapAfter / 1048576).toFixed(2)} MiB ` +
      `(${growth >= 0 ? '+' : ''}${(growth / 1024).toFixed(0)} KiB, limit ${(HEAP_GROWTH_LIMIT_BYTES / 1024).toFixed(0)} KiB; ` +
      `second half ${((heapAfter - heapHalfway) / 1024).toFixed(0)} KiB); ` +
      `peer connections created ${snap.peerConnectionsCreated}, sockets created ${snap.webSocketsCreated}`,
  );
  expect(snap.liveTracks, 'no live track').toBe(0);
  expect(snap.videoElements + snap.audioElements, 'no media element').toBe(0);
  expect(snap.webSocketsCreated, 'one events socket per join').toBe(CYCLES + 1);
  expect(growth, 'JS heap growth over the cycles, after GC').toBeLessThan(HEAP_GROWTH_LIMIT_BYTES);
  expect(heapAfter - heapHalfway, 'JS heap growth over the second half of the cycles, after GC').toBeLessThan(SECOND_HALF_GROWTH_LIMIT_BYTES);
  // The host saw every guest come and go, and is back to itself.
  await expect.poll(async () => (await host.snapshot()).participants.length, { message: 'the host is alone again' }).toBe(1);
  expect((await host.snapshot()).videoElements, 'the host shows only its own video').toBe(1);
});
