/**
 * Which simulcast layer one WHEP subscriber receives, and the RTP rewriting that makes the layers
 * it receives one continuous stream. Pure logic (no werift): the publisher feeds it the rid of
 * each packet; it answers whether to forward it, and asks for keyframes and announces changes
 * through callbacks.
 *
 * Rules (docs/local-stage-protocol.md, "Simulcast"):
 * - adapting (no preference): start with the initial layer (`?layer=`, lowest by default), then
 *   move to the highest active layer (loopback has no bandwidth estimate to hold it lower);
 * - a preference (`preferLayer`: a rid, `lowest`, `highest`) stops adapting; `null` resumes it;
 * - a preferred rid that is not active falls back to the nearest active layer below it, else
 *   above it; a selected layer that stops (no RTP for 1 s) is `unavailable` and is replaced so;
 * - a switch happens only at a packet that starts a keyframe of the target layer (a PLI is sent on
 *   that layer's SSRC to get one soon).
 */
import type { LocalLayerChangeReason, LocalLayerInfo } from 'aws-ivs-realtime/protocol';

/** `lowest` | `highest` | a rid; `null`: the server adapts. */
export type LayerPreference = string | null;

/** What a subscriber is told in a `layerState` frame. */
export interface LayerState {
  layers: LocalLayerInfo[];
  selected: string | null;
  adapting: boolean;
  reason: LocalLayerChangeReason;
}

export interface LayerSelectorOptions {
  /** The layer to start with while adapting (WHEP `?layer=`). */
  initial: 'lowest' | 'highest';
  /** A preference set before the session existed (`preferLayer` sent early). */
  preference?: LayerPreference;
  layers: readonly LocalLayerInfo[];
  /** Ask the publisher for a keyframe on this layer. */
  requestKeyframe(rid: string): void;
  /** A change to announce (`layerState`). */
  onState(state: LayerState): void;
  /** Clock (ms). */
  now?: () => number;
}

/** While waiting for a keyframe on the target layer, ask again this often. */
const KEYFRAME_RETRY_MS = 1000;
const VIDEO_CLOCK_RATE_PER_MS = 90;

export class LayerSelector {
  readonly rewriter = new RtpRewriter();
  readonly #initial: 'lowest' | 'highest';
  readonly #requestKeyframe: (rid: string) => void;
  readonly #onState: (state: LayerState) => void;
  readonly #now: () => number;
  #layers: LocalLayerInfo[];
  #preference: LayerPreference;
  #current: string | null = null;
  #target: { rid: string; reason: LocalLayerChangeReason; askedAt: number } | undefined;

  constructor(options: LayerSelectorOptions) {
    this.#initial = options.initial;
    this.#preference = options.preference ?? null;
    this.#layers = options.layers.map((l) => ({ ...l }));
    this.#requestKeyframe = options.requestKeyframe;
    this.#onState = options.onState;
    this.#now = options.now ?? Date.now;
  }

  /** The rid forwarded now (`null` before the first keyframe). */
  get selected(): string | null {
    return this.#current;
  }

  get adapting(): boolean {
    return this.#preference === null;
  }

  /** The layer a switch waits for (a keyframe of it), if any. */
  get pending(): string | undefined {
    return this.#target?.rid;
  }

