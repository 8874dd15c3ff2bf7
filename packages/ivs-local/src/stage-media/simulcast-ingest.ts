/**
 * The simulcast side of a WHIP session: one werift track per rid (werift routes the packets by the
 * RTP stream id extension), which layers are active (RTP in the last second), keyframe requests
 * per layer SSRC, and per-subscriber forwarding of one layer through each subscriber's
 * {@link LayerSelector}.
 */
import { RtpHeader, RtpPacket, type MediaStreamTrack as WeriftTrack, type RTCRtpTransceiver } from 'werift';
import type { LocalLayerInfo, LocalMediaKind } from 'aws-ivs-realtime/protocol';
import { keyframeDetector } from './keyframe';
import type { LayerSelector } from './layer-selector';
import type { OfferedLayer } from './simulcast-sdp';

/** A layer that sent no RTP for this long is inactive (`unavailable` to its subscribers). */
export const LAYER_INACTIVE_AFTER_MS = 1000;
const ACTIVITY_CHECK_MS = 200;
/** Minimum interval between two keyframe requests for one layer. */
const PLI_MIN_INTERVAL_MS = 250;

/** A subscriber as the ingest sees it. */
export interface LayerTarget {
  readonly layerSelector: LayerSelector | undefined;
  trackFor(kind: LocalMediaKind): WeriftTrack | undefined;
}

interface LayerSource {
  ssrc: number | undefined;
  lastRtpAt: number;
  lastPliAt: number;
}

export class SimulcastIngest {
  readonly layers: LocalLayerInfo[];
  readonly #sources = new Map<string, LayerSource>();
  readonly #startsKeyframe: (payload: Uint8Array) => boolean;
  readonly #onLayersChanged: () => void;
  #transceiver: RTCRtpTransceiver | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #attached = new Set<WeriftTrack>();

  constructor(offered: readonly OfferedLayer[], mimeType: string, onLayersChanged: () => void) {
    this.layers = offered.map((layer) => ({ ...layer, active: false }));
    for (const layer of offered) this.#sources.set(layer.rid, { ssrc: undefined, lastRtpAt: 0, lastPliAt: 0 });
    this.#startsKeyframe = keyframeDetector(mimeType);
    this.#onLayersChanged = onLayersChanged;
  }

  /**
   * Follows the rid tracks of the video transceiver (werift creates them from the offer; only the
   * first one is announced by `onTrack`).
   */
  attach(transceiver: RTCRtpTransceiver, forward: (rid: string, rtp: RtpPacket) => void): void {
    this.#transceiver = transceiver;
    for (const track of transceiver.receiver.tracks) {
      const rid = track.rid;
      if (!rid || !this.#sources.has(rid) || this.#attached.has(track)) continue;
      this.#attached.add(track);
      track.onReceiveRtp.subscribe((rtp: RtpPacket) => forward(rid, rtp));
    }
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#checkActivity(), ACTIVITY_CHECK_MS);
      this.#timer.unref?.();
    }
  }

  /** Forwards one packet of layer `rid` to every subscriber whose selector takes it. */
  forward(rid: string, rtp: RtpPacket, targets: Iterable<LayerTarget>): void {
    const source = this.#sources.get(rid);
    if (!source) return;
    source.lastRtpAt = Date.now();
    if (source.ssrc !== rtp.header.ssrc) {
      source.ssrc = rtp.header.ssrc;
      source.lastPliAt = 0;
    }
    const layer = this.layers.find((l) => l.rid === rid)!;
    if (!layer.active) {
      layer.active = true;
      this.#onLayersChanged();
    }
    let keyframe: boolean | undefined;
    const startsKeyframe = () => (keyframe ??= this.#startsKeyframe(rtp.payload));
    let buffer: Buffer | undefined;
    for (const target of targets) {
      const selector = target.layerSelector;
      const track = target.trackFor('video');
      if (!selector || !track || !selector.route(rid, startsKeyframe)) continue;
      // Serialize once; each subscriber gets its own copy with its own sequence numbers and
      // timestamps (werift then replaces the SSRC and payload type on the copy it parses). The
      // publisher's header extensions (mid, rid, with its own ids) are not forwarded: werift would
      // keep them next to the subscriber's own and a colliding id would rewrite its mid.
      buffer ??= withoutExtensions(rtp).serialize();
      const out = Buffer.from(buffer);
      const { sequenceNumber, timestamp } = selector.rewriter.rewrite(rtp.header.sequenceNumber, rtp.header.timestamp);
      out.writeUInt16BE(sequenceNumber, 2);
      out.writeUInt32BE(timestamp, 4);
      track.writeRtp(out);
    }
  }

  /** Asks for a keyframe on one layer (PLI on the SSRC observed for it), rate-limited per layer. */
  requestKeyframe(rid: string): void {
    const source = this.#sources.get(rid);
    const transceiver = this.#transceiver;
    if (!source || source.ssrc === undefined || !transceiver) return;
    const now = Date.now();
    if (now - source.lastPliAt < PLI_MIN_INTERVAL_MS) return;
    source.lastPliAt = now;
    transceiver.receiver.sendRtcpPLI(source.ssrc).catch(() => {
      // The transport went away; the close path cleans up.
    });
  }

  /** Asks every active layer for a keyframe (a new subscriber, or a subscriber's own PLI). */
  requestAllKeyframes(): void {
    for (const layer of this.layers) if (layer.active) this.requestKeyframe(layer.rid);
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #checkActivity(): void {
    const now = Date.now();
    let changed = false;
    for (const layer of this.layers) {
      const active = now - this.#sources.get(layer.rid)!.lastRtpAt <= LAYER_INACTIVE_AFTER_MS;
      if (active !== layer.active) {
        layer.active = active;
        changed = true;
      }
    }
    if (changed) this.#onLayersChanged();
  }
}

function withoutExtensions(rtp: RtpPacket): RtpPacket {
  const { header } = rtp;
  return new RtpPacket(
    new RtpHeader({
      marker: header.marker,
      payloadType: header.payloadType,
      sequenceNumber: header.sequenceNumber,
      timestamp: header.timestamp,
      ssrc: header.ssrc,
    }),
    rtp.payload,
  );
}
