/**
 * Network quality per remote participant, from the WebRTC statistics of what is received from them.
 */
import { TypedEmitter } from '../core/emitter';
import { ValidationError } from '../core/errors';
import type { AddonEmit, AddonHost, NetworkQuality, NetworkQualityStats, QualityChangedEvent } from '../core/addon-events';
import type { Participant, StageSessionEvents } from '../stage/types';
import { num, streamStats, type StatsEntry } from './stats';

export type { NetworkQuality, NetworkQualityStats } from '../core/addon-events';

/** Where `good` ends and `poor` starts. Defaults in brackets. */
export interface NetworkQualityThresholds {
  /** Packet loss in percent at or above which quality is `poor` [5]. */
  poorPacketLossPercent?: number;
  /** Jitter in ms at or above which quality is `poor` [60]. */
  poorJitterMs?: number;
  /** Round-trip time in ms at or above which quality is `poor` [500]. */
  poorRttMs?: number;
  /** Decoded video frame rate below which unmuted video counts as `poor` (frozen) [5]. */
  poorFramesPerSecond?: number;
}

const DEFAULT_THRESHOLDS: Required<NetworkQualityThresholds> = {
  poorPacketLossPercent: 5,
  poorJitterMs: 60,
  poorRttMs: 500,
  poorFramesPerSecond: 5,
};

/**
 * The quality for one interval's figures (pure; what {@link NetworkQualityMonitor} applies).
 * `videoExpected`: the participant's video is unmuted, so a stalled frame rate counts.
 */
export function classifyNetworkQuality(stats: NetworkQualityStats, videoExpected: boolean, thresholds: NetworkQualityThresholds = {}): NetworkQuality {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  if (stats.packetsReceived === 0) return 'lost';
  if (stats.packetLossPercent >= t.poorPacketLossPercent) return 'poor';
  if (stats.jitterMs >= t.poorJitterMs) return 'poor';
  if (stats.rttMs !== undefined && stats.rttMs >= t.poorRttMs) return 'poor';
  if (videoExpected && stats.framesPerSecond !== undefined && stats.framesPerSecond < t.poorFramesPerSecond) return 'poor';
  return 'good';
}

/** Options of {@link NetworkQualityMonitor}. */
export interface NetworkQualityOptions {
  /** How often statistics are read, in ms. Default `1000`. */
  intervalMs?: number;
  thresholds?: NetworkQualityThresholds;
  /**
   * Consecutive intervals a better quality must last before it is reported (a worse one is reported
   * at once). Default `2`.
   */
  recoverAfter?: number;
  /**
   * Also emit `qualityChanged` on the session (a `StageGrid` on it shows the badge), through the
   * session's `attachAddon()`. Default `true`.
   */
  relayToSession?: boolean;
}

/** Events of a {@link NetworkQualityMonitor}. */
export interface NetworkQualityEvents {
  /** A remote participant's quality changed (`previous` is `undefined` for the first reading). */
  qualityChanged: QualityChangedEvent;
}

/** What {@link NetworkQualityMonitor} reads: a `StageSession`, or any object of this shape. */
export interface NetworkQualitySource extends Partial<AddonHost> {
  readonly participants: readonly Participant[];
  on<K extends keyof StageSessionEvents>(event: K, listener: (payload: StageSessionEvents[K]) => void): () => void;
}

interface Counters {
  received: number;
  lost: number;
  frames: number | undefined;
  at: number;
}

interface Entry {
  tracks: string;
  counters: Counters | undefined;
  quality: NetworkQuality | undefined;
  better: number;
}

function inbound(list: StatsEntry[] | undefined): StatsEntry | undefined {
  return list?.find((e) => e.type === 'inbound-rtp');
}

function rttOf(list: StatsEntry[] | undefined): number | undefined {
  const pair = list?.find((e) => e.type === 'candidate-pair' && (e['nominated'] === true || e['selected'] === true) && num(e, 'currentRoundTripTime') !== undefined);
  const rtt = num(pair, 'currentRoundTripTime') ?? num(list?.find((e) => e.type === 'remote-outbound-rtp'), 'roundTripTime');
  return rtt === undefined ? undefined : rtt * 1000;
}

