import type { Participant } from '../stage/types';

/** Texts the grid shows or announces; pass some or all of them to translate the grid. */
export interface StageGridLabels {
  /** Accessible name of the grid. */
  grid: string;
  /** Appended to the local participant's name. */
  you: string;
  /** Mark shown (and announced) when a participant's microphone is muted or absent. */
  micMuted: string;
  /** Mark shown (and announced) when a participant's camera is off or absent. */
  cameraOff: string;
  connecting: string;
  reconnecting: string;
  disconnected: string;
  /** The single button shown when the browser refused to start playback. */
  clickToPlay: string;
  /** Accessible name of a tile's pin button; `{name}` is replaced by the participant's name. */
  pin: string;
  /** Badge shown (and announced) when a participant's network quality is `poor`. */
  networkPoor: string;
  /** Badge shown (and announced) when a participant's network quality is `lost`. */
  networkLost: string;
  previousPage: string;
  nextPage: string;
  /** Page indicator; `{page}` and `{count}` are replaced by numbers. */
  page: string;
}

/** English defaults of {@link StageGridLabels}. */
export const DEFAULT_STAGE_GRID_LABELS: Readonly<StageGridLabels> = Object.freeze({
  grid: 'Stage participants',
  you: 'you',
  micMuted: 'Muted',
  cameraOff: 'Camera off',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
  clickToPlay: 'Click to play',
  pin: 'Pin {name}',
  networkPoor: 'Poor connection',
  networkLost: 'Connection lost',
  previousPage: 'Previous page',
  nextPage: 'Next page',
  page: 'Page {page} of {count}',
});

/**
 * Optional indicator fields the grid reads from a participant snapshot when they are present
 * (`Participant & ParticipantIndicators`). A field that is absent falls back to the source's
 * `speakersChanged` / `qualityChanged` events (see `StageGridSourceEvents`).
 */
export interface ParticipantIndicators {
  /** Whether the participant is speaking now. */
  readonly speaking?: boolean;
  /** Current audio level, 0 (silence) to 1. */
  readonly audioLevel?: number;
  /** `poor` and `lost` show a badge; `good` and `unknown` show none. */
  readonly networkQuality?: 'good' | 'poor' | 'lost' | 'unknown';
}

/**
 * The name shown for a participant: its `displayName` attribute, else `name`, else its `userId`,
 * else its participant id (empty and blank values are skipped).
 */
export function defaultDisplayName(participant: Participant): string {
  const candidates = [participant.attributes['displayName'], participant.attributes['name'], participant.userId, participant.id];
  for (const candidate of candidates) {
    if (candidate !== undefined && candidate.trim() !== '') return candidate.trim();
  }
  return participant.id;
}

/** Up to two initials of a name, Unicode-aware ("ada lovelace" → "AL", "Émile" → "É"). */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/u).filter((word) => word !== '');
  const letters = words.slice(0, 2).map((word) => Array.from(word)[0] ?? '');
  return letters.join('').toUpperCase() || '?';
}

/** What a tile needs from its grid. @internal */
export interface TileContext {
  readonly document: Document;
  readonly labels: Readonly<StageGridLabels>;
  readonly mirrorLocalVideo: boolean;
  readonly displayName: (participant: Participant) => string;
  /** Starts playback of a media element and handles refusals (autoplay policy). */
  readonly play: (element: HTMLMediaElement, participant: Participant, kind: 'audio' | 'video') => void;
  /** Indicators known from source events, used where the snapshot has no such field. */
  readonly indicators: (participantId: string) => ParticipantIndicators;
  /** The pin button was pressed. */
  readonly togglePin: (participantId: string) => void;
}

/**
 * One participant's tile: its DOM and the minimal updates to it. Media elements are created the
 * first time a track appears and kept for the tile's lifetime; `srcObject` is assigned only when
 * the track itself changes, so unrelated updates, moves and page changes never restart playback.
 * @internal
 */
export class StageTile {
  readonly element: HTMLDivElement;
  #context: TileContext;
  #participant: Participant;
  #video: HTMLVideoElement | undefined;
  #audio: HTMLAudioElement | undefined;
  #videoTrack: MediaStreamTrack | undefined;
  #audioTrack: MediaStreamTrack | undefined;
  #initials: HTMLSpanElement;
  #overlay: HTMLDivElement;
  #name: HTMLSpanElement;
  #micMark: HTMLSpanElement;
  #cameraMark: HTMLSpanElement;
  #qualityMark: HTMLSpanElement;
  #pin: HTMLButtonElement;

