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
});

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
}

/**
 * One participant's tile: its DOM and the minimal updates to it. Media elements are created the
 * first time a track appears and kept for the tile's lifetime; `srcObject` is assigned only when
 * the track itself changes, so unrelated updates never restart playback.
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

  constructor(context: TileContext, participant: Participant, overlay: boolean) {
    this.#context = context;
    this.#participant = participant;
    const doc = context.document;

    this.element = doc.createElement('div');
    this.element.className = 'ivs-tile';
    this.element.setAttribute('role', 'listitem');
    this.element.tabIndex = 0;
    this.element.dataset['participantId'] = participant.id;
    if (participant.isLocal) {
      this.element.classList.add('ivs-tile--local');
      if (context.mirrorLocalVideo) this.element.classList.add('ivs-tile--mirrored');
    }

    const placeholder = doc.createElement('div');
    placeholder.className = 'ivs-tile__placeholder';
    placeholder.setAttribute('aria-hidden', 'true');
    this.#initials = doc.createElement('span');
    this.#initials.className = 'ivs-tile__initials';
    placeholder.append(this.#initials);

    this.#overlay = doc.createElement('div');
    this.#overlay.className = 'ivs-tile__overlay';
    this.#overlay.setAttribute('aria-hidden', 'true');
    this.#name = doc.createElement('span');
    this.#name.className = 'ivs-tile__name';
    this.#micMark = this.#mark('ivs-tile__mark--mic', context.labels.micMuted);
    this.#cameraMark = this.#mark('ivs-tile__mark--camera', context.labels.cameraOff);
    this.#overlay.append(this.#name, this.#micMark, this.#cameraMark);

    this.element.append(placeholder, this.#overlay);
    this.setOverlay(overlay);
    this.#render(participant);
  }

  /** The snapshot the tile currently shows. */
  get participant(): Participant {
    return this.#participant;
  }

  /** Media elements of the tile (for resuming playback). */
  get mediaElements(): HTMLMediaElement[] {
    return [this.#video, this.#audio].filter((element): element is HTMLVideoElement | HTMLAudioElement => element?.srcObject != null);
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
    setHidden(this.#overlay, !on);
    setHidden(this.#initials, !on);
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

  #render(participant: Participant): void {
    const { labels, displayName } = this.#context;
    const name = displayName(participant);
    const micOff = participant.audioMuted || !participant.audioTrack;
    const cameraOff = participant.videoMuted || !participant.videoTrack;

    setText(this.#name, participant.isLocal ? `${name} (${labels.you})` : name);
    setText(this.#initials, initialsOf(name));
    const states = [micOff ? labels.micMuted : '', cameraOff ? labels.cameraOff : ''].filter((state) => state !== '');
    const label = [participant.isLocal ? `${name} (${labels.you})` : name, ...states].join(', ');
    if (this.element.getAttribute('aria-label') !== label) this.element.setAttribute('aria-label', label);

    setHidden(this.#micMark, !micOff);
    setHidden(this.#cameraMark, !cameraOff);
    this.element.classList.toggle('ivs-tile--muted', micOff);
    this.element.classList.toggle('ivs-tile--no-video', cameraOff);

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
      const video = this.#context.document.createElement('video');
      video.className = 'ivs-tile__video';
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
    this.#context.play(this.#video, participant, 'video');
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
      const audio = this.#context.document.createElement('audio');
      audio.className = 'ivs-tile__audio';
      audio.autoplay = true;
      this.element.append(audio);
      this.#audio = audio;
    }
    this.#audio.srcObject = createStream(track);
    this.#context.play(this.#audio, participant, 'audio');
  }

  #mark(modifier: string, text: string): HTMLSpanElement {
    const mark = this.#context.document.createElement('span');
    mark.className = `ivs-tile__mark ${modifier}`;
    mark.textContent = text;
    return mark;
  }
}

function createStream(track: MediaStreamTrack): MediaStream {
  return new MediaStream([track]);
}

/** Writes text only when it differs (never as HTML: names are user data). */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

function setHidden(element: HTMLElement, hidden: boolean): void {
  if (element.hidden !== hidden) element.hidden = hidden;
}
