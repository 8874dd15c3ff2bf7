/**
 * The part of {@link StageGrid} that renders participants: tiles, the grid and spotlight
 * layouts, pages, the pin and autoplay handling. `StageGrid` imports this module when there is
 * something to render (the session starts joining or has participants, or `load()` is called);
 * until then the page has loaded only the grid's root, its connection banner and its stylesheet.
 * (Internal module: not part of the public API.)
 */
import type { Participant } from '../stage/types';
import { fill, make, setAttribute, setHidden, setProperty, setText } from './dom';
import type { ParticipantIndicators } from './labels';
import { GridLayerPreferences, type TilePlacement } from './layer-policy';
import { computeGridLayout, computeSpotlightLayout, prioritizeTiles } from './layout';
import { observeSize, type Size } from './resize';
import { StageTile, type TileContext } from './tile';
import type { GridRendererState, GridRendererView, RendererHost, StageGridLayoutMode } from './types';

/** Height kept for the pager below the tiles when there are pages (the `.ivs-grid--paged` padding). */
const PAGER_SPACE = 40;
const PAGE_KEYS: Readonly<Record<string, number>> = { PageUp: -1, PageDown: 1 };

export class GridRenderer implements GridRendererView {
  #host: RendererHost;
  #context: TileContext;
  /** The tiles (grid layout) or the strip (spotlight layout). */
  #list: HTMLDivElement;
  /** Holds the spotlight tile. */
  #main: HTMLDivElement;
  #pager: HTMLDivElement;
  #pageText: HTMLSpanElement;
  #pageButtons: HTMLButtonElement[];
  #playButton: HTMLButtonElement | undefined;
  /** Tiles in join order (Map iteration order is insertion order). */
  #tiles = new Map<string, StageTile>();
  #size: Size = { width: 0, height: 0 };
  #state: GridRendererState;
  /** The mode to go back to on unpin, when pinning switched to spotlight. */
  #modeBeforePin: StageGridLayoutMode | undefined;
  /** Remote participants that spoke, most recent first (kept on the first page, spotlight candidates). */
  #recentSpeakers: string[] = [];
  #layers: GridLayerPreferences;

