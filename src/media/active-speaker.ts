/**
 * Active speaker detection from WebRTC statistics: no Web Audio graph, no extra decoding.
 */
import { TypedEmitter } from '../core/emitter';
import { ValidationError } from '../core/errors';
import type { AddonEmit, AddonHost, SpeakersChangedEvent } from '../core/addon-events';
import type { Participant, StageSessionEvents } from '../stage/types';
import { audioEnergy, streamStats } from './stats';

/** What {@link ActiveSpeakerDetector} reads: a `StageSession`, or any object of this shape. */
export interface ActiveSpeakerSource extends Partial<AddonHost> {
  readonly participants: readonly Participant[];
  on<K extends keyof StageSessionEvents>(event: K, listener: (payload: StageSessionEvents[K]) => void): () => void;
}

/** Options of {@link ActiveSpeakerDetector}. */
export interface ActiveSpeakerOptions {
  /** How often statistics are read, in ms. Default `100` (the highlight follows speech within ~1–2 intervals). */
  intervalMs?: number;
  /** Level (0..1, linear) at which a participant starts speaking. Default `0.05` (about −26 dBFS). */
  threshold?: number;
  /** Level below which silence counts toward `holdMs` (hysteresis). Default `threshold / 2`. */
  releaseThreshold?: number;
  /** A speaker stays speaking this long after the level falls below `releaseThreshold`. Default `500` ms. */
  holdMs?: number;
  /** Include the local participant (level of the microphone being sent). Default `true`. */
  includeLocal?: boolean;
  /**
   * Also emit `speakersChanged` on the session itself (so a `StageGrid` on that session highlights
   * speakers with no extra wiring), through the session's `attachAddon()`. Default `true`.
   */
  relayToSession?: boolean;
}

/** Events of an {@link ActiveSpeakerDetector}. */
export interface ActiveSpeakerEvents {
  /** The set of speaking participants changed. `speakers` is loudest first; `audioLevels` is 0..1 per participant id. */
  speakersChanged: SpeakersChangedEvent;
  /** Every interval: the audio level (0..1) of each participant with audio. */
  levels: { levels: Record<string, number> };
}

interface Track {
  trackId: string;
  energy: number;
  duration: number;
  speaking: boolean;
  lastLoudAt: number;
}

function positive(name: string, value: number | undefined, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new ValidationError(name, `must be a number > 0${max === Infinity ? '' : ` and ≤ ${max}`}, got ${String(value)}.`);
  }
  return value;
}

/**
 * Follows who is speaking in a stage, from the audio levels in the WebRTC statistics of each
 * participant's audio (`inbound-rtp` for remote participants, the microphone's `media-source` for the
 * local one), read every `intervalMs`. A participant starts speaking as soon as a reading reaches
 * `threshold` and stops after `holdMs` below `releaseThreshold`, so short pauses between words do not
 * flicker. Muted participants never speak.
 *
 * Attach it to a session and a `StageGrid` on that session highlights speakers
 * (`ivs-tile--speaking`): the detector emits `speakersChanged` on the session too.
 *
 * @example
 * ```ts
 * const speakers = new ActiveSpeakerDetector(session);
 * speakers.on('speakersChanged', ({ speakers }) => console.log('speaking:', speakers));
 * // later
 * speakers.dispose();
 * ```
 */
export class ActiveSpeakerDetector extends TypedEmitter<ActiveSpeakerEvents> {
  readonly #source: ActiveSpeakerSource;
  readonly #threshold: number;
  readonly #release: number;
  readonly #holdMs: number;
  readonly #includeLocal: boolean;
  readonly #relay: AddonEmit | undefined;
  readonly #tracks = new Map<string, Track>();
  #levels: Record<string, number> = {};
  #speakers: string[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;

