/** A capability a browser needs to join a stage. */
export type StageRequirement = 'webrtc' | 'media-devices' | 'secure-context';

/** Result of {@link checkStageSupport}. */
export interface StageSupport {
  /** Whether every requirement is met. */
  readonly supported: boolean;
  /** The requirements that are not met (empty when `supported`). */
  readonly missing: readonly StageRequirement[];
}

/**
 * Checks whether this environment can join a stage: WebRTC (`RTCPeerConnection`),
 * `navigator.mediaDevices`, and a secure context (https or localhost).
 *
 * Safe to call anywhere, including during server-side rendering, where it reports every requirement
 * as missing. A viewer that never publishes still needs WebRTC and a secure context.
 *
 * @example
 * ```ts
 * const { supported, missing } = checkStageSupport();
 * if (!supported) showMessage(`This browser cannot join: missing ${missing.join(', ')}`);
 * ```
 */
export function checkStageSupport(): StageSupport {
  const g = globalThis as {
    RTCPeerConnection?: unknown;
    isSecureContext?: boolean;
    navigator?: { mediaDevices?: { getUserMedia?: unknown } };
  };
  const missing: StageRequirement[] = [];
  if (typeof g.RTCPeerConnection !== 'function') missing.push('webrtc');
  if (typeof g.navigator?.mediaDevices?.getUserMedia !== 'function') missing.push('media-devices');
  if (g.isSecureContext !== true) missing.push('secure-context');
  return { supported: missing.length === 0, missing };
}

/**
 * Whether this environment can join a stage (see {@link checkStageSupport} for the reasons when not).
 * Returns `false` during server-side rendering.
 */
export function isStageSupported(): boolean {
  return checkStageSupport().supported;
}
