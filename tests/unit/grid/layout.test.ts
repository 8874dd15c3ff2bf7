import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ValidationError } from '../../../src/core/errors';
import { computeGridLayout, computeSpotlightLayout, prioritizeTiles, type GridLayoutInput, type SpotlightLayout, type SpotlightLayoutInput } from '../../../src/grid/layout';

describe('computeGridLayout', () => {
  test.each<[string, GridLayoutInput, ReturnType<typeof computeGridLayout>]>([
    ['0 tiles give an empty grid', { count: 0, width: 1280, height: 720 }, { columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 }],
    ['1 tile fills a 16:9 area', { count: 1, width: 1280, height: 720 }, { columns: 1, rows: 1, tileWidth: 1280, tileHeight: 720 }],
    ['2 tiles sit side by side (tie broken towards fewer rows)', { count: 2, width: 1280, height: 720 }, { columns: 2, rows: 1, tileWidth: 640, tileHeight: 360 }],
    ['3 tiles use a 2×2 grid', { count: 3, width: 1280, height: 720 }, { columns: 2, rows: 2, tileWidth: 640, tileHeight: 360 }],
    ['4 tiles use a 2×2 grid', { count: 4, width: 1280, height: 720 }, { columns: 2, rows: 2, tileWidth: 640, tileHeight: 360 }],
    ['12 tiles use 4×3 (same area as 3×4, fewer rows)', { count: 12, width: 1280, height: 720 }, { columns: 4, rows: 3, tileWidth: 320, tileHeight: 180 }],
    ['a very wide area puts every tile on one row', { count: 3, width: 3000, height: 100 }, { columns: 3, rows: 1, tileWidth: 177, tileHeight: 100 }],
    ['a very tall area stacks tiles in one column', { count: 3, width: 100, height: 3000 }, { columns: 1, rows: 3, tileWidth: 100, tileHeight: 56 }],
    ['a zero-size area still chooses a shape, with 0-pixel tiles', { count: 4, width: 0, height: 0 }, { columns: 2, rows: 2, tileWidth: 0, tileHeight: 0 }],
    ['a zero-height area behaves like a zero-size one', { count: 2, width: 800, height: 0 }, { columns: 2, rows: 1, tileWidth: 0, tileHeight: 0 }],
    ['gaps are subtracted from the space', { count: 2, width: 1290, height: 720, gap: 10 }, { columns: 2, rows: 1, tileWidth: 640, tileHeight: 360 }],
    ['maxColumns caps the columns', { count: 12, width: 1280, height: 720, maxColumns: 2 }, { columns: 2, rows: 6, tileWidth: 213, tileHeight: 120 }],
    ['square tiles in a square area', { count: 4, width: 400, height: 400, aspectRatio: 1 }, { columns: 2, rows: 2, tileWidth: 200, tileHeight: 200 }],
    ['portrait tiles in a landscape area', { count: 2, width: 1000, height: 500, aspectRatio: 9 / 16 }, { columns: 2, rows: 1, tileWidth: 281, tileHeight: 500 }],
  ])('%s', (_title, input, expected) => {
    expect(computeGridLayout(input)).toEqual(expected);
  });

  test.each<[string, GridLayoutInput, string]>([
    ['a negative count', { count: -1, width: 10, height: 10 }, 'count'],
    ['a fractional count', { count: 1.5, width: 10, height: 10 }, 'count'],
    ['a NaN width', { count: 1, width: Number.NaN, height: 10 }, 'width'],
    ['a negative height', { count: 1, width: 10, height: -1 }, 'height'],
    ['an infinite gap', { count: 1, width: 10, height: 10, gap: Infinity }, 'gap'],
    ['a zero aspect ratio', { count: 1, width: 10, height: 10, aspectRatio: 0 }, 'aspectRatio'],
    ['maxColumns 0', { count: 1, width: 10, height: 10, maxColumns: 0 }, 'maxColumns'],
  ])('rejects %s with a ValidationError naming the field', (_title, input, field) => {
    let thrown: unknown;
    try {
      computeGridLayout(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).field).toBe(field);
  });

  test('for any input, the grid holds every tile, fits its area and keeps the aspect ratio', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 1, max: 4000 }),
        fc.constantFrom(16 / 9, 4 / 3, 1, 9 / 16),
        fc.integer({ min: 0, max: 24 }),
        (count, width, height, aspectRatio, gap) => {
          // Only areas where the gaps themselves fit can hold a grid at all.
          fc.pre(gap * (count - 1) < Math.min(width, height));
          const { columns, rows, tileWidth, tileHeight } = computeGridLayout({ count, width, height, aspectRatio, gap });
          expect(columns * rows).toBeGreaterThanOrEqual(count);
          expect(rows).toBe(Math.ceil(count / columns));
          expect(columns * tileWidth + gap * (columns - 1)).toBeLessThanOrEqual(width + 1e-6);
          expect(rows * tileHeight + gap * (rows - 1)).toBeLessThanOrEqual(height + 1e-6);
          if (tileHeight >= 20) expect(Math.abs(tileWidth / tileHeight - aspectRatio)).toBeLessThan(0.1);
        },
      ),
    );
  });

  test('no other column count gives a larger tile', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 50, max: 3000 }), fc.integer({ min: 50, max: 3000 }), (count, width, height) => {
        const chosen = computeGridLayout({ count, width, height });
        for (let maxColumns = 1; maxColumns <= count; maxColumns++) {
          const capped = computeGridLayout({ count, width, height, maxColumns });
          expect(capped.tileWidth).toBeLessThanOrEqual(chosen.tileWidth);
        }
      }),
    );
  });
});

