/**
 * WHIP publishing of the local participant's streams: publish, replace tracks in place, unpublish,
 * retry after failures, and relay local mute changes. Owns its publication; {@link LocalStage}
 * tells it which streams the strategy wants.
 */
import { DriverErrorCode, type DriverLocalStream, type DriverParticipantInfo, type DriverPublishState } from '../stage/driver';
import type { StageEventEmitter } from './emitter';
import { LocalStageError } from './errors';
import { isRetryable, negotiate, negotiationError, onConnectionLost, RetrySchedule, type MediaTransport } from './negotiation';
import { preferVideoCodec } from './peer';
import { bytesToBase64 } from './in-band';
import { LOCAL_IN_BAND_UUID, type ClientFrame, type LocalMediaKind } from './protocol';
import { deleteResource } from './signaling';
import { simulcastEncodings, withRidRestrictions, type SimulcastEncoding } from './simulcast';
import type { LocalStageStream } from './streams';

/**
 * A stream the strategy hands over for publishing: any `LocalStageStream`-shaped object with an
 * audio or video track. The mute and stats hooks of this driver's own {@link LocalStageStream} are
 * used when present (duck-typed, so two bundled copies of the class still work together).
 */
export type PublishableStream = DriverLocalStream & Partial<Pick<LocalStageStream, 'onMuteChange' | 'setStatsSource' | 'setInBandSender' | 'config'>>;

export function isPublishable(stream: DriverLocalStream): stream is PublishableStream {
  const kind = stream?.mediaStreamTrack?.kind;
  return kind === 'audio' || kind === 'video';
}

interface Publication {
  pc: RTCPeerConnection;
  streams: PublishableStream[];
  resourceUrl: string | undefined;
  state: DriverPublishState;
  closed: boolean;
  unsubscribeMute: Array<() => void>;
}

export interface PublisherHost extends MediaTransport {
  readonly events: StageEventEmitter;
  readonly videoCodec: 'VP8' | 'H264';
  whipUrl(): string;
  send(frame: ClientFrame): void;
  /** The local participant as the driver reports it; `undefined` before the welcome or once left. */
  localInfo(): DriverParticipantInfo | undefined;
  /** Whether the stage is connected (retries only run then). */
  isConnected(): boolean;
  /** Re-evaluates the strategy (a retry). */
  refresh(): void;
}

export class LocalPublisher {
  readonly #host: PublisherHost;
  readonly #retry = new RetrySchedule();
  #publication: Publication | undefined;

  constructor(host: PublisherHost) {
    this.#host = host;
  }

  /** The stream of a kind being published (or being set up). */
  stream(kind: 'audio' | 'video'): PublishableStream | undefined {
    return this.#publication?.streams.find((s) => s.streamType === kind);
  }

  get isPublished(): boolean {
    return this.#publication?.state === 'published';
  }

