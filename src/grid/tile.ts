import type { Participant } from '../stage/types';
import { fill, make, setAttribute, setHidden, setProperty, setText } from './dom';
import type { ParticipantIndicators, StageGridLabels } from './labels';

/** What a tile needs from its grid. */
export interface TileContext {
  readonly document: Document;
  readonly labels: Readonly<StageGridLabels>;
  readonly mirrorLocalVideo: boolean;
  readonly displayName: (participant: Participant) => string;
  /** Initials shown when there is no video (`initialsOf`). */
  readonly initials: (name: string) => string;
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
    const { labels, displayName, initials, indicators } = this.#context;
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
    setText(this.#initials, initials(name));
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

