/**
 * The types of the grid, imported by both its halves: StageGrid (in the entry) and the renderer it
 * loads on first use (grid-renderer.ts), so neither imports the other for types.
 */
import type { SessionAddonEvents } from '../core/addon-events';
import type { IvsRealtimeError } from '../core/errors';
import type { LayerPreference, Participant, StageSessionEvents, StageSessionState } from '../stage/types';
import type { ParticipantIndicators, StageGridLabels } from './labels';
import type { GridLayout, SpotlightLayout } from './layout';
import type { TileContext } from './tile';

/**
 * What {@link StageGrid} reads from a session: the subset of `StageSession` it renders.
 * Any object with this shape works (a `StageSession`, or a test double).
 *
 * Speaking and network-quality indicators are optional: the grid reads `speaking`,
 * `audioLevel` and `networkQuality` from participant snapshots when they have them
 * ({@link ParticipantIndicators}), else from the {@link StageGridSourceEvents} a source may emit.
 */
export interface StageGridSource {
  readonly state: StageSessionState;
  readonly participants: readonly Participant[];
  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof StageSessionEvents>(event: K, listener: (payload: StageSessionEvents[K]) => void): () => void;
  /**
   * Which simulcast layer to receive from a participant (`StageSession.setPreferredLayer`). Optional:
   * the grid asks for layers by tile size when the source has it (see `StageGridOptions.layerPreferences`).
   */
  setPreferredLayer?(participantId: string, preference: LayerPreference): void;
}

/**
 * Optional events of a {@link StageGridSource}, used for indicators that participant snapshots do
 * not carry (a `StageSession` emits them once an `ActiveSpeakerDetector` / `NetworkQualityMonitor`
 * is attached). Both are applied synchronously, so the DOM follows within the same frame.
 */
export type StageGridSourceEvents = SessionAddonEvents;

/** `grid`: every tile the same size. `spotlight`: one large tile, the others in a strip. */
export type StageGridLayoutMode = 'grid' | 'spotlight';

/** Order of the tiles: the local participant first (then join order), or strictly join order. */
export type StageGridTileOrder = 'local-first' | 'join-order';

/** Options of {@link StageGrid}. */
export interface StageGridOptions {
  /** Show a tile for the local participant. Default `true`. */
  showLocal?: boolean;
  /**
   * Which participants get a tile, checked on every snapshot (a tile appears or goes when the
   * answer changes). Default: all. Example: `(p) => p.isPublishing || p.isLocal` for a stage with
   * many subscribe-only participants.
   */
  filter?: (participant: Participant) => boolean;
  /** Mirror the local participant's video (like a mirror, as users expect of a selfie view). Default `true`. */
  mirrorLocalVideo?: boolean;
  /** Show names, mute marks, initials and the connection banner. Default `true`; see {@link StageGrid.setOverlay}. */
  overlay?: boolean;
  /** Default `'local-first'`. */
  tileOrder?: StageGridTileOrder;
  /** Width / height of every tile. Default `16 / 9`. */
  aspectRatio?: number;
  /** Space between tiles in CSS pixels. Default `8`. */
  gap?: number;
  /** At most this many columns. Default: no limit. */
  maxColumns?: number;
  /**
   * Initial layout. Default `'grid'`. In `'spotlight'` the large tile shows the pinned
   * participant, else the latest remote speaker, else the first remote publisher, else the local one.
   */
  layout?: StageGridLayoutMode;
  /** {@link StageGrid.pin} switches to the spotlight layout (and `unpin()` switches back). Default `true`. */
  spotlightOnPin?: boolean;
  /**
   * Most tiles on one page of the grid layout; beyond that the grid shows pages with
   * previous/next controls. Off-page tiles keep their media elements: they are hidden, their
   * video is paused (nothing is painted; the track is still received and decoded, so use the
   * session's subscribe strategy to stop receiving it) and their audio keeps playing.
   * The pinned participant and recent speakers are kept on the first page. Default `12`.
   */
  maxTiles?: number;
  /** Most tiles in the spotlight layout's strip, per page. Default `6`. */
  maxStripTiles?: number;
  /**
   * Ask the session for the simulcast layer each tile needs (`session.setPreferredLayer`): the
   * spotlight's large tile the highest layer, the strip's small tiles and tiles on hidden pages the
   * lowest, grid tiles `'auto'` (the stage adapts). Called only when a participant's tile moves
   * between those places; a participant whose tile goes away (filter, destroy) is given back
   * `'auto'`. Publishers without simulcast are not affected. `false`: the grid never calls it (the
   * app manages layers itself). Default `true`.
   */
  layerPreferences?: boolean;
  /**
   * Insert the default stylesheet (`<style data-ivs-grid>`) once per document, or once per shadow
   * root when the container is in a shadow tree. Default `true`.
   */
  injectStyles?: boolean;
  /** `nonce` for the injected `<style>`, for pages with a strict Content-Security-Policy. */
  styleNonce?: string;
  /** Name shown for a participant. Default: {@link defaultDisplayName}. */
  displayName?: (participant: Participant) => string;
  /** Texts of the grid, to translate it. */
  labels?: Partial<StageGridLabels>;
}

