/**
 * StageGrid pagination on the local stage: three publishers and a viewer whose grid shows one tile
 * per page (`maxTiles: 1`). The pager moves between participants from the keyboard, only the
 * current page's tile is shown and painted, every `<video>` survives page changes as the same
 * object, and the page count follows participants leaving. Everything real: Chromium, the
 * package, ivs-local's SFU, loopback only.
 */
import type { HarnessTile } from './harness/api';
import { expect, expectOk, test, type HarnessPage } from './fixtures';

/** Tags every `<video>` of the grid with an expando naming its tile's participant (a re-created element loses it). */
function tagVideos(viewer: HarnessPage): Promise<number> {
  return viewer.page.evaluate(() => {
    const videos = [...document.querySelectorAll<HTMLVideoElement>('#stage video')];
    for (const video of videos) {
      (video as HTMLVideoElement & { e2eTag?: string }).e2eTag = video.closest<HTMLElement>('[data-participant-id]')?.dataset['participantId'];
    }
    return videos.length;
  });
}

/** Every `<video>` in the document, with its tile's participant and its expando tag (if any). */
function videoTags(viewer: HarnessPage): Promise<Array<{ participantId: string | undefined; tag: string | undefined }>> {
  return viewer.page.evaluate(() =>
    [...document.querySelectorAll<HTMLVideoElement>('video')].map((video) => ({
      participantId: video.closest<HTMLElement>('[data-participant-id]')?.dataset['participantId'],
      tag: (video as HTMLVideoElement & { e2eTag?: string }).e2eTag,
    })),
  );
}

function visible(tiles: HarnessTile[]): string[] {
  return tiles.filter((t) => !t.hidden).map((t) => t.participantId);
}

function framesBy(tiles: HarnessTile[]): Map<string, number> {
  return new Map(tiles.map((t) => [t.participantId, t.framesPresented]));
}

