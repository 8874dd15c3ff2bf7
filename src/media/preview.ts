/**
 * Pre-join preview: camera and microphone captured once, shown locally with a microphone level meter,
 * then handed to `StageSession.join()` so joining does not capture (or prompt) again.
 */
import { TypedEmitter } from '../core/emitter';
import { AbortedError, InvalidStateError, MediaDeviceError, ValidationError } from '../core/errors';
import type { PublishMediaOptions } from '../stage/local-media';
import { resolveMediaDevices, stopTracks, type MediaDevicesLike } from '../core/media-devices';

/** Options of {@link MediaPreview}. */
export interface MediaPreviewOptions {
  /** Defaults to `navigator.mediaDevices`. */
  mediaDevices?: MediaDevicesLike;
  /** Microphone: `true` (default), constraints (e.g. `{ deviceId: { exact: id } }`) or `false`. */
  audio?: boolean | MediaTrackConstraints;
  /** Camera: `true` (default), constraints or `false`. */
  video?: boolean | MediaTrackConstraints;
  /** How often the level meter updates, in ms. Default `50`. */
  meterIntervalMs?: number;
}

/** Events of a {@link MediaPreview}. */
export interface MediaPreviewEvents {
  /** Microphone level, 0..1 (peak of the last interval), every `meterIntervalMs` while previewing. */
  level: { level: number };
  /** A track was captured or replaced (after `start()` and `setDevice()`). */
  tracksChanged: { audioTrack: MediaStreamTrack | undefined; videoTrack: MediaStreamTrack | undefined };
}

/** Where a {@link MediaPreview} is in its life (its `phase`). */
export type MediaPreviewPhase = 'idle' | 'starting' | 'previewing' | 'handed-off' | 'stopped';

/**
 * A local preview of the chosen camera and microphone before joining, with a microphone level meter.
 * Its tracks are reused when joining: `session.join({ token, publish: true, media: preview.handOff() })`
 * publishes exactly these tracks (one getUserMedia prompt, not two), and the session then owns them.
 *
 * @example
 * ```ts
 * const preview = new MediaPreview();
 * await preview.start();
 * preview.attach(document.querySelector('video')!);
 * preview.on('level', ({ level }) => (meter.value = level));
 * await preview.setDevice('audioinput', micPicker.value);
 * await session.join({ token, publish: true, media: preview.handOff() });
 * ```
 */
export class MediaPreview extends TypedEmitter<MediaPreviewEvents> {
  readonly #options: MediaPreviewOptions;
  #phase: MediaPreviewPhase = 'idle';
  #audio: MediaStreamTrack | undefined;
  #video: MediaStreamTrack | undefined;
  #level = 0;
  #meter: { context: AudioContext; source: MediaStreamAudioSourceNode; timer: ReturnType<typeof setInterval> } | undefined;
  #elements = new Set<HTMLVideoElement>();

  constructor(options: MediaPreviewOptions = {}) {
    super();
    const interval = options.meterIntervalMs ?? 50;
    if (typeof interval !== 'number' || !(interval >= 10)) throw new ValidationError('meterIntervalMs', `must be a number ≥ 10, got ${String(interval)}.`);
    if (options.audio === false && options.video === false) throw new ValidationError('options', 'a preview needs audio or video; both are false.');
    this.#options = { ...options, meterIntervalMs: interval };
  }

  /** `idle` → `starting` → `previewing` → `handed-off` (joined) or `stopped`. */
  get phase(): MediaPreviewPhase {
    return this.#phase;
  }

  get audioTrack(): MediaStreamTrack | undefined {
    return this.#audio;
  }

  get videoTrack(): MediaStreamTrack | undefined {
    return this.#video;
  }

  /** The last microphone level, 0..1. */
  get level(): number {
    return this.#level;
  }

  /**
   * Captures camera and microphone (one getUserMedia call) and starts the level meter.
   * @throws {MediaDeviceError} capture failed. {@link InvalidStateError} when already started.
   * {@link AbortedError} when `signal` aborts or `stop()` is called meanwhile (nothing stays captured).
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#phase !== 'idle') throw new InvalidStateError(this.#phase, `start() was called while the preview is ${this.#phase}. Create a new MediaPreview.`);
    this.#phase = 'starting';
    const { audio = true, video = true } = this.#options;
    let tracks: MediaStreamTrack[];
    try {
      tracks = (await resolveMediaDevices(this.#options.mediaDevices).getUserMedia({ audio, video })).getTracks();
    } catch (error) {
      if (this.#phase === 'starting') this.#phase = 'idle';
      throw MediaDeviceError.from(error);
    }
    if (this.#phase !== 'starting' || options.signal?.aborted) {
      stopTracks(tracks);
      throw new AbortedError('The preview was stopped before the camera/microphone were ready.', { cause: options.signal?.reason });
    }
    this.#phase = 'previewing';
    this.#audio = tracks.find((t) => t.kind === 'audio');
    this.#video = tracks.find((t) => t.kind === 'video');
    this.#startMeter();
    this.#changed();
  }

  /**
   * Shows the camera in `video` (muted, inline). Returns a function that detaches it. The element
   * follows `setDevice()`.
   */
  attach(video: HTMLVideoElement): () => void {
    this.#elements.add(video);
    video.muted = true;
    video.playsInline = true;
    this.#show(video);
    return () => {
      this.#elements.delete(video);
      if (video.srcObject) video.srcObject = null;
    };
  }

