import { TypedEmitter } from '../core/emitter';
import { InvalidStateError, ValidationError } from '../core/errors';
import type { Participant, StageSessionEvents, StageSessionState } from '../stage/types';
import { computeGridLayout, computeSpotlightLayout, prioritizeTiles, type GridLayout, type SpotlightLayout } from './layout';
import { observeSize, type Size } from './resize';
import { acquireGridStyles, styleScopeOf } from './styles';
import {
  DEFAULT_STAGE_GRID_LABELS,
  StageTile,
  defaultDisplayName,
  fill,
  make,
  setAttribute,
  setHidden,
  setProperty,
  setText,
  type ParticipantIndicators,
  type StageGridLabels,
  type TileContext,
} from './tile';

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
}

/**
 * Optional events of a {@link StageGridSource}, used for indicators that participant snapshots do
 * not carry (a `StageSession` emits them once an `ActiveSpeakerDetector` / `NetworkQualityMonitor`
 * is attached). Both are applied synchronously, so the DOM follows within the same frame.
 */
export interface StageGridSourceEvents {
  /** Who is speaking now, loudest first (replaces the previous list), and audio levels (0–1) by participant id. */
  speakersChanged: { speakers: readonly string[]; levels?: Readonly<Record<string, number>> };
  qualityChanged: { participantId: string; quality: NonNullable<ParticipantIndicators['networkQuality']> };
}

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
  [event: string]: object | undefined;
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
}

