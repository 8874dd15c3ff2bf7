import { TypedEmitter } from '../core/emitter';
import { InvalidStateError, LoadError, ValidationError, type IvsRealtimeError } from '../core/errors';
import { chunkLoadFailure, loadOnce } from '../core/load-once';
import type { Participant, StageSessionEvents, StageSessionState } from '../stage/types';
import type * as Renderer from './grid-renderer';
import type { GridRendererView, RendererHost, RendererOptions, StageGridEvents, StageGridLayoutMode, StageGridOptions, StageGridSource } from './types';
import { DEFAULT_STAGE_GRID_LABELS, defaultDisplayName, initialsOf, type ParticipantIndicators } from './labels';
import { computeGridLayout, type GridLayout, type SpotlightLayout } from './layout';
import { acquireGridStyles, styleScopeOf } from './styles';

export type { StageGridEvents, StageGridLayoutMode, StageGridOptions, StageGridSource, StageGridSourceEvents, StageGridTileOrder } from './types';

const BANNER_STATES: ReadonlySet<StageSessionState> = new Set(['connecting', 'reconnecting', 'disconnected']);
const LAYOUT_MODES: readonly StageGridLayoutMode[] = ['grid', 'spotlight'];

type RendererModule = typeof Renderer;
/** Set once loaded, so later grids render in their constructor. */
let loadedRenderer: RendererModule | undefined;

const loadRenderer = loadOnce(
  (): Promise<RendererModule> => import('./grid-renderer').then((module) => (loadedRenderer = module)),
  (error) =>
    new LoadError("StageGrid's renderer", chunkLoadFailure("StageGrid's renderer", error, "the grid tries again on the session's next change, load() or refresh()"), {
      cause: error,
    }),
);

/**
 * Renders a stage session into any element: one tile per participant with its `<video>`, an
 * `<audio>` for remote participants (local audio is never played back), an overlay (name, mute
 * and network-quality marks, pin button, initials when there is no video, connection banner),
 * a speaking highlight, and a `grid` or `spotlight` layout that gives tiles the largest area for
 * the container's size, in pages of `maxTiles` when there are more.
 *
 * The session owns the state; the grid only renders it. Tiles are keyed by participant id and
 * only what changed is touched: a `<video>` is never re-created nor re-attached while its
 * participant's video track is the same, so updates never flash black.
 *
 * The part that renders tiles loads on first use, alongside the session's own first join: when
 * the session starts joining or has participants (or on {@link StageGrid.load}). Until then the
 * grid shows its root and connection banner; `await grid.load()` to have tiles rendered now.
 *
 * The grid adds one root element to the container and changes nothing else about it;
 * {@link StageGrid.destroy} removes that root and every listener, and stops no track (the
 * session owns them). Theme it with the CSS custom properties listed in `STAGE_GRID_CSS`.
 *
 * @example
 * ```ts
 * const session = new StageSession();
 * const grid = new StageGrid(document.querySelector('#stage')!, session, { tileOrder: 'join-order' });
 * grid.on('autoplayBlocked', () => console.info('waiting for a click to start audio'));
 * await session.join({ token, publish: true });
 * grid.pin(someParticipantId); // spotlight layout, that participant large
 * grid.unpin(); // back to the grid
 * // later
 * grid.destroy();
 * ```
 */
export class StageGrid extends TypedEmitter<StageGridEvents> {
  /** The grid's root element (child of the container). */
  readonly element: HTMLDivElement;
  #session: StageGridSource;
  #host: RendererHost;
  #banner: HTMLDivElement;
  #overlay: boolean;
  /** The layout mode until the renderer takes over. */
  #mode: StageGridLayoutMode;
  #renderer: GridRendererView | undefined;
  /** Indicator state from source events (kept from the start, so none is missed before the renderer loads). */
  #speakers = new Set<string>();
  #levels: Readonly<Record<string, number>> = {};
  #quality = new Map<string, ParticipantIndicators['networkQuality']>();
  #abort = new AbortController();
  #releaseStyles: () => void = () => {};

