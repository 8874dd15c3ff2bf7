// @vitest-environment happy-dom
/** Layout modes, pinning, pagination, speaking and network-quality indicators of StageGrid. */
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { InvalidStateError, ValidationError } from '../../../src/core/errors';
import { computeSpotlightLayout } from '../../../src/grid/layout';
import { StageGrid, type StageGridOptions } from '../../../src/grid/stage-grid';
import { STAGE_GRID_CSS } from '../../../src/grid/styles';
import { FakeResizeObserver, destroyGrids, freshGridDom, loadGridRenderer, fakeTrack, participant, publisher, type TestSource } from './helpers';

let container: HTMLElement;
let source: TestSource;
const grids: StageGrid[] = [];

function mount(options?: StageGridOptions): StageGrid {
  const grid = new StageGrid(container, source, options);
  grids.push(grid);
  return grid;
}

function tileOf(grid: StageGrid, id: string): HTMLElement {
  const tile = grid.getTileElement(id);
  if (!tile) throw new Error(`no tile for ${id}`);
  return tile;
}

const idsIn = (selector: string) => [...container.querySelectorAll<HTMLElement>(`${selector} > .ivs-tile`)].map((tile) => tile.dataset['participantId']);
/** Ids of the tiles in the spotlight area. */
const spotlit = () => idsIn('.ivs-grid__main');
/** Ids of the tiles in the list (grid or strip), hidden ones included. */
const listed = () => idsIn('.ivs-grid__tiles');
/** Ids of the tiles a user sees (not hidden), in DOM order. */
const visible = () => [...container.querySelectorAll<HTMLElement>('.ivs-tile:not([hidden])')].map((tile) => tile.dataset['participantId']);
const pinButton = (grid: StageGrid, id: string) => tileOf(grid, id).querySelector<HTMLButtonElement>('.ivs-tile__pin')!;
const pager = () => container.querySelector<HTMLElement>('.ivs-grid__pager')!;
const pagerButton = (which: 'prev' | 'next') => container.querySelector<HTMLButtonElement>(`.ivs-grid__${which}`)!;
const remotes = (count: number, prefix = 'r') => Array.from({ length: count }, (_, i) => publisher(`${prefix}${i + 1}`));
const resize = (grid: StageGrid, width: number, height: number) => FakeResizeObserver.instances[0]!.resize(grid.element, width, height);

/** Records every `srcObject` assignment from now on. */
function spySrcObject() {
  return vi.spyOn(HTMLMediaElement.prototype, 'srcObject', 'set');
}

beforeAll(loadGridRenderer);

beforeEach(() => {
  ({ container, source } = freshGridDom());
});

afterEach(() => destroyGrids(grids, container));

