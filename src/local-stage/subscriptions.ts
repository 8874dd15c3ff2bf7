/**
 * WHEP subscriptions to the remote participants: subscribe with the type the strategy chose,
 * re-subscribe when the publisher's streams change, unsubscribe, retry after failures, and apply
 * remote mute changes to the received streams. Owns one subscription state per remote participant.
 */
import type { DriverParticipantInfo, DriverStream, DriverSubscribeConfiguration, DriverSubscribeState, DriverSubscribeType } from '../stage/driver';
import type { StageEventEmitter } from './emitter';
import { isRetryable, negotiate, negotiationError, onConnectionLost, RetrySchedule, type MediaTransport } from './negotiation';
import type { LocalMediaKind, LocalParticipantView, LocalStreamInfo } from './protocol';
import { deleteResource } from './signaling';
import { RemoteStageStream, type RemoteLayerState } from './streams';
import { applyJitterBufferTarget, jitterBufferTargetOf, whepUrlWithLayer } from './subscribe-config';

type SubscribeType = Exclude<DriverSubscribeType, 'none'>;

interface Subscription {
  type: SubscribeType;
  /** The publisher's stream list the subscription was made for (a change means re-subscribe). */
  streamsKey: string;
  pc: RTCPeerConnection;
  resourceUrl: string | undefined;
  streams: RemoteStageStream[];
  closed: boolean;
}

interface Entry {
  subscription: Subscription | undefined;
  state: DriverSubscribeState;
  retry: RetrySchedule;
  /** The strategy's last `subscribeConfiguration` for this participant. */
  config: DriverSubscribeConfiguration | undefined;
}

export interface SubscriptionsHost extends MediaTransport {
  readonly events: StageEventEmitter;
  whepUrl(publisherId: string): string;
  /** The participant's current view (undefined once it left). */
  view(id: string): LocalParticipantView | undefined;
  info(id: string): DriverParticipantInfo;
  isConnected(): boolean;
  /** Whether the stage was left (no more events then). */
  isLeft(): boolean;
  refresh(): void;
  /** The simulcast layers of the publisher's video (for its {@link RemoteStageStream}). */
  layerState?(publisherId: string): RemoteLayerState | undefined;
  /** The subscription's video stream was announced / the subscription ended. */
  videoAdded?(publisherId: string, stream: RemoteStageStream): void;
  subscriptionEnded?(publisherId: string): void;
}

const streamsKey = (streams: readonly LocalStreamInfo[]) =>
  streams
    .map((s) => `${s.kind}:${s.mimeType}:${s.sdpFmtpLine}`)
    .sort()
    .join('|');

export class RemoteSubscriptions {
  readonly #host: SubscriptionsHost;
  readonly #entries = new Map<string, Entry>();

  constructor(host: SubscriptionsHost) {
    this.#host = host;
  }