const BANNER_STATES: ReadonlySet<StageSessionState> = new Set(['connecting', 'reconnecting', 'disconnected']);

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
  #options: Required<Pick<StageGridOptions, 'showLocal' | 'tileOrder' | 'aspectRatio' | 'gap' | 'filter' | 'spotlightOnPin' | 'maxTiles' | 'maxStripTiles'>> &
    Pick<StageGridOptions, 'maxColumns'>;
  #context: TileContext;
  /** The tiles (grid layout) or the strip (spotlight layout). */
  #list: HTMLDivElement;
  /** Holds the spotlight tile. */
  #main: HTMLDivElement;
  #banner: HTMLDivElement;
  #pager: HTMLDivElement;
  #pageText: HTMLSpanElement;
  #pageButtons: HTMLButtonElement[];
  #playButton: HTMLButtonElement | undefined;
  /** Tiles in join order (Map iteration order is insertion order). */
  #tiles = new Map<string, StageTile>();
  #overlay: boolean;
  #size: Size = { width: 0, height: 0 };
  #layout: GridLayout = { columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 };
  #spotlightLayout: SpotlightLayout | undefined;
  #mode: StageGridLayoutMode;
  /** The mode to go back to on unpin, when pinning switched to spotlight. */
  #modeBeforePin: StageGridLayoutMode | undefined;
  #pinned: string | undefined;
  /** Remote participants that spoke, most recent first (kept on the first page, spotlight candidates). */
  #recentSpeakers: string[] = [];
  /** Indicator state from source events. */
  #speakers = new Set<string>();
  #levels: Readonly<Record<string, number>> = {};
  #quality = new Map<string, ParticipantIndicators['networkQuality']>();
  #page = 1;
  #pageCount = 1;
  #abort = new AbortController();
  #releaseStyles: () => void = () => {};
  #playbackBlocked = false;

  constructor(container: HTMLElement, session: StageGridSource, options: StageGridOptions = {}) {
    super();
    if (!container || typeof container !== 'object' || container.nodeType !== 1 || !container.ownerDocument) {
      throw new ValidationError('container', 'expected an HTMLElement to render the grid into (e.g. document.querySelector("#stage")).');
    }
    if (!session || typeof session.on !== 'function' || !Array.isArray(session.participants)) {
      throw new ValidationError('session', 'expected a StageSession (an object with `participants`, `state` and `on()`).');
    }
    if (options.filter !== undefined && typeof options.filter !== 'function') {
      throw new ValidationError('filter', 'expected a function (participant) => boolean.');
    }
    requireOneOf('tileOrder', options.tileOrder ?? 'local-first', ['local-first', 'join-order']);
    const mode = requireOneOf('layout', options.layout ?? 'grid', LAYOUT_MODES);
    const maxTiles = requireCount('maxTiles', options.maxTiles ?? 12);
    const maxStripTiles = requireCount('maxStripTiles', options.maxStripTiles ?? 6);
    const gap = options.gap ?? 8;
    const aspectRatio = options.aspectRatio ?? 16 / 9;
    // Validates aspectRatio, gap and maxColumns once, with the same messages as the layout function.
    computeGridLayout({ count: 0, width: 0, height: 0, aspectRatio, gap, ...(options.maxColumns === undefined ? {} : { maxColumns: options.maxColumns }) });

    this.#session = session;
    this.#options = {
      showLocal: options.showLocal ?? true,
      filter: options.filter ?? (() => true),
      tileOrder: options.tileOrder ?? 'local-first',
      aspectRatio,
      gap,
      spotlightOnPin: options.spotlightOnPin ?? true,
      maxTiles,
      maxStripTiles,
      ...(options.maxColumns === undefined ? {} : { maxColumns: options.maxColumns }),
    };
    this.#mode = mode;
    this.#overlay = options.overlay ?? true;
    const doc = container.ownerDocument;
    const labels = { ...DEFAULT_STAGE_GRID_LABELS, ...options.labels };
    this.#context = {
      document: doc,
      labels,
      mirrorLocalVideo: options.mirrorLocalVideo ?? true,
      displayName: options.displayName ?? defaultDisplayName,
      play: (element, participant, kind) => this.#play(element, participant, kind),
      indicators: (id) => ({ speaking: this.#speakers.has(id), audioLevel: this.#levels[id], networkQuality: this.#quality.get(id) }),
      togglePin: (id) => this.#setPin(this.#pinned === id ? undefined : id),
    };
    const signal = this.#abort.signal;

    this.element = make(doc, 'div', 'ivs-grid');
    this.element.setAttribute('role', 'region');
    this.element.setAttribute('aria-label', labels.grid);
    this.element.classList.toggle('ivs-grid--no-overlay', !this.#overlay);
    this.#main = make(doc, 'div', 'ivs-grid__main');
    this.#list = make(doc, 'div', 'ivs-grid__tiles');
    this.#list.setAttribute('role', 'list');
    this.#main.setAttribute('role', 'list');
    this.#banner = make(doc, 'div', 'ivs-grid__banner');
    this.#banner.setAttribute('role', 'status');
    this.#banner.hidden = true;
    this.#pager = make(doc, 'div', 'ivs-grid__pager');
    this.#pageText = make(doc, 'span', 'ivs-grid__page');
    this.#pageButtons = [this.#button('ivs-grid__prev', '‹', () => this.#step(-1)), this.#button('ivs-grid__next', '›', () => this.#step(1))];
    this.#pageButtons.forEach((button, index) => button.setAttribute('aria-label', index ? labels.nextPage : labels.previousPage));
    this.#pager.append(this.#pageButtons[0]!, this.#pageText, this.#pageButtons[1]!);
    this.element.append(this.#main, this.#list, this.#banner, this.#pager);
    this.element.addEventListener(
      'keydown',
      (event) => {
        const delta = PAGE_KEYS[event.key];
        if (delta && this.#pageCount > 1) {
          event.preventDefault();
          this.#step(delta);
        }
      },
      { signal },
    );

    setProperty(this.element, '--ivs-grid-gap', `${gap}px`);

    const listen = <K extends string>(event: K, listener: (payload: K extends keyof StageGridSourceEvents ? StageGridSourceEvents[K] : StageSessionEvents[K]) => void) => {
      const off = session.on(event, listener as (payload: unknown) => void);
      signal.addEventListener('abort', off, { once: true });
    };
    listen('participantJoined', ({ participant }) => this.#upsert(participant));
    listen('participantUpdated', ({ participant }) => this.#upsert(participant));
    listen('streamsChanged', ({ participant }) => this.#upsert(participant));
    listen('muteChanged', ({ participant }) => this.#upsert(participant));
    listen('participantLeft', ({ participant }) => this.#remove(participant.id));
    listen('stateChanged', () => this.#renderState());
    listen('left', () => this.#reconcile(false));
    listen('speakersChanged', ({ speakers, levels }) => {
      const touched = new Set([...this.#speakers, ...speakers, ...Object.keys(this.#levels)]);
      this.#speakers = new Set(speakers);
      this.#levels = { ...levels };
      for (const id of [...touched, ...Object.keys(this.#levels)]) this.#refreshTile(id);
      this.#promote(speakers);
    });
    listen('qualityChanged', ({ participantId, quality }) => {
      this.#quality.set(participantId, quality);
      this.#refreshTile(participantId);
    });

    container.append(this.element);
    // After mounting: the scope (document or shadow root) is where the grid actually lives.
    if (options.injectStyles ?? true) this.#releaseStyles = acquireGridStyles(styleScopeOf(this.element), options.styleNonce);
    const stopObserving = observeSize(this.element, (size) => this.#resize(size));
    signal.addEventListener('abort', stopObserving, { once: true });

    this.#reconcile(false);
    this.#resize({ width: this.element.clientWidth, height: this.element.clientHeight });
  }

  /**
   * The current geometry of the tile list, in CSS pixels: the whole grid in the grid layout,
   * the strip in the spotlight layout (see {@link spotlightLayout} for the large tile).
   */
  get layout(): GridLayout {
    return this.#layout;
  }

  /** The spotlight geometry while the spotlight layout shows a tile, else `undefined`. */
  get spotlightLayout(): SpotlightLayout | undefined {
    return this.#spotlightLayout;
  }

  /** The current layout mode. */
  get layoutMode(): StageGridLayoutMode {
    return this.#mode;
  }

  /** The pinned participant's id, if any. */
  get pinned(): string | undefined {
    return this.#pinned;
  }

  /** The current page, from 1. */
  get page(): number {
    return this.#page;
  }

  /** Number of pages (1 when every tile fits). */
  get pageCount(): number {
    return this.#pageCount;
  }

  /** Whether the overlay is shown. */
  get overlay(): boolean {
    return this.#overlay;
  }

  /** Whether playback is waiting for a user gesture (the click-to-play button is shown). */
  get playbackBlocked(): boolean {
    return this.#playbackBlocked;
  }

  /** Whether {@link destroy} has been called. */
  get destroyed(): boolean {
    return this.#abort.signal.aborted;
  }

  /** The tile element of a participant, if it has one. */
  getTileElement(participantId: string): HTMLElement | undefined {
    return this.#tiles.get(participantId)?.element;
  }

  /** Shows or hides the overlay (names, marks, pin buttons, initials, connection banner) at runtime. */
  setOverlay(on: boolean): void {
    this.#assertAlive('setOverlay');
    if (on === this.#overlay) return;
    this.#overlay = on;
    this.element.classList.toggle('ivs-grid--no-overlay', !on);
    for (const tile of this.#tiles.values()) tile.setOverlay(on);
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
    this.#modeBeforePin = undefined;
    if (layout === this.#mode) return;
    this.#mode = layout;
    this.#relayout(1);
    this.emit('layoutChanged', { layout });
  }

  /**
   * Pins a participant: it gets the spotlight (switching to the spotlight layout unless
   * `spotlightOnPin` is false) and stays on the first page. Emits `pinChanged`.
   * @throws {ValidationError} when the grid shows no tile for `participantId`.
   */
  pin(participantId: string): void {
    this.#assertAlive('pin');
    if (!this.#tiles.has(participantId)) {
      throw new ValidationError('participantId', `the grid shows no participant ${JSON.stringify(participantId)}; pin one of the participants it shows.`);
    }
    this.#setPin(participantId);
  }

  /** Unpins the pinned participant (back to the layout used before pinning, if pinning changed it). */
  unpin(): void {
    this.#assertAlive('unpin');
    this.#setPin(undefined);
  }

  /**
   * Shows page `page` (from 1 to {@link pageCount}). Emits `pageChanged` when it changes.
   * @throws {ValidationError} when `page` is not an integer in that range.
   */
  setPage(page: number): void {
    this.#assertAlive('setPage');
    if (!Number.isInteger(page) || page < 1 || page > this.#pageCount) {
      throw new ValidationError('page', `expected an integer from 1 to ${this.#pageCount}, got ${String(page)}.`);
    }
    this.#relayout(page);
  }

  /**
   * Re-renders from the session: adds and removes tiles to match `session.participants`,
   * re-syncs every tile and the banner, and re-measures the container. Media elements whose
   * track did not change are kept as they are.
   */
  refresh(): void {
    this.#assertAlive('refresh');
    this.#reconcile(true);
    this.#resize({ width: this.element.clientWidth, height: this.element.clientHeight });
  }

  /**
   * Calls `play()` on every media element of the grid. Call it from a user gesture (a click)
   * after `autoplayBlocked`; the grid's own click-to-play button does exactly this.
   * Resolves `true` when nothing is refused any more (the button is then removed).
   */
  async resumePlayback(): Promise<boolean> {
    this.#assertAlive('resumePlayback');
    // play() must be called synchronously within the gesture, hence before any await.
    const attempts = [...this.#tiles.values()].flatMap((tile) => tile.mediaElements).map((element) => startPlayback(element));
    const results = await Promise.allSettled(attempts);
    if (this.destroyed) return false;
    const refused = results.some((result) => result.status === 'rejected' && isAutoplayRefusal(result.reason));
    if (!refused && this.#playbackBlocked) {
      this.#playbackBlocked = false;
      this.#playButton?.remove();
      this.#playButton = undefined;
      this.emit('playbackResumed', {});
    }
    return !refused;
  }

  /**
   * Removes everything the grid added (its root, its stylesheet when no other grid uses it),
   * detaches every listener and observer, and leaves the container as it was. Tracks are not
   * stopped: they belong to the session. Idempotent.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.#abort.abort();
    for (const [id, tile] of [...this.#tiles]) {
      this.#tiles.delete(id);
      tile.destroy();
      this.emit('tileRemoved', { participant: tile.participant, element: tile.element });
    }
    this.element.remove();
    this.#releaseStyles();
    this.removeAllListeners();
  }

  #assertAlive(method: string): void {
    if (this.destroyed) throw new InvalidStateError('destroyed', `StageGrid.${method}() was called after destroy(); create a new StageGrid instead.`);
  }

  #shows(participant: Participant): boolean {
    return (this.#options.showLocal || !participant.isLocal) && this.#options.filter(participant);
  }

  #reconcile(force: boolean): void {
    if (this.destroyed) return;
    const present = new Set<string>();
    for (const participant of this.#session.participants) {
      if (!this.#shows(participant)) continue;
      present.add(participant.id);
      this.#upsert(participant, force);
    }
    for (const id of [...this.#tiles.keys()]) if (!present.has(id)) this.#remove(id);
    this.#renderState();
  }

  #upsert(participant: Participant & ParticipantIndicators, force = false): void {
    if (this.destroyed) return;
    if (!this.#shows(participant)) {
      this.#remove(participant.id);
      return;
    }
    const existing = this.#tiles.get(participant.id);
    if (existing) {
      // Publishing decides the default spotlight.
      const relayout = existing.participant.isPublishing !== participant.isPublishing;
      existing.update(participant, force);
      if (!(participant.speaking && this.#promote([participant.id])) && relayout) this.#relayout();
      return;
    }
    const tile = new StageTile(this.#context, participant, this.#overlay);
    this.#tiles.set(participant.id, tile);
    this.#list.insertBefore(tile.element, this.#nextSibling(participant.id));
    if (!(participant.speaking && this.#promote([participant.id]))) this.#relayout();
    this.emit('tileAdded', { participant, element: tile.element });
  }

  /** Tiles in display order. */
  #order(): StageTile[] {
    const order = [...this.#tiles.values()];
    if (this.#options.tileOrder === 'local-first') order.sort((a, b) => Number(b.participant.isLocal) - Number(a.participant.isLocal));
    return order;
  }

  /** The tile element a tile goes before in the list, so that the tiles already there never move. */
  #nextSibling(id: string): HTMLElement | null {
    const order = this.#order();
    const index = order.findIndex((tile) => tile.participant.id === id);
    for (const tile of order.slice(index + 1)) if (tile.element.parentNode === this.#list) return tile.element;
    return null;
  }

  #remove(id: string): void {
    const tile = this.#tiles.get(id);
    if (!tile) return;
    this.#tiles.delete(id);
    this.#quality.delete(id);
    this.#recentSpeakers = this.#recentSpeakers.filter((other) => other !== id);
    tile.destroy();
    if (id === this.#pinned) this.#setPin(undefined);
    else this.#relayout();
    this.emit('tileRemoved', { participant: tile.participant, element: tile.element });
  }

  #refreshTile(id: string): void {
    const tile = this.#tiles.get(id);
    tile?.update(tile.participant, true);
  }

  /** Moves remote speakers to the front of the recent speakers; re-lays out and returns `true` if that changed anything. */
  #promote(ids: readonly string[]): boolean {
    const remote = ids.filter((id) => this.#tiles.get(id)?.participant.isLocal === false);
    if (remote.every((id, index) => this.#recentSpeakers[index] === id)) return false;
    this.#recentSpeakers = [...new Set([...remote, ...this.#recentSpeakers])];
    this.#relayout();
    return true;
  }

  #setPin(id: string | undefined): void {
    const previous = this.#pinned;
    if (id === previous) return;
    this.#pinned = id;
    let mode = this.#mode;
    if (id === undefined) {
      mode = this.#modeBeforePin ?? mode;
      this.#modeBeforePin = undefined;
    } else if (mode === 'grid' && this.#options.spotlightOnPin) {
      this.#modeBeforePin = mode;
      mode = 'spotlight';
    }
    const modeChanged = mode !== this.#mode;
    this.#mode = mode;
    this.#relayout(modeChanged ? 1 : this.#page);
    this.emit('pinChanged', { participantId: id, previous });
    if (modeChanged) this.emit('layoutChanged', { layout: mode });
  }

  #step(delta: number): void {
    const page = Math.min(this.#pageCount, Math.max(1, this.#page + delta));
    if (page !== this.#page) this.setPage(page);
  }

  #renderState(): void {
    if (this.destroyed) return;
    const state = this.#session.state;
    const { labels } = this.#context;
    const text = state === 'connecting' ? labels.connecting : state === 'reconnecting' ? labels.reconnecting : labels.disconnected;
    const show = this.#overlay && BANNER_STATES.has(state);
    if (show) setText(this.#banner, text);
    setHidden(this.#banner, !show);
  }

  #resize(size: Size): void {
    if (this.destroyed) return;
    this.#size = size;
    this.#relayout();
  }

  /**
   * Places every tile (spotlight, current page, hidden), computes the geometry and updates the
   * pager. Writes only what differs: tiles already in place are not touched.
   */
  #relayout(requestedPage = this.#page): void {
    if (this.destroyed) return;
    const { aspectRatio, gap, maxColumns, maxTiles, maxStripTiles } = this.#options;
    const order = this.#order();
    const participants = order.map((tile) => tile.participant);
    const spotlight = this.#mode === 'spotlight';
    const spotlightId = spotlight
      ? (this.#pinned ??
        this.#recentSpeakers[0] ??
        (participants.find((p) => !p.isLocal && p.isPublishing) ?? participants.find((p) => p.isLocal) ?? participants[0])?.id)
      : undefined;
    const perPage = spotlight ? maxStripTiles : maxTiles;
    const ranked = prioritizeTiles(
      participants.map((p) => p.id).filter((id) => id !== spotlightId),
      [this.#pinned, ...this.#recentSpeakers],
    );
    const pageCount = Math.max(1, Math.ceil(ranked.length / perPage));
    const page = Math.min(requestedPage, pageCount);
    const shown = new Set(ranked.slice((page - 1) * perPage, page * perPage));

    for (const tile of order) {
      const id = tile.participant.id;
      const parent = id === spotlightId ? this.#main : this.#list;
      const moved = tile.element.parentNode !== parent;
      if (moved) {
        // Moving an element drops keyboard focus inside it (e.g. the pin button just pressed): restore it.
        const focused = tile.element.ownerDocument.activeElement;
        parent.insertBefore(tile.element, parent === this.#list ? this.#nextSibling(id) : null);
        if (focused instanceof HTMLElement && focused !== tile.element.ownerDocument.activeElement && tile.element.contains(focused)) focused.focus();
      }
      tile.setVisible(id === spotlightId || shown.has(id), moved);
      tile.setPinned(id === this.#pinned);
      tile.element.classList.toggle('ivs-tile--spotlight', id === spotlightId);
    }

    // With pages, the bottom PAGER_SPACE px hold the pager (the root's padding): no tile under it.
    const paged = pageCount > 1;
    this.element.classList.toggle('ivs-grid--paged', paged);
    const area = {
      count: shown.size,
      width: Math.max(0, this.#size.width),
      height: Math.max(0, this.#size.height - (paged ? PAGER_SPACE : 0)),
      aspectRatio,
      gap,
    };
    const main = (this.#spotlightLayout = spotlightId === undefined ? undefined : computeSpotlightLayout(area));
    const right = main?.strip === 'right';
    const line = Math.min(1, shown.size);
    this.#layout = main
      ? { columns: right ? line : shown.size, rows: right ? shown.size : line, tileWidth: main.tileWidth, tileHeight: main.tileHeight }
      : computeGridLayout({ ...area, ...(maxColumns === undefined ? {} : { maxColumns }) });
    const classes = this.element.classList;
    classes.toggle('ivs-grid--spotlight', !!main);
    classes.toggle('ivs-grid--strip-right', right);
    setHidden(this.#main, !main);
    // An empty strip would still take a gap from the spotlight.
    setHidden(this.#list, !!main && !shown.size);
    const { columns, rows, tileWidth, tileHeight } = this.#layout;
    // Until the container has a size, let CSS size the tiles (1fr / auto) rather than collapse them.
    const px = (value: number | undefined) => (value ? `${value}px` : undefined);
    for (const [property, value] of [
      ['grid-columns', String(Math.max(1, columns))],
      ['grid-rows', String(Math.max(1, rows))],
      ['tile-width', px(tileWidth)],
      ['tile-height', px(tileHeight)],
      ['main-width', px(main?.mainWidth)],
      ['main-height', px(main?.mainHeight)],
    ] as const) {
      setProperty(this.element, `--ivs-${property}`, value);
    }

    setHidden(this.#pager, !paged);
    setText(this.#pageText, fill(this.#context.labels.page, { page, count: pageCount }));
    this.#pageButtons.forEach((button, index) => setAttribute(button, 'aria-disabled', String(index ? page === pageCount : page === 1)));
    if (page !== this.#page || pageCount !== this.#pageCount) {
      this.#page = page;
      this.#pageCount = pageCount;
      this.emit('pageChanged', { page, pageCount });
    }
  }

  #button(className: string, text: string, onClick: () => void): HTMLButtonElement {
    const button = make(this.#context.document, 'button', className);
    button.type = 'button';
    button.textContent = text;
    button.addEventListener('click', onClick, { signal: this.#abort.signal });
    return button;
  }

  #play(element: HTMLMediaElement, participant: Participant, kind: 'audio' | 'video'): void {
    startPlayback(element).catch((error: unknown) => {
      // AbortError: the source changed before playback started; the new source plays instead.
      if (this.destroyed || !isAutoplayRefusal(error)) return;
      this.#onAutoplayBlocked(participant, kind);
    });
  }

  #onAutoplayBlocked(participant: Participant, kind: 'audio' | 'video'): void {
    if (this.#playbackBlocked) return;
    this.#playbackBlocked = true;
    this.#playButton = this.#button('ivs-grid__play', this.#context.labels.clickToPlay, () => void this.resumePlayback());
    this.element.append(this.#playButton);
    this.emit('autoplayBlocked', { participant, kind });
  }
}

const LAYOUT_MODES: readonly StageGridLayoutMode[] = ['grid', 'spotlight'];
/** Height kept for the pager below the tiles when there are pages (the `.ivs-grid--paged` padding). */
const PAGER_SPACE = 40;
const PAGE_KEYS: Readonly<Record<string, number>> = { PageUp: -1, PageDown: 1 };

function requireOneOf<T extends string>(field: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw new ValidationError(field, `expected ${allowed.map((v) => `'${v}'`).join(' or ')}, got ${String(value)}.`);
  return value;
}

function requireCount(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ValidationError(field, `expected a positive integer, got ${String(value)}.`);
  return value;
}

/** `play()` as a promise, whatever the browser returns or throws. */
function startPlayback(element: HTMLMediaElement): Promise<void> {
  try {
    return Promise.resolve(element.play());
  } catch (error) {
    return Promise.reject(error);
  }
}

function isAutoplayRefusal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'NotAllowedError';
}
