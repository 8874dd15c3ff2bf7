/**
 * A strategy's `subscribeConfiguration` on the local stage: the jitter buffer target set on the
 * WHEP receivers, and the initial simulcast layer asked for in the WHEP URL.
 */
import type { DriverJitterBufferMinDelay, DriverSubscribeConfiguration } from '../stage/driver';

/** `jitterBuffer.minDelay` presets, in ms (`default`: the browser's own, `null`). */
export const LOCAL_JITTER_BUFFER_MS = { low: 50, medium: 200, high: 500 } as const;
/** The largest target a browser accepts (`RTCRtpReceiver.jitterBufferTarget`). */
export const MAX_JITTER_BUFFER_MS = 4000;

/** The `RTCRtpReceiver.jitterBufferTarget` for a `minDelay`: ms, or `null` for the browser's default. */
export function jitterBufferTargetOf(minDelay: DriverJitterBufferMinDelay | undefined): number | null {
  if (typeof minDelay === 'number') return Number.isFinite(minDelay) ? Math.min(MAX_JITTER_BUFFER_MS, Math.max(0, minDelay)) : null;
  if (minDelay === 'low' || minDelay === 'medium' || minDelay === 'high') return LOCAL_JITTER_BUFFER_MS[minDelay];
  return null;
}

/** Sets the jitter buffer target on receivers (browsers without the property ignore it). */
export function applyJitterBufferTarget(receivers: ReadonlyArray<RTCRtpReceiver | undefined>, target: number | null): void {
  for (const receiver of receivers) {
    if (!receiver || !('jitterBufferTarget' in receiver)) continue;
    try {
      receiver.jitterBufferTarget = target;
    } catch {
      // Out of the browser's range: it keeps its own.
    }
  }
}

/** The WHEP URL with the initial layer asked for (`?layer=lowest|highest`; none: the server's default, lowest). */
export function whepUrlWithLayer(url: string, config: DriverSubscribeConfiguration | undefined): string {
  const preference = config?.simulcast?.initialLayerPreference;
  const layer = preference === 'highest_quality' ? 'highest' : preference === 'lowest_quality' ? 'lowest' : undefined;
  if (!layer) return url;
  return `${url}${url.includes('?') ? '&' : '?'}layer=${layer}`;
}
