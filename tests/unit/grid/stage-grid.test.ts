// @vitest-environment happy-dom
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { InvalidStateError, ValidationError } from '../../../src/core/errors';
import { StageGrid, type StageGridOptions } from '../../../src/grid/stage-grid';
import type { Participant } from '../../../src/stage/types';
import { FakeResizeObserver, destroyGrids, freshGridDom, loadGridRenderer, fakeTrack, flush, participant, publisher, stubPlay, tracksOf, type TestSource } from './helpers';

let container: HTMLElement;
let source: TestSource;
const grids: StageGrid[] = [];

function mount(options?: StageGridOptions, target: HTMLElement = container): StageGrid {
  const grid = new StageGrid(target, source, options);
  grids.push(grid);
  return grid;
}

function tiles(root: ParentNode = container): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('.ivs-tile')];
}

function tileIds(): string[] {
  return tiles().map((tile) => tile.dataset['participantId'] ?? '');
}

function tileOf(grid: StageGrid, id: string): HTMLElement {
  const tile = grid.getTileElement(id);
  if (!tile) throw new Error(`no tile for ${id}`);
  return tile;
}

function observer(): FakeResizeObserver {
  expect(FakeResizeObserver.instances).toHaveLength(1);
  return FakeResizeObserver.instances[0]!;
}

beforeAll(loadGridRenderer);

beforeEach(() => {
  ({ container, source } = freshGridDom());
});

afterEach(() => destroyGrids(grids, container));

describe('tiles follow the session', () => {
  test('mounts one tile per participant already in the session, local first', () => {
    source.set([publisher('remote-a'), publisher('me', { isLocal: true }), publisher('remote-b')]);
    const grid = mount();
    expect(tileIds()).toEqual(['me', 'remote-a', 'remote-b']);
    expect(tileOf(grid, 'me').classList.contains('ivs-tile--local')).toBe(true);
    expect(tileOf(grid, 'remote-a').classList.contains('ivs-tile--local')).toBe(false);
  });

  test('adds a tile on participantJoined and removes it on participantLeft, with tileAdded/tileRemoved events', () => {
    const grid = mount();
    const added = vi.fn();
    const removed = vi.fn();
    grid.on('tileAdded', added);
    grid.on('tileRemoved', removed);

    source.join(publisher('a'));
    source.join(publisher('b'));
    expect(tileIds()).toEqual(['a', 'b']);
    expect(added).toHaveBeenCalledTimes(2);
    expect(added.mock.calls[1]![0]).toMatchObject({ participant: { id: 'b' }, element: tileOf(grid, 'b') });

    const elementA = tileOf(grid, 'a');
    source.leave('a');
    expect(tileIds()).toEqual(['b']);
    expect(elementA.isConnected).toBe(false);
    expect(removed).toHaveBeenCalledWith({ participant: expect.objectContaining({ id: 'a' }), element: elementA });
    expect(grid.getTileElement('a')).toBeUndefined();
  });

  test('showLocal: false renders no tile for the local participant', () => {
    source.set([publisher('me', { isLocal: true })]);
    mount({ showLocal: false });
    source.join(publisher('r'));
    source.update('me', { audioMuted: true });
    expect(tileIds()).toEqual(['r']);
  });

  test('filter decides on every snapshot which participants get a tile', () => {
    source.set([participant('viewer'), publisher('host')]);
    const grid = mount({ filter: (p) => p.isPublishing });
    expect(tileIds()).toEqual(['host']);
    source.update('viewer', { videoTrack: fakeTrack('video') });
    expect(tileIds()).toEqual(['host', 'viewer']);
    source.update('host', { videoTrack: undefined, audioTrack: undefined, isPublishing: false });
    expect(tileIds()).toEqual(['viewer']);
    expect(grid.layout.columns).toBe(1);
  });

  test("tileOrder 'local-first' puts a late local participant before earlier remotes; 'join-order' does not", () => {
    mount();
    source.join(publisher('r1'));
    source.join(publisher('me', { isLocal: true }));
    source.join(publisher('r2'));
    expect(tileIds()).toEqual(['me', 'r1', 'r2']);

    const other = document.createElement('div');
    document.body.append(other);
    mount({ tileOrder: 'join-order' }, other);
    expect(tiles(other).map((t) => t.dataset['participantId'])).toEqual(['r1', 'me', 'r2']);
    other.remove();
  });

  test('a new tile is inserted without moving existing tiles', () => {
    source.set([publisher('r1'), publisher('r2')]);
    const grid = mount();
    const list = tileOf(grid, 'r1').parentElement!;
    const records: MutationRecord[] = [];
    const mutations = new MutationObserver((batch) => records.push(...batch));
    mutations.observe(list, { childList: true });
    source.join(publisher('me', { isLocal: true }));
    records.push(...mutations.takeRecords());
    mutations.disconnect();
    const removedNodes = records.flatMap((record) => [...record.removedNodes]);
    expect(removedNodes).toHaveLength(0);
    expect(tileIds()).toEqual(['me', 'r1', 'r2']);
  });
});

