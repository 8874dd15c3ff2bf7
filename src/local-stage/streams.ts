import { ValidationError } from '../core/errors';
import {
  DriverErrorCode,
  type DriverLocalStream,
  type DriverRemoteStream,
  type DriverStreamConfig,
  type DriverStreamLayer,
  type DriverStreamType,
} from '../stage/driver';
import { LocalStageError } from './errors';
import { inBandPayloadBytes, inBandRepeatCount, InBandRateLimit } from './in-band';
import { resolveSimulcastLayers } from './simulcast';

/** Sends an in-band message with the published video (set by the publisher while published). */
export type InBandSender = (payload: Uint8Array, repeatCount: number) => void;

/** A remote video stream's simulcast layers as the server last reported them. */
export interface RemoteLayerState {
  /** Available layers, lowest quality first. */
  readonly layers: readonly DriverStreamLayer[];
  readonly selected: DriverStreamLayer | undefined;
  readonly adapting: boolean;
}

function inBandError(message: string): LocalStageError {
  return new LocalStageError('PUBLISH_ERROR', DriverErrorCode.FAILED, message, { fatal: false });
}

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
  #inBand: InBandSender | undefined;
  readonly #inBandRate = new InBandRateLimit();

  constructor(track: MediaStreamTrack, config?: DriverStreamConfig) {
    this.streamType = kindOf(track);
    // Checked now, so that a bad layer list fails where it was written, not when publishing.
    if (this.streamType === 'video') resolveSimulcastLayers(config?.simulcast);
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

  /**
   * Sends `payload` (1 to 1024 bytes) with the published video, to the participants receiving it
   * (`stageStreamSeiMessageReceived` where their subscribe configuration enables in-band messaging),
   * plus `repeatCount` (0–30) copies. The stream must be created with `inBandMessaging: { enabled: true }`
   * and be published; at most 10 KB of payload per second. Any video codec works on the local stage.
   */
  async insertSeiMessage(payload: ArrayBuffer, options?: { repeatCount?: number }): Promise<void> {
    const bytes = inBandPayloadBytes(payload);
    const repeatCount = inBandRepeatCount(options);
    if (this.streamType !== 'video') throw inBandError('In-band messages are sent with a video stream; this LocalStageStream is audio.');
    if (!this.config?.inBandMessaging?.enabled) {
      throw inBandError('In-band messaging is not enabled on this stream: create the LocalStageStream with { inBandMessaging: { enabled: true } }.');
    }
    const send = this.#inBand;
    if (!send) throw inBandError('The stream is not published: in-band messages can only be sent while the stage publishes this stream.');
    if (!this.#inBandRate.take(bytes.byteLength)) throw inBandError('Too many in-band messages: at most 10 KB of payload per second; send less often.');
    send(bytes, repeatCount);
  }

  /** Set by the stage while the stream is published. Used by the local driver. */
  setInBandSender(sender: InBandSender | undefined): void {
    this.#inBand = sender;
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

/**
 * A track received from a remote participant through WHEP. A simulcast video stream reports its
 * layers (from the server's `layerState` frames); other streams have none.
 */
export class RemoteStageStream implements DriverRemoteStream {
  readonly mediaStreamTrack: MediaStreamTrack;
  readonly streamType: DriverStreamType;
  readonly participantId: string;
  #muted: boolean;
  #receiver: RTCRtpReceiver | undefined;
  #layers: (() => RemoteLayerState | undefined) | undefined;

  constructor(participantId: string, track: MediaStreamTrack, muted: boolean, receiver?: RTCRtpReceiver, layers?: () => RemoteLayerState | undefined) {
    this.participantId = participantId;
    this.streamType = kindOf(track);
    this.mediaStreamTrack = track;
    this.#muted = muted;
    this.#receiver = receiver;
    this.#layers = this.streamType === 'video' ? layers : undefined;
  }

  /** The layers the publisher sends, lowest quality first (empty without simulcast). */
  getLayers(): DriverStreamLayer[] {
    return [...(this.#layers?.()?.layers ?? [])];
  }

  getSelectedLayer(): DriverStreamLayer | undefined {
    return this.#layers?.()?.selected;
  }

  getLowestQualityLayer(): DriverStreamLayer | undefined {
    return this.#layers?.()?.layers[0];
  }

  getHighestQualityLayer(): DriverStreamLayer | undefined {
    const layers = this.#layers?.()?.layers ?? [];
    return layers[layers.length - 1];
  }

  /** Whether the server picks the layer (no preferred layer); `false` without simulcast. */
  get isAdapting(): boolean {
    return this.#layers?.()?.adapting ?? false;
  }

  /** The WHEP receiver (jitter buffer target). Used by the local driver. */
  get receiver(): RTCRtpReceiver | undefined {
    return this.#receiver;
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
