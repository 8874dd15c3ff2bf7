import { AbortedError, MediaDeviceError, ValidationError } from '../core/errors';
import { resolveMediaDevices, stopTracks, type MediaDevicesLike } from '../core/media-devices';

/** Which permissions to request. */
export interface MediaPermissionRequest {
  audio?: boolean;
  video?: boolean;
}

/** Options of {@link requestMediaPermissions} and {@link listMediaDevices}. */
export interface MediaHelperOptions {
  /** Defaults to `navigator.mediaDevices`. */
  mediaDevices?: MediaDevicesLike;
  signal?: AbortSignal;
}

/**
 * Asks the user for camera and/or microphone permission, then immediately stops the captured tracks
 * (the camera light goes off). Useful on a "check your devices" screen before joining, and to get
 * device labels from {@link listMediaDevices}.
 *
 * @returns the kinds that were granted (exactly the requested ones when it resolves).
 * @throws {MediaDeviceError} with a normalized `reason` (`permission-denied`, `not-found`, `in-use`, …).
 * @throws {AbortedError} when `signal` aborts; tracks obtained after the abort are stopped.
 * @throws {ValidationError} when neither `audio` nor `video` is requested.
 *
 * @example
 * ```ts
 * try {
 *   await requestMediaPermissions({ audio: true, video: true });
 * } catch (error) {
 *   if (error instanceof MediaDeviceError && error.reason === 'permission-denied') showHowToAllow();
 * }
 * ```
 */
export async function requestMediaPermissions(
  request: MediaPermissionRequest,
  options: MediaHelperOptions = {},
): Promise<{ audio: boolean; video: boolean }> {
  const audio = request?.audio === true;
  const video = request?.video === true;
  if (!audio && !video) {
    throw new ValidationError('request', 'requestMediaPermissions() needs `audio: true` and/or `video: true`.');
  }
  const { signal } = options;
  if (signal?.aborted) throw new AbortedError('requestMediaPermissions() was aborted.', { cause: signal.reason });
  const devices = resolveMediaDevices(options.mediaDevices);
  let stream: { getTracks(): MediaStreamTrack[] };
  try {
    stream = await devices.getUserMedia({ audio, video });
  } catch (error) {
    throw MediaDeviceError.from(error);
  }
  stopTracks(stream.getTracks());
  if (signal?.aborted) throw new AbortedError('requestMediaPermissions() was aborted.', { cause: signal.reason });
  return { audio, video };
}