describe('media elements', () => {
  test('attaches the participant video track to a muted, inline <video>', () => {
    const p = source.join(publisher('a'));
    const grid = mount();
    const video = tileOf(grid, 'a').querySelector('video')!;
    expect(tracksOf(video)).toEqual([p.videoTrack]);
    expect(video.muted).toBe(true);
    expect(video.hasAttribute('playsinline')).toBe(true);
    expect(HTMLMediaElement.prototype.play).toHaveBeenCalled();
  });

  test('never re-creates or re-attaches a <video> across unrelated updates', () => {
    source.set([publisher('a', { attributes: { displayName: 'Ada' } }), publisher('b')]);
    const grid = mount();
    const videoA = tileOf(grid, 'a').querySelector('video')!;
    const videoB = tileOf(grid, 'b').querySelector('video')!;
    const streamA = videoA.srcObject;
    const setSrcObject = vi.spyOn(HTMLMediaElement.prototype, 'srcObject', 'set');

    source.update('a', { audioMuted: true });
    source.update('a', { videoMuted: true });
    source.update('a', { videoMuted: false });
    source.update('a', { attributes: { displayName: 'Ada L.' } });
    source.update('a', { audioTrack: fakeTrack('audio') });
    source.join(publisher('c'));
    source.leave('b');
    source.update('c', { audioMuted: true });
    grid.setOverlay(false);
    grid.refresh();

    expect(tileOf(grid, 'a').querySelector('video')).toBe(videoA);
    expect(tileOf(grid, 'a').querySelectorAll('video')).toHaveLength(1);
    expect(videoA.srcObject).toBe(streamA);
    // Only the newcomer's <video> and the new audio track were attached; a's video never was.
    const assignedTo = setSrcObject.mock.contexts as HTMLMediaElement[];
    expect(assignedTo).not.toContain(videoA);
    expect(assignedTo).toContain(tileOf(grid, 'c').querySelector('video'));
    expect(videoB.srcObject).toBeNull();
  });

  test('an update of one participant leaves the other tiles untouched', async () => {
    source.set([publisher('a'), publisher('b')]);
    const grid = mount();
    const records: MutationRecord[] = [];
    const mutations = new MutationObserver((batch) => records.push(...batch));
    mutations.observe(tileOf(grid, 'b'), { subtree: true, attributes: true, childList: true, characterData: true });
    source.update('a', { audioMuted: true, attributes: { displayName: 'Changed' } });
    await flush();
    records.push(...mutations.takeRecords());
    mutations.disconnect();
    expect(records).toHaveLength(0);
    expect(tileOf(grid, 'a').classList.contains('ivs-tile--muted')).toBe(true);
  });

  test('a new video track goes into the same <video> element', () => {
    source.set([publisher('a')]);
    const grid = mount();
    const video = tileOf(grid, 'a').querySelector('video')!;
    const next = fakeTrack('video');
    source.update('a', { videoTrack: next });
    expect(tileOf(grid, 'a').querySelector('video')).toBe(video);
    expect(tracksOf(video)).toEqual([next]);
  });

  test('without a video track the tile detaches the video and shows initials instead', () => {
    source.set([publisher('a', { attributes: { displayName: 'ada lovelace' } })]);
    const grid = mount();
    const tile = tileOf(grid, 'a');
    expect(tile.classList.contains('ivs-tile--no-video')).toBe(false);
    source.update('a', { videoTrack: undefined });
    expect(tile.querySelector('video')!.srcObject).toBeNull();
    expect(tile.classList.contains('ivs-tile--no-video')).toBe(true);
    expect(tile.querySelector('.ivs-tile__initials')!.textContent).toBe('AL');
  });

  test('a muted camera shows the placeholder but keeps the track attached', () => {
    const p = source.join(publisher('a'));
    const grid = mount();
    source.update('a', { videoMuted: true });
    const tile = tileOf(grid, 'a');
    expect(tile.classList.contains('ivs-tile--no-video')).toBe(true);
    expect(tracksOf(tile.querySelector('video'))).toEqual([p.videoTrack]);
  });

  test('remote audio plays through an <audio>; the local microphone is never played back', () => {
    const me = publisher('me', { isLocal: true });
    const remote = publisher('r');
    source.set([me, remote]);
    const grid = mount();
    expect(tileOf(grid, 'me').querySelector('audio')).toBeNull();
    expect(container.querySelectorAll('audio')).toHaveLength(1);
    expect(tracksOf(tileOf(grid, 'r').querySelector('audio'))).toEqual([remote.audioTrack]);

    source.update('me', { audioTrack: fakeTrack('audio'), audioMuted: false });
    source.update('me', { attributes: { name: 'Me again' } });
    grid.refresh();
    expect(tileOf(grid, 'me').querySelector('audio')).toBeNull();
    const attached = [...container.querySelectorAll('audio, video')].flatMap((el) => tracksOf(el as HTMLMediaElement));
    expect(attached.some((track) => track.kind === 'audio' && track === source.participants.find((p) => p.isLocal)!.audioTrack)).toBe(false);
  });

  test('the local video is mirrored by default and not when mirrorLocalVideo is false', () => {
    source.set([publisher('me', { isLocal: true }), publisher('r')]);
    const grid = mount();
    expect(tileOf(grid, 'me').classList.contains('ivs-tile--mirrored')).toBe(true);
    expect(tileOf(grid, 'r').classList.contains('ivs-tile--mirrored')).toBe(false);

    const other = document.createElement('div');
    document.body.append(other);
    const plain = mount({ mirrorLocalVideo: false }, other);
    expect(tileOf(plain, 'me').classList.contains('ivs-tile--mirrored')).toBe(false);
    other.remove();
  });

  test('removing a participant detaches its media without stopping its tracks (the session owns them)', () => {
    const p = source.join(publisher('a'));
    const grid = mount();
    const video = tileOf(grid, 'a').querySelector('video')!;
    const audio = tileOf(grid, 'a').querySelector('audio')!;
    source.leave('a');
    expect(video.srcObject).toBeNull();
    expect(audio.srcObject).toBeNull();
    expect(p.videoTrack!.stop).not.toHaveBeenCalled();
    expect(p.audioTrack!.stop).not.toHaveBeenCalled();
  });
});

