import { TypedEmitter } from '../core/emitter';
import { InvalidStateError, ValidationError } from '../core/errors';
import type { Participant, StageSessionEvents, StageSessionState } from '../stage/types';
import { computeGridLayout, type GridLayout } from './layout';
import { observeSize, type Size } from './resize';
import { acquireGridStyles, styleScopeOf } from './styles';
import { DEFAULT_STAGE_GRID_LABELS, StageTile, defaultDisplayName, type StageGridLabels, type TileContext } from './tile';

/**
 * What {@link StageGrid} reads from a session: the subset of `StageSession` it renders.
 * Any object with this shape works (a `StageSession`, or a test double).
 */
export interface StageGridSource {
  readonly state: StageSessionState;
  readonly participants: readonly Participant[];
  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof StageSessionEvents>(event: K, listener: (payload: StageSessionEvents[K]) => void): () => void;
}

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
}

const BANNER_STATES: ReadonlySet<StageSessionState> = new Set(['connecting', 'reconnecting', 'disconnected']);

/**
 * Renders a stage session into any element: one tile per participant with its `<video>`, an
 * `<audio>` for remote participants (local audio is never played back), an overlay (name, mute
 * marks, initials when there is no video, connection banner) and a layout that gives every tile
 * the largest area for the container's size.
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
 * // later
 * grid.destroy();
 * ```
 */