describe('spotlight layout', () => {
  test("layout: 'spotlight' shows the first remote publisher large and the others in the strip", () => {
    source.set([publisher('me', { isLocal: true }), participant('viewer'), publisher('host'), publisher('guest')]);
    const grid = mount({ layout: 'spotlight' });
    expect(grid.layoutMode).toBe('spotlight');
    expect(spotlit()).toEqual(['host']);
    expect(listed()).toEqual(['me', 'viewer', 'guest']);
    expect(grid.element.classList.contains('ivs-grid--spotlight')).toBe(true);
    expect(tileOf(grid, 'host').classList.contains('ivs-tile--spotlight')).toBe(true);
  });

  test('without a remote publisher the local participant is in the spotlight, until a remote publishes', () => {
    source.set([participant('viewer'), publisher('me', { isLocal: true })]);
    const grid = mount({ layout: 'spotlight' });
    expect(spotlit()).toEqual(['me']);
    source.update('viewer', { videoTrack: fakeTrack('video') });
    expect(spotlit()).toEqual(['viewer']);
    expect(listed()).toEqual(['me']);
    expect(grid.getTileElement('me')!.hidden).toBe(false);
  });

  test('the latest remote speaker takes the spotlight and keeps it when the speech pauses; the local speaker never does', () => {
    source.set([publisher('me', { isLocal: true }), publisher('a'), publisher('b')]);
    mount({ layout: 'spotlight' });
    expect(spotlit()).toEqual(['a']);
    source.speakers(['b']);
    expect(spotlit()).toEqual(['b']);
    source.speakers([]);
    expect(spotlit()).toEqual(['b']);
    source.speakers(['me']);
    expect(spotlit()).toEqual(['b']);
    source.speakers(['a', 'b']);
    expect(spotlit()).toEqual(['a']);
  });

  test('a speaking flag on the participant snapshot also moves the spotlight', () => {
    source.set([publisher('a'), publisher('b')]);
    mount({ layout: 'spotlight' });
    source.update('b', { speaking: true });
    expect(spotlit()).toEqual(['b']);
  });

  test('the geometry is computeSpotlightLayout of the container, written as CSS custom properties', () => {
    source.set([publisher('a'), publisher('b'), publisher('c'), publisher('d')]);
    const grid = mount({ layout: 'spotlight', gap: 8 });
    resize(grid, 1280, 720);
    const expected = computeSpotlightLayout({ count: 3, width: 1280, height: 720, gap: 8 });
    expect(grid.spotlightLayout).toEqual(expected);
    expect(grid.layout).toEqual({ columns: 3, rows: 1, tileWidth: expected.tileWidth, tileHeight: expected.tileHeight });
    const style = grid.element.style;
    expect([style.getPropertyValue('--ivs-main-width'), style.getPropertyValue('--ivs-main-height')]).toEqual(['1009px', '568px']);
    expect(style.getPropertyValue('--ivs-tile-width')).toBe('256px');
    expect(grid.element.classList.contains('ivs-grid--strip-right')).toBe(false);

    resize(grid, 1920, 720);
    expect(grid.element.classList.contains('ivs-grid--strip-right')).toBe(true);
    expect(grid.layout).toMatchObject({ columns: 1, rows: 3 });
    expect(style.getPropertyValue('--ivs-grid-rows')).toBe('3');
  });

  test('setLayout() switches both ways, emits layoutChanged, and never re-attaches a video', () => {
    source.set([publisher('me', { isLocal: true }), publisher('a'), publisher('b')]);
    const grid = mount();
    const videos = ['me', 'a', 'b'].map((id) => tileOf(grid, id).querySelector('video')!);
    const streams = videos.map((video) => video.srcObject);
    const setSrcObject = spySrcObject();
    const play = vi.mocked(HTMLMediaElement.prototype.play);
    play.mockClear();
    const changed = vi.fn();
    grid.on('layoutChanged', changed);

    grid.setLayout('spotlight');
    expect(spotlit()).toEqual(['a']);
    // The moved tile is played again (a DOM move can pause media), its video and audio alike.
    expect(play.mock.contexts).toEqual(expect.arrayContaining([videos[1], tileOf(grid, 'a').querySelector('audio')]));
    source.speakers(['b']);
    expect(spotlit()).toEqual(['b']);
    grid.setLayout('grid');
    expect(spotlit()).toEqual([]);
    expect(listed()).toEqual(['me', 'a', 'b']);
    expect(container.querySelector<HTMLElement>('.ivs-grid__main')!.hidden).toBe(true);

    expect(changed.mock.calls.map(([payload]) => payload)).toEqual([{ layout: 'spotlight' }, { layout: 'grid' }]);
    expect(setSrcObject).not.toHaveBeenCalled();
    expect(['me', 'a', 'b'].map((id) => tileOf(grid, id).querySelector('video'))).toEqual(videos);
    expect(videos.map((video) => video.srcObject)).toEqual(streams);
  });

  test('setLayout() to the current mode emits nothing', () => {
    const grid = mount();
    const changed = vi.fn();
    grid.on('layoutChanged', changed);
    grid.setLayout('grid');
    expect(changed).not.toHaveBeenCalled();
  });

  test('an empty strip is hidden so that the spotlight gets the whole area', () => {
    source.set([publisher('a')]);
    const grid = mount({ layout: 'spotlight' });
    expect(container.querySelector<HTMLElement>('.ivs-grid__tiles')!.hidden).toBe(true);
    source.join(publisher('b'));
    expect(container.querySelector<HTMLElement>('.ivs-grid__tiles')!.hidden).toBe(false);
    expect(grid.layout.columns).toBe(1);
  });
});