describe('autoplay refusals', () => {
  test('a NotAllowedError emits autoplayBlocked once and shows one click-to-play button for the whole grid', async () => {
    stubPlay('NotAllowedError');
    source.set([publisher('a'), publisher('b')]);
    const grid = mount();
    // play() outcomes arrive asynchronously, so a listener added right after construction sees them.
    const blocked = vi.fn();
    grid.on('autoplayBlocked', blocked);
    source.join(publisher('c'));
    await flush();
    expect(grid.playbackBlocked).toBe(true);
    expect(blocked).toHaveBeenCalledTimes(1);
    source.join(publisher('d'));
    await flush();
    expect(blocked).toHaveBeenCalledTimes(1);
    expect(container.querySelectorAll('.ivs-grid__play')).toHaveLength(1);
  });

  test('autoplayBlocked is emitted exactly once for many refused elements', async () => {
    stubPlay('NotAllowedError');
    const grid = mount();
    const blocked = vi.fn();
    grid.on('autoplayBlocked', blocked);
    source.join(publisher('a'));
    source.join(publisher('b'));
    source.join(publisher('c'));
    await flush();
    expect(blocked).toHaveBeenCalledTimes(1);
    expect(blocked.mock.calls[0]![0]).toMatchObject({ participant: { id: 'a' } });
    expect(container.querySelectorAll('button.ivs-grid__play')).toHaveLength(1);
  });

  test('clicking the button plays every media element, removes the button and emits playbackResumed', async () => {
    const play = stubPlay('NotAllowedError');
    const grid = mount();
    source.join(publisher('a'));
    source.join(publisher('b'));
    await flush();
    const resumed = vi.fn();
    grid.on('playbackResumed', resumed);

    play.mockImplementation(() => Promise.resolve());
    play.mockClear();
    const button = container.querySelector<HTMLButtonElement>('.ivs-grid__play')!;
    expect(button.textContent).toBe('Click to play');
    button.click();
    // play() runs synchronously inside the click (user activation), on all 4 media elements.
    expect(play).toHaveBeenCalledTimes(4);
    await flush();
    expect(container.querySelector('.ivs-grid__play')).toBeNull();
    expect(grid.playbackBlocked).toBe(false);
    expect(resumed).toHaveBeenCalledTimes(1);
  });

  test('resumePlayback() keeps the button and resolves false while the browser still refuses', async () => {
    stubPlay('NotAllowedError');
    const grid = mount();
    source.join(publisher('a'));
    await flush();
    await expect(grid.resumePlayback()).resolves.toBe(false);
    expect(container.querySelectorAll('.ivs-grid__play')).toHaveLength(1);
    expect(grid.playbackBlocked).toBe(true);
  });

  test('an AbortError (source replaced during play) is not an autoplay refusal', async () => {
    stubPlay('AbortError');
    const grid = mount();
    const blocked = vi.fn();
    grid.on('autoplayBlocked', blocked);
    source.join(publisher('a'));
    await flush();
    expect(blocked).not.toHaveBeenCalled();
    expect(container.querySelector('.ivs-grid__play')).toBeNull();
  });

  test('a refusal after a successful resume is reported again', async () => {
    const play = stubPlay('NotAllowedError');
    const grid = mount();
    const blocked = vi.fn();
    grid.on('autoplayBlocked', blocked);
    source.join(publisher('a'));
    await flush();
    play.mockImplementation(() => Promise.resolve());
    await expect(grid.resumePlayback()).resolves.toBe(true);
    play.mockImplementation(() => Promise.reject(new DOMException('no', 'NotAllowedError')));
    source.join(publisher('b'));
    await flush();
    expect(blocked).toHaveBeenCalledTimes(2);
  });
});