test('a grid of one tile per page pages through three publishers from the keyboard, keeps every <video>, and counts pages as they leave', async ({
  stage,
  openHarness,
}) => {
  const publishers = [];
  for (const userId of ['publisher-1', 'publisher-2', 'publisher-3']) {
    const token = await stage.token({ userId });
    const page = await openHarness(userId);
    expectOk(await page.join({ token: token.token, publish: true }), `${userId} join`);
    publishers.push({ token, page });
  }
  const publisherIds = publishers.map((p) => p.token.participantId);

  const viewer = await openHarness('viewer');
  const viewerToken = await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] });
  await viewer.joinWithGrid({ token: viewerToken.token, publish: false }, { maxTiles: 1, showLocal: false });
  await viewer.bringToFront();

  // Page 1 of 3: one tile shown, the other two kept (hidden, video paused), each with its <video>.
  await expect
    .poll(
      async () => {
        const snap = await viewer.snapshot();
        return {
          tiles: snap.tiles.map((t) => t.participantId).sort(),
          withVideo: snap.tiles.filter((t) => t.videos === 1).length,
          shown: visible(snap.tiles).length,
        };
      },
      { message: 'the viewer has a tile with a <video> for each publisher, one of them shown', timeout: 15_000 },
    )
    .toEqual({ tiles: [...publisherIds].sort(), withVideo: 3, shown: 1 });
  expect(await viewer.gridPages(), 'the pager shows page 1 of 3').toEqual({
    page: 1,
    pageCount: 3,
    pagerShown: true,
    pageText: 'Page 1 of 3',
    previousDisabled: true,
    nextDisabled: false,
  });
  // The pager sits below the tiles, over none of them.
  const boxes = await viewer.page.evaluate(() => {
    const rect = (element: Element) => {
      const { top, bottom } = element.getBoundingClientRect();
      return { top, bottom };
    };
    const pager = document.querySelector('#stage .ivs-grid__pager')!;
    return { pager: rect(pager), tiles: [...document.querySelectorAll('#stage .ivs-tile:not([hidden])')].map(rect) };
  });
  expect(boxes.tiles, 'one tile is shown').toHaveLength(1);
  for (const tile of boxes.tiles) {
    expect(boxes.pager.top, 'the pager starts below the shown tile').toBeGreaterThanOrEqual(tile.bottom);
  }
  const first = visible((await viewer.snapshot()).tiles)[0]!;
  await viewer.expectMediaFlowing(first, { frames: 5, packets: 10 });
  const page1 = await viewer.snapshot();
  expect(visible(page1.tiles), 'only the first page\'s tile is shown').toEqual([first]);
  for (const tile of page1.tiles.filter((t) => t.participantId !== first)) {
    expect(tile, 'an off-page tile is hidden and its video paused').toMatchObject({ hidden: true, videoPaused: true, videos: 1 });
  }

  expect(await tagVideos(viewer), 'one <video> per publisher before paging').toBe(3);
  const elementIds = new Map(page1.tiles.map((t) => [t.participantId, t.videoElementId]));

  // Next page from the keyboard: another publisher's tile is shown and painted, the first is hidden.
  await viewer.pressNextPage();
  await expect.poll(async () => (await viewer.gridPages()).pageText, { message: 'the pager shows page 2 of 3', timeout: 5_000 }).toBe('Page 2 of 3');
  expect(await viewer.gridPages(), 'the grid is on page 2 of 3').toMatchObject({ page: 2, pageCount: 3, previousDisabled: false, nextDisabled: false });
  const shown2 = visible((await viewer.snapshot()).tiles);
  expect(shown2, 'one tile is shown on page 2').toHaveLength(1);
  const second = shown2[0]!;
  expect(publisherIds, 'page 2 shows a publisher').toContain(second);
  expect(second, 'page 2 shows a different publisher than page 1').not.toBe(first);
  const hiddenBefore = framesBy((await viewer.snapshot()).tiles);
  await viewer.expectMediaFlowing(second, { frames: 5, packets: 10 });
  const page2 = await viewer.snapshot();
  const firstTile = page2.tiles.find((t) => t.participantId === first);
  expect(firstTile, 'page 1\'s tile is kept, hidden, its video paused').toMatchObject({ hidden: true, videoPaused: true, videos: 1 });
  expect(firstTile!.framesPresented - hiddenBefore.get(first)!, 'page 1\'s hidden video presents no more frames').toBeLessThanOrEqual(1);

  // Same <video> objects: each still carries its tag, no element was added or replaced.
  expect(await videoTags(viewer), 'every <video> is the one tagged before paging, in the same tile').toEqual(
    expect.arrayContaining(publisherIds.map((id) => ({ participantId: id, tag: id }))),
  );
  expect(page2.videoElements, 'no <video> was created by paging: one per remote participant').toBe(3);
  expect(new Map(page2.tiles.map((t) => [t.participantId, t.videoElementId])), 'the tiles kept their <video> elements').toEqual(elementIds);
  expect(
    (await viewer.events('pageChanged')).map((e) => e.detail),
    'pageChanged reported the page change',
  ).toContainEqual({ page: 2, pageCount: 3 });

  // The third publisher (on page 3, not shown) leaves: 2 pages, still on page 2.
  const third = publisherIds.find((id) => id !== first && id !== second)!;
  const leaving = publishers.find((p) => p.token.participantId === third)!;
  expectOk(await leaving.page.leave(), 'third publisher leave()');
  await viewer.bringToFront();
  await expect
    .poll(async () => viewer.gridPages(), { message: 'the pager counts 2 pages once the third publisher left', timeout: 5_000 })
    .toEqual({ page: 2, pageCount: 2, pagerShown: true, pageText: 'Page 2 of 2', previousDisabled: false, nextDisabled: true });
  const after = await viewer.snapshot();
  expect(after.tiles.map((t) => t.participantId).sort(), 'the leaver\'s tile is gone').toEqual([first, second].sort());
  expect(visible(after.tiles), 'page 2 still shows the same publisher').toEqual([second]);
  expect(after.videoElements, 'one <video> per remaining remote participant').toBe(2);
  expect(await videoTags(viewer), 'the remaining <video> elements are still the tagged ones').toEqual(
    expect.arrayContaining([first, second].map((id) => ({ participantId: id, tag: id }))),
  );
  await viewer.expectMediaFlowing(second, { frames: 5, packets: 10 });
});
