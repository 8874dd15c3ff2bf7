/** The grid: framework-free DOM rendering of a stage session. */
export { StageGrid } from './stage-grid';
export type { StageGridEvents, StageGridOptions, StageGridSource, StageGridTileOrder } from './stage-grid';
export { computeGridLayout } from './layout';
export type { GridLayout, GridLayoutInput } from './layout';
export { DEFAULT_STAGE_GRID_LABELS, defaultDisplayName, initialsOf } from './tile';
export type { StageGridLabels } from './tile';
export { STAGE_GRID_CSS } from './styles';