  constructor(source: ActiveSpeakerSource, options: ActiveSpeakerOptions = {}) {
    super();
    if (typeof source !== 'object' || source === null || typeof source.on !== 'function') {
      throw new ValidationError('source', 'expected a StageSession (an object with `participants` and `on()`).');
    }
    const intervalMs = positive('intervalMs', options.intervalMs, 100);
    this.#threshold = positive('threshold', options.threshold, 0.05, 1);
    this.#release = positive('releaseThreshold', options.releaseThreshold, this.#threshold / 2, this.#threshold);
    this.#holdMs = options.holdMs === 0 ? 0 : positive('holdMs', options.holdMs, 500);
    this.#includeLocal = options.includeLocal ?? true;
    this.#relay = options.relayToSession === false ? undefined : source.attachAddon?.();
    this.#source = source;
    this.#timer = setInterval(() => void this.#tick(), intervalMs);
  }

  /** Ids of the participants speaking now, loudest first. */
  get speakers(): readonly string[] {
    return this.#speakers;
  }

  /** Last audio level (0..1) per participant id. */
  get levels(): Readonly<Record<string, number>> {
    return this.#levels;
  }

  /** Whether a participant is speaking now. */
  isSpeaking(participantId: string): boolean {
    return this.#speakers.includes(participantId);
  }

  /** Stops reading statistics. If anyone was speaking, emits a last `speakersChanged` with nobody. Idempotent. */
  dispose(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#tracks.clear();
    this.#levels = {};
    this.#publish([]);
    this.removeAllListeners();
  }

  async #tick(): Promise<void> {
    if (this.#busy) return; // A slow getStats() never piles up readings.
    this.#busy = true;
    try {
      await this.#read();
    } finally {
      this.#busy = false;
    }
  }

  async #read(): Promise<void> {
    const participants = this.#source.participants.filter((p) => this.#includeLocal || !p.isLocal);
    const readings = await Promise.all(
      participants.map(async (p) => {
        const audio = p.streams.find((s) => s.kind === 'audio');
        if (!audio || p.audioMuted || audio.muted) return { p, trackId: audio?.track.id, counters: undefined };
        const list = await streamStats(p, 'audio');
        return { p, trackId: audio.track.id, counters: list && audioEnergy(list) };
      }),
    );
    if (this.#timer === undefined) return;
    const now = Date.now();
    const levels: Record<string, number> = {};
    const seen = new Set<string>();
    for (const { p, trackId, counters } of readings) {
      seen.add(p.id);
      let track = this.#tracks.get(p.id);
      if (!track || track.trackId !== trackId) {
        track = { trackId: trackId ?? '', energy: counters?.energy ?? 0, duration: counters?.duration ?? 0, speaking: false, lastLoudAt: 0 };
        this.#tracks.set(p.id, track);
      }
      let level = 0;
      if (counters) {
        const dd = counters.duration - track.duration;
        const de = counters.energy - track.energy;
        // RMS over the interval from the energy counters; the instantaneous audioLevel when they do not advance.
        level = dd > 0 && de >= 0 ? Math.sqrt(de / dd) : (counters.level ?? 0);
        track.energy = counters.energy;
        track.duration = counters.duration;
      }
      level = Math.min(1, level);
      levels[p.id] = level;
      if (level >= (track.speaking ? this.#release : this.#threshold)) {
        track.speaking = true;
        track.lastLoudAt = now;
      } else if (track.speaking && now - track.lastLoudAt >= this.#holdMs) {
        track.speaking = false;
      }
    }
    for (const id of [...this.#tracks.keys()]) if (!seen.has(id)) this.#tracks.delete(id);
    this.#levels = levels;
    this.emit('levels', { levels });
    const speakers = [...this.#tracks.entries()]
      .filter(([, t]) => t.speaking)
      .map(([id]) => id)
      .sort((a, b) => (levels[b] ?? 0) - (levels[a] ?? 0));
    const same = speakers.length === this.#speakers.length && speakers.every((id) => this.#speakers.includes(id));
    if (!same) this.#publish(speakers);
    else this.#speakers = speakers;
  }

  #publish(speakers: string[]): void {
    if (speakers.length === 0 && this.#speakers.length === 0) return;
    this.#speakers = speakers;
    const payload: SpeakersChangedEvent = { speakers: [...speakers], audioLevels: { ...this.#levels } };
    this.emit('speakersChanged', payload);
    this.#relay?.('speakersChanged', payload);
  }
}
