import { randomUUID } from 'node:crypto';
import type { MediaStreamTrack as WeriftTrack, RTCPeerConnection, RTCRtpTransceiver, RtpPacket } from 'werift';
import type { LocalMediaKind, LocalStreamInfo } from 'aws-ivs-realtime/protocol';
import type { LayerSelector } from './layer-selector';
import { answerOffer, followConnection, canonicalMimeType, createPeer, publishCodecs, type PeerSettings } from './peer';
import { isForwardableCodec, isH264Codec, narrowOffer, SdpError } from './sdp';
import { SimulcastIngest } from './simulcast-ingest';

/**
 * What a publisher forwards to: one WHEP session (`Subscriber` implements it). Declared here so that
 * the publisher does not depend on the subscriber's class.
 */
export interface ForwardTarget {
  readonly participantId: string;
  readonly state: 'connecting' | 'connected' | 'closed';
  /** The outgoing track of that kind, once the session is connected. */
  trackFor(kind: LocalMediaKind): WeriftTrack | undefined;
  /** Which layer it receives of a simulcast publisher (`undefined` for a single encoding). */
  readonly layerSelector: LayerSelector | undefined;
  close(): void;
}

/** Publisher lifecycle: negotiating → connected (forwarding) → closed. */
export type PublisherState = 'connecting' | 'connected' | 'closed';

/** Minimum interval between two keyframe requests sent to a publisher. */
const PLI_MIN_INTERVAL_MS = 250;

/**
 * One WHIP session: a werift peer connection receiving a participant's audio/video, and the
 * subscribers its RTP is forwarded to (without transcoding).
 */
export class Publisher {
  readonly resourceId = randomUUID();
  readonly participantId: string;
  #streams: LocalStreamInfo[] = [];
  #simulcast: SimulcastIngest | undefined;
  /** Called when the announced streams change (a simulcast layer started or stopped). */
  onStreamsChanged: (() => void) | undefined;
  #state: PublisherState = 'connecting';
  #pc: RTCPeerConnection;
  #subscribers = new Set<ForwardTarget>();
  #video: { transceiver: RTCRtpTransceiver; ssrc: number | undefined } | undefined;
  #lastPliAt = 0;
  #connectTimer: NodeJS.Timeout | undefined;
  #stopFollowing: () => void;
  #idleTimer: NodeJS.Timeout | undefined;
  #lastRtpAt = 0;
  #onStateChange: (publisher: Publisher, state: PublisherState) => void;

  constructor(
    participantId: string,
    settings: PeerSettings,
    onStateChange: (publisher: Publisher, state: PublisherState) => void,
  ) {
    this.participantId = participantId;
    this.#onStateChange = onStateChange;
    this.#pc = createPeer(settings, publishCodecs(), { rtpStreamId: true });
    this.#stopFollowing = followConnection(this.#pc, {
      connected: () => {
        if (this.#state !== 'connecting') return;
        clearTimeout(this.#connectTimer);
        this.#setState('connected');
      },
      lost: () => this.close(),
    });
    this.#pc.onTrack.subscribe((track) => this.#attach(track));
    this.#settings = settings;
  }

  readonly #settings: PeerSettings;

  get state(): PublisherState {
    return this.#state;
  }

  /** The tracks negotiated in the offer (known after {@link negotiate}), with the simulcast layers' current activity. */
  get streams(): LocalStreamInfo[] {
    const layers = this.#simulcast?.layers;
    return this.#streams.map((s) => (s.kind === 'video' && layers ? { ...s, layers: layers.map((l) => ({ ...l })) } : { ...s }));
  }

  /** The simulcast layers of the video track (lowest first), `undefined` for a single encoding. */
  get layers(): LocalStreamInfo['layers'] {
    return this.streams.find((s) => s.kind === 'video')?.layers;
  }

  /** Whether the session ever reached `connected` (and was therefore announced). */
  wasConnected = false;