export class StageGrid extends TypedEmitter<StageGridEvents> {
  /** The grid's root element (child of the container). */
  readonly element: HTMLDivElement;
  #session: StageGridSource;
  #options: Required<Pick<StageGridOptions, 'showLocal' | 'tileOrder' | 'aspectRatio' | 'gap' | 'filter'>> & Pick<StageGridOptions, 'maxColumns'>;
  #context: TileContext;
  #list: HTMLDivElement;
  #banner: HTMLDivElement;
  #playButton: HTMLButtonElement | undefined;
  /** Tiles in join order (Map iteration order is insertion order). */
  #tiles = new Map<string, StageTile>();
  #overlay: boolean;
  #size: Size = { width: 0, height: 0 };
  #layout: GridLayout = { columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 };
  #writtenStyle = new Map<string, string>();
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
    if (options.tileOrder !== undefined && options.tileOrder !== 'local-first' && options.tileOrder !== 'join-order') {
      throw new ValidationError('tileOrder', `expected 'local-first' or 'join-order', got ${String(options.tileOrder)}.`);
    }
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
      ...(options.maxColumns === undefined ? {} : { maxColumns: options.maxColumns }),
    };
    this.#overlay = options.overlay ?? true;
    const doc = container.ownerDocument;
    const labels = { ...DEFAULT_STAGE_GRID_LABELS, ...options.labels };
    this.#context = {
      document: doc,
      labels,
      mirrorLocalVideo: options.mirrorLocalVideo ?? true,
      displayName: options.displayName ?? defaultDisplayName,
      play: (element, participant, kind) => this.#play(element, participant, kind),
    };

    this.element = doc.createElement('div');
    this.element.className = 'ivs-grid';
    this.element.setAttribute('role', 'region');
    this.element.setAttribute('aria-label', labels.grid);
    this.element.classList.toggle('ivs-grid--no-overlay', !this.#overlay);
    this.#list = doc.createElement('div');
    this.#list.className = 'ivs-grid__tiles';
    this.#list.setAttribute('role', 'list');
    this.#banner = doc.createElement('div');
    this.#banner.className = 'ivs-grid__banner';
    this.#banner.setAttribute('role', 'status');
    this.#banner.hidden = true;
    this.element.append(this.#list, this.#banner);

    this.#setStyle('--ivs-grid-gap', `${gap}px`);

    const signal = this.#abort.signal;
    const listen = <K extends keyof StageSessionEvents>(event: K, listener: (payload: StageSessionEvents[K]) => void) => {
      const off = session.on(event, listener);
      signal.addEventListener('abort', off, { once: true });
    };
    listen('participantJoined', ({ participant }) => this.#upsert(participant));
    listen('participantUpdated', ({ participant }) => this.#upsert(participant));
    listen('streamsChanged', ({ participant }) => this.#upsert(participant));
    listen('muteChanged', ({ participant }) => this.#upsert(participant));
    listen('participantLeft', ({ participant }) => this.#remove(participant.id));
    listen('stateChanged', () => this.#renderState());
    listen('left', () => this.#reconcile(false));

    container.append(this.element);
    // After mounting: the scope (document or shadow root) is where the grid actually lives.
    if (options.injectStyles ?? true) this.#releaseStyles = acquireGridStyles(styleScopeOf(this.element), options.styleNonce);
    const stopObserving = observeSize(this.element, (size) => this.#resize(size));
    signal.addEventListener('abort', stopObserving, { once: true });

    this.#reconcile(false);
    this.#resize({ width: this.element.clientWidth, height: this.element.clientHeight });
  }

  /** The current geometry (columns, rows, tile size in CSS pixels). */
  get layout(): GridLayout {
    return this.#layout;
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

  /** Shows or hides the overlay (names, marks, initials, connection banner) at runtime. */
  setOverlay(on: boolean): void {
    this.#assertAlive('setOverlay');
    if (on === this.#overlay) return;
    this.#overlay = on;
    this.element.classList.toggle('ivs-grid--no-overlay', !on);
    for (const tile of this.#tiles.values()) tile.setOverlay(on);
    this.#renderState();
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

  #upsert(participant: Participant, force = false): void {
    if (this.destroyed) return;
    if (!this.#shows(participant)) {
      this.#remove(participant.id);
      return;
    }
    const existing = this.#tiles.get(participant.id);
    if (existing) {
      existing.update(participant, force);
      return;
    }
    const tile = new StageTile(this.#context, participant, this.#overlay);
    this.#tiles.set(participant.id, tile);
    this.#list.insertBefore(tile.element, this.#nextSibling(participant.id));
    this.#relayout();
    this.emit('tileAdded', { participant, element: tile.element });
  }

  /** The tile element a new tile goes before, so that existing tiles never move. */
  #nextSibling(id: string): HTMLElement | null {
    const order = [...this.#tiles.values()];
    if (this.#options.tileOrder === 'local-first') order.sort((a, b) => Number(b.participant.isLocal) - Number(a.participant.isLocal));
    const index = order.findIndex((tile) => tile.participant.id === id);
    for (const tile of order.slice(index + 1)) if (tile.element.parentNode === this.#list) return tile.element;
    return null;
  }

  #remove(id: string): void {
    const tile = this.#tiles.get(id);
    if (!tile) return;
    this.#tiles.delete(id);
    tile.destroy();
    this.#relayout();
    this.emit('tileRemoved', { participant: tile.participant, element: tile.element });
  }

  #renderState(): void {
    if (this.destroyed) return;
    const state = this.#session.state;
    const { labels } = this.#context;
    const text = state === 'connecting' ? labels.connecting : state === 'reconnecting' ? labels.reconnecting : labels.disconnected;
    const show = this.#overlay && BANNER_STATES.has(state);
    if (show && this.#banner.textContent !== text) this.#banner.textContent = text;
    if (this.#banner.hidden === show) this.#banner.hidden = !show;
  }

  #resize(size: Size): void {
    if (this.destroyed) return;
    this.#size = size;
    this.#relayout();
  }

  #relayout(): void {
    const { aspectRatio, gap, maxColumns } = this.#options;
    this.#layout = computeGridLayout({
      count: this.#tiles.size,
      width: Math.max(0, this.#size.width),
      height: Math.max(0, this.#size.height),
      aspectRatio,
      gap,
      ...(maxColumns === undefined ? {} : { maxColumns }),
    });
    const { columns, rows, tileWidth, tileHeight } = this.#layout;
    this.#setStyle('--ivs-grid-columns', String(Math.max(1, columns)));
    this.#setStyle('--ivs-grid-rows', String(Math.max(1, rows)));
    // Until the container has a size, let CSS size the tiles (1fr / auto) rather than collapse them.
    this.#setStyle('--ivs-tile-width', tileWidth > 0 ? `${tileWidth}px` : undefined);
    this.#setStyle('--ivs-tile-height', tileHeight > 0 ? `${tileHeight}px` : undefined);
  }

  #setStyle(property: string, value: string | undefined): void {
    if (this.#writtenStyle.get(property) === value) return;
    if (value === undefined) {
      this.#writtenStyle.delete(property);
      this.element.style.removeProperty(property);
    } else {
      this.#writtenStyle.set(property, value);
      this.element.style.setProperty(property, value);
    }
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
    const button = this.#context.document.createElement('button');
    button.type = 'button';
    button.className = 'ivs-grid__play';
    button.textContent = this.#context.labels.clickToPlay;
    button.addEventListener('click', () => void this.resumePlayback(), { signal: this.#abort.signal });
    this.element.append(button);
    this.#playButton = button;
    this.emit('autoplayBlocked', { participant, kind });
  }
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