/** Figures of a participant rated by its media stack only (nothing received from it: the local participant). */
const NO_FIGURES: NetworkQualityStats = Object.freeze({ packetLossPercent: 0, jitterMs: 0, rttMs: undefined, framesPerSecond: undefined, packetsReceived: 0 });

/** The media stack's `NetworkQuality` names, worst first, and what the monitor reports for each. */
const STACK_RANK = ['down', 'poor', 'normal', 'good', 'excellent'] as const;
const STACK_TO_MONITOR: Record<(typeof STACK_RANK)[number], NetworkQuality> = { down: 'lost', poor: 'poor', normal: 'good', good: 'good', excellent: 'good' };

interface StackQuality {
  quality: NetworkQuality;
  fields: Pick<QualityChangedEvent, 'networkQuality' | 'qualityLimitationReason'>;
}

/** The worst rating of a participant's streams by the media stack (`getQuality`); `undefined` when none rates. */
async function stackQuality(p: Participant): Promise<StackQuality | undefined> {
  const readings = await Promise.all(p.streams.map(async (s) => ({ kind: s.kind, quality: await s.getQuality?.().catch(() => undefined) })));
  let worst: (typeof STACK_RANK)[number] | undefined;
  let reason: string | undefined;
  for (const { kind, quality } of readings) {
    if (!quality || !STACK_RANK.includes(quality.networkQuality)) continue;
    if (worst === undefined || STACK_RANK.indexOf(quality.networkQuality) < STACK_RANK.indexOf(worst)) worst = quality.networkQuality;
    if (kind === 'video' && quality.qualityLimitationReason !== undefined) reason = quality.qualityLimitationReason;
  }
  if (worst === undefined) return undefined;
  const fields: StackQuality['fields'] = reason === undefined ? { networkQuality: worst } : { networkQuality: worst, qualityLimitationReason: reason };
  return { quality: STACK_TO_MONITOR[worst], fields };
}

/**
 * Rates every remote participant's connection `good`, `poor` or `lost` from the statistics of the
 * media received from them (packet loss, jitter, round-trip time, decoded frames), read every
 * `intervalMs` as deltas. Only subscribed participants are rated; a participant that leaves or is
 * unsubscribed is forgotten.
 *
 * Thresholds (see {@link NetworkQualityThresholds}): `poor` at ≥ 5 % loss, ≥ 60 ms jitter, ≥ 500 ms
 * RTT, or unmuted video decoding < 5 frames/s; `lost` when no packet arrived during an interval.
 * Drops are reported at once, recoveries after `recoverAfter` intervals.
 *
 * When the media stack rates its streams itself (Amazon IVS: `ParticipantStream.getQuality()`, from
 * `requestQualityStats()`), its rating wins (`networkQuality` on the event), and the local participant
 * is rated too (its published streams). On ivs-local the classifier above applies.
 *
 * @example
 * ```ts
 * const quality = new NetworkQualityMonitor(session);
 * quality.on('qualityChanged', ({ participantId, quality }) => badge(participantId, quality));
 * ```
 */
export class NetworkQualityMonitor extends TypedEmitter<NetworkQualityEvents> {
  readonly #source: NetworkQualitySource;
  readonly #thresholds: NetworkQualityThresholds;
  readonly #recoverAfter: number;
  readonly #relay: AddonEmit | undefined;
  readonly #entries = new Map<string, Entry>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;

  constructor(source: NetworkQualitySource, options: NetworkQualityOptions = {}) {
    super();
    if (typeof source !== 'object' || source === null || typeof source.on !== 'function') {
      throw new ValidationError('source', 'expected a StageSession (an object with `participants` and `on()`).');
    }
    const intervalMs = options.intervalMs ?? 1000;
    if (typeof intervalMs !== 'number' || !(intervalMs >= 50)) throw new ValidationError('intervalMs', `must be a number ≥ 50, got ${String(intervalMs)}.`);
    const recoverAfter = options.recoverAfter ?? 2;
    if (!Number.isInteger(recoverAfter) || recoverAfter < 1) throw new ValidationError('recoverAfter', `must be an integer ≥ 1, got ${String(recoverAfter)}.`);
    this.#source = source;
    this.#thresholds = { ...options.thresholds };
    this.#recoverAfter = recoverAfter;
    this.#relay = options.relayToSession === false ? undefined : source.attachAddon?.();
    this.#timer = setInterval(() => void this.#tick(), intervalMs);
  }

