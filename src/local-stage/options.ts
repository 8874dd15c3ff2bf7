/** Options of the local stage driver and their defaults. */
import type { FetchLike } from './signaling';

/** Options of the local driver (all optional; the defaults use the browser's globals). */
export interface LocalStageOptions {
  /** Video codec to publish: `'VP8'` (default) or `'H264'`. */
  videoCodec?: 'VP8' | 'H264';
  /** Time allowed for the events socket to be welcomed. Default 10 000 ms. */
  joinTimeoutMs?: number;
  /** Time allowed for a WHIP/WHEP peer connection to connect. Default 15 000 ms. */
  connectTimeoutMs?: number;
  /** Reconnection of the events socket after an unexpected drop. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number; giveUpAfterMs?: number };
  /** Injectable globals (tests, non-browser runtimes). */
  WebSocket?: typeof WebSocket;
  fetch?: FetchLike;
  RTCPeerConnection?: typeof RTCPeerConnection;
}

export interface ResolvedLocalStageOptions {
  videoCodec: 'VP8' | 'H264';
  joinTimeoutMs: number;
  connectTimeoutMs: number;
  reconnect: { minDelayMs: number; maxDelayMs: number; giveUpAfterMs: number };
  /** `undefined` outside a browser (joining then fails with a clear error). */
  WebSocket: typeof WebSocket | undefined;
  fetch: FetchLike | undefined;
  RTCPeerConnection: typeof RTCPeerConnection | undefined;
}

export function resolveLocalStageOptions(options: LocalStageOptions): ResolvedLocalStageOptions {
  return {
    videoCodec: options.videoCodec ?? 'VP8',
    joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
    reconnect: {
      minDelayMs: options.reconnect?.minDelayMs ?? 250,
      maxDelayMs: options.reconnect?.maxDelayMs ?? 4000,
      giveUpAfterMs: options.reconnect?.giveUpAfterMs ?? 30_000,
    },
    WebSocket: options.WebSocket ?? (typeof WebSocket === 'undefined' ? undefined : WebSocket),
    fetch: options.fetch ?? (typeof fetch === 'undefined' ? undefined : (input, init) => fetch(input, init)),
    RTCPeerConnection: options.RTCPeerConnection ?? (typeof RTCPeerConnection === 'undefined' ? undefined : RTCPeerConnection),
  };
}