describe('pin and unpin', () => {
  test('pin() spotlights the participant, switches to spotlight, presses its pin button and emits pinChanged', () => {
    source.set([publisher('a'), publisher('b', { attributes: { displayName: 'Bea' } })]);
    const grid = mount();
    const pinned = vi.fn();
    const layout = vi.fn();
    grid.on('pinChanged', pinned);
    grid.on('layoutChanged', layout);

    grid.pin('b');
    expect(grid.pinned).toBe('b');
    expect(grid.layoutMode).toBe('spotlight');
    expect(spotlit()).toEqual(['b']);
    expect(pinned).toHaveBeenCalledExactlyOnceWith({ participantId: 'b', previous: undefined });
    expect(layout).toHaveBeenCalledExactlyOnceWith({ layout: 'spotlight' });
    expect(pinButton(grid, 'b').getAttribute('aria-pressed')).toBe('true');
    expect(pinButton(grid, 'a').getAttribute('aria-pressed')).toBe('false');
    expect(tileOf(grid, 'b').classList.contains('ivs-tile--pinned')).toBe(true);

    // The pinned participant beats the active speaker.
    source.speakers(['a']);
    expect(spotlit()).toEqual(['b']);

    grid.unpin();
    expect(grid.pinned).toBeUndefined();
    expect(grid.layoutMode).toBe('grid');
    expect(pinned).toHaveBeenLastCalledWith({ participantId: undefined, previous: 'b' });
    expect(pinButton(grid, 'b').getAttribute('aria-pressed')).toBe('false');
    expect(tileOf(grid, 'b').classList.contains('ivs-tile--pinned')).toBe(false);
  });

  test('the pin button keeps keyboard focus when pressing it moves its tile into the spotlight and back', () => {
    source.set([publisher('a'), publisher('b')]);
    const grid = mount();
    pinButton(grid, 'b').focus();
    expect(document.activeElement).toBe(pinButton(grid, 'b'));
    pinButton(grid, 'b').click();
    expect(spotlit()).toEqual(['b']);
    expect(document.activeElement).toBe(pinButton(grid, 'b'));
    pinButton(grid, 'b').click();
    expect(grid.pinned).toBeUndefined();
    expect(document.activeElement).toBe(pinButton(grid, 'b'));
  });

  test('pinning another participant moves the pin; unpin() returns to the layout used before the first pin', () => {
    source.set([publisher('a'), publisher('b')]);
    const grid = mount();
    const pinned = vi.fn();
    grid.on('pinChanged', pinned);
    grid.pin('a');
    grid.pin('a');
    grid.pin('b');
    expect(spotlit()).toEqual(['b']);
    expect(pinned.mock.calls.map(([payload]) => payload)).toEqual([
      { participantId: 'a', previous: undefined },
      { participantId: 'b', previous: 'a' },
    ]);
    grid.unpin();
    expect(grid.layoutMode).toBe('grid');
  });

  test('a layout chosen while pinned is kept by unpin()', () => {
    source.set([publisher('a'), publisher('b')]);
    const grid = mount();
    grid.pin('a');
    grid.setLayout('spotlight');
    grid.unpin();
    expect(grid.layoutMode).toBe('spotlight');
  });

  test('spotlightOnPin: false keeps the grid layout', () => {
    source.set([publisher('a'), publisher('b')]);
    const grid = mount({ spotlightOnPin: false });
    grid.pin('b');
    expect(grid.layoutMode).toBe('grid');
    expect(spotlit()).toEqual([]);
    expect(tileOf(grid, 'b').classList.contains('ivs-tile--pinned')).toBe(true);
  });

  test('the pin button is a labelled toggle button that pins and unpins', () => {
    source.set([publisher('a', { attributes: { displayName: 'Ada' } }), publisher('b')]);
    const grid = mount();
    const button = pinButton(grid, 'a');
    expect(button.tagName).toBe('BUTTON');
    expect(button.type).toBe('button');
    expect(button.getAttribute('aria-label')).toBe('Pin Ada');
    expect(button.closest('[aria-hidden="true"]')).toBeNull();
    button.click();
    expect(grid.pinned).toBe('a');
    expect(button.getAttribute('aria-pressed')).toBe('true');
    button.click();
    expect(grid.pinned).toBeUndefined();
    pinButton(grid, 'b').click();
    expect(grid.pinned).toBe('b');
  });

  test('the pin button follows the overlay and its label is translated', () => {
    source.set([publisher('a', { userId: 'Ana' })]);
    const grid = mount({ labels: { pin: 'Fijar a {name}' } });
    expect(pinButton(grid, 'a').getAttribute('aria-label')).toBe('Fijar a Ana');
    grid.setOverlay(false);
    expect(pinButton(grid, 'a').hidden).toBe(true);
  });

  test('a pinned participant that leaves is unpinned and the layout goes back', () => {
    source.set([publisher('a'), publisher('b')]);
    const grid = mount();
    grid.pin('b');
    const pinned = vi.fn();
    grid.on('pinChanged', pinned);
    source.leave('b');
    expect(grid.pinned).toBeUndefined();
    expect(grid.layoutMode).toBe('grid');
    expect(pinned).toHaveBeenCalledExactlyOnceWith({ participantId: undefined, previous: 'b' });
  });

  test('pin() of a participant without a tile throws a ValidationError and changes nothing', () => {
    source.set([publisher('a')]);
    const grid = mount({ showLocal: false });
    source.join(publisher('me', { isLocal: true }));
    expect(() => grid.pin('nobody')).toThrow(ValidationError);
    expect(() => grid.pin('me')).toThrow(expect.objectContaining({ field: 'participantId' }));
    expect([grid.pinned, grid.layoutMode]).toEqual([undefined, 'grid']);
  });
});

