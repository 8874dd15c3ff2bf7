import type { PeerSettings } from './peer';

/** Options of the stage media module. Defaults suit a laptop or a CI runner. */
export interface StageMediaOptions {
  /**
   * Where werift gathers ICE candidates: `['127.0.0.1']` (default) keeps all media on loopback;
   * `'all'` adds every IPv4 interface (for browsers on other machines of a trusted LAN).
   */
  hostAddresses?: readonly string[] | 'all';
  /** Publishers allowed per stage (IVS: 12). */
  maxPublishers?: number;
  /** Interval of WebSocket pings; a client that misses one is dropped at the next tick. Default 1000 ms. */
  heartbeatIntervalMs?: number;
  /**
   * How long a participant whose socket dropped (without `leave`) stays listed, so a reconnecting
   * client keeps its place. Its media sessions end at once. Default 2000 ms; with the default
   * heartbeat a vanished client is gone within 4 s. `0` removes it at once.
   */
  reconnectGraceMs?: number;
  /** Time a new events socket has to send `join`. Default 10 000 ms. */
  joinTimeoutMs?: number;
  /** Longest wait for ICE gathering before answering. Default 3000 ms. */
  iceGatheringTimeoutMs?: number;
  /** A WHIP/WHEP session that does not connect within this time is closed. Default 20 000 ms. */
  connectTimeoutMs?: number;
  /**
   * A plain WHIP publisher (no events socket) that sends no RTP for this long is removed, as a
   * crashed encoder. Default 3000 ms, so the others see it leave within about 3.5 s.
   */
  plainWhipIdleTimeoutMs?: number;
  /** `x-google-start-bitrate` (kbps) put in WHIP answers. Default 1500. */
  startBitrateKbps?: number;
  /** Diagnostic log sink (default: silent). */
  log?: (message: string) => void;
  /** Clock for token verification and expiry timers (tests shift it). Default `() => new Date()`. */
  now?: () => Date;
}

/** The options with their defaults applied. */
export type ResolvedStageMediaOptions = Required<Omit<StageMediaOptions, 'log' | 'hostAddresses'>> &
  Pick<StageMediaOptions, 'log'> &
  PeerSettings;

export function resolveStageMediaOptions(options: StageMediaOptions): ResolvedStageMediaOptions {
  return {
    hostAddresses: options.hostAddresses ?? ['127.0.0.1'],
    maxPublishers: options.maxPublishers ?? 12,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
    reconnectGraceMs: options.reconnectGraceMs ?? 2000,
    joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
    iceGatheringTimeoutMs: options.iceGatheringTimeoutMs ?? 3000,
    connectTimeoutMs: options.connectTimeoutMs ?? 20_000,
    startBitrateKbps: options.startBitrateKbps ?? 1500,
    plainWhipIdleTimeoutMs: options.plainWhipIdleTimeoutMs ?? 3000,
    log: options.log,
    now: options.now ?? (() => new Date()),
  };
}