  state(reason: LocalLayerChangeReason): LayerState {
    return { layers: this.#layers.map((l) => ({ ...l })), selected: this.#current, adapting: this.adapting, reason };
  }

  /** The session connected: announce the layers and start waiting for the first keyframe. */
  start(): void {
    this.#onState(this.state('available'));
    this.#retarget();
  }

  /** `preferLayer`: a rid, `lowest`, `highest`, or `null` to let the server adapt. */
  setPreference(preference: LayerPreference): void {
    if (preference === this.#preference) return;
    const wasAdapting = this.adapting;
    this.#preference = preference;
    if (wasAdapting !== this.adapting) this.#onState(this.state('adaption'));
    this.#retarget();
  }

  /** The publisher's layers changed (a layer started or stopped arriving). */
  setLayers(layers: readonly LocalLayerInfo[]): void {
    this.#layers = layers.map((l) => ({ ...l }));
    const lost = this.#current !== null && !this.#isActive(this.#current);
    this.#onState(this.state(lost ? 'unavailable' : 'available'));
    this.#retarget();
  }

  /**
   * One packet of layer `rid` arrived: whether to forward it to this subscriber. `startsKeyframe`
   * is asked only when a switch waits for that layer.
   */
  route(rid: string, startsKeyframe: () => boolean): boolean {
    const target = this.#target;
    if (target && rid === target.rid) {
      if (startsKeyframe()) {
        this.#current = rid;
        this.#target = undefined;
        this.rewriter.rebase();
        this.#onState(this.state(target.reason));
        // Adapting from the initial layer: the next step is the highest active layer.
        this.#retarget();
        return true;
      }
      if (this.#now() - target.askedAt >= KEYFRAME_RETRY_MS) {
        target.askedAt = this.#now();
        this.#requestKeyframe(rid);
      }
    }
    return rid === this.#current;
  }

  #isActive(rid: string): boolean {
    return this.#layers.some((l) => l.rid === rid && l.active);
  }

  /** The layer this subscriber should receive now, or `null` when none is active. */
  #desired(): string | null {
    const active = this.#layers.filter((l) => l.active);
    if (active.length === 0) return null;
    const lowest = active[0]!.rid;
    const highest = active[active.length - 1]!.rid;
    const preference = this.#preference;
    if (preference === null) return this.#current === null && this.#initial === 'lowest' ? lowest : highest;
    if (preference === 'lowest') return lowest;
    if (preference === 'highest') return highest;
    if (this.#isActive(preference)) return preference;
    // Not active (or unknown): the nearest active layer below it, else the lowest active one.
    const index = this.#layers.findIndex((l) => l.rid === preference);
    const below = this.#layers.slice(0, Math.max(index, 0)).filter((l) => l.active);
    return below.length > 0 ? below[below.length - 1]!.rid : lowest;
  }

  #retarget(): void {
    const desired = this.#desired();
    if (desired === null || desired === this.#current) {
      this.#target = undefined;
      return;
    }
    if (this.#target?.rid === desired) return;
    const reason: LocalLayerChangeReason =
      this.#current !== null && !this.#isActive(this.#current) ? 'unavailable' : this.adapting && this.#current !== null ? 'adaption' : 'selected';
    this.#target = { rid: desired, reason, askedAt: this.#now() };
    this.#requestKeyframe(desired);
  }
}

/**
 * Rewrites sequence numbers and timestamps so that the packets of successive sources (layers) form
 * one stream: after {@link rebase}, the next packet continues right after the last one sent
 * (sequence + 1, timestamp + the wall time elapsed at 90 kHz). werift's sender only replaces the
 * SSRC and payload type; its sequence/timestamp offsets change only through `replaceTrack`.
 */
export class RtpRewriter {
  #seqOffset = 0;
  #tsOffset = 0;
  #last: { seq: number; ts: number; at: number } | undefined;
  #rebase = false;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The next packet starts a new source. */
  rebase(): void {
    this.#rebase = true;
  }

  rewrite(sequenceNumber: number, timestamp: number): { sequenceNumber: number; timestamp: number } {
    const now = this.#now();
    const last = this.#last;
    if (this.#rebase && last) {
      this.#seqOffset = (last.seq + 1 - sequenceNumber) & 0xffff;
      const elapsed = Math.max(1, Math.round((now - last.at) * VIDEO_CLOCK_RATE_PER_MS));
      this.#tsOffset = (last.ts + elapsed - timestamp) >>> 0;
    }
    this.#rebase = false;
    const out = { sequenceNumber: (sequenceNumber + this.#seqOffset) & 0xffff, timestamp: (timestamp + this.#tsOffset) >>> 0 };
    // Remember the newest packet sent (a late or repeated one does not move the base back).
    if (!last || ((out.sequenceNumber - last.seq) & 0xffff) < 0x8000) {
      this.#last = { seq: out.sequenceNumber, ts: out.timestamp, at: now };
    }
    return out;
  }
}
