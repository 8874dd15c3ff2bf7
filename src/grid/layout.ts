import { ValidationError } from '../core/errors';

/** Input of {@link computeGridLayout}. Sizes are CSS pixels. */
export interface GridLayoutInput {
  /** Number of tiles to place (a non-negative integer). */
  readonly count: number;
  /** Width of the area the tiles must fit in. */
  readonly width: number;
  /** Height of the area the tiles must fit in. */
  readonly height: number;
  /** Width / height of every tile. Default `16 / 9`. */
  readonly aspectRatio?: number;
  /** Space between two tiles, horizontally and vertically. Default `0`. */
  readonly gap?: number;
  /** Never use more columns than this (a positive integer). Default: no limit. */
  readonly maxColumns?: number;
}

/** Geometry chosen by {@link computeGridLayout}. Tile sizes are whole pixels. */
export interface GridLayout {
  readonly columns: number;
  readonly rows: number;
  readonly tileWidth: number;
  readonly tileHeight: number;
}

/**
 * Chooses the number of columns and rows that gives every tile the largest possible area, with
 * tiles keeping `aspectRatio` and the whole grid (gaps included) fitting in `width` × `height`.
 *
 * A pure function: no DOM, no state. Ties go to the arrangement with fewer empty cells, then to
 * fewer rows. With a zero-size area the columns/rows are still chosen (as if the area had the
 * tiles' aspect ratio) and the tile size is 0.
 *
 * @example
 * ```ts
 * computeGridLayout({ count: 4, width: 1280, height: 720 });
 * // → { columns: 2, rows: 2, tileWidth: 640, tileHeight: 360 }
 * ```
 * @throws {ValidationError} when an argument is not a finite number in range.
 */
export function computeGridLayout(input: GridLayoutInput): GridLayout {
  const { count, width, height, aspectRatio = 16 / 9, gap = 0, maxColumns } = input;
  if (!Number.isInteger(count) || count < 0) {
    throw new ValidationError('count', `expected a non-negative integer, got ${String(count)}.`);
  }
  requireNonNegative('width', width);
  requireNonNegative('height', height);
  requireNonNegative('gap', gap);
  if (!Number.isFinite(aspectRatio) || aspectRatio <= 0) {
    throw new ValidationError('aspectRatio', `expected a positive number (width / height), got ${String(aspectRatio)}.`);
  }
  if (maxColumns !== undefined && (!Number.isInteger(maxColumns) || maxColumns < 1)) {
    throw new ValidationError('maxColumns', `expected a positive integer, got ${String(maxColumns)}.`);
  }

  if (count === 0) return { columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 };

  const columnLimit = Math.min(count, maxColumns ?? count);
  const degenerate = width === 0 || height === 0;
  // A zero-size area still gets a sensible shape, chosen as if it had the tiles' own aspect ratio.
  const areaWidth = degenerate ? aspectRatio * 1000 : width;
  const areaHeight = degenerate ? 1000 : height;
  const areaGap = degenerate ? 0 : gap;

  let best = { columns: 1, rows: count, tileWidth: 0, empty: Infinity };
  for (let columns = 1; columns <= columnLimit; columns++) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (areaWidth - areaGap * (columns - 1)) / columns;
    const cellHeight = (areaHeight - areaGap * (rows - 1)) / rows;
    const tileWidth = Math.max(0, Math.min(cellWidth, cellHeight * aspectRatio));
    const empty = columns * rows - count;
    // Same width means same area (the aspect ratio is fixed); compare with a tolerance for floats.
    const better =
      tileWidth > best.tileWidth + 1e-9 ||
      (Math.abs(tileWidth - best.tileWidth) <= 1e-9 && (empty < best.empty || (empty === best.empty && rows < best.rows)));
    if (better) best = { columns, rows, tileWidth, empty };
  }

  if (degenerate) return { columns: best.columns, rows: best.rows, tileWidth: 0, tileHeight: 0 };
  // Floor both sides so that rounding can never make the grid overflow its area.
  const tileWidth = Math.floor(best.tileWidth + 1e-9);
  const tileHeight = Math.floor(best.tileWidth / aspectRatio + 1e-9);
  return { columns: best.columns, rows: best.rows, tileWidth, tileHeight };
}

function requireNonNegative(field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new ValidationError(field, `expected a finite number ≥ 0, got ${String(value)}.`);
  }
}