describe('computeSpotlightLayout', () => {
  test.each<[string, SpotlightLayoutInput, SpotlightLayout]>([
    ['a 16:9 area puts the strip at the bottom', { count: 3, width: 1280, height: 720, gap: 8 }, { strip: 'bottom', mainWidth: 1009, mainHeight: 568, tileWidth: 256, tileHeight: 144 }],
    ['an area wider than the tiles puts the strip on the right', { count: 3, width: 1920, height: 720, gap: 8 }, { strip: 'right', mainWidth: 1280, mainHeight: 720, tileWidth: 384, tileHeight: 216 }],
    ['an empty strip leaves the whole area to the spotlight', { count: 0, width: 1280, height: 720, gap: 8 }, { strip: 'bottom', mainWidth: 1280, mainHeight: 720, tileWidth: 0, tileHeight: 0 }],
    ['a portrait area keeps the strip at the bottom', { count: 2, width: 720, height: 1280 }, { strip: 'bottom', mainWidth: 720, mainHeight: 405, tileWidth: 360, tileHeight: 202 }],
    ['many strip tiles shrink to fit along the strip', { count: 10, width: 1280, height: 720 }, { strip: 'bottom', mainWidth: 1152, mainHeight: 648, tileWidth: 128, tileHeight: 72 }],
    ['square tiles in a landscape area', { count: 2, width: 1000, height: 500, aspectRatio: 1 }, { strip: 'right', mainWidth: 500, mainHeight: 500, tileWidth: 200, tileHeight: 200 }],
    ['a zero-size area gives 0-pixel tiles', { count: 2, width: 0, height: 0 }, { strip: 'bottom', mainWidth: 0, mainHeight: 0, tileWidth: 0, tileHeight: 0 }],
  ])('%s', (_title, input, expected) => {
    expect(computeSpotlightLayout(input)).toEqual(expected);
  });

  test.each<[string, SpotlightLayoutInput, string]>([
    ['a negative count', { count: -1, width: 10, height: 10 }, 'count'],
    ['a NaN width', { count: 1, width: Number.NaN, height: 10 }, 'width'],
    ['a negative gap', { count: 1, width: 10, height: 10, gap: -2 }, 'gap'],
    ['a zero aspect ratio', { count: 1, width: 10, height: 10, aspectRatio: 0 }, 'aspectRatio'],
  ])('rejects %s with a ValidationError naming the field', (_title, input, field) => {
    expect(() => computeSpotlightLayout(input)).toThrow(ValidationError);
    expect(() => computeSpotlightLayout(input)).toThrow(expect.objectContaining({ field }));
  });

  test('for any input, the spotlight and the strip fit the area side by side and keep the aspect ratio', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 1, max: 4000 }),
        fc.constantFrom(16 / 9, 4 / 3, 1, 9 / 16),
        fc.integer({ min: 0, max: 24 }),
        (count, width, height, aspectRatio, gap) => {
          fc.pre(gap * count < Math.min(width, height) / 2);
          const layout = computeSpotlightLayout({ count, width, height, aspectRatio, gap });
          const stripLength = count * (layout.strip === 'right' ? layout.tileHeight : layout.tileWidth) + gap * Math.max(0, count - 1);
          const room = count ? gap : 0;
          if (layout.strip === 'right') {
            expect(layout.mainWidth + layout.tileWidth + room).toBeLessThanOrEqual(width);
            expect(Math.max(layout.mainHeight, stripLength)).toBeLessThanOrEqual(height);
          } else {
            expect(layout.mainHeight + layout.tileHeight + room).toBeLessThanOrEqual(height);
            expect(Math.max(layout.mainWidth, stripLength)).toBeLessThanOrEqual(width);
          }
          // Strip tiles never take more than a fifth of the area across the strip.
          expect(layout.strip === 'right' ? layout.tileWidth : layout.tileHeight).toBeLessThanOrEqual((layout.strip === 'right' ? width : height) * 0.2 + 1);
          expect(layout.mainWidth).toBeGreaterThanOrEqual(layout.tileWidth);
          if (layout.mainHeight >= 20) expect(Math.abs(layout.mainWidth / layout.mainHeight - aspectRatio)).toBeLessThan(0.1);
        },
      ),
    );
  });
});

describe('prioritizeTiles', () => {
  test.each<[string, string[], (string | undefined)[], string[]]>([
    ['without priorities the order is kept', ['a', 'b', 'c'], [], ['a', 'b', 'c']],
    ['a pinned id goes first', ['a', 'b', 'c'], ['c'], ['c', 'a', 'b']],
    ['priorities keep their own order, then the rest keeps its order', ['a', 'b', 'c', 'd'], ['d', 'b'], ['d', 'b', 'a', 'c']],
    ['ids that are not present and undefined are ignored', ['a', 'b'], [undefined, 'x', 'b'], ['b', 'a']],
    ['an id listed twice is placed once', ['a', 'b', 'c'], ['c', 'b', 'c'], ['c', 'b', 'a']],
    ['no ids give no order', [], ['a'], []],
  ])('%s', (_title, ids, first, expected) => {
    expect(prioritizeTiles(ids, first)).toEqual(expected);
  });

  test('is a permutation of the ids with the present priorities first', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 3 }), { maxLength: 20 }), fc.array(fc.string({ maxLength: 3 }), { maxLength: 5 }), (ids, first) => {
        const result = prioritizeTiles(ids, first);
        expect([...result].sort()).toEqual([...ids].sort());
        const head = [...new Set(first)].filter((id) => ids.includes(id));
        expect(result.slice(0, head.length)).toEqual(head);
      }),
    );
  });
});