describe('overlay', () => {
  test.each<[string, Partial<Participant>, string]>([
    ['the displayName attribute', { attributes: { displayName: 'Ada', name: 'ada-l' }, userId: 'u-1' }, 'Ada'],
    ['the name attribute', { attributes: { name: 'ada-l' }, userId: 'u-1' }, 'ada-l'],
    ['the userId', { userId: 'u-1' }, 'u-1'],
    ['the participant id', {}, 'p-1'],
    ['the next candidate when one is blank', { attributes: { displayName: '  ' }, userId: 'u-1' }, 'u-1'],
  ])('shows %s as the name', (_what, fields, expected) => {
    source.set([participant('p-1', fields)]);
    const grid = mount();
    expect(tileOf(grid, 'p-1').querySelector('.ivs-tile__name')!.textContent).toBe(expected);
  });

  test('the local participant is labelled as you', () => {
    source.set([participant('me', { isLocal: true, attributes: { displayName: 'Ada' } })]);
    const grid = mount();
    expect(tileOf(grid, 'me').querySelector('.ivs-tile__name')!.textContent).toBe('Ada (you)');
  });

  test('names are rendered as text, never as HTML', () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><b>Eve</b>';
    source.set([participant('p', { attributes: { displayName: hostile } })]);
    const grid = mount();
    const tile = tileOf(grid, 'p');
    expect(tile.querySelector('.ivs-tile__name')!.textContent).toBe(hostile);
    expect(tile.getAttribute('aria-label')).toContain(hostile);
    expect(container.querySelector('img, b')).toBeNull();
    source.update('p', { attributes: { displayName: `${hostile}2` } });
    expect(container.querySelector('img, b')).toBeNull();
  });

  test('mute marks follow the microphone and camera state', () => {
    source.set([publisher('a')]);
    const grid = mount();
    const tile = tileOf(grid, 'a');
    const mic = tile.querySelector<HTMLElement>('.ivs-tile__mark--mic')!;
    const camera = tile.querySelector<HTMLElement>('.ivs-tile__mark--camera')!;
    expect([mic.hidden, camera.hidden]).toEqual([true, true]);
    source.update('a', { audioMuted: true });
    expect([mic.hidden, camera.hidden]).toEqual([false, true]);
    expect(tile.classList.contains('ivs-tile--muted')).toBe(true);
    source.update('a', { audioMuted: false, videoMuted: true });
    expect([mic.hidden, camera.hidden]).toEqual([true, false]);
    expect(tile.classList.contains('ivs-tile--muted')).toBe(false);
  });

  test('setOverlay() hides and shows names, marks, initials and the banner at runtime', () => {
    source.state = 'reconnecting';
    source.set([participant('a', { audioMuted: true })]);
    const grid = mount();
    const tile = tileOf(grid, 'a');
    const overlay = tile.querySelector<HTMLElement>('.ivs-tile__overlay')!;
    const initials = tile.querySelector<HTMLElement>('.ivs-tile__initials')!;
    const banner = container.querySelector<HTMLElement>('.ivs-grid__banner')!;
    expect([overlay.hidden, initials.hidden, banner.hidden]).toEqual([false, false, false]);

    grid.setOverlay(false);
    expect(grid.overlay).toBe(false);
    expect([overlay.hidden, initials.hidden, banner.hidden]).toEqual([true, true, true]);
    source.join(participant('b'));
    expect(tileOf(grid, 'b').querySelector<HTMLElement>('.ivs-tile__overlay')!.hidden).toBe(true);

    grid.setOverlay(true);
    expect([overlay.hidden, initials.hidden, banner.hidden]).toEqual([false, false, false]);
    expect(tileOf(grid, 'b').querySelector<HTMLElement>('.ivs-tile__overlay')!.hidden).toBe(false);
  });

  test('overlay: false starts without the overlay', () => {
    source.set([participant('a')]);
    const grid = mount({ overlay: false });
    expect(tileOf(grid, 'a').querySelector<HTMLElement>('.ivs-tile__overlay')!.hidden).toBe(true);
  });

  test('the connection banner follows the session state', () => {
    source.state = 'connecting';
    mount();
    const banner = container.querySelector<HTMLElement>('.ivs-grid__banner')!;
    expect(banner.getAttribute('role')).toBe('status');
    expect([banner.hidden, banner.textContent]).toEqual([false, 'Connecting…']);
    source.setState('connected');
    expect(banner.hidden).toBe(true);
    source.setState('reconnecting');
    expect([banner.hidden, banner.textContent]).toEqual([false, 'Reconnecting…']);
    source.setState('disconnected');
    expect([banner.hidden, banner.textContent]).toEqual([false, 'Disconnected']);
  });

  test('labels translate every text', () => {
    source.state = 'connecting';
    source.set([participant('me', { isLocal: true, userId: 'Ana', audioMuted: true })]);
    const grid = mount({ labels: { you: 'tú', micMuted: 'Silenciado', connecting: 'Conectando…', grid: 'Escenario' } });
    expect(grid.element.getAttribute('aria-label')).toBe('Escenario');
    expect(tileOf(grid, 'me').querySelector('.ivs-tile__name')!.textContent).toBe('Ana (tú)');
    expect(tileOf(grid, 'me').querySelector('.ivs-tile__mark--mic')!.textContent).toBe('Silenciado');
    expect(container.querySelector('.ivs-grid__banner')!.textContent).toBe('Conectando…');
  });

  test('displayName option overrides the name shown', () => {
    source.set([participant('a', { userId: 'u1', attributes: { role: 'host' } })]);
    const grid = mount({ displayName: (p) => `${p.userId} [${p.attributes['role'] ?? ''}]` });
    expect(tileOf(grid, 'a').querySelector('.ivs-tile__name')!.textContent).toBe('u1 [host]');
  });

  test('tiles are focusable list items with an accessible name describing their state', () => {
    source.set([participant('a', { attributes: { displayName: 'Ada' }, audioMuted: true, audioTrack: fakeTrack('audio'), videoTrack: fakeTrack('video') })]);
    const grid = mount();
    const tile = tileOf(grid, 'a');
    expect(grid.element.getAttribute('role')).toBe('region');
    expect(tile.parentElement!.getAttribute('role')).toBe('list');
    expect(tile.getAttribute('role')).toBe('listitem');
    expect(tile.tabIndex).toBe(0);
    expect(tile.getAttribute('aria-label')).toBe('Ada, Muted');
    source.update('a', { audioMuted: false, videoMuted: true });
    expect(tile.getAttribute('aria-label')).toBe('Ada, Camera off');
  });
});

