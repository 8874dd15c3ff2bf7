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
  return { columns: best.columns, rows: best.rows, tileWidth: floor(best.tileWidth), tileHeight: floor(best.tileWidth / aspectRatio) };
}

function requireNonNegative(field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new ValidationError(field, `expected a finite number ≥ 0, got ${String(value)}.`);
  }
}

/** Input of {@link computeSpotlightLayout}. Sizes are CSS pixels. */
export interface SpotlightLayoutInput {
  /** Number of tiles in the strip (the spotlight tile not included; a non-negative integer). */
  readonly count: number;
  /** Width of the whole area (spotlight and strip). */
  readonly width: number;
  /** Height of the whole area. */
  readonly height: number;
  /** Width / height of every tile, the spotlight included. Default `16 / 9`. */
  readonly aspectRatio?: number;
  /** Space between strip tiles, and between the strip and the spotlight. Default `0`. */
  readonly gap?: number;
}

/** Geometry chosen by {@link computeSpotlightLayout}. Sizes are whole pixels. */
export interface SpotlightLayout {
  /** Where the strip goes: `right` when the area is wider than a tile's aspect ratio, else `bottom`. */
  readonly strip: 'bottom' | 'right';
  readonly mainWidth: number;
  readonly mainHeight: number;
  /** Size of each strip tile (0 when the strip is empty). */
  readonly tileWidth: number;
  readonly tileHeight: number;
}

/** Largest share of the area's height (bottom strip) or width (right strip) the strip may take. */
const STRIP_SHARE = 0.2;

/**
 * Geometry of the spotlight layout: one large tile, the others in one line beside it. The strip
 * runs along the bottom, or down the right side when the area is wider than the tiles' aspect
 * ratio (so the spotlight loses as little as possible). Strip tiles are as large as they can be
 * within {@link STRIP_SHARE | a fifth} of the area; the spotlight fits in what is left. A pure
 * function, like {@link computeGridLayout}.
 *
 * @example
 * ```ts
 * computeSpotlightLayout({ count: 3, width: 1280, height: 720, gap: 8 });
 * // → { strip: 'bottom', mainWidth: 1009, mainHeight: 568, tileWidth: 256, tileHeight: 144 }
 * ```
 * @throws {ValidationError} when an argument is not a finite number in range.
 */
export function computeSpotlightLayout(input: SpotlightLayoutInput): SpotlightLayout {
  const { count, width, height, aspectRatio = 16 / 9, gap = 0 } = input;
  // Same validation, same messages.
  computeGridLayout({ count, width, height, aspectRatio, gap });
  const right = width > height * aspectRatio;
  // Strip length and the room across it, measured as tile widths (right: heights).
  const [along, across] = right ? [height, width / aspectRatio] : [width, height * aspectRatio];
  const tile = count ? Math.max(0, Math.min((along - gap * (count - 1)) / count, across * STRIP_SHARE)) : 0;
  const [tileWidth, tileHeight] = right ? [tile * aspectRatio, tile] : [tile, tile / aspectRatio];
  const room = count ? gap : 0;
  const areaWidth = Math.max(0, width - (right ? tileWidth + room : 0));
  const areaHeight = Math.max(0, height - (right ? 0 : tileHeight + room));
  const mainWidth = Math.min(areaWidth, areaHeight * aspectRatio);
  return {
    strip: right ? 'right' : 'bottom',
    mainWidth: floor(mainWidth),
    mainHeight: floor(mainWidth / aspectRatio),
    tileWidth: floor(tileWidth),
    tileHeight: floor(tileHeight),
  };
}

/**
 * Order in which tiles are given places (pages, the strip): the ids of `first` that are in
 * `ids` (in the order given, each once), then the other ids in their own order. The grid passes
 * the pinned participant then the recent speakers as `first`, so they stay on the first page.
 */
export function prioritizeTiles(ids: readonly string[], first: readonly (string | undefined)[]): string[] {
  const present = new Set(ids);
  const head = [...new Set(first)].filter((id): id is string => id !== undefined && present.has(id));
  const taken = new Set(head);
  return [...head, ...ids.filter((id) => !taken.has(id))];
}

function floor(value: number): number {
  return Math.floor(value + 1e-9);
}