  constructor(container: HTMLElement, session: StageGridSource, options: StageGridOptions = {}) {
    super();
    if (!container || typeof container !== 'object' || container.nodeType !== 1 || !container.ownerDocument) {
      throw new ValidationError('container', 'expected an HTMLElement to render the grid into (e.g. document.querySelector("#stage")).');
    }
    if (!session || typeof session.on !== 'function' || !Array.isArray(session.participants)) {
      throw new ValidationError('session', 'expected a StageSession (an object with `participants`, `state` and `on()`).');
    }
    if (options.layerPreferences !== undefined && typeof options.layerPreferences !== 'boolean') {
      throw new ValidationError('layerPreferences', `expected true or false, got ${String(options.layerPreferences)}.`);
    }
    if (options.filter !== undefined && typeof options.filter !== 'function') {
      throw new ValidationError('filter', 'expected a function (participant) => boolean.');
    }
    const rendererOptions: RendererOptions = {
      showLocal: options.showLocal ?? true,
      filter: options.filter ?? (() => true),
      tileOrder: requireOneOf('tileOrder', options.tileOrder ?? 'local-first', ['local-first', 'join-order']),
      aspectRatio: options.aspectRatio ?? 16 / 9,
      gap: options.gap ?? 8,
      maxColumns: options.maxColumns,
      spotlightOnPin: options.spotlightOnPin ?? true,
      maxTiles: requireCount('maxTiles', options.maxTiles ?? 12),
      maxStripTiles: requireCount('maxStripTiles', options.maxStripTiles ?? 6),
      layerPreferences: options.layerPreferences ?? true,
    };
    this.#mode = requireOneOf('layout', options.layout ?? 'grid', LAYOUT_MODES);
    // Validates aspectRatio, gap and maxColumns once, with the same messages as the layout function.
    const { aspectRatio, gap, maxColumns } = rendererOptions;
    computeGridLayout({ count: 0, width: 0, height: 0, aspectRatio, gap, ...(maxColumns === undefined ? {} : { maxColumns }) });

    this.#session = session;
    this.#overlay = options.overlay ?? true;
    const doc = container.ownerDocument;
    const labels = { ...DEFAULT_STAGE_GRID_LABELS, ...options.labels };
    const signal = this.#abort.signal;
    const root = (this.element = doc.createElement('div'));
    root.className = 'ivs-grid';
    root.setAttribute('role', 'region');
    root.setAttribute('aria-label', labels.grid);
    root.classList.toggle('ivs-grid--no-overlay', !this.#overlay);
    const banner = (this.#banner = doc.createElement('div'));
    banner.className = 'ivs-grid__banner';
    banner.setAttribute('role', 'status');
    banner.hidden = true;
    root.append(banner);
    this.#host = {
      element: root,
      session,
      options: rendererOptions,
      context: {
        document: doc,
        labels,
        mirrorLocalVideo: options.mirrorLocalVideo ?? true,
        displayName: options.displayName ?? defaultDisplayName,
        initials: initialsOf,
        indicators: (id) => ({ speaking: this.#speakers.has(id), audioLevel: this.#levels[id], networkQuality: this.#quality.get(id) }),
      },
      signal,
      overlay: () => this.#overlay,
      emit: (event, payload) => this.emit(event, payload),
    };

    const listen = <K extends keyof StageSessionEvents>(event: K, listener: (payload: StageSessionEvents[K]) => void) => {
      const off = session.on(event, listener);
      signal.addEventListener('abort', off, { once: true });
    };
    // Before the renderer is there, participant events only start loading it: it renders from `session.participants`.
    const upsert = ({ participant }: { participant: Participant }) => (this.#renderer ? this.#renderer.upsert(participant) : this.#load());
    listen('participantJoined', upsert);
    listen('participantUpdated', upsert);
    listen('streamsChanged', upsert);
    listen('muteChanged', upsert);
    listen('participantLeft', ({ participant }) => {
      this.#quality.delete(participant.id);
      this.#renderer?.remove(participant.id);
    });
    listen('stateChanged', ({ state }) => {
      this.#renderState();
      if (state !== 'idle' && !this.#renderer) this.#load();
    });
    listen('left', () => {
      this.#quality.clear();
      this.#renderer?.reconcile(false);
      this.#renderState();
    });
    listen('speakersChanged', ({ speakers, audioLevels }) => {
      const touched = new Set([...this.#speakers, ...speakers, ...Object.keys(this.#levels)]);
      this.#speakers = new Set(speakers);
      this.#levels = { ...audioLevels };
      this.#renderer?.indicatorsChanged([...touched, ...Object.keys(this.#levels)], speakers);
    });
    listen('qualityChanged', ({ participantId, quality }) => {
      this.#quality.set(participantId, quality);
      this.#renderer?.indicatorsChanged([participantId]);
    });

    container.append(root);
    // After mounting: the scope (document or shadow root) is where the grid actually lives.
    if (options.injectStyles ?? true) this.#releaseStyles = acquireGridStyles(styleScopeOf(root), options.styleNonce);
    this.#renderState();
    if (loadedRenderer) this.#attach(loadedRenderer);
    else if (session.state !== 'idle' || session.participants.length > 0) this.#load();
  }

  /**
   * The current geometry of the tile list, in CSS pixels: the whole grid in the grid layout,
   * the strip in the spotlight layout (see {@link spotlightLayout} for the large tile).
   * All zero until tiles are rendered.
   */
  get layout(): GridLayout {
    return this.#renderer?.state.layout ?? { columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 };
  }

  /** The spotlight geometry while the spotlight layout shows a tile, else `undefined`. */
  get spotlightLayout(): SpotlightLayout | undefined {
    return this.#renderer?.state.spotlightLayout;
  }

  /** The current layout mode. */
  get layoutMode(): StageGridLayoutMode {
    return this.#renderer?.state.mode ?? this.#mode;
  }

  /** The pinned participant's id, if any. */
  get pinned(): string | undefined {
    return this.#renderer?.state.pinned;
  }

  /** The current page, from 1. */
  get page(): number {
    return this.#renderer?.state.page ?? 1;
  }

  /** Number of pages (1 when every tile fits). */
  get pageCount(): number {
    return this.#renderer?.state.pageCount ?? 1;
  }

  /** Whether the overlay is shown. */
  get overlay(): boolean {
    return this.#overlay;
  }

  /** Whether playback is waiting for a user gesture (the click-to-play button is shown). */
  get playbackBlocked(): boolean {
    return this.#renderer?.state.playbackBlocked ?? false;
  }

  /** Whether {@link destroy} has been called. */
  get destroyed(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Whether tiles are rendered (the renderer has loaded); see {@link load}. */
  get loaded(): boolean {
    return this.#renderer !== undefined;
  }

  /**
   * Loads the part of the grid that renders tiles now, if it has not loaded yet (it otherwise
   * loads when the session starts joining or has participants), and resolves once the session's
   * participants are rendered. Rejects with an {@link IvsRealtimeError} (`LOAD_FAILED`) when
   * the chunk cannot be loaded; calling it again retries.
   */
  async load(): Promise<void> {
    this.#assertAlive('load');
    if (this.#renderer) return;
    // loadRenderer() is shared by every grid and retries after a failure; #attach() attaches once.
    this.#attach(await loadRenderer());
  }

  /** The tile element of a participant, if it has one. */
  getTileElement(participantId: string): HTMLElement | undefined {
    return this.#renderer?.tileElement(participantId);
  }

  /** Shows or hides the overlay (names, marks, pin buttons, initials, connection banner) at runtime. */
  setOverlay(on: boolean): void {
    this.#assertAlive('setOverlay');
    if (on === this.#overlay) return;
    this.#overlay = on;
    this.element.classList.toggle('ivs-grid--no-overlay', !on);
    this.#renderer?.setOverlay(on);
    this.#renderState();
  }

  /**
   * Switches between the grid and the spotlight layout (back to page 1). Tiles move without
   * their media being re-attached. Emits `layoutChanged` when the mode changes.
   * @throws {ValidationError} for an unknown mode.
   */
  setLayout(layout: StageGridLayoutMode): void {
    this.#assertAlive('setLayout');
    requireOneOf('layout', layout, LAYOUT_MODES);
    if (this.#renderer) return this.#renderer.setLayout(layout);
    if (layout === this.#mode) return;
    this.#mode = layout;
    this.emit('layoutChanged', { layout });
  }

  /**
   * Pins a participant: it gets the spotlight (switching to the spotlight layout unless
   * `spotlightOnPin` is false) and stays on the first page. Emits `pinChanged`.
   * @throws {ValidationError} when the grid shows no tile for `participantId`.
   */
  pin(participantId: string): void {
    this.#assertAlive('pin');
    if (!this.#renderer?.tileElement(participantId)) {
      throw new ValidationError(
        'participantId',
        `the grid shows no participant ${JSON.stringify(participantId)}; pin one of the participants it shows${this.#renderer ? '' : ' (no tile is rendered yet: await grid.load() first)'}.`,
      );
    }
    this.#renderer.setPin(participantId);
  }

  /** Unpins the pinned participant (back to the layout used before pinning, if pinning changed it). */
  unpin(): void {
    this.#assertAlive('unpin');
    this.#renderer?.setPin(undefined);
  }

  /**
   * Shows page `page` (from 1 to {@link pageCount}). Emits `pageChanged` when it changes.
   * @throws {ValidationError} when `page` is not an integer in that range.
   */
  setPage(page: number): void {
    this.#assertAlive('setPage');
    if (!Number.isInteger(page) || page < 1 || page > this.pageCount) {
      throw new ValidationError('page', `expected an integer from 1 to ${this.pageCount}, got ${String(page)}.`);
    }
    this.#renderer?.relayout(page);
  }

  /**
   * Re-renders from the session: adds and removes tiles to match `session.participants`,
   * re-syncs every tile and the banner, and re-measures the container. Media elements whose
   * track did not change are kept as they are.
   */
  refresh(): void {
    this.#assertAlive('refresh');
    this.#renderState();
    if (this.#renderer) this.#renderer.refresh();
    else if (this.#session.state !== 'idle' || this.#session.participants.length > 0) this.#load();
  }

  /**
   * Calls `play()` on every media element of the grid. Call it from a user gesture (a click)
   * after `autoplayBlocked`; the grid's own click-to-play button does exactly this.
   * Resolves `true` when nothing is refused any more (the button is then removed).
   */
  async resumePlayback(): Promise<boolean> {
    this.#assertAlive('resumePlayback');
    return this.#renderer ? this.#renderer.resumePlayback() : true;
  }

  /**
   * Removes everything the grid added (its root, its stylesheet when no other grid uses it),
   * detaches every listener and observer, and leaves the container as it was. Tracks are not
   * stopped: they belong to the session. Idempotent.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.#abort.abort();
    this.#renderer?.destroy();
    this.element.remove();
    this.#releaseStyles();
    this.removeAllListeners();
  }

  /**
   * Starts loading the renderer in the background. A failure is reported as an `error` event, or
   * on the console when nothing listens (an empty grid should not be a mystery).
   */
  #load(): void {
    if (this.destroyed) return;
    this.load().catch((error: IvsRealtimeError) => {
      if (this.destroyed) return;
      if (this.listenerCount('error') === 0) console.error('[aws-ivs-realtime] StageGrid:', error);
      this.emit('error', { error });
    });
  }

  #attach(module: RendererModule): void {
    if (this.destroyed || this.#renderer) return;
    this.#renderer = new module.GridRenderer(this.#host, this.#mode);
  }

  #assertAlive(method: string): void {
    if (this.destroyed) throw new InvalidStateError('destroyed', `StageGrid.${method}() was called after destroy(); create a new StageGrid instead.`);
  }

  #renderState(): void {
    if (this.destroyed) return;
    const state = this.#session.state;
    const { labels } = this.#host.context;
    const show = this.#overlay && BANNER_STATES.has(state);
    if (show) this.#banner.textContent = state === 'connecting' ? labels.connecting : state === 'reconnecting' ? labels.reconnecting : labels.disconnected;
    this.#banner.hidden = !show;
  }
}

function requireOneOf<T extends string>(field: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw new ValidationError(field, `expected ${allowed.map((v) => `'${v}'`).join(' or ')}, got ${String(value)}.`);
  return value;
}

function requireCount(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ValidationError(field, `expected a positive integer, got ${String(value)}.`);
  return value;
}