describe('layout', () => {
  test('one shared ResizeObserver serves every grid', () => {
    const other = document.createElement('div');
    document.body.append(other);
    const first = mount();
    const second = mount({}, other);
    expect(FakeResizeObserver.instances).toHaveLength(1);
    expect(observer().observed).toEqual(new Set([first.element, second.element]));
    other.remove();
  });

  test('a resize recomputes the layout and writes it as CSS custom properties on the grid root', () => {
    source.set([participant('a'), participant('b'), participant('c')]);
    const grid = mount({ gap: 0 });
    observer().resize(grid.element, 1280, 720);
    expect(grid.layout).toEqual({ columns: 2, rows: 2, tileWidth: 640, tileHeight: 360 });
    const style = grid.element.style;
    expect(style.getPropertyValue('--ivs-grid-columns')).toBe('2');
    expect(style.getPropertyValue('--ivs-grid-rows')).toBe('2');
    expect(style.getPropertyValue('--ivs-tile-width')).toBe('640px');
    expect(style.getPropertyValue('--ivs-tile-height')).toBe('360px');

    observer().resize(grid.element, 3000, 400);
    expect(style.getPropertyValue('--ivs-grid-columns')).toBe('3');
    expect(style.getPropertyValue('--ivs-tile-height')).toBe('400px');
  });

  test('the layout is recomputed when the tile count changes', () => {
    const grid = mount({ gap: 8 });
    observer().resize(grid.element, 1288, 728);
    source.join(participant('a'));
    expect(grid.layout).toMatchObject({ columns: 1, rows: 1 });
    source.join(participant('b'));
    source.join(participant('c'));
    expect(grid.layout).toEqual({ columns: 2, rows: 2, tileWidth: 640, tileHeight: 360 });
    expect(grid.element.style.getPropertyValue('--ivs-grid-gap')).toBe('8px');
    source.leave('c');
    source.leave('b');
    expect(grid.element.style.getPropertyValue('--ivs-grid-columns')).toBe('1');
  });

  test('aspectRatio and maxColumns options shape the layout', () => {
    source.set([participant('a'), participant('b'), participant('c'), participant('d')]);
    const grid = mount({ gap: 0, aspectRatio: 1, maxColumns: 1 });
    observer().resize(grid.element, 400, 400);
    expect(grid.layout).toEqual({ columns: 1, rows: 4, tileWidth: 100, tileHeight: 100 });
  });

  test('before the container has a size, tile sizes are left to CSS', () => {
    source.set([participant('a')]);
    const grid = mount();
    expect(grid.element.style.getPropertyValue('--ivs-tile-width')).toBe('');
    expect(grid.element.style.getPropertyValue('--ivs-grid-columns')).toBe('1');
  });

  test('without ResizeObserver the grid falls back to the window resize event', () => {
    vi.stubGlobal('ResizeObserver', undefined);
    source.set([participant('a')]);
    const grid = mount();
    vi.spyOn(grid.element, 'clientWidth', 'get').mockReturnValue(640);
    vi.spyOn(grid.element, 'clientHeight', 'get').mockReturnValue(360);
    window.dispatchEvent(new Event('resize'));
    expect(grid.layout).toMatchObject({ tileWidth: 640, tileHeight: 360 });
  });
});

