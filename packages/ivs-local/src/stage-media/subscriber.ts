import { randomUUID } from 'node:crypto';
import { MediaStreamTrack as WeriftTrack, useOPUS, useVP8, type RTCPeerConnection, type RTCRtpCodecParameters } from 'werift';
import type { LocalMediaKind } from 'aws-ivs-realtime/protocol';
import { LayerSelector, type LayerPreference, type LayerState } from './layer-selector';
import { answerOffer, followConnection, codecFromStream, createPeer, type PeerSettings } from './peer';
import type { ForwardTarget, Publisher } from './publisher';
import { matchPublisherCodec, narrowOffer, SdpError } from './sdp';

export type SubscriberState = 'connecting' | 'connected' | 'closed';

/** How a WHEP session receives a simulcast publisher. */
export interface SubscriberLayerOptions {
  /** WHEP `?layer=`: where adapting starts. Default `lowest` (as on Amazon IVS). */
  initial?: 'lowest' | 'highest';
  /** A `preferLayer` the subscriber sent before this session existed. */
  preference?: LayerPreference;
  /** Receives the `layerState` changes (sent to the subscribing participant). */
  onState?: (state: LayerState) => void;
}

/**
 * One WHEP session: a werift peer connection sending one publisher's tracks to one subscribing
 * participant. RTP is written only once the connection is up.
 */
export class Subscriber implements ForwardTarget {
  readonly resourceId = randomUUID();
  readonly participantId: string;
  readonly publisher: Publisher;
  #state: SubscriberState = 'connecting';
  #pc: RTCPeerConnection;
  #tracks = new Map<LocalMediaKind, WeriftTrack>();
  #settings: PeerSettings;
  #connectTimer: NodeJS.Timeout | undefined;
  #stopFollowing: () => void;
  #onStateChange: (subscriber: Subscriber, state: SubscriberState) => void;
  /** The layer this session receives of a simulcast publisher; `undefined` for a single encoding. */
  readonly layerSelector: LayerSelector | undefined;

  constructor(
    participantId: string,
    publisher: Publisher,
    settings: PeerSettings,
    onStateChange: (subscriber: Subscriber, state: SubscriberState) => void,
    layerOptions: SubscriberLayerOptions = {},
  ) {
    this.participantId = participantId;
    this.publisher = publisher;
    this.#settings = settings;
    this.#onStateChange = onStateChange;
    const layers = publisher.layers;
    this.layerSelector = layers
      ? new LayerSelector({
          initial: layerOptions.initial ?? 'lowest',
          ...(layerOptions.preference !== undefined ? { preference: layerOptions.preference } : {}),
          layers,
          requestKeyframe: (rid) => publisher.requestKeyframe(rid),
          onState: (state) => {
            if (this.#state === 'connected') layerOptions.onState?.(state);
          },
        })
      : undefined;
    const video = publisher.streams.find((s) => s.kind === 'video');
    const audio = publisher.streams.find((s) => s.kind === 'audio');
    const codecs: { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } = {
      audio: [audio ? codecFromStream(audio) : useOPUS()],
      video: [video ? codecFromStream(video) : useVP8()],
    };
    this.#pc = createPeer(settings, codecs);
    this.#stopFollowing = followConnection(this.#pc, {
      connected: () => {
        if (this.#state !== 'connecting') return;
        clearTimeout(this.#connectTimer);
        this.#state = 'connected';
        this.#onStateChange(this, 'connected');
        if (this.layerSelector) this.layerSelector.start();
        else this.publisher.requestKeyframe();
      },
      lost: () => this.close(),
    });
  }

  get state(): SubscriberState {
    return this.#state;
  }

  /** The track to write `kind` RTP to, or `undefined` while not connected / not subscribed. */
  trackFor(kind: LocalMediaKind): WeriftTrack | undefined {
    return this.#state === 'connected' ? this.#tracks.get(kind) : undefined;
  }

  /**
   * Applies a WHEP offer (recvonly) and returns the answer. Sections of a kind the publisher sends
   * are narrowed to the publisher's exact codec; others are answered inactive.
   */
  async negotiate(offer: string, connectTimeoutMs: number): Promise<string> {
    const narrowed = narrowOffer(offer, (section) => {
      if (section.direction === 'sendonly' || section.direction === 'inactive') {
        throw new SdpError('bad-request', `Media section ${section.index} is ${section.direction}: a WHEP offer receives media (recvonly).`);
      }
      const stream = this.publisher.streams.find((s) => s.kind === section.kind);
      if (stream) return matchPublisherCodec(section, stream);
      // Nothing to send for this kind: keep a codec werift knows so the section is answered inactive.
      const fallback = section.kind === 'audio' ? 'audio/opus' : 'video/vp8';
      return section.codecs.find((c) => c.mimeType.toLowerCase() === fallback);
    });
    const offeredKinds = new Set([...narrowed.chosen.keys()].map((index) => narrowed.sections[index]!.kind));
    const sent = this.publisher.streams.filter((stream) => offeredKinds.has(stream.kind));
    if (sent.length === 0) throw new SdpError('bad-request', 'The offer receives none of the kinds this participant publishes.');
    // One sendonly transceiver per kind the subscriber asked for; werift pairs each with the first
    // offered section of its kind.
    for (const stream of sent) {
      const track = new WeriftTrack({ kind: stream.kind });
      this.#tracks.set(stream.kind, track);
      const transceiver = this.#pc.addTransceiver(track, { direction: 'sendonly' });
      if (stream.kind === 'video') {
        // Forward the subscriber's keyframe requests upstream (to the layer it receives).
        transceiver.sender.onPictureLossIndication.subscribe(() => this.publisher.requestKeyframe(this.layerSelector?.selected));
      }
    }
    const answer = await answerOffer(this.#pc, narrowed.sdp, this.#settings.iceGatheringTimeoutMs);
    if (this.#state === 'connecting') {
      this.#connectTimer = setTimeout(() => this.close(), connectTimeoutMs);
      this.#connectTimer.unref?.();
    }
    return answer;
  }

  /** Stops sending. Idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#connectTimer);
    this.#stopFollowing();
    this.#state = 'closed';
    this.publisher.removeSubscriber(this);
    this.#onStateChange(this, 'closed');
    this.#pc.close().catch(() => {});
  }
}