describe('pagination', () => {
  test('more participants than maxTiles make pages, with a labelled pager', () => {
    source.set(remotes(14));
    const grid = mount();
    expect([grid.page, grid.pageCount]).toEqual([1, 2]);
    expect(visible()).toEqual(remotes(12).map((p) => p.id));
    expect(pager().hidden).toBe(false);
    expect(pager().textContent).toContain('Page 1 of 2');
    expect(pagerButton('prev').getAttribute('aria-label')).toBe('Previous page');
    expect(pagerButton('next').getAttribute('aria-label')).toBe('Next page');
    expect(pagerButton('prev').getAttribute('aria-disabled')).toBe('true');
    expect(pagerButton('next').getAttribute('aria-disabled')).toBe('false');
    expect(grid.layout).toMatchObject({ columns: expect.any(Number) });
    expect(grid.layout.columns * grid.layout.rows).toBeGreaterThanOrEqual(12);
  });

  test('with pages the tiles leave the bottom 40 px to the pager, and take them back when the pages go', () => {
    source.set(remotes(2));
    const grid = mount({ maxTiles: 1, gap: 0 });
    resize(grid, 800, 400);
    // 1 tile per page in 800 x (400 - 40): limited by the height, 360 px x 16/9 = 640 px.
    expect(grid.element.classList.contains('ivs-grid--paged')).toBe(true);
    expect(grid.layout).toMatchObject({ columns: 1, rows: 1, tileWidth: 640, tileHeight: 360 });
    source.leave('r2');
    // One page: the whole 800 x 400, 400 px x 16/9 = 711 px.
    expect(grid.pageCount).toBe(1);
    expect(grid.element.classList.contains('ivs-grid--paged')).toBe(false);
    expect(grid.layout).toMatchObject({ tileWidth: 711, tileHeight: 400 });
    expect(STAGE_GRID_CSS).toContain('.ivs-grid--paged{padding-bottom:40px}');
  });

  test('the pager is hidden while every tile fits', () => {
    source.set(remotes(3));
    const grid = mount({ maxTiles: 3 });
    expect(grid.pageCount).toBe(1);
    expect(pager().hidden).toBe(true);
  });

  test('next/previous buttons and PageDown/PageUp change the page and emit pageChanged', () => {
    source.set(remotes(5));
    const grid = mount({ maxTiles: 2 });
    const changed = vi.fn();
    grid.on('pageChanged', changed);
    pagerButton('next').click();
    expect(grid.page).toBe(2);
    expect(visible()).toEqual(['r3', 'r4']);
    grid.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'PageDown', bubbles: true, cancelable: true }));
    expect(visible()).toEqual(['r5']);
    expect(grid.layout).toMatchObject({ columns: 1, rows: 1 });
    expect(pagerButton('next').getAttribute('aria-disabled')).toBe('true');
    pagerButton('next').click();
    expect(grid.page).toBe(3);
    const key = new KeyboardEvent('keydown', { key: 'PageUp', bubbles: true, cancelable: true });
    tileOf(grid, 'r5').dispatchEvent(key);
    expect(key.defaultPrevented).toBe(true);
    pagerButton('prev').click();
    expect(grid.page).toBe(1);
    expect(changed.mock.calls.map(([payload]) => payload)).toEqual([
      { page: 2, pageCount: 3 },
      { page: 3, pageCount: 3 },
      { page: 2, pageCount: 3 },
      { page: 1, pageCount: 3 },
    ]);
    expect(container.querySelector('.ivs-grid__page')!.textContent).toBe('Page 1 of 3');
  });

  test('setPage() accepts 1..pageCount and rejects anything else with a ValidationError', () => {
    source.set(remotes(5));
    const grid = mount({ maxTiles: 2 });
    grid.setPage(3);
    expect(visible()).toEqual(['r5']);
    for (const bad of [0, 4, 1.5, Number.NaN]) expect(() => grid.setPage(bad)).toThrow(ValidationError);
    expect(grid.page).toBe(3);
  });

  test('off-page tiles keep their media: hidden, video paused, audio playing, never re-attached', () => {
    source.set(remotes(3));
    const grid = mount({ maxTiles: 2 });
    const r3 = tileOf(grid, 'r3');
    const video = r3.querySelector('video')!;
    const audio = r3.querySelector('audio')!;
    const stream = video.srcObject;
    const setSrcObject = spySrcObject();
    const pause = vi.spyOn(HTMLMediaElement.prototype, 'pause');
    const play = vi.mocked(HTMLMediaElement.prototype.play);
    expect(r3.hidden).toBe(true);

    grid.setPage(2);
    expect(r3.hidden).toBe(false);
    expect(play.mock.contexts).toContain(video);
    const r1Video = tileOf(grid, 'r1').querySelector('video')!;
    expect(tileOf(grid, 'r1').hidden).toBe(true);
    expect(pause.mock.contexts).toContain(r1Video);
    expect(pause.mock.contexts).not.toContain(tileOf(grid, 'r1').querySelector('audio'));

    grid.setPage(1);
    grid.setLayout('spotlight');
    grid.setLayout('grid');
    expect(r3.querySelector('video')).toBe(video);
    expect(r3.querySelector('audio')).toBe(audio);
    expect(video.srcObject).toBe(stream);
    expect(setSrcObject).not.toHaveBeenCalled();
    expect(grid.getTileElement('r3')).toBe(r3);
  });

  test('a hidden tile does not start its video, and resumePlayback() leaves it paused', async () => {
    source.set(remotes(3));
    const grid = mount({ maxTiles: 2 });
    const play = vi.mocked(HTMLMediaElement.prototype.play);
    play.mockClear();
    source.update('r3', { videoTrack: fakeTrack('video') });
    expect(play.mock.contexts).not.toContain(tileOf(grid, 'r3').querySelector('video'));
    await grid.resumePlayback();
    expect(play.mock.contexts).not.toContain(tileOf(grid, 'r3').querySelector('video'));
    expect(play.mock.contexts).toContain(tileOf(grid, 'r3').querySelector('audio'));
  });

  test('when participants leave, the page is clamped to the last page', () => {
    source.set(remotes(5));
    const grid = mount({ maxTiles: 2 });
    grid.setPage(3);
    const changed = vi.fn();
    grid.on('pageChanged', changed);
    source.leave('r5');
    expect([grid.page, grid.pageCount]).toEqual([2, 2]);
    expect(visible()).toEqual(['r3', 'r4']);
    expect(changed).toHaveBeenCalledExactlyOnceWith({ page: 2, pageCount: 2 });
  });

  test('a speaker from a later page is brought to the first page', () => {
    source.set(remotes(5));
    mount({ maxTiles: 3 });
    expect(visible()).toEqual(['r1', 'r2', 'r3']);
    source.speakers(['r5']);
    expect(visible()).toEqual(['r1', 'r2', 'r5']);
    // Speakers stay on the first page after they stop; someone already there does not reshuffle it.
    source.speakers([]);
    source.speakers(['r1']);
    expect(visible()).toEqual(['r1', 'r2', 'r5']);
    source.speakers(['r4']);
    expect(visible()).toEqual(['r1', 'r4', 'r5']);
  });

  test('the pinned participant is kept on the first page', () => {
    source.set(remotes(5));
    const grid = mount({ maxTiles: 2, spotlightOnPin: false });
    grid.pin('r4');
    expect(visible()).toEqual(['r1', 'r4']);
  });

  test('the spotlight strip has its own page size', () => {
    source.set(remotes(6));
    const grid = mount({ layout: 'spotlight', maxStripTiles: 2, maxTiles: 12 });
    expect(spotlit()).toEqual(['r1']);
    expect(visible()).toEqual(['r1', 'r2', 'r3']);
    expect(grid.pageCount).toBe(3);
    grid.setPage(3);
    expect(visible()).toEqual(['r1', 'r6']);
    grid.setLayout('grid');
    expect([grid.page, grid.pageCount]).toEqual([1, 1]);
    expect(visible()).toHaveLength(6);
  });

  test('the pager text is translated', () => {
    source.set(remotes(3));
    mount({ maxTiles: 1, labels: { page: '{page}/{count}', nextPage: 'Siguiente' } });
    expect(container.querySelector('.ivs-grid__page')!.textContent).toBe('1/3');
    expect(pagerButton('next').getAttribute('aria-label')).toBe('Siguiente');
  });
});

