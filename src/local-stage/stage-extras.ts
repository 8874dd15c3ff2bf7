/**
 * What the local stage adds to the basic publish/subscribe flow for simulcast and in-band data:
 * the remote layers (`layerState` → layer events, preferred layer → `preferLayer`), and the relayed
 * in-band messages and subtitle cues. {@link LocalStage} routes those frames here.
 */
import type { DriverParticipantInfo, DriverStrategy } from '../stage/driver';
import type { StageEventEmitter } from './emitter';
import { deliverMessage, type MessageFrame, type MessagesHost } from './messages';
import type { ParticipantMirror } from './participants';
import type { ClientFrame } from './protocol';
import { RemoteLayers, type LayerStateFrame } from './remote-layers';
import type { RemoteSubscriptions, SubscriptionsHost } from './subscriptions';

export interface StageExtrasHost {
  readonly events: StageEventEmitter;
  readonly participants: ParticipantMirror;
  send(frame: ClientFrame): void;
  strategy(): DriverStrategy;
  subscriptions(): RemoteSubscriptions | undefined;
}

export class StageExtras {
  readonly layers: RemoteLayers;
  readonly #messages: MessagesHost;

  constructor(host: StageExtrasHost) {
    const { participants } = host;
    const remoteInfo = (id: string): DriverParticipantInfo | undefined => (participants.view(id) ? participants.info(id) : undefined);
    this.layers = new RemoteLayers({ events: host.events, info: remoteInfo, send: (frame) => host.send(frame), strategy: () => host.strategy() });
    this.#messages = {
      events: host.events,
      info: (id) => remoteInfo(id) ?? (id === participants.self?.id ? participants.localInfo() : undefined),
      inBandEnabled: (id) => host.subscriptions()?.inBandEnabled(id) ?? false,
      strategy: () => host.strategy(),
      canSubscribe: () => participants.self?.capabilities.subscribe === true,
    };
  }

  /** The subscriptions' hooks into the layers. */
  get subscriptionHooks(): Pick<SubscriptionsHost, 'layerState' | 'videoAdded' | 'subscriptionEnded'> {
    return {
      layerState: (id) => this.layers.state(id),
      videoAdded: (id, stream) => this.layers.streamAdded(id, stream),
      subscriptionEnded: (id) => this.layers.streamEnded(id),
    };
  }

  apply(frame: LayerStateFrame | MessageFrame): void {
    if (frame.type === 'layerState') this.layers.apply(frame);
    else deliverMessage(this.#messages, frame);
  }

  clear(): void {
    this.layers.clear();
  }
}