/** Events of a {@link StageGrid}: one object payload each. */
export interface StageGridEvents {
  /** A tile was inserted for a participant. */
  tileAdded: { participant: Participant; element: HTMLElement };
  /** A participant's tile was removed (the participant left, or the grid was destroyed). */
  tileRemoved: { participant: Participant; element: HTMLElement };
  /**
   * The browser refused to start playback without a user gesture. Emitted once until playback is
   * resumed; the grid shows one click-to-play button meanwhile ({@link StageGrid.resumePlayback}).
   */
  autoplayBlocked: { participant: Participant; kind: 'audio' | 'video' };
  /** Playback refused earlier has been resumed; the click-to-play button is gone. */
  playbackResumed: Record<string, never>;
  /** The layout mode changed ({@link StageGrid.setLayout}, or a pin switching to spotlight). */
  layoutChanged: { layout: StageGridLayoutMode };
  /** The pinned participant changed (`undefined`: none; a pinned participant that leaves is unpinned). */
  pinChanged: { participantId: string | undefined; previous: string | undefined };
  /** The current page or the number of pages changed (pages count from 1). */
  pageChanged: { page: number; pageCount: number };
  /**
   * The part of the grid that renders tiles could not be loaded (code `LOAD_FAILED`: the
   * bundler does not serve this package's chunks, or the network failed). The grid tries again on
   * the session's next change, {@link StageGrid.load} or {@link StageGrid.refresh}.
   */
  error: { error: IvsRealtimeError };
}

/** Resolved options of the grid that rendering uses. */
export interface RendererOptions {
  readonly showLocal: boolean;
  readonly filter: (participant: Participant) => boolean;
  readonly tileOrder: 'local-first' | 'join-order';
  readonly aspectRatio: number;
  readonly gap: number;
  readonly maxColumns: number | undefined;
  readonly spotlightOnPin: boolean;
  readonly maxTiles: number;
  readonly maxStripTiles: number;
  readonly layerPreferences: boolean;
}

/** What the renderer needs from its {@link StageGrid}. */
export interface RendererHost {
  /** The grid's root; the renderer adds its lists and pager to it. */
  readonly element: HTMLDivElement;
  readonly session: StageGridSource;
  readonly options: RendererOptions;
  /** Labels, display name, mirroring and indicators; `play` and `togglePin` are the renderer's. */
  readonly context: Omit<TileContext, 'play' | 'togglePin'>;
  /** Aborted when the grid is destroyed. */
  readonly signal: AbortSignal;
  overlay(): boolean;
  emit<K extends keyof StageGridEvents>(event: K, payload: StageGridEvents[K]): void;
}

/** The renderer's state that StageGrid exposes (layout, pin, pages, playback). */
export interface GridRendererState {
  layout: GridLayout;
  spotlightLayout: SpotlightLayout | undefined;
  mode: StageGridLayoutMode;
  pinned: string | undefined;
  page: number;
  pageCount: number;
  playbackBlocked: boolean;
}

/**
 * What StageGrid reads from and asks of its renderer. The state is read-only here: only the
 * renderer changes it, and StageGrid exposes it through its getters.
 */
export interface GridRendererView {
  readonly state: Readonly<GridRendererState>;
  tileElement(id: string): HTMLElement | undefined;
  refresh(): void;
  setOverlay(on: boolean): void;
  setLayout(layout: StageGridLayoutMode): void;
  reconcile(force: boolean): void;
  upsert(participant: Participant & ParticipantIndicators, force?: boolean): void;
  remove(id: string): void;
  indicatorsChanged(ids: Iterable<string>, speakers?: readonly string[]): void;
  setPin(id: string | undefined): void;
  relayout(requestedPage?: number): void;
  resumePlayback(): Promise<boolean>;
  destroy(): void;
}