describe('speaking highlight', () => {
  test('speakersChanged toggles ivs-tile--speaking synchronously on exactly the speakers', () => {
    source.set([publisher('me', { isLocal: true }), publisher('a'), publisher('b')]);
    const grid = mount();
    const speaking = () => ['me', 'a', 'b'].filter((id) => tileOf(grid, id).classList.contains('ivs-tile--speaking'));
    expect(speaking()).toEqual([]);
    source.speakers(['a', 'me']);
    expect(speaking()).toEqual(['me', 'a']);
    source.speakers(['b']);
    expect(speaking()).toEqual(['b']);
    source.speakers([]);
    expect(speaking()).toEqual([]);
  });

  test('a speaking flag on the snapshot wins over the event', () => {
    source.set([publisher('a')]);
    const grid = mount();
    source.speakers(['a']);
    source.update('a', { speaking: false });
    expect(tileOf(grid, 'a').classList.contains('ivs-tile--speaking')).toBe(false);
    source.update('a', { speaking: true });
    source.speakers([]);
    expect(tileOf(grid, 'a').classList.contains('ivs-tile--speaking')).toBe(true);
  });

  test('audio levels are written, clamped, as --ivs-audio-level, and removed when no longer reported', () => {
    source.set([publisher('a'), publisher('b'), publisher('c', { audioLevel: 0.25 })]);
    const grid = mount();
    source.speakers(['a'], { a: 0.567, b: 3 });
    const level = (id: string) => tileOf(grid, id).style.getPropertyValue('--ivs-audio-level');
    expect([level('a'), level('b'), level('c')]).toEqual(['0.57', '1', '0.25']);
    source.speakers([], { b: 0 });
    expect([level('a'), level('b')]).toEqual(['', '0']);
  });

  test('the default stylesheet outlines a speaking tile with a themeable colour', () => {
    expect(STAGE_GRID_CSS).toMatch(/\.ivs-tile--speaking\{outline:[^}]*var\(--ivs-speaking-color/);
  });
});

describe('network quality badge', () => {
  test('qualityChanged shows a badge for poor and lost connections, with text and an accessible mention', () => {
    source.set([publisher('a', { attributes: { displayName: 'Ada' } }), publisher('b')]);
    const grid = mount();
    const tile = tileOf(grid, 'a');
    const badge = tile.querySelector<HTMLElement>('.ivs-tile__mark--quality')!;
    expect(badge.hidden).toBe(true);
    expect(tile.dataset['networkQuality']).toBe('unknown');

    source.quality('a', 'poor');
    expect([badge.hidden, badge.textContent]).toEqual([false, 'Poor connection']);
    expect(tile.getAttribute('aria-label')).toBe('Ada, Poor connection');
    expect(tile.dataset['networkQuality']).toBe('poor');
    source.quality('a', 'lost');
    expect(badge.textContent).toBe('Connection lost');
    expect(tile.getAttribute('aria-label')).toBe('Ada, Connection lost');
    source.quality('a', 'good');
    expect(badge.hidden).toBe(true);
    expect(tile.getAttribute('aria-label')).toBe('Ada');
    expect(tileOf(grid, 'b').dataset['networkQuality']).toBe('unknown');
  });

  test('a networkQuality field on the snapshot wins over the event, and labels translate the badge', () => {
    source.set([publisher('a', { networkQuality: 'poor' })]);
    const grid = mount({ labels: { networkPoor: 'Conexión débil' } });
    source.quality('a', 'good');
    expect(tileOf(grid, 'a').querySelector('.ivs-tile__mark--quality')!.textContent).toBe('Conexión débil');
  });
});

describe('new texts are text, never HTML', () => {
  test('hostile names stay literal in the pin label, including $-patterns', () => {
    const hostile = `$&$'$\`<img src=x onerror="window.__pwned=1">{name}`;
    source.set([publisher('a', { attributes: { displayName: hostile } })]);
    const grid = mount();
    source.quality('a', 'poor');
    expect(pinButton(grid, 'a').getAttribute('aria-label')).toBe(`Pin ${hostile}`);
    expect(tileOf(grid, 'a').getAttribute('aria-label')).toBe(`${hostile}, Poor connection`);
    expect(container.querySelector('img')).toBeNull();
  });

  test('labels with markup are shown as text', () => {
    source.set(remotes(2));
    mount({ maxTiles: 1, labels: { page: '<b>{page}</b>', networkLost: '<i>lost</i>' } });
    source.quality('r1', 'lost');
    expect(container.querySelector('.ivs-grid__page')!.textContent).toBe('<b>1</b>');
    expect(container.querySelector('.ivs-tile__mark--quality')!.textContent).toBe('<i>lost</i>');
    expect(container.querySelector('b, i')).toBeNull();
  });
});

describe('bad input and lifecycle', () => {
  test.each<[string, StageGridOptions, string]>([
    ['an unknown layout', { layout: 'mosaic' as 'grid' }, 'layout'],
    ['maxTiles 0', { maxTiles: 0 }, 'maxTiles'],
    ['a fractional maxStripTiles', { maxStripTiles: 2.5 }, 'maxStripTiles'],
  ])('rejects %s with a ValidationError naming the option', (_what, options, field) => {
    expect(() => new StageGrid(container, source, options)).toThrow(expect.objectContaining({ name: 'ValidationError', field }));
    expect(container.childNodes).toHaveLength(0);
  });

  test('setLayout() rejects an unknown mode', () => {
    const grid = mount();
    expect(() => grid.setLayout('tiles' as 'grid')).toThrow(ValidationError);
    expect(grid.layoutMode).toBe('grid');
  });

  test('the new methods refuse to run after destroy()', () => {
    source.set([publisher('a')]);
    const grid = mount();
    grid.destroy();
    for (const call of [() => grid.pin('a'), () => grid.unpin(), () => grid.setPage(1), () => grid.setLayout('spotlight')]) {
      expect(call).toThrow(InvalidStateError);
    }
  });

  test('destroy() detaches the indicator listeners and the pager', () => {
    source.set(remotes(3));
    const grid = mount({ maxTiles: 1 });
    grid.destroy();
    expect(source.listenerCount('speakersChanged') + source.listenerCount('qualityChanged')).toBe(0);
    expect(container.childNodes).toHaveLength(0);
  });
});