  /** The last reported quality of a remote participant (`undefined` before the first reading). */
  quality(participantId: string): NetworkQuality | undefined {
    return this.#entries.get(participantId)?.quality;
  }

  /** Stops reading statistics. Idempotent. */
  dispose(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#entries.clear();
    this.removeAllListeners();
  }

  async #tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      await this.#read();
    } finally {
      this.#busy = false;
    }
  }

  async #read(): Promise<void> {
    const rated = this.#source.participants.filter((p) =>
      p.isLocal ? p.streams.some((s) => typeof s.getQuality === 'function') : p.subscribeState === 'subscribed' && p.streams.length > 0,
    );
    const readings = await Promise.all(
      rated.map(async (p) => ({
        p,
        audio: p.isLocal ? undefined : await streamStats(p, 'audio'),
        video: p.isLocal ? undefined : await streamStats(p, 'video'),
        stack: await stackQuality(p),
      })),
    );
    if (this.#timer === undefined) return;
    const now = Date.now();
    const seen = new Set<string>();
    for (const { p, audio, video, stack } of readings) {
      const a = inbound(audio);
      const v = inbound(video);
      if (!a && !v) {
        // No statistics of received media: the media stack's own rating, if it has one.
        if (stack) {
          seen.add(p.id);
          const entry = this.#entries.get(p.id) ?? { tracks: '', counters: undefined, quality: undefined, better: 0 };
          this.#entries.set(p.id, entry);
          this.#update(p.id, entry, stack.quality, NO_FIGURES, stack);
        }
        continue;
      }
      seen.add(p.id);
      const counters: Counters = {
        received: (num(a, 'packetsReceived') ?? 0) + (num(v, 'packetsReceived') ?? 0),
        lost: Math.max(0, num(a, 'packetsLost') ?? 0) + Math.max(0, num(v, 'packetsLost') ?? 0),
        frames: num(v, 'framesDecoded'),
        at: now,
      };
      const tracks = p.streams.map((s) => s.track.id).join();
      let entry = this.#entries.get(p.id);
      if (!entry || entry.tracks !== tracks) {
        // New participant or new subscription: counters restart; keep the last quality.
        entry = { tracks, counters: undefined, quality: entry?.quality, better: 0 };
        this.#entries.set(p.id, entry);
      }
      const previous = entry.counters;
      entry.counters = counters;
      if (!previous) continue;
      const received = Math.max(0, counters.received - previous.received);
      const lost = Math.max(0, counters.lost - previous.lost);
      const seconds = Math.max(0.001, (now - previous.at) / 1000);
      const stats: NetworkQualityStats = {
        packetLossPercent: received + lost === 0 ? 0 : (100 * lost) / (received + lost),
        jitterMs: 1000 * Math.max(num(a, 'jitter') ?? 0, num(v, 'jitter') ?? 0),
        rttMs: rttOf(video) ?? rttOf(audio),
        framesPerSecond: counters.frames === undefined || previous.frames === undefined ? undefined : Math.max(0, counters.frames - previous.frames) / seconds,
        packetsReceived: received,
      };
      const quality = stack?.quality ?? classifyNetworkQuality(stats, v !== undefined && !p.videoMuted, this.#thresholds);
      this.#update(p.id, entry, quality, stats, stack);
    }
    for (const id of [...this.#entries.keys()]) if (!seen.has(id)) this.#entries.delete(id);
  }

  #update(participantId: string, entry: Entry, quality: NetworkQuality, stats: NetworkQualityStats, stack: StackQuality | undefined): void {
    const previous = entry.quality;
    if (quality === previous) {
      entry.better = 0;
      return;
    }
    const rank = { good: 2, poor: 1, lost: 0 } as const;
    if (previous !== undefined && rank[quality] > rank[previous] && ++entry.better < this.#recoverAfter) return;
    entry.better = 0;
    entry.quality = quality;
    const payload: QualityChangedEvent = stack ? { participantId, quality, previous, stats, ...stack.fields } : { participantId, quality, previous, stats };
    this.emit('qualityChanged', payload);
    this.#relay?.('qualityChanged', payload);
  }
}