describe('styles', () => {
  test('the default stylesheet is injected once per document, and removed with the last grid', () => {
    const other = document.createElement('div');
    document.body.append(other);
    const first = mount();
    const second = mount({}, other);
    expect(document.querySelectorAll('style[data-ivs-grid]')).toHaveLength(1);
    first.destroy();
    expect(document.querySelectorAll('style[data-ivs-grid]')).toHaveLength(1);
    second.destroy();
    expect(document.querySelectorAll('style[data-ivs-grid]')).toHaveLength(0);
    other.remove();
  });

  test('injectStyles: false injects nothing; a stylesheet the page provides is reused and kept', () => {
    mount({ injectStyles: false });
    expect(document.querySelector('style[data-ivs-grid]')).toBeNull();

    const own = document.createElement('style');
    own.setAttribute('data-ivs-grid', '');
    document.head.append(own);
    const grid = mount({}, document.body.appendChild(document.createElement('div')));
    expect(document.querySelectorAll('style[data-ivs-grid]')).toHaveLength(1);
    grid.destroy();
    expect(own.isConnected).toBe(true);
  });

  test('inside a shadow tree the stylesheet goes into that shadow root', () => {
    const host = document.createElement('div');
    document.body.append(host);
    const shadow = host.attachShadow({ mode: 'open' });
    const inner = document.createElement('div');
    shadow.append(inner);
    const grid = mount({}, inner);
    expect(shadow.querySelectorAll('style[data-ivs-grid]')).toHaveLength(1);
    expect(document.querySelector('style[data-ivs-grid]')).toBeNull();
    grid.destroy();
    expect(shadow.querySelector('style[data-ivs-grid]')).toBeNull();
    host.remove();
  });

  test('styleNonce is set on the injected stylesheet', () => {
    mount({ styleNonce: 'abc123' });
    expect(document.querySelector<HTMLStyleElement>('style[data-ivs-grid]')!.nonce).toBe('abc123');
  });
});