  constructor(context: TileContext, participant: Participant, overlay: boolean) {
    this.#context = context;
    this.#participant = participant;
    const { document: doc, labels } = context;
    const tile = (this.element = make(doc, 'div', 'ivs-tile'));
    tile.setAttribute('role', 'listitem');
    tile.tabIndex = 0;
    tile.dataset['participantId'] = participant.id;
    if (participant.isLocal) {
      tile.classList.add('ivs-tile--local');
      if (context.mirrorLocalVideo) tile.classList.add('ivs-tile--mirrored');
    }

    const placeholder = make(doc, 'div', 'ivs-tile__placeholder');
    placeholder.setAttribute('aria-hidden', 'true');
    placeholder.append((this.#initials = make(doc, 'span', 'ivs-tile__initials')));

    // The overlay repeats what the tile's accessible name already says: hidden from assistive tech.
    this.#overlay = make(doc, 'div', 'ivs-tile__overlay');
    this.#overlay.setAttribute('aria-hidden', 'true');
    this.#name = make(doc, 'span', 'ivs-tile__name');
    this.#micMark = this.#mark('mic', labels.micMuted);
    this.#cameraMark = this.#mark('camera', labels.cameraOff);
    this.#qualityMark = this.#mark('quality', '');
    this.#overlay.append(this.#name, this.#micMark, this.#cameraMark, this.#qualityMark);

    this.#pin = make(doc, 'button', 'ivs-tile__pin');
    this.#pin.type = 'button';
    this.#pin.setAttribute('aria-pressed', 'false');
    this.#pin.addEventListener('click', () => context.togglePin(this.#participant.id));

    tile.append(placeholder, this.#overlay, this.#pin);
    this.setOverlay(overlay);
    this.#render(participant);
  }

  /** The snapshot the tile currently shows. */
  get participant(): Participant {
    return this.#participant;
  }

  /** Media elements of the tile that should be playing (a hidden tile's video is paused). */
  get mediaElements(): HTMLMediaElement[] {
    return [this.element.hidden ? undefined : this.#video, this.#audio].filter((element): element is HTMLMediaElement => element?.srcObject != null);
  }

  /** The tile's `<video>`, once the participant has had a video track. */
  get videoElement(): HTMLVideoElement | undefined {
    return this.#video;
  }

  /** The tile's `<audio>` (remote participants only), once the participant has had an audio track. */
  get audioElement(): HTMLAudioElement | undefined {
    return this.#audio;
  }

  /**
   * Shows a new snapshot. A snapshot identical to the current one is ignored unless `force`;
   * either way only the parts of the DOM whose value differs are written.
   */
  update(participant: Participant, force = false): void {
    if (participant === this.#participant && !force) return;
    this.#participant = participant;
    this.#render(participant);
  }

  setOverlay(on: boolean): void {
    for (const element of [this.#overlay, this.#initials, this.#pin]) setHidden(element, !on);
  }

  setPinned(on: boolean): void {
    setAttribute(this.#pin, 'aria-pressed', String(on));
    this.element.classList.toggle('ivs-tile--pinned', on);
  }

  /**
   * Shows or hides the tile (off-page tiles). A hidden tile keeps its media elements and their
   * sources; its video is paused (nothing to paint) and its audio keeps playing. A visible tile
   * that was hidden or `moved` in the DOM (which can pause media in browsers) is played again.
   */
  setVisible(visible: boolean, moved: boolean): void {
    const changed = this.element.hidden === visible;
    this.element.hidden = !visible;
    if (!visible) {
      if (changed) this.#video?.pause();
    } else if (changed || moved) {
      for (const element of this.mediaElements) this.#context.play(element, this.#participant, element === this.#video ? 'video' : 'audio');
    }
  }

  /** Detaches media (tracks are not stopped: the session owns them) and removes the tile. */
  destroy(): void {
    for (const element of [this.#video, this.#audio]) {
      if (!element) continue;
      element.pause();
      element.srcObject = null;
    }
    this.element.remove();
  }

  #render(participant: Participant & ParticipantIndicators): void {
    const { labels, displayName, indicators } = this.#context;
    const known = indicators(participant.id);
    const speaking = participant.speaking ?? known.speaking ?? false;
    const level = participant.audioLevel ?? known.audioLevel;
    const quality = participant.networkQuality ?? known.networkQuality ?? 'unknown';
    const qualityText = quality === 'poor' ? labels.networkPoor : quality === 'lost' ? labels.networkLost : '';
    const name = displayName(participant);
    const micOff = participant.audioMuted || !participant.audioTrack;
    const cameraOff = participant.videoMuted || !participant.videoTrack;
    const shownName = participant.isLocal ? `${name} (${labels.you})` : name;

    setText(this.#name, shownName);
    setText(this.#initials, initialsOf(name));
    setText(this.#qualityMark, qualityText);
    const states = [micOff && labels.micMuted, cameraOff && labels.cameraOff, qualityText];
    setAttribute(this.element, 'aria-label', [shownName, ...states].filter(Boolean).join(', '));
    setAttribute(this.element, 'data-network-quality', quality);
    setAttribute(this.#pin, 'aria-label', fill(labels.pin, { name }));
    setProperty(this.element, '--ivs-audio-level', typeof level === 'number' && Number.isFinite(level) ? String(Math.round(Math.min(1, Math.max(0, level)) * 100) / 100) : undefined);

    setHidden(this.#micMark, !micOff);
    setHidden(this.#cameraMark, !cameraOff);
    setHidden(this.#qualityMark, !qualityText);
    const classes = this.element.classList;
    classes.toggle('ivs-tile--muted', micOff);
    classes.toggle('ivs-tile--no-video', cameraOff);
    classes.toggle('ivs-tile--speaking', speaking);

    this.#syncVideo(participant);
    // Local audio is never played back: it would echo the user's own microphone.
    if (!participant.isLocal) this.#syncAudio(participant);
  }

  #syncVideo(participant: Participant): void {
    const track = participant.videoTrack;
    if (track === this.#videoTrack) return;
    this.#videoTrack = track;
    if (!track) {
      if (this.#video) this.#video.srcObject = null;
      return;
    }
    if (!this.#video) {
      const video = make(this.#context.document, 'video', 'ivs-tile__video');
      // Sound goes through the <audio> element: the video stays muted, which also lets it autoplay.
      video.muted = true;
      video.autoplay = true;
      video.playsInline = true;
      video.setAttribute('playsinline', '');
      video.setAttribute('aria-hidden', 'true');
      this.element.prepend(video);
      this.#video = video;
    }
    this.#video.srcObject = createStream(track);
    if (!this.element.hidden) this.#context.play(this.#video, participant, 'video');
  }

  #syncAudio(participant: Participant): void {
    const track = participant.audioTrack;
    if (track === this.#audioTrack) return;
    this.#audioTrack = track;
    if (!track) {
      if (this.#audio) this.#audio.srcObject = null;
      return;
    }
    if (!this.#audio) {
      const audio = make(this.#context.document, 'audio', 'ivs-tile__audio');
      audio.autoplay = true;
      this.element.append(audio);
      this.#audio = audio;
    }
    this.#audio.srcObject = createStream(track);
    this.#context.play(this.#audio, participant, 'audio');
  }

  #mark(kind: string, text: string): HTMLSpanElement {
    const mark = make(this.#context.document, 'span', `ivs-tile__mark ivs-tile__mark--${kind}`);
    mark.textContent = text;
    return mark;
  }
}

function createStream(track: MediaStreamTrack): MediaStream {
  return new MediaStream([track]);
}

/** Creates an element with a class. @internal */
export function make<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className: string): HTMLElementTagNameMap[K] {
  const element = doc.createElement(tag);
  element.className = className;
  return element;
}

/**
 * Replaces `{key}` in a label with `values[key]`. A function replacer, so `$&` and friends in
 * user data (names) stay literal. @internal
 */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));
}

/** Writes text only when it differs (never as HTML: names are user data). @internal */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** @internal */
export function setHidden(element: HTMLElement, hidden: boolean): void {
  if (element.hidden !== hidden) element.hidden = hidden;
}

/** Writes an attribute only when it differs. @internal */
export function setAttribute(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** Writes (or, with `undefined`, removes) a CSS custom property only when it differs. @internal */
export function setProperty(element: HTMLElement, name: string, value: string | undefined): void {
  const style = element.style;
  if (style.getPropertyValue(name) === (value ?? '')) return;
  if (value === undefined) style.removeProperty(name);
  else style.setProperty(name, value);
}
