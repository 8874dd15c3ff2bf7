/**
 * Creates the local stage's media collaborators for one join: the WHIP publisher and the WHEP
 * subscriptions, wired to the participant mirror (remote publications ending, mutes) and to the
 * simulcast layers ({@link StageExtras}).
 */
import type { ParticipantTokenClaims } from '../core/token';
import type { StageEventEmitter } from './emitter';
import type { ResolvedLocalStageOptions } from './options';
import type { ParticipantMirror } from './participants';
import type { ClientFrame } from './protocol';
import { LocalPublisher } from './publisher';
import { RemoteSubscriptions, type SubscriptionsHost } from './subscriptions';
import { whepUrlOf, whipUrlOf } from './urls';

export interface StageMediaHost {
  readonly options: ResolvedLocalStageOptions;
  readonly events: StageEventEmitter;
  readonly participants: ParticipantMirror;
  readonly subscriptionHooks: Pick<SubscriptionsHost, 'layerState' | 'videoAdded' | 'subscriptionEnded'>;
  token(): string;
  /** The join's token claims (decoded before the media starts). */
  claims(): ParticipantTokenClaims;
  isConnected(): boolean;
  isLeft(): boolean;
  send(frame: ClientFrame): void;
  refresh(): void;
}

/** The publisher and the subscriptions of a join (the browser globals were checked). */
export function createStageMedia(host: StageMediaHost): { publisher: LocalPublisher; subscriptions: RemoteSubscriptions } {
  const { options, events, participants } = host;
  const transport = {
    fetch: options.fetch!,
    RTCPeerConnection: options.RTCPeerConnection!,
    connectTimeoutMs: options.connectTimeoutMs,
    token: () => host.token(),
  };
  const common = { ...transport, events, isConnected: () => host.isConnected(), refresh: () => host.refresh() };
  const publisher = new LocalPublisher({
    ...common,
    videoCodec: options.videoCodec,
    whipUrl: () => whipUrlOf(host.claims()),
    send: (frame) => host.send(frame),
    localInfo: () => (host.isLeft() ? undefined : participants.localInfo()),
  });
  const subscriptions = new RemoteSubscriptions({
    ...common,
    whepUrl: (id) => whepUrlOf(host.claims(), id),
    view: (id) => participants.view(id),
    info: (id) => participants.info(id),
    isLeft: () => host.isLeft(),
    ...host.subscriptionHooks,
  });
  participants.media = {
    publicationEnded: (id) => subscriptions.unsubscribe(id, 'not_subscribed', true),
    removed: (id) => subscriptions.remove(id),
    muted: (id, kind, muted) => subscriptions.muted(id, kind, muted),
    publicationChanged: (id) => subscriptions.resetFailures(id),
  };
  return { publisher, subscriptions };
}