describe('refresh() and destroy()', () => {
  test('refresh() re-renders from the session: adds, removes and updates tiles, keeping unchanged videos', () => {
    source.set([publisher('a'), publisher('b')]);
    const grid = mount();
    const videoA = tileOf(grid, 'a').querySelector('video')!;
    const a = source.participants[0]!;
    // Events were missed: the session moved on silently.
    source.set([{ ...a, audioMuted: true }, publisher('c')]);
    grid.refresh();
    expect(tileIds()).toEqual(['a', 'c']);
    expect(tileOf(grid, 'a').querySelector('video')).toBe(videoA);
    expect(tileOf(grid, 'a').classList.contains('ivs-tile--muted')).toBe(true);
  });

  test('destroy() leaves the container exactly as it was and detaches every listener', async () => {
    container.className = 'app-stage dark';
    container.setAttribute('data-x', '1');
    container.setAttribute('style', 'width: 300px; color: red;');
    const existing = document.createElement('p');
    existing.textContent = 'existing content';
    container.append(existing, document.createTextNode('text'));
    const before = container.outerHTML;
    const children = [...container.childNodes];

    stubPlay('NotAllowedError');
    source.set([publisher('me', { isLocal: true }), publisher('r')]);
    const grid = mount();
    await flush();
    expect(container.querySelector('.ivs-grid__play')).not.toBeNull();
    const tracks = source.participants.flatMap((p) => [p.audioTrack!, p.videoTrack!]);
    expect(source.totalListeners()).toBeGreaterThan(0);
    const removed = vi.fn();
    grid.on('tileRemoved', removed);

    grid.destroy();
    expect(container.outerHTML).toBe(before);
    expect([...container.childNodes]).toEqual(children);
    expect(source.totalListeners()).toBe(0);
    expect(observer().observed.size).toBe(0);
    expect(document.querySelector('style[data-ivs-grid]')).toBeNull();
    expect(removed).toHaveBeenCalledTimes(2);
    for (const track of tracks) expect(track.stop).not.toHaveBeenCalled();

    // Later session events do nothing.
    source.join(publisher('late'));
    expect(container.outerHTML).toBe(before);
  });

  test('destroy() is idempotent and the grid refuses further use with InvalidStateError', async () => {
    const grid = mount();
    grid.destroy();
    grid.destroy();
    expect(grid.destroyed).toBe(true);
    expect(() => grid.refresh()).toThrow(InvalidStateError);
    expect(() => grid.setOverlay(false)).toThrow(InvalidStateError);
    await expect(grid.resumePlayback()).rejects.toBeInstanceOf(InvalidStateError);
  });

  test('a play() refusal arriving after destroy() is ignored', async () => {
    let reject: (error: unknown) => void = () => {};
    stubPlay(() => new Promise<void>((_resolve, r) => (reject = r)));
    source.set([publisher('a')]);
    const grid = mount();
    const blocked = vi.fn();
    grid.on('autoplayBlocked', blocked);
    grid.destroy();
    reject(new DOMException('no', 'NotAllowedError'));
    await flush();
    expect(blocked).not.toHaveBeenCalled();
    expect(container.childNodes).toHaveLength(0);
  });
});

