/**
 * The publish options of StageSession and their validation: the part of the local media module that
 * `join()` and `setPublishing()` need before the connection engine is loaded.
 */
import { ValidationError } from '../core/errors';
import type { DriverStreamConfig } from './driver';

/** What to publish. */
export interface PublishMediaOptions {
  /** Capture the microphone: `true` (default) or constraints; `false` to publish no audio. */
  audio?: boolean | MediaTrackConstraints;
  /** Capture the camera: `true` (default) or constraints; `false` to publish no video. */
  video?: boolean | MediaTrackConstraints;
  /**
   * Publish these tracks instead of capturing (screen share, canvas, processed camera…). When given,
   * `audio`/`video` are ignored. The caller owns these tracks: the session never stops them; stop them
   * yourself after `leave()` or `setPublishing(false)`.
   */
  tracks?: MediaStreamTrack[];
  /**
   * With `tracks`: the session takes ownership of them and stops them when it stops publishing, as
   * if it had captured them (what `MediaPreview.handOff()` asks for). Default `false`.
   */
  adoptTracks?: boolean;
}

/**
 * Per-kind publish settings handed to the driver's local stream constructor. Video:
 * `simulcast: { enabled: true, layers: ['720p', '360p', '180p'] }` sends up to 3 layers (presets or
 * `{ width, height, maxBitrateKbps, maxFramerate }`); `inBandMessaging: { enabled: true }` allows
 * `sendInBandMessage()`.
 */
export interface PublishConfig {
  audio?: DriverStreamConfig;
  video?: DriverStreamConfig;
}

/** Validates {@link PublishMediaOptions}. */
export function validateMediaOptions(media: unknown, field = 'media'): asserts media is PublishMediaOptions | undefined {
  if (media === undefined) return;
  if (typeof media !== 'object' || media === null) throw new ValidationError(field, 'must be an object like { audio: true, video: true }.');
  const { audio, video, tracks, adoptTracks } = media as PublishMediaOptions;
  for (const [key, value] of [['audio', audio], ['video', video]] as const) {
    if (value !== undefined && typeof value !== 'boolean' && (typeof value !== 'object' || value === null)) {
      throw new ValidationError(`${field}.${key}`, 'must be a boolean or MediaTrackConstraints.');
    }
  }
  if (tracks !== undefined) {
    if (!Array.isArray(tracks)) throw new ValidationError(`${field}.tracks`, 'must be an array of MediaStreamTrack.');
    tracks.forEach((t, i) => {
      if (typeof t !== 'object' || t === null || (t.kind !== 'audio' && t.kind !== 'video')) {
        throw new ValidationError(`${field}.tracks[${i}]`, 'must be an audio or video MediaStreamTrack.');
      }
    });
    if (adoptTracks !== undefined && typeof adoptTracks !== 'boolean') {
      throw new ValidationError(`${field}.adoptTracks`, 'must be a boolean.');
    }
    if (tracks.length === 0) throw new ValidationError(`${field}.tracks`, 'is empty; pass at least one track, or omit `tracks` to capture the camera/microphone.');
  } else if (audio === false && video === false) {
    throw new ValidationError(field, 'publishing needs audio or video; both are false.');
  }
}
