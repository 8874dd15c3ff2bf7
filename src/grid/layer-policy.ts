/**
 * Which simulcast layer StageGrid asks for, per remote participant, from where its tile is:
 * the large spotlight tile gets the highest layer, small strip tiles and tiles on hidden pages the
 * lowest, tiles of the grid layout leave the choice to the stage (`'auto'`: network adaption).
 * (Internal module: not part of the public API; used by the grid's renderer.)
 */
import { IvsRealtimeError } from '../core/errors';
import type { LayerPreference } from '../stage/types';
import type { StageGridSource } from './types';

/** Where a participant's tile is: the large spotlight tile, the spotlight's strip, the grid, or a hidden page. */
export type TilePlacement = 'spotlight' | 'strip' | 'grid' | 'hidden';

const LAYER_OF: Readonly<Record<TilePlacement, LayerPreference>> = {
  spotlight: 'highest',
  strip: 'lowest',
  grid: 'auto',
  hidden: 'lowest',
};

/** The layer a tile in `placement` asks for. */
export function layerForPlacement(placement: TilePlacement): LayerPreference {
  return LAYER_OF[placement];
}

/**
 * One call of `setPreferredLayer` to make: the participant's preference changed. A participant that
 * has no entry in `applied` is taken to be at the session's default, `'auto'`.
 */
export interface LayerChange {
  readonly participantId: string;
  readonly preference: LayerPreference;
}

/**
 * The calls that move the preferences from `applied` to what `placements` ask for. Participants in
 * `applied` without a placement any more get `'auto'` back (the grid no longer shows them) when
 * `present(id)` (still in the session), and nothing otherwise (the session forgets a participant
 * that left). Pure: `applied` is not changed.
 */
export function layerChanges(
  applied: ReadonlyMap<string, LayerPreference>,
  placements: ReadonlyMap<string, TilePlacement>,
  present: (participantId: string) => boolean,
): LayerChange[] {
  const changes: LayerChange[] = [];
  for (const [participantId, placement] of placements) {
    const preference = layerForPlacement(placement);
    if ((applied.get(participantId) ?? 'auto') !== preference) changes.push({ participantId, preference });
  }
  for (const [participantId, preference] of applied) {
    if (!placements.has(participantId) && preference !== 'auto' && present(participantId)) changes.push({ participantId, preference: 'auto' });
  }
  return changes;
}

/**
 * Applies {@link layerChanges} to a session: calls `setPreferredLayer` only for participants whose
 * preference changed, remembers what it asked for, and hands every participant back to `'auto'` on
 * {@link release}. Does nothing when the session has no `setPreferredLayer` or when disabled.
 */
export class GridLayerPreferences {
  #applied = new Map<string, LayerPreference>();
  #source: StageGridSource;
  #enabled: boolean;
  #onError: (error: IvsRealtimeError) => void;

  constructor(source: StageGridSource, enabled: boolean, onError: (error: IvsRealtimeError) => void) {
    this.#source = source;
    this.#enabled = enabled && typeof source.setPreferredLayer === 'function';
    this.#onError = onError;
  }

  /** Brings the session's preferences in line with the tiles' placements (remote participants only). */
  update(placements: ReadonlyMap<string, TilePlacement>): void {
    if (!this.#enabled) return;
    const present = new Set(this.#source.participants.map((p) => p.id));
    for (const id of [...this.#applied.keys()]) if (!present.has(id)) this.#applied.delete(id);
    for (const change of layerChanges(this.#applied, placements, (id) => present.has(id))) this.#set(change);
  }

  /** Gives every participant the grid asked a layer for back to `'auto'` (the grid is destroyed). */
  release(): void {
    this.update(new Map());
    this.#applied.clear();
  }

  #set({ participantId, preference }: LayerChange): void {
    try {
      this.#source.setPreferredLayer!(participantId, preference);
    } catch (error) {
      // A session that cannot take it now (e.g. disposed) keeps its own state; the grid goes on rendering.
      if (error instanceof IvsRealtimeError) this.#onError(error);
      else throw error;
      return;
    }
    if (preference === 'auto') this.#applied.delete(participantId);
    else this.#applied.set(participantId, preference);
  }
}
