// @vitest-environment happy-dom
/**
 * StageGrid before its renderer has loaded: the page loads the grid's root, banner and stylesheet;
 * the part that renders tiles is imported when there is something to render. Each test imports
 * the grid from a fresh module graph, so the renderer is not loaded when it starts.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { StageGrid as StageGridClass } from '../../../src/grid/stage-grid';
import { FakeResizeObserver, destroyGrids, freshGridDom, participant, publisher, type TestSource } from './helpers';

let container: HTMLElement;
let source: TestSource;
const grids: StageGridClass[] = [];

async function freshStageGrid(): Promise<typeof StageGridClass> {
  vi.resetModules();
  return (await import('../../../src/grid/stage-grid')).StageGrid;
}

async function mount(options?: ConstructorParameters<typeof StageGridClass>[2]): Promise<StageGridClass> {
  const StageGrid = await freshStageGrid();
  const grid = new StageGrid(container, source, options);
  grids.push(grid);
  return grid;
}

beforeEach(() => {
  ({ container, source } = freshGridDom());
  source.state = 'idle';
});

afterEach(() => {
  destroyGrids(grids, container);
  vi.doUnmock('../../../src/grid/grid-renderer');
});

describe('before the session joins', () => {
  test('the grid shows its root and banner only, and does not load its renderer', async () => {
    const imported = vi.fn();
    vi.doMock('../../../src/grid/grid-renderer', async (importOriginal) => {
      imported();
      return importOriginal();
    });
    const grid = await mount();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(imported).not.toHaveBeenCalled();
    expect(grid.loaded).toBe(false);
    expect(container.querySelectorAll('.ivs-grid')).toHaveLength(1);
    expect(container.querySelector('.ivs-grid__tiles')).toBeNull();
    expect(container.querySelector('.ivs-grid__banner')?.hasAttribute('hidden')).toBe(true);
    expect(document.head.querySelector('style[data-ivs-grid]')).not.toBeNull();
    expect(FakeResizeObserver.instances.flatMap((observer) => [...observer.observed])).toEqual([]);

    await grid.load();
    expect(imported).toHaveBeenCalledTimes(1);
    expect(container.querySelector('.ivs-grid__tiles')).not.toBeNull();
  });

  test('the banner follows the session state while the renderer loads', async () => {
    const grid = await mount();
    source.setState('connecting');
    expect(grid.loaded).toBe(false);
    expect(container.querySelector('.ivs-grid__banner')?.textContent).toBe('Connecting…');
    await grid.load();
    expect(container.querySelector('.ivs-grid__banner')?.textContent).toBe('Connecting…');
  });

  test('the API answers as for an empty grid, and a layout chosen meanwhile is the one rendered', async () => {
    const grid = await mount();
    const layoutChanged = vi.fn();
    grid.on('layoutChanged', layoutChanged);
    expect([grid.page, grid.pageCount, grid.pinned, grid.spotlightLayout, grid.getTileElement('a')]).toEqual([1, 1, undefined, undefined, undefined]);
    expect(grid.layout).toEqual({ columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 });
    await expect(grid.resumePlayback()).resolves.toBe(true);
    expect(() => grid.setPage(2)).toThrow(expect.objectContaining({ name: 'ValidationError', field: 'page' }));
    expect(() => grid.pin('a')).toThrow(expect.objectContaining({ name: 'ValidationError', message: expect.stringContaining('await grid.load()') }));

    grid.setLayout('spotlight');
    expect(layoutChanged).toHaveBeenCalledWith({ layout: 'spotlight' });
    expect(grid.layoutMode).toBe('spotlight');
    source.set([publisher('a'), publisher('b')]);
    await grid.load();
    expect(grid.layoutMode).toBe('spotlight');
    expect(container.querySelector('.ivs-grid__main [data-participant-id="a"]')).not.toBeNull();
    expect(layoutChanged).toHaveBeenCalledTimes(1);
  });
});

describe('loading on first use', () => {
  test('the session starting to join loads the renderer, which renders the participants that joined meanwhile', async () => {
    const grid = await mount();
    const added = vi.fn();
    grid.on('tileAdded', added);
    source.setState('connecting');
    source.join(publisher('me', { isLocal: true }));
    source.join(publisher('remote'));
    expect(grid.loaded).toBe(false);
    await vi.waitFor(() => expect(grid.loaded).toBe(true));
    expect([...container.querySelectorAll<HTMLElement>('.ivs-tile')].map((tile) => tile.dataset['participantId'])).toEqual(['me', 'remote']);
    expect(added).toHaveBeenCalledTimes(2);
    // From now on updates are rendered synchronously.
    source.join(participant('late'));
    expect(grid.getTileElement('late')).toBeDefined();
  });

  test('a grid mounted on a session that already has participants loads at once', async () => {
    source.set([publisher('a')]);
    const grid = await mount();
    await vi.waitFor(() => expect(grid.getTileElement('a')).toBeDefined());
  });

  test('indicators reported before the renderer loaded are shown once it has', async () => {
    const grid = await mount();
    source.set([publisher('a'), publisher('b')]);
    source.quality('a', 'lost');
    source.speakers(['b'], { b: 0.5 });
    await grid.load();
    expect(grid.getTileElement('a')?.dataset['networkQuality']).toBe('lost');
    expect(grid.getTileElement('b')?.classList.contains('ivs-tile--speaking')).toBe(true);
    expect(grid.getTileElement('b')?.style.getPropertyValue('--ivs-audio-level')).toBe('0.5');
  });

  test('a grid destroyed while its renderer loads adds nothing and emits nothing', async () => {
    source.set([publisher('a')]);
    const grid = await mount();
    const added = vi.fn();
    grid.on('tileAdded', added);
    const loading = grid.load();
    grid.destroy();
    await loading;
    expect(grid.loaded).toBe(false);
    expect(container.childNodes).toHaveLength(0);
    expect(added).not.toHaveBeenCalled();
    expect(source.totalListeners()).toBe(0);
  });
});

describe('a renderer chunk that cannot be loaded', () => {
  test('is reported as LoadError (LOAD_FAILED) (event and load()), and the grid retries on the next change', async () => {
    vi.doMock('../../../src/grid/grid-renderer', () => {
      throw new Error('chunk grid-renderer-XYZ.js: 404');
    });
    const grid = await mount();
    const errors: unknown[] = [];
    grid.on('error', ({ error }) => errors.push(error));
    source.setState('connecting');
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ name: 'LoadError', code: 'LOAD_FAILED', part: "StageGrid's renderer", message: expect.stringContaining("serves the package's chunks") });
    await expect(grid.load()).rejects.toMatchObject({ code: 'LOAD_FAILED' });
    expect(grid.loaded).toBe(false);

    vi.doUnmock('../../../src/grid/grid-renderer');
    source.join(publisher('a'));
    await vi.waitFor(() => expect(grid.getTileElement('a')).toBeDefined());
    expect(errors).toHaveLength(1);
  });

  test('without an error listener the failure goes to the console', async () => {
    vi.doMock('../../../src/grid/grid-renderer', () => {
      throw new Error('chunk grid-renderer-XYZ.js: 404');
    });
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    await mount();
    source.setState('connecting');
    await vi.waitFor(() => expect(consoleError).toHaveBeenCalledTimes(1));
    expect(consoleError.mock.calls[0]?.[1]).toMatchObject({ code: 'LOAD_FAILED' });
  });
});
