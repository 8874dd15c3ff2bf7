import { expect, test } from 'vitest';

test('the grid module imports in Node (SSR) without a DOM and computes layouts there', async () => {
  expect(typeof document).toBe('undefined');
  const grid = await import('../../../src/grid');
  expect(typeof grid.StageGrid).toBe('function');
  expect(grid.computeGridLayout({ count: 2, width: 200, height: 50 })).toEqual({ columns: 2, rows: 1, tileWidth: 88, tileHeight: 50 });
  expect(grid.STAGE_GRID_CSS).toContain('.ivs-tile');
});
