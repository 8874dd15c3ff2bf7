// @vitest-environment happy-dom
/**
 * StageGrid's simulcast layer preferences: which `setPreferredLayer` calls the grid makes as tiles
 * move between the spotlight, the strip, the grid and hidden pages, and only when they move.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ValidationError } from '../../../src/core/errors';
import { StageGrid, type StageGridOptions } from '../../../src/grid/stage-grid';
import type { LayerPreference } from '../../../src/stage/types';
import { destroyGrids, freshGridDom, FakeResizeObserver, loadGridRenderer, participant, publisher, TestSource } from './helpers';

/** A source that records the grid's `setPreferredLayer` calls. */
class LayerSource extends TestSource {
  calls: Array<[string, LayerPreference]> = [];
  setPreferredLayer(participantId: string, preference: LayerPreference): void {
    this.calls.push([participantId, preference]);
  }
  /** The calls made since the last `take()`. */
  take(): Array<[string, LayerPreference]> {
    return this.calls.splice(0);
  }
}

let container: HTMLElement;
let source: LayerSource;
const grids: StageGrid[] = [];
const remotes = (count: number) => Array.from({ length: count }, (_, i) => publisher(`r${i + 1}`));

function mount(options?: StageGridOptions): StageGrid {
  const grid = new StageGrid(container, source, options);
  grids.push(grid);
  FakeResizeObserver.instances.at(-1)?.resize(grid.element, 1280, 720);
  return grid;
}

beforeAll(loadGridRenderer);

beforeEach(() => {
  ({ container } = freshGridDom());
  source = new LayerSource();
});

afterEach(() => destroyGrids(grids, container));

describe('StageGrid layer preferences', () => {
  test('grid tiles on the shown page are left to the stage (no call); tiles on hidden pages ask for the lowest layer', () => {
    source.set([publisher('me', { isLocal: true }), ...remotes(5)]);
    const grid = mount({ maxTiles: 3 });
    expect(grid.pageCount).toBe(2);
    // Page 1: me, r1, r2 (local first). Hidden: r3, r4, r5. The local participant is never asked about.
    expect(source.take()).toEqual([
      ['r3', 'lowest'],
      ['r4', 'lowest'],
      ['r5', 'lowest'],
    ]);
  });

  test('a page change swaps the preferences of the tiles that moved, and only theirs', () => {
    source.set(remotes(4));
    const grid = mount({ maxTiles: 2 });
    source.take();
    grid.setPage(2);
    expect(source.take()).toEqual([
      ['r1', 'lowest'],
      ['r2', 'lowest'],
      ['r3', 'auto'],
      ['r4', 'auto'],
    ]);
    grid.refresh();
    grid.setPage(2);
    expect(source.take(), 'nothing moved: no call').toEqual([]);
  });

  test('spotlight: the large tile asks for the highest layer, strip tiles for the lowest', () => {
    source.set([publisher('me', { isLocal: true }), ...remotes(3)]);
    mount({ layout: 'spotlight' });
    expect(source.take()).toEqual([
      ['r1', 'highest'],
      ['r2', 'lowest'],
      ['r3', 'lowest'],
    ]);
  });

  test('pin() gives the pinned participant the highest layer and the strip the lowest; unpin() hands them back to the stage', () => {
    source.set(remotes(3));
    const grid = mount();
    expect(source.take()).toEqual([]);
    grid.pin('r2');
    expect(source.take()).toEqual([
      ['r1', 'lowest'],
      ['r2', 'highest'],
      ['r3', 'lowest'],
    ]);
    grid.pin('r3');
    expect(source.take(), 'only the two tiles that swapped places').toEqual([
      ['r2', 'lowest'],
      ['r3', 'highest'],
    ]);
    grid.unpin();
    expect(source.take()).toEqual([
      ['r1', 'auto'],
      ['r2', 'auto'],
      ['r3', 'auto'],
    ]);
  });

  test('pinned without the spotlight (spotlightOnPin: false), a grid tile stays with the stage', () => {
    source.set(remotes(2));
    const grid = mount({ spotlightOnPin: false });
    grid.pin('r1');
    expect(source.take()).toEqual([]);
  });

  test('setLayout() switches every remote tile between grid and spotlight preferences', () => {
    source.set(remotes(2));
    const grid = mount();
    grid.setLayout('spotlight');
    expect(source.take()).toEqual([
      ['r1', 'highest'],
      ['r2', 'lowest'],
    ]);
    grid.setLayout('grid');
    expect(source.take()).toEqual([
      ['r1', 'auto'],
      ['r2', 'auto'],
    ]);
  });

  test('a speaker taking the spotlight gets the highest layer, the one it replaced the lowest', () => {
    source.set(remotes(3));
    mount({ layout: 'spotlight' });
    source.take();
    source.speakers(['r3']);
    expect(source.take()).toEqual([
      ['r1', 'lowest'],
      ['r3', 'highest'],
    ]);
  });

  test('a participant joining on a hidden page asks for the lowest layer; one leaving is not called about', () => {
    source.set(remotes(2));
    const grid = mount({ maxTiles: 2, layout: 'spotlight', maxStripTiles: 1 });
    expect(source.take()).toEqual([
      ['r1', 'highest'],
      ['r2', 'lowest'],
    ]);
    source.join(publisher('r3'));
    expect(grid.pageCount).toBe(2);
    expect(source.take()).toEqual([['r3', 'lowest']]);
    source.leave('r1');
    // r2 takes the spotlight, r3 moves to the strip's only page: no call for r1, which left.
    expect(source.take()).toEqual([['r2', 'highest']]);
  });

  test('a participant whose tile the filter removes is handed back to the stage', () => {
    source.set(remotes(2));
    const grid = mount({ layout: 'spotlight', filter: (p) => p.attributes['hide'] !== 'yes' });
    source.take();
    source.update('r2', { attributes: { hide: 'yes' } });
    expect(grid.getTileElement('r2')).toBeUndefined();
    expect(source.take()).toEqual([['r2', 'auto']]);
  });

  test('destroy() hands every participant back to the stage', () => {
    source.set(remotes(2));
    const grid = mount({ layout: 'spotlight' });
    source.take();
    grid.destroy();
    expect(source.take()).toEqual([
      ['r1', 'auto'],
      ['r2', 'auto'],
    ]);
  });

  test('layerPreferences: false never calls setPreferredLayer', () => {
    source.set(remotes(4));
    const grid = mount({ layerPreferences: false, maxTiles: 2 });
    grid.setPage(2);
    grid.pin('r3');
    grid.destroy();
    expect(source.calls).toEqual([]);
  });

  test('a source without setPreferredLayer renders as before', () => {
    const plain = new TestSource();
    plain.set([participant('viewer'), ...remotes(2)]);
    const grid = new StageGrid(container, plain, { layout: 'spotlight' });
    grids.push(grid);
    expect(grid.getTileElement('r1')).toBeDefined();
  });

  test('layerPreferences must be a boolean', () => {
    expect(() => mount({ layerPreferences: 'yes' as unknown as boolean })).toThrow(ValidationError);
  });
});
