/** The grid: framework-free DOM rendering of a stage session. */
export { StageGrid } from './stage-grid';
export type { StageGridEvents, StageGridLayoutMode, StageGridOptions, StageGridSource, StageGridSourceEvents, StageGridTileOrder } from './types';
export { computeGridLayout, computeSpotlightLayout, prioritizeTiles } from './layout';
export type { GridLayout, GridLayoutInput, SpotlightLayout, SpotlightLayoutInput } from './layout';
export { DEFAULT_STAGE_GRID_LABELS, defaultDisplayName, initialsOf } from './labels';
export type { ParticipantIndicators, StageGridLabels } from './labels';
export { STAGE_GRID_CSS } from './styles';