  /**
   * Switches the preview to another camera or microphone (the permission is already granted: no prompt).
   * @throws {MediaDeviceError} the device could not be opened; the previous track keeps running.
   */
  async setDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    if (this.#phase !== 'previewing') throw new InvalidStateError(this.#phase, 'setDevice() needs a started preview (call start() first).');
    if (typeof deviceId !== 'string' || deviceId === '') throw new ValidationError('deviceId', 'must be a device id from listMediaDevices().');
    const media = kind === 'audioinput' ? 'audio' : kind === 'videoinput' ? 'video' : undefined;
    if (!media) throw new ValidationError('kind', `must be 'audioinput' or 'videoinput', got ${String(kind)}.`);
    const base = this.#options[media];
    const constraints = { ...(typeof base === 'object' ? base : {}), deviceId: { exact: deviceId } };
    let track: MediaStreamTrack | undefined;
    try {
      track = (await resolveMediaDevices(this.#options.mediaDevices).getUserMedia({ [media]: constraints })).getTracks()[0];
    } catch (error) {
      throw MediaDeviceError.from(error);
    }
    if (!track) throw new MediaDeviceError('not-found', `The device ${deviceId} gave no ${media} track.`);
    if (this.#phase !== 'previewing') {
      stopTracks([track]);
      throw new AbortedError('The preview ended while the device was being switched.');
    }
    const previous = media === 'audio' ? this.#audio : this.#video;
    if (media === 'audio') this.#audio = track;
    else this.#video = track;
    if (previous) stopTracks([previous]);
    if (media === 'audio') {
      this.#stopMeter();
      this.#startMeter();
    }
    this.#changed();
  }

  /**
   * Ends the preview and gives its tracks to a join: pass the result as `media` to
   * `StageSession.join()`. The session then owns the tracks (it stops them when it stops publishing);
   * the preview no longer does.
   * @throws {InvalidStateError} when the preview is not running.
   */
  handOff(): PublishMediaOptions {
    if (this.#phase !== 'previewing') throw new InvalidStateError(this.#phase, 'handOff() needs a started preview (call start() and wait for it).');
    const tracks = [this.#audio, this.#video].filter((t): t is MediaStreamTrack => t !== undefined);
    this.#phase = 'handed-off';
    this.#stopMeter();
    this.#audio = undefined;
    this.#video = undefined;
    this.#elements.clear();
    return { tracks, adoptTracks: true };
  }

  /** Stops the preview and its tracks (unless handed off). Idempotent. */
  stop(): void {
    if (this.#phase === 'stopped') return;
    const handedOff = this.#phase === 'handed-off';
    this.#phase = 'stopped';
    this.#stopMeter();
    if (!handedOff) stopTracks([this.#audio, this.#video].filter((t): t is MediaStreamTrack => t !== undefined));
    for (const el of this.#elements) if (el.srcObject) el.srcObject = null;
    this.#elements.clear();
    this.#audio = undefined;
    this.#video = undefined;
    this.removeAllListeners();
  }

  #changed(): void {
    for (const el of this.#elements) this.#show(el);
    this.emit('tracksChanged', { audioTrack: this.#audio, videoTrack: this.#video });
  }

  #show(video: HTMLVideoElement): void {
    if (!this.#video || typeof MediaStream === 'undefined') return;
    const current = video.srcObject as MediaStream | null;
    if (current?.getVideoTracks()[0] === this.#video) return;
    video.srcObject = new MediaStream([this.#video]);
    void video.play?.()?.catch(() => {});
  }

  #startMeter(): void {
    const track = this.#audio;
    const Context = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!track || !Context || typeof MediaStream === 'undefined') return;
    let context: AudioContext;
    try {
      context = new Context();
    } catch {
      return; // No audio output available: the preview works without a meter.
    }
    void context.resume().catch(() => {});
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const value of samples) peak = Math.max(peak, Math.abs(value));
      this.#level = Math.min(1, peak);
      this.emit('level', { level: this.#level });
    }, this.#options.meterIntervalMs);
    this.#meter = { context, source, timer };
  }

  #stopMeter(): void {
    const meter = this.#meter;
    if (!meter) return;
    this.#meter = undefined;
    clearInterval(meter.timer);
    meter.source.disconnect();
    void meter.context.close().catch(() => {});
    this.#level = 0;
  }
}
