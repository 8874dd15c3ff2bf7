import { ValidationError } from '../core/errors';
import type { DriverLocalStream, DriverStream, DriverStreamConfig, DriverStreamType } from '../stage/driver';

function kindOf(track: MediaStreamTrack): DriverStreamType {
  if (track.kind !== 'audio' && track.kind !== 'video') {
    throw new ValidationError('track', `LocalStageStream needs an audio or video MediaStreamTrack, got kind ${JSON.stringify(track.kind)}.`);
  }
  return track.kind;
}

/**
 * A local track to publish on an ivs-local stage (the local driver's `LocalStageStream`).
 * Muting disables the track (`track.enabled = false`: black video / silence keeps flowing, so
 * unmuting is instant) and tells the other participants, who see "muted" rather than "no stream".
 */
export class LocalStageStream implements DriverLocalStream {
  readonly mediaStreamTrack: MediaStreamTrack;
  readonly streamType: DriverStreamType;
  readonly config: DriverStreamConfig | undefined;
  #muted: boolean;
  #listeners = new Set<(stream: LocalStageStream) => void>();
  #stats: (() => Promise<RTCStatsReport | undefined>) | undefined;

  constructor(track: MediaStreamTrack, config?: DriverStreamConfig) {
    this.streamType = kindOf(track);
    this.mediaStreamTrack = track;
    this.config = config;
    this.#muted = !track.enabled;
  }

  get id(): string {
    return this.mediaStreamTrack.id;
  }

  get isMuted(): boolean {
    return this.#muted;
  }

  setMuted(muted: boolean): void {
    if (typeof muted !== 'boolean') throw new ValidationError('muted', 'setMuted(muted) expects a boolean.');
    this.mediaStreamTrack.enabled = !muted;
    if (this.#muted === muted) return;
    this.#muted = muted;
    for (const listener of [...this.#listeners]) listener(this);
  }

  /** Sender statistics while published. */
  async getStats(): Promise<RTCStatsReport | undefined> {
    return this.#stats?.();
  }

  /** Observes mute changes (the stage relays them to the server). Used by the local driver. */
  onMuteChange(listener: (stream: LocalStageStream) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Set by the stage while the stream is published. Used by the local driver. */
  setStatsSource(source: (() => Promise<RTCStatsReport | undefined>) | undefined): void {
    this.#stats = source;
  }
}

/** A track received from a remote participant through WHEP. */
export class RemoteStageStream implements DriverStream {
  readonly mediaStreamTrack: MediaStreamTrack;
  readonly streamType: DriverStreamType;
  readonly participantId: string;
  #muted: boolean;
  #receiver: RTCRtpReceiver | undefined;

  constructor(participantId: string, track: MediaStreamTrack, muted: boolean, receiver?: RTCRtpReceiver) {
    this.participantId = participantId;
    this.streamType = kindOf(track);
    this.mediaStreamTrack = track;
    this.#muted = muted;
    this.#receiver = receiver;
  }

  get id(): string {
    return this.mediaStreamTrack.id;
  }

  get isMuted(): boolean {
    return this.#muted;
  }

  /** @internal */
  setMutedState(muted: boolean): boolean {
    if (this.#muted === muted) return false;
    this.#muted = muted;
    return true;
  }

  async getStats(): Promise<RTCStatsReport | undefined> {
    return this.#receiver?.getStats();
  }
}