  /**
   * Applies a WHIP offer and returns the SDP answer (after ICE gathering). The offer is narrowed
   * to one codec per track: the first Opus, VP8 or H.264 (packetization-mode 1) the client offered.
   * With `h264Only` (plain WHIP, as IVS ingests it) video is narrowed to H.264 whatever the order.
   * Throws {@link SdpError} for unusable offers.
   */
  async negotiate(offer: string, connectTimeoutMs: number, { h264Only = false } = {}): Promise<string> {
    const kinds = new Set<string>();
    const narrowed = narrowOffer(offer, (section) => {
      if (section.direction === 'recvonly' || section.direction === 'inactive') {
        throw new SdpError('bad-request', `Media section ${section.index} is ${section.direction}: a WHIP offer sends media (sendonly).`);
      }
      if (kinds.has(section.kind)) {
        throw new SdpError('bad-request', `The offer has more than one ${section.kind} track: publish at most one audio and one video track.`);
      }
      kinds.add(section.kind);
      return section.codecs.find(h264Only && section.kind === 'video' ? isH264Codec : isForwardableCodec);
    }, { simulcast: true });
    const streams: LocalStreamInfo[] = [];
    for (const [index, codec] of narrowed.chosen) {
      const section = narrowed.sections[index]!;
      const mimeType = canonicalMimeType(codec.mimeType);
      streams.push({ kind: section.kind as LocalMediaKind, mimeType, sdpFmtpLine: codec.sdpFmtpLine });
      const layers = narrowed.layers.get(index);
      if (layers) this.#simulcast = new SimulcastIngest(layers, mimeType, () => this.#layersChanged());
    }
    if (streams.length === 0) throw new SdpError('bad-request', 'The offer has no audio or video track to publish.');
    this.#streams = streams;
    const answer = await answerOffer(this.#pc, narrowed.sdp, this.#settings.iceGatheringTimeoutMs);
    if (this.#state === 'connecting') {
      this.#connectTimer = setTimeout(() => this.close(), connectTimeoutMs);
      this.#connectTimer.unref?.();
    }
    return answer;
  }

  /**
   * Ends the session when no RTP arrived for `idleMs` once connected: werift does not notice a
   * peer that vanished (no ICE consent checks), so a plain WHIP encoder that crashed would stay.
   */
  closeWhenIdle(idleMs: number): void {
    clearInterval(this.#idleTimer);
    this.#idleTimer = setInterval(() => {
      if (this.#state === 'connected' && Date.now() - this.#lastRtpAt > idleMs) this.close();
    }, Math.min(500, idleMs));
    this.#idleTimer.unref?.();
  }

  /** Starts forwarding to a subscriber (its tracks are written once its connection is up). */
  addSubscriber(subscriber: ForwardTarget): void {
    this.#subscribers.add(subscriber);
  }

  removeSubscriber(subscriber: ForwardTarget): void {
    this.#subscribers.delete(subscriber);
  }

  get subscribers(): ReadonlySet<ForwardTarget> {
    return this.#subscribers;
  }

  /**
   * Asks the publisher for a keyframe (PLI on the SSRC actually observed), rate-limited. For a
   * simulcast publisher: on layer `rid`, or on every active layer.
   */
  requestKeyframe(rid?: string | null): void {
    if (this.#simulcast) {
      if (this.#state !== 'connected') return;
      if (rid) this.#simulcast.requestKeyframe(rid);
      else this.#simulcast.requestAllKeyframes();
      return;
    }
    const video = this.#video;
    if (!video || video.ssrc === undefined || this.#state !== 'connected') return;
    const now = Date.now();
    if (now - this.#lastPliAt < PLI_MIN_INTERVAL_MS) return;
    this.#lastPliAt = now;
    video.transceiver.receiver.sendRtcpPLI(video.ssrc).catch(() => {
      // The transport went away; the close path cleans up.
    });
  }

  /** Stops receiving and forwarding. Idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#connectTimer);
    this.#stopFollowing();
    clearInterval(this.#idleTimer);
    this.#simulcast?.close();
    this.#setState('closed');
    for (const subscriber of [...this.#subscribers]) subscriber.close();
    this.#subscribers.clear();
    this.#pc.close().catch(() => {});
  }

  #attach(track: WeriftTrack): void {
    const kind = track.kind as LocalMediaKind;
    const simulcast = this.#simulcast;
    if (kind === 'video' && simulcast) {
      const transceiver = this.#pc.getTransceivers().find((t) => t.receiver.tracks.includes(track));
      if (!transceiver) return;
      simulcast.attach(transceiver, (rid, rtp) => {
        this.#lastRtpAt = Date.now();
        simulcast.forward(rid, rtp, this.#subscribers);
      });
      return;
    }
    if (kind === 'video') {
      const transceiver = this.#pc.getTransceivers().find((t) => t.receiver.tracks.includes(track));
      if (transceiver) this.#video = { transceiver, ssrc: undefined };
    }
    track.onReceiveRtp.subscribe((rtp: RtpPacket) => this.#forward(kind, rtp));
  }

  #forward(kind: LocalMediaKind, rtp: RtpPacket): void {
    this.#lastRtpAt = Date.now();
    if (kind === 'video' && this.#video && this.#video.ssrc !== rtp.header.ssrc) {
      this.#video.ssrc = rtp.header.ssrc;
      // A new source (first packet, or the browser restarted its encoder): subscribers need a keyframe.
      if (this.#subscribers.size > 0) this.requestKeyframe();
    }
    let buffer: Buffer | undefined;
    for (const subscriber of this.#subscribers) {
      const target = subscriber.trackFor(kind);
      if (!target) continue;
      // Serialize once, write the same buffer to every subscriber: werift rewrites header fields
      // (SSRC, payload type, sequence offsets) per sender on its own copy.
      buffer ??= rtp.serialize();
      target.writeRtp(buffer);
    }
  }

  #layersChanged(): void {
    const layers = this.#simulcast?.layers ?? [];
    for (const subscriber of this.#subscribers) subscriber.layerSelector?.setLayers(layers);
    if (this.#state === 'connected') this.onStreamsChanged?.();
  }

  #setState(state: PublisherState): void {
    this.#state = state;
    if (state === 'connected') this.#lastRtpAt = Date.now();
    if (state === 'connected') this.wasConnected = true;
    this.#onStateChange(this, state);
  }
}
