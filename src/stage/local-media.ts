/**
 * The local participant's media: acquires camera/microphone tracks (or takes the caller's), wraps them
 * in the driver's local streams, applies mute, and stops exactly the tracks it started.
 */
import { AbortedError, InvalidStateError, MediaDeviceError, StageError, messageOf } from '../core/errors';
import { stopTracks, type MediaDevicesLike } from '../core/media-devices';
import type { DriverLocalStream, StageDriver } from './driver';
import type { PublishConfig, PublishMediaOptions } from './media-options';

export { validateMediaOptions, type PublishConfig, type PublishMediaOptions } from './media-options';

/** @internal */
/**
 * The media to publish again after `setPublishing(false)`. Tracks handed over with `media.tracks`
 * may have ended since (the session stops adopted tracks when it stops publishing; the caller may
 * stop its own): then the camera/microphone are captured again for the same kinds.
 */
export function republishMedia(media: PublishMediaOptions | undefined): PublishMediaOptions | undefined {
  const tracks = media?.tracks;
  if (!tracks || tracks.every((t) => t.readyState === 'live')) return media;
  return { audio: tracks.some((t) => t.kind === 'audio'), video: tracks.some((t) => t.kind === 'video') };
}

export class LocalMedia {
  readonly #getDevices: () => MediaDevicesLike;
  #owned = new Set<MediaStreamTrack>();
  #streams: DriverLocalStream[] = [];
  /** Bumped by release(): an acquire that was in flight then throws AbortedError and stops what it got. */
  #generation = 0;

  constructor(getDevices: () => MediaDevicesLike) {
    this.#getDevices = getDevices;
  }

  /** The local streams currently published (empty when not publishing). */
  get streams(): readonly DriverLocalStream[] {
    return this.#streams;
  }

  /** Tracks this object started and will stop. */
  get ownedTracks(): readonly MediaStreamTrack[] {
    return [...this.#owned];
  }

  /**
   * Acquires tracks and creates the driver streams, muted per `muted`. Replaces any previous media
   * (which is released). On failure nothing stays acquired.
   * @throws {MediaDeviceError} from getUserMedia; {@link AbortedError} if released or aborted meanwhile.
   */
  async acquire(
    options: PublishMediaOptions | undefined,
    driver: StageDriver,
    config: PublishConfig,
    /** Read after capture, so a mute set while the camera was starting still applies. */
    muted: () => { audio: boolean; video: boolean },
    signal?: AbortSignal,
  ): Promise<void> {
    this.release();
    const generation = this.#generation;
    let tracks: MediaStreamTrack[];
    const owned: MediaStreamTrack[] = [];
    if (options?.tracks) {
      tracks = [...options.tracks];
      if (options.adoptTracks) owned.push(...tracks);
    } else {
      const audio = options?.audio ?? true;
      const video = options?.video ?? true;
      let stream: { getTracks(): MediaStreamTrack[] };
      try {
        stream = await this.#getDevices().getUserMedia({ audio, video });
      } catch (error) {
        throw MediaDeviceError.from(error);
      }
      tracks = stream.getTracks();
      owned.push(...tracks);
    }
    if (generation !== this.#generation || signal?.aborted) {
      stopTracks(owned);
      throw new AbortedError('Publishing was cancelled before the camera/microphone were ready.', { cause: signal?.reason });
    }
    const streams: DriverLocalStream[] = [];
    try {
      for (const track of tracks) {
        const kind = track.kind === 'audio' ? 'audio' : 'video';
        const stream = driver.createLocalStream(track, config[kind]);
        if (muted()[kind]) stream.setMuted(true);
        streams.push(stream);
      }
    } catch (cause) {
      stopTracks(owned);
      throw new StageError('publish', `Could not create a local stream: ${messageOf(cause)}`, {
        cause,
        fatal: false,
      });
    }
    for (const track of owned) this.#owned.add(track);
    this.#streams = streams;
  }

  /**
   * Replaces the published track of `track`'s kind (device switch). The previous track is stopped if
   * this object owned it; `adopt` makes this object own (and later stop) the new one.
   * @throws {InvalidStateError} when no stream of that kind is published.
   */
  async replace(track: MediaStreamTrack, driver: StageDriver, config: PublishConfig, muted: { audio: boolean; video: boolean }, adopt: boolean): Promise<void> {
    const kind = track.kind === 'audio' ? 'audio' : 'video';
    const index = this.#streams.findIndex((s) => s.streamType === kind);
    const current = this.#streams[index];
    if (!current) throw new InvalidStateError('not-publishing', `No ${kind} track is being published, so there is none to replace. Publish ${kind} first (setPublishing).`);
    const previous = current.mediaStreamTrack;
    if (previous === track) return;
    let next: DriverLocalStream = current;
    if (current.replaceTrack) {
      await current.replaceTrack(track);
    } else {
      next = driver.createLocalStream(track, config[kind]);
      if (muted[kind]) next.setMuted(true);
    }
    if (this.#streams[index] !== current) {
      // Released meanwhile: the new track is not published, so nothing keeps it.
      if (adopt) stopTracks([track]);
      throw new AbortedError('Publishing stopped while the track was being replaced.');
    }
    this.#streams = this.#streams.map((s, i) => (i === index ? next : s));
    if (adopt) this.#owned.add(track);
    if (this.#owned.delete(previous)) stopTracks([previous]);
  }

  /**
   * Sends an in-band message with the published video (`insertSeiMessage`).
   * @throws {InvalidStateError} when no video is published, or the media stack cannot carry messages.
   */
  async sendInBand(bytes: Uint8Array, repeatCount: number | undefined): Promise<void> {
    const video = this.#streams.find((s) => s.streamType === 'video');
    if (!video) {
      throw new InvalidStateError('not-publishing', 'sendInBandMessage(): no video is being published, and in-band messages travel with it. Publish video first (setPublishing).');
    }
    if (!video.insertSeiMessage) throw new InvalidStateError('unsupported', "sendInBandMessage(): this media stack's local streams cannot carry in-band messages.");
    const payload = new Uint8Array(bytes).buffer;
    await video.insertSeiMessage(payload, repeatCount === undefined ? undefined : { repeatCount });
  }

  /** Mutes/unmutes the streams of one kind. */
  setMuted(kind: 'audio' | 'video', muted: boolean): void {
    for (const stream of this.#streams) {
      if (stream.streamType === kind && stream.isMuted !== muted) stream.setMuted(muted);
    }
  }

  /** Drops the streams and stops every track this object started. Idempotent. */
  release(): void {
    this.#generation++;
    this.#streams = [];
    stopTracks(this.#owned);
    this.#owned.clear();
  }
}
