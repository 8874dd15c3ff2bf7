import { MediaDeviceError } from './errors';

/**
 * The part of `navigator.mediaDevices` this SDK uses. The real `MediaDevices` satisfies it; tests and
 * apps with their own capture pipeline can pass any object of this shape (the `mediaDevices` option).
 */
export interface MediaDevicesLike {
  getUserMedia(constraints: MediaStreamConstraints): Promise<{ getTracks(): MediaStreamTrack[] }>;
  enumerateDevices?(): Promise<MediaDeviceInfo[]>;
}

/**
 * Returns `injected` when given, else the browser's `navigator.mediaDevices`, read at call time (never at
 * import, so importing this module is safe during server-side rendering).
 *
 * @throws {MediaDeviceError} `insecure-context` on plain-http pages (browsers hide `mediaDevices` there),
 *   `unsupported` when there is no `navigator.mediaDevices` at all (Node, old browsers).
 * @internal
 */
export function resolveMediaDevices(injected?: MediaDevicesLike): MediaDevicesLike {
  if (injected) return injected;
  const nav = (globalThis as { navigator?: { mediaDevices?: MediaDevicesLike } }).navigator;
  const devices = nav?.mediaDevices;
  if (devices && typeof devices.getUserMedia === 'function') return devices;
  if ((globalThis as { isSecureContext?: boolean }).isSecureContext === false) {
    throw new MediaDeviceError(
      'insecure-context',
      'Camera and microphone are only available on secure pages. Serve the page over https:// (or http://localhost during development).',
    );
  }
  throw new MediaDeviceError(
    'unsupported',
    'navigator.mediaDevices is not available in this environment. Run in a browser, or pass a `mediaDevices` implementation.',
  );
}

/** Stops every track of a list, ignoring tracks that throw (already ended, foreign objects). @internal */
export function stopTracks(tracks: Iterable<MediaStreamTrack>): void {
  for (const track of tracks) {
    try {
      track.stop();
    } catch {
      // A track that cannot be stopped is already unusable; nothing else to release.
    }
  }
}