  constructor(host: RendererHost, mode: StageGridLayoutMode) {
    this.#host = host;
    this.#layers = new GridLayerPreferences(host.session, host.options.layerPreferences, (error) => host.emit('error', { error }));
    this.#state = { layout: { columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 }, spotlightLayout: undefined, mode, pinned: undefined, page: 1, pageCount: 1, playbackBlocked: false };
    this.#context = {
      ...host.context,
      play: (element, participant, kind) => this.#play(element, participant, kind),
      togglePin: (id) => this.setPin(this.#state.pinned === id ? undefined : id),
    };
    const { element: root, signal, context } = host;
    const doc = context.document;
    this.#main = make(doc, 'div', 'ivs-grid__main');
    this.#list = make(doc, 'div', 'ivs-grid__tiles');
    this.#list.setAttribute('role', 'list');
    this.#main.setAttribute('role', 'list');
    this.#pager = make(doc, 'div', 'ivs-grid__pager');
    this.#pageText = make(doc, 'span', 'ivs-grid__page');
    this.#pageButtons = [this.#button('ivs-grid__prev', '‹', () => this.#step(-1)), this.#button('ivs-grid__next', '›', () => this.#step(1))];
    this.#pageButtons.forEach((button, index) => button.setAttribute('aria-label', index ? context.labels.nextPage : context.labels.previousPage));
    this.#pager.append(this.#pageButtons[0]!, this.#pageText, this.#pageButtons[1]!);
    // The banner is the root's first child: the tiles go before it, the pager after.
    root.prepend(this.#main, this.#list);
    root.append(this.#pager);
    root.addEventListener(
      'keydown',
      (event) => {
        const delta = PAGE_KEYS[event.key];
        if (delta && this.#state.pageCount > 1) {
          event.preventDefault();
          this.#step(delta);
        }
      },
      { signal },
    );
    setProperty(root, '--ivs-grid-gap', `${host.options.gap}px`);
    const stopObserving = observeSize(root, (size) => this.#resize(size));
    signal.addEventListener('abort', stopObserving, { once: true });

    this.reconcile(false);
    this.#resize({ width: root.clientWidth, height: root.clientHeight });
  }

  /** Read by StageGrid's getters; only the renderer changes it. */
  get state(): Readonly<GridRendererState> {
    return this.#state;
  }

  get #destroyed(): boolean {
    return this.#host.signal.aborted;
  }

  tileElement(id: string): HTMLElement | undefined {
    return this.#tiles.get(id)?.element;
  }

  /** Re-renders every tile from the session and re-measures the root. */
  refresh(): void {
    this.reconcile(true);
    this.#resize({ width: this.#host.element.clientWidth, height: this.#host.element.clientHeight });
  }

  setOverlay(on: boolean): void {
    for (const tile of this.#tiles.values()) tile.setOverlay(on);
  }

  setLayout(layout: StageGridLayoutMode): void {
    this.#modeBeforePin = undefined;
    if (layout === this.#state.mode) return;
    this.#state.mode = layout;
    this.relayout(1);
    this.#host.emit('layoutChanged', { layout });
  }

  /** Matches the tiles to `session.participants`; `force` re-renders tiles whose snapshot did not change. */
  reconcile(force: boolean): void {
    if (this.#destroyed) return;
    const present = new Set<string>();
    for (const participant of this.#host.session.participants) {
      if (!this.#shows(participant)) continue;
      present.add(participant.id);
      this.upsert(participant, force);
    }
    for (const id of [...this.#tiles.keys()]) if (!present.has(id)) this.remove(id);
  }

  upsert(participant: Participant & ParticipantIndicators, force = false): void {
    if (this.#destroyed) return;
    if (!this.#shows(participant)) {
      this.remove(participant.id);
      return;
    }
    const existing = this.#tiles.get(participant.id);
    if (existing) {
      // Publishing decides the default spotlight.
      const relayout = existing.participant.isPublishing !== participant.isPublishing;
      existing.update(participant, force);
      if (!(participant.speaking && this.#promote([participant.id])) && relayout) this.relayout();
      return;
    }
    const tile = new StageTile(this.#context, participant, this.#host.overlay());
    this.#tiles.set(participant.id, tile);
    this.#list.insertBefore(tile.element, this.#nextSibling(participant.id));
    if (!(participant.speaking && this.#promote([participant.id]))) this.relayout();
    this.#host.emit('tileAdded', { participant, element: tile.element });
  }

  remove(id: string): void {
    const tile = this.#tiles.get(id);
    if (!tile) return;
    this.#tiles.delete(id);
    this.#recentSpeakers = this.#recentSpeakers.filter((other) => other !== id);
    tile.destroy();
    if (id === this.#state.pinned) this.setPin(undefined);
    else this.relayout();
    this.#host.emit('tileRemoved', { participant: tile.participant, element: tile.element });
  }

  /** Re-renders the tiles of `ids` (their indicators changed); promotes `speakers` when given. */
  indicatorsChanged(ids: Iterable<string>, speakers?: readonly string[]): void {
    for (const id of ids) {
      const tile = this.#tiles.get(id);
      tile?.update(tile.participant, true);
    }
    if (speakers) this.#promote(speakers);
  }

  setPin(id: string | undefined): void {
    const previous = this.#state.pinned;
    if (id === previous) return;
    this.#state.pinned = id;
    let mode = this.#state.mode;
    if (id === undefined) {
      mode = this.#modeBeforePin ?? mode;
      this.#modeBeforePin = undefined;
    } else if (mode === 'grid' && this.#host.options.spotlightOnPin) {
      this.#modeBeforePin = mode;
      mode = 'spotlight';
    }
    const modeChanged = mode !== this.#state.mode;
    this.#state.mode = mode;
    this.relayout(modeChanged ? 1 : this.#state.page);
    this.#host.emit('pinChanged', { participantId: id, previous });
    if (modeChanged) this.#host.emit('layoutChanged', { layout: mode });
  }

  /** Calls `play()` on every media element; resolves `true` when none is refused. Call within a user gesture. */
  async resumePlayback(): Promise<boolean> {
    // play() must be called synchronously within the gesture, hence before any await.
    const attempts = [...this.#tiles.values()].flatMap((tile) => tile.mediaElements).map((element) => startPlayback(element));
    const results = await Promise.allSettled(attempts);
    if (this.#destroyed) return false;
    const refused = results.some((result) => result.status === 'rejected' && isAutoplayRefusal(result.reason));
    if (!refused && this.#state.playbackBlocked) {
      this.#state.playbackBlocked = false;
      this.#playButton?.remove();
      this.#playButton = undefined;
      this.#host.emit('playbackResumed', {});
    }
    return !refused;
  }

  /** Removes every tile (emitting `tileRemoved`); the grid removes the root. */
  destroy(): void {
    this.#layers.release();
    for (const [id, tile] of [...this.#tiles]) {
      this.#tiles.delete(id);
      tile.destroy();
      this.#host.emit('tileRemoved', { participant: tile.participant, element: tile.element });
    }
  }

  #shows(participant: Participant): boolean {
    const { showLocal, filter } = this.#host.options;
    return (showLocal || !participant.isLocal) && filter(participant);
  }

  /** Tiles in display order. */
  #order(): StageTile[] {
    const order = [...this.#tiles.values()];
    if (this.#host.options.tileOrder === 'local-first') order.sort((a, b) => Number(b.participant.isLocal) - Number(a.participant.isLocal));
    return order;
  }

  /** The tile element a tile goes before in the list, so that the tiles already there never move. */
  #nextSibling(id: string): HTMLElement | null {
    const order = this.#order();
    const index = order.findIndex((tile) => tile.participant.id === id);
    for (const tile of order.slice(index + 1)) if (tile.element.parentNode === this.#list) return tile.element;
    return null;
  }

  /** Moves remote speakers to the front of the recent speakers; re-lays out and returns `true` if that changed anything. */
  #promote(ids: readonly string[]): boolean {
    const remote = ids.filter((id) => this.#tiles.get(id)?.participant.isLocal === false);
    if (remote.every((id, index) => this.#recentSpeakers[index] === id)) return false;
    this.#recentSpeakers = [...new Set([...remote, ...this.#recentSpeakers])];
    this.relayout();
    return true;
  }

  #step(delta: number): void {
    const page = Math.min(this.#state.pageCount, Math.max(1, this.#state.page + delta));
    if (page !== this.#state.page) this.relayout(page);
  }

  #resize(size: Size): void {
    if (this.#destroyed) return;
    this.#size = size;
    this.relayout();
  }

  /**
   * Places every tile (spotlight, current page, hidden), computes the geometry and updates the
   * pager. Writes only what differs: tiles already in place are not touched.
   */
  relayout(requestedPage = this.#state.page): void {
    if (this.#destroyed) return;
    const root = this.#host.element;
    const { aspectRatio, gap, maxColumns, maxTiles, maxStripTiles } = this.#host.options;
    const order = this.#order();
    const participants = order.map((tile) => tile.participant);
    const spotlight = this.#state.mode === 'spotlight';
    const spotlightId = spotlight
      ? (this.#state.pinned ??
        this.#recentSpeakers[0] ??
        (participants.find((p) => !p.isLocal && p.isPublishing) ?? participants.find((p) => p.isLocal) ?? participants[0])?.id)
      : undefined;
    const perPage = spotlight ? maxStripTiles : maxTiles;
    const ranked = prioritizeTiles(
      participants.map((p) => p.id).filter((id) => id !== spotlightId),
      [this.#state.pinned, ...this.#recentSpeakers],
    );
    const pageCount = Math.max(1, Math.ceil(ranked.length / perPage));
    const page = Math.min(requestedPage, pageCount);
    const shown = new Set(ranked.slice((page - 1) * perPage, page * perPage));

    const placements = new Map<string, TilePlacement>();
    for (const tile of order) {
      const id = tile.participant.id;
      if (!tile.participant.isLocal) placements.set(id, id === spotlightId ? 'spotlight' : !shown.has(id) ? 'hidden' : spotlight ? 'strip' : 'grid');
      const parent = id === spotlightId ? this.#main : this.#list;
      const moved = tile.element.parentNode !== parent;
      if (moved) {
        // Moving an element drops keyboard focus inside it (e.g. the pin button just pressed): restore it.
        const focused = tile.element.ownerDocument.activeElement;
        parent.insertBefore(tile.element, parent === this.#list ? this.#nextSibling(id) : null);
        if (focused instanceof HTMLElement && focused !== tile.element.ownerDocument.activeElement && tile.element.contains(focused)) focused.focus();
      }
      tile.setVisible(id === spotlightId || shown.has(id), moved);
      tile.setPinned(id === this.#state.pinned);
      tile.element.classList.toggle('ivs-tile--spotlight', id === spotlightId);
    }
    this.#layers.update(placements);

    // With pages, the bottom PAGER_SPACE px hold the pager (the root's padding): no tile under it.
    const paged = pageCount > 1;
    root.classList.toggle('ivs-grid--paged', paged);
    const area = {
      count: shown.size,
      width: Math.max(0, this.#size.width),
      height: Math.max(0, this.#size.height - (paged ? PAGER_SPACE : 0)),
      aspectRatio,
      gap,
    };
    const main = (this.#state.spotlightLayout = spotlightId === undefined ? undefined : computeSpotlightLayout(area));
    const right = main?.strip === 'right';
    const line = Math.min(1, shown.size);
    this.#state.layout = main
      ? { columns: right ? line : shown.size, rows: right ? shown.size : line, tileWidth: main.tileWidth, tileHeight: main.tileHeight }
      : computeGridLayout({ ...area, ...(maxColumns === undefined ? {} : { maxColumns }) });
    const classes = root.classList;
    classes.toggle('ivs-grid--spotlight', !!main);
    classes.toggle('ivs-grid--strip-right', right);
    setHidden(this.#main, !main);
    // An empty strip would still take a gap from the spotlight.
    setHidden(this.#list, !!main && !shown.size);
    const { columns, rows, tileWidth, tileHeight } = this.#state.layout;
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
      setProperty(root, `--ivs-${property}`, value);
    }

    setHidden(this.#pager, !paged);
    setText(this.#pageText, fill(this.#context.labels.page, { page, count: pageCount }));
    this.#pageButtons.forEach((button, index) => setAttribute(button, 'aria-disabled', String(index ? page === pageCount : page === 1)));
    if (page !== this.#state.page || pageCount !== this.#state.pageCount) {
      this.#state.page = page;
      this.#state.pageCount = pageCount;
      this.#host.emit('pageChanged', { page, pageCount });
    }
  }

  #button(className: string, text: string, onClick: () => void): HTMLButtonElement {
    const button = make(this.#context.document, 'button', className);
    button.type = 'button';
    button.textContent = text;
    button.addEventListener('click', onClick, { signal: this.#host.signal });
    return button;
  }

  #play(element: HTMLMediaElement, participant: Participant, kind: 'audio' | 'video'): void {
    startPlayback(element).catch((error: unknown) => {
      // AbortError: the source changed before playback started; the new source plays instead.
      if (this.#destroyed || !isAutoplayRefusal(error)) return;
      this.#onAutoplayBlocked(participant, kind);
    });
  }

  #onAutoplayBlocked(participant: Participant, kind: 'audio' | 'video'): void {
    if (this.#state.playbackBlocked) return;
    this.#state.playbackBlocked = true;
    this.#playButton = this.#button('ivs-grid__play', this.#context.labels.clickToPlay, () => void this.resumePlayback());
    this.#host.element.append(this.#playButton);
    this.#host.emit('autoplayBlocked', { participant, kind });
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
