/**
 * Events that add-ons emit on the `StageSession` they attach to, declared once: the detector, the
 * monitor, the session, the grid and test doubles all use these payload types.
 */

/**
 * - `good`: media arrives with little loss and delay;
 * - `poor`: it arrives, but with enough loss, jitter, delay or frozen video that people will notice;
 * - `lost`: nothing has arrived for a whole interval.
 */
export type NetworkQuality = 'good' | 'poor' | 'lost';

/** The figures a quality was derived from (one interval, everything received from one participant). */
export interface NetworkQualityStats {
  /** Packets lost / (lost + received) over the interval, in percent. */
  packetLossPercent: number;
  /** Highest inbound jitter of the participant's streams, in ms. */
  jitterMs: number;
  /** Round-trip time of the connection carrying the media, in ms (`undefined` when not reported). */
  rttMs: number | undefined;
  /** Video frames decoded per second over the interval (`undefined` without video). */
  framesPerSecond: number | undefined;
  /** Packets received over the interval (audio + video). */
  packetsReceived: number;
}

/** `speakersChanged`: who is speaking now, loudest first, and the audio level (0..1) per participant id. */
export interface SpeakersChangedEvent {
  readonly speakers: readonly string[];
  readonly audioLevels: Readonly<Record<string, number>>;
}

/**
 * `qualityChanged`: a participant's network quality changed (`previous` is `undefined` at first): a
 * remote participant's, or the local one's when the media stack rates its own streams (Amazon IVS).
 */
export interface QualityChangedEvent {
  readonly participantId: string;
  readonly quality: NetworkQuality;
  readonly previous: NetworkQuality | undefined;
  /**
   * The figures the session measured itself. When the media stack rated the quality (`networkQuality`
   * set) they are the received media's when there is any, else zero (the local participant's own).
   */
  readonly stats: NetworkQualityStats;
  /**
   * The media stack's own rating when it has one (Amazon IVS `NetworkQuality`, the worst of the
   * participant's streams): `excellent`/`good`/`normal` → `good`, `poor` → `poor`, `down` → `lost`.
   * Absent when the session's classifier rated the figures (ivs-local, custom drivers).
   */
  readonly networkQuality?: 'excellent' | 'good' | 'normal' | 'poor' | 'down';
  /** With `networkQuality`, for a publisher's video: what limits its encoder (`none`, `cpu`, `bandwidth`, `other`). */
  readonly qualityLimitationReason?: string;
}

/** The events an add-on may emit on a session. */
export interface SessionAddonEvents {
  speakersChanged: SpeakersChangedEvent;
  qualityChanged: QualityChangedEvent;
}

/** Emits one add-on event on the session it was obtained from. */
export type AddonEmit = <K extends keyof SessionAddonEvents>(event: K, payload: SessionAddonEvents[K]) => void;

/**
 * A session add-ons can attach to (`StageSession` is one). `attachAddon()` returns the function
 * through which the add-on emits its {@link SessionAddonEvents} on the session.
 */
export interface AddonHost {
  attachAddon(): AddonEmit;
}