  #entry(id: string): Entry {
    let entry = this.#entries.get(id);
    if (!entry) this.#entries.set(id, (entry = { subscription: undefined, state: 'not_subscribed', retry: new RetrySchedule(), config: undefined }));
    return entry;
  }

  /**
   * Brings the subscription to `remote` to what the strategy decided. A changed jitter buffer
   * setting applies to the running subscription; the initial layer, to the next one.
   */
  reconcile(id: string, view: LocalParticipantView, desired: DriverSubscribeType, config?: DriverSubscribeConfiguration): void {
    const entry = this.#entry(id);
    const current = entry.subscription;
    const target = jitterBufferTargetOf(config?.jitterBuffer?.minDelay);
    const changedTarget = target !== jitterBufferTargetOf(entry.config?.jitterBuffer?.minDelay);
    entry.config = config;
    if (current && !current.closed && changedTarget) applyJitterBufferTarget(current.pc.getTransceivers().map((t) => t.receiver), target);
    if (desired === 'none') {
      entry.retry.cancel();
      if (current) this.unsubscribe(id);
      return;
    }
    const key = streamsKey(view.streams);
    if (current && !current.closed && current.type === desired && current.streamsKey === key) return;
    if (current) this.unsubscribe(id);
    if (entry.retry.pending) return;
    void this.#subscribe(id, entry, view, desired, key);
  }

  async #subscribe(id: string, entry: Entry, view: LocalParticipantView, type: SubscribeType, key: string): Promise<void> {
    const host = this.#host;
    const pc = new host.RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
    const subscription: Subscription = { type, streamsKey: key, pc, resourceUrl: undefined, streams: [], closed: false };
    entry.subscription = subscription;
    this.#setState(id, entry, 'attempting_subscribe');
    const kinds = view.streams.map((s) => s.kind).filter((k) => type === 'audio_video' || k === 'audio');
    const received = new Map<string, { track: MediaStreamTrack; receiver: RTCRtpReceiver }>();
    pc.addEventListener('track', (event: RTCTrackEvent) => {
      received.set(event.track.kind, { track: event.track, receiver: event.receiver });
    });
    const current = () => !subscription.closed && entry.subscription === subscription;
    try {
      // Audio first, then video: the order the tiles expect does not matter, but keep it stable.
      for (const kind of (['audio', 'video'] as const).filter((k) => kinds.includes(k))) pc.addTransceiver(kind, { direction: 'recvonly' });
      // Set before the first packet, so that the jitter buffer starts at its target.
      applyJitterBufferTarget(
        pc.getTransceivers().map((t) => t.receiver),
        jitterBufferTargetOf(entry.config?.jitterBuffer?.minDelay),
      );
      const done = await negotiate(pc, host, {
        url: whepUrlWithLayer(host.whepUrl(id), entry.config),
        category: 'SUBSCRIBE_ERROR',
        remoteParticipantId: id,
        isClosed: () => subscription.closed,
        onResource: (url) => (subscription.resourceUrl = url),
      });
      if (!done) return;
      for (const transceiver of pc.getTransceivers()) {
        const kind = transceiver.receiver.track.kind;
        if (!kinds.includes(kind as LocalMediaKind) || received.has(kind)) continue;
        received.set(kind, { track: transceiver.receiver.track, receiver: transceiver.receiver });
      }
      const latest = host.view(id) ?? view;
      subscription.streams = [...received.values()]
        .filter(({ track }) => kinds.includes(track.kind as LocalMediaKind))
        .map(({ track, receiver }) => new RemoteStageStream(id, track, track.kind === 'audio' ? latest.audioMuted : latest.videoMuted, receiver, () => host.layerState?.(id)));
      onConnectionLost(pc, () => {
        if (!current()) return;
        this.unsubscribe(id, 'errored');
        this.#retryLater(id, entry);
      });
      entry.retry.reset();
      this.#setState(id, entry, 'subscribed');
      if (subscription.streams.length > 0) host.events.emit('stageParticipantStreamsAdded', host.info(id), [...subscription.streams]);
      const video = subscription.streams.find((s) => s.streamType === 'video');
      if (video && current()) host.videoAdded?.(id, video);
    } catch (cause) {
      if (!current()) return;
      const error = negotiationError(cause, 'SUBSCRIBE_ERROR', `Subscribing to ${id}`, id);
      if (error.localCode === 'publisher-not-found') {
        // The publisher stopped while we were subscribing: not an error, the events socket says so.
        this.unsubscribe(id);
        return;
      }
      host.events.emit('error', error);
      this.unsubscribe(id, 'errored');
      if (isRetryable(error)) this.#retryLater(id, entry);
    }
  }

  #retryLater(id: string, entry: Entry): void {
    if (!this.#host.isConnected()) return;
    entry.retry.schedule(() => {
      if (this.#entries.get(id) === entry) this.#host.refresh();
    });
  }

  /** The publisher changed what it publishes: earlier failures no longer count. */
  resetFailures(id: string): void {
    this.#entries.get(id)?.retry.reset();
  }

  /**
   * Ends a WHEP session. `serverEnded`: the server already closed it (the publisher stopped, the
   * stage ended), so no DELETE is sent.
   */
  unsubscribe(id: string, finalState: DriverSubscribeState = 'not_subscribed', serverEnded = false): void {
    const entry = this.#entries.get(id);
    const subscription = entry?.subscription;
    if (!entry || !subscription) return;
    entry.subscription = undefined;
    subscription.closed = true;
    this.#host.subscriptionEnded?.(id);
    if (subscription.resourceUrl && !serverEnded) deleteResource(this.#host.fetch, subscription.resourceUrl, this.#host.token());
    subscription.pc.close();
    if (this.#host.isLeft()) return;
    if (subscription.streams.length > 0) this.#host.events.emit('stageParticipantStreamsRemoved', this.#host.info(id), [...subscription.streams] as DriverStream[]);
    this.#setState(id, entry, finalState);
  }

  /** The participant left: ends its subscription and forgets it. */
  remove(id: string): void {
    this.unsubscribe(id, 'not_subscribed', true);
    this.#entries.get(id)?.retry.cancel();
    this.#entries.delete(id);
  }

  /** Applies a remote mute change to the received stream; returns it when listeners should hear of it. */
  muted(id: string, kind: LocalMediaKind, muted: boolean): RemoteStageStream | undefined {
    const entry = this.#entries.get(id);
    const stream = entry?.subscription?.streams.find((s) => s.streamType === kind);
    return stream && stream.setMutedState(muted) && entry?.state === 'subscribed' ? stream : undefined;
  }

  /** The subscribed video stream of a participant. */
  videoStream(id: string): RemoteStageStream | undefined {
    const entry = this.#entries.get(id);
    return entry?.state === 'subscribed' ? entry.subscription?.streams.find((s) => s.streamType === 'video') : undefined;
  }

  /** Whether `id`'s in-band messages are delivered: subscribed to its video, with in-band messaging enabled. */
  inBandEnabled(id: string): boolean {
    return this.#entries.get(id)?.config?.inBandMessaging?.enabled === true && this.videoStream(id) !== undefined;
  }

  /** Closes every subscription without DELETEs (the server ends them with the socket) and stops retrying. */
  teardown(): void {
    for (const [id, entry] of this.#entries) {
      entry.retry.cancel();
      this.unsubscribe(id, 'not_subscribed', true);
    }
  }

  /** Forgets everything (the stage was left). */
  clear(): void {
    for (const entry of this.#entries.values()) entry.retry.cancel();
    this.#entries.clear();
  }

  #setState(id: string, entry: Entry, state: DriverSubscribeState): void {
    if (entry.state === state) return;
    entry.state = state;
    this.#host.events.emit('stageParticipantSubscribeStateChanged', this.#host.info(id), state);
  }
}