describe('bad input', () => {
  test.each<[string, () => unknown, string]>([
    ['a missing container', () => new StageGrid(null as unknown as HTMLElement, source), 'container'],
    ['a text node as container', () => new StageGrid(document.createTextNode('x') as unknown as HTMLElement, source), 'container'],
    ['something that is not a session', () => new StageGrid(container, {} as TestSource), 'session'],
    ['an unknown tileOrder', () => new StageGrid(container, source, { tileOrder: 'random' as 'join-order' }), 'tileOrder'],
    ['a filter that is not a function', () => new StageGrid(container, source, { filter: true as unknown as () => boolean }), 'filter'],
    ['a negative gap', () => new StageGrid(container, source, { gap: -1 }), 'gap'],
    ['a zero aspectRatio', () => new StageGrid(container, source, { aspectRatio: 0 }), 'aspectRatio'],
  ])('rejects %s with a ValidationError and adds nothing to the page', (_what, create, field) => {
    const before = document.body.outerHTML;
    expect(create).toThrow(ValidationError);
    try {
      create();
    } catch (error) {
      expect((error as ValidationError).field).toBe(field);
    }
    expect(document.body.outerHTML).toBe(before);
    expect(source.totalListeners()).toBe(0);
  });

  test('a throwing grid listener does not break rendering', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const grid = mount();
    grid.on('tileAdded', () => {
      throw new Error('app bug');
    });
    source.join(participant('a'));
    source.join(participant('b'));
    expect(tileIds()).toEqual(['a', 'b']);
    expect(grid.layout.columns).toBe(2);
  });
});