  /** Publishes `wanted` (one stream per kind, the first wins, as on IVS), or nothing. */
  reconcile(wanted: PublishableStream[]): void {
    const byKind = new Map<string, PublishableStream>();
    for (const stream of wanted) if (!byKind.has(stream.streamType)) byKind.set(stream.streamType, stream);
    wanted = [...byKind.values()];
    const current = this.#publication;
    if (wanted.length === 0) {
      this.#retry.cancel();
      this.#retry.reset();
      if (current) this.unpublish();
      return;
    }
    if (current && !current.closed) {
      const same = current.streams.length === wanted.length && current.streams.every((s) => wanted.includes(s));
      if (same) return;
      const sameKinds = current.streams.length === wanted.length && current.streams.every((s) => wanted.some((w) => w.streamType === s.streamType));
      if (sameKinds && current.state === 'published') {
        this.#replaceTracks(current, wanted);
        return;
      }
      this.unpublish();
    }
    if (this.#retry.pending) return;
    void this.#publish(wanted);
  }

  async #publish(streams: PublishableStream[]): Promise<void> {
    const host = this.#host;
    const pc = new host.RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
    const publication: Publication = { pc, streams, resourceUrl: undefined, state: 'attempting_publish', closed: false, unsubscribeMute: [] };
    this.#publication = publication;
    this.#emitState('attempting_publish');
    try {
      const simulcast = this.#addTransceivers(pc, streams);
      const done = await negotiate(pc, host, {
        url: host.whipUrl(),
        category: 'PUBLISH_ERROR',
        isClosed: () => publication.closed,
        onResource: (url) => (publication.resourceUrl = url),
        ...(simulcast ? { offerSdp: (sdp: string) => withRidRestrictions(sdp, simulcast) } : {}),
      });
      if (!done) return;
      publication.state = 'published';
      this.#retry.reset();
      for (const stream of streams) {
        publication.unsubscribeMute.push(stream.onMuteChange?.(() => this.#onLocalMute(stream)) ?? (() => {}));
        if (stream.streamType === 'video') this.#enableInBand(stream, publication);
        // Tell the others the mute state the stream starts with.
        host.send({ type: 'mute', kind: stream.streamType as LocalMediaKind, muted: stream.isMuted });
      }
      onConnectionLost(pc, () => {
        if (publication.closed || this.#publication !== publication) return;
        host.events.emit('error', new LocalStageError('PUBLISH_ERROR', DriverErrorCode.FAILED, 'The publish connection to the local stage server was lost.', { fatal: false }));
        this.unpublish('errored');
        this.#retryLater();
      });
      this.#emitState('published');
      const info = host.localInfo();
      if (info) host.events.emit('stageParticipantStreamsAdded', info, [...streams]);
    } catch (cause) {
      if (publication.closed || this.#publication !== publication) return;
      const error = negotiationError(cause, 'PUBLISH_ERROR', 'Publishing');
      host.events.emit('error', error);
      this.unpublish('errored');
      if (isRetryable(error)) this.#retryLater();
    }
  }

  /** Adds one transceiver per stream; returns the video's simulcast layers, if it sends some. */
  #addTransceivers(pc: RTCPeerConnection, streams: PublishableStream[]): SimulcastEncoding[] | undefined {
    const mediaStream = typeof MediaStream === 'undefined' ? undefined : new MediaStream(streams.map((s) => s.mediaStreamTrack));
    let simulcast: SimulcastEncoding[] | undefined;
    for (const stream of streams) {
      const config = stream.config;
      const encoding: RTCRtpEncodingParameters = {};
      const layers = stream.streamType === 'video' ? simulcastEncodings(stream.mediaStreamTrack, config) : undefined;
      if (layers) simulcast = layers;
      if (stream.streamType === 'video') {
        if (config?.maxBitrate) encoding.maxBitrate = config.maxBitrate * 1000;
        if (config?.maxFramerate) encoding.maxFramerate = config.maxFramerate;
      } else if (config?.maxAudioBitrateKbps) {
        encoding.maxBitrate = config.maxAudioBitrateKbps * 1000;
      }
      const transceiver = pc.addTransceiver(stream.mediaStreamTrack, {
        direction: 'sendonly',
        ...(mediaStream ? { streams: [mediaStream] } : {}),
        sendEncodings: layers ? layers.map((l) => l.encoding) : [encoding],
      });
      if (stream.streamType === 'video') preferVideoCodec(transceiver, this.#host.videoCodec);
      stream.setStatsSource?.(() => transceiver.sender.getStats());
    }
    return simulcast;
  }

  /** Lets the published video stream send in-band messages (over the events socket, with its media). */
  #enableInBand(stream: PublishableStream, publication: Publication): void {
    stream.setInBandSender?.((payload, repeatCount) => {
      if (publication.closed || this.#publication !== publication) return;
      this.#host.send({ type: 'inBandMessage', payload: bytesToBase64(payload), uuid: LOCAL_IN_BAND_UUID, ...(repeatCount ? { repeatCount } : {}) });
    });
  }

  #retryLater(): void {
    if (this.#host.isConnected()) this.#retry.schedule(() => this.#host.refresh());
  }

  #replaceTracks(publication: Publication, streams: PublishableStream[]): void {
    const previous = publication.streams;
    for (const transceiver of publication.pc.getTransceivers()) {
      const kind = transceiver.sender.track?.kind ?? transceiver.receiver.track.kind;
      const next = streams.find((s) => s.streamType === kind);
      if (next && transceiver.sender.track !== next.mediaStreamTrack) {
        void transceiver.sender.replaceTrack(next.mediaStreamTrack).catch(() => {});
        next.setStatsSource?.(() => transceiver.sender.getStats());
      }
    }
    for (const off of publication.unsubscribeMute) off();
    publication.unsubscribeMute = streams.map((s) => s.onMuteChange?.(() => this.#onLocalMute(s)) ?? (() => {}));
    for (const stream of previous) if (!streams.includes(stream)) stream.setInBandSender?.(undefined);
    for (const stream of streams) if (stream.streamType === 'video') this.#enableInBand(stream, publication);
    publication.streams = streams;
    const removed = previous.filter((s) => !streams.includes(s));
    const added = streams.filter((s) => !previous.includes(s));
    const info = this.#host.localInfo();
    if (info && removed.length) this.#host.events.emit('stageParticipantStreamsRemoved', info, removed);
    if (info && added.length) this.#host.events.emit('stageParticipantStreamsAdded', info, added);
    for (const stream of added) this.#host.send({ type: 'mute', kind: stream.streamType as LocalMediaKind, muted: stream.isMuted });
  }

  /**
   * Ends the WHIP session. `serverEnded`: the server already closed it (demotion, stage end), so
   * no DELETE is sent.
   */
  unpublish(finalState: DriverPublishState = 'not_published', serverEnded = false): void {
    const publication = this.#publication;
    if (!publication) return;
    this.#publication = undefined;
    publication.closed = true;
    for (const off of publication.unsubscribeMute) off();
    for (const stream of publication.streams) {
      stream.setStatsSource?.(undefined);
      stream.setInBandSender?.(undefined);
    }
    if (publication.resourceUrl && !serverEnded) deleteResource(this.#host.fetch, publication.resourceUrl, this.#host.token());
    publication.pc.close();
    const info = this.#host.localInfo();
    if (!info) return;
    if (publication.state === 'published') this.#host.events.emit('stageParticipantStreamsRemoved', info, [...publication.streams]);
    this.#host.events.emit('stageParticipantPublishStateChanged', info, finalState);
  }

  /** Closes the publication without a DELETE (the server ends it with the socket) and stops retrying. */
  teardown(): void {
    this.#retry.cancel();
    this.unpublish('not_published', true);
  }

  #emitState(state: DriverPublishState): void {
    const info = this.#host.localInfo();
    if (info) this.#host.events.emit('stageParticipantPublishStateChanged', info, state);
  }

  #onLocalMute(stream: PublishableStream): void {
    const info = this.#host.localInfo();
    if (!info) return;
    this.#host.send({ type: 'mute', kind: stream.streamType as LocalMediaKind, muted: stream.isMuted });
    this.#host.events.emit('stageStreamMuteChanged', info, stream);
  }
}
