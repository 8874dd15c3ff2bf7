/**
 * Runs the stage strategy of the local driver: what to publish, and per remote participant what
 * to subscribe to. A strategy that throws publishes / subscribes to nothing and is reported on the
 * stage's `error` event. Runs are not re-entrant: a strategy that calls `refreshStrategy()` gets
 * one more run once the current one ends.
 */
import { DriverErrorCode, subscribeTypeOf, type DriverStrategy, type DriverSubscribeConfiguration, type DriverSubscribeType } from '../stage/driver';
import { messageOf } from '../core/errors';
import type { StageEventEmitter } from './emitter';
import { LocalStageError } from './errors';
import type { ParticipantMirror } from './participants';
import { isPublishable, type LocalPublisher, type PublishableStream } from './publisher';
import type { RemoteLayers } from './remote-layers';
import type { RemoteSubscriptions } from './subscriptions';

export interface StrategyTargets {
  readonly events: StageEventEmitter;
  readonly participants: ParticipantMirror;
  readonly publisher: LocalPublisher | undefined;
  readonly subscriptions: RemoteSubscriptions | undefined;
  readonly layers?: RemoteLayers;
}

export class StrategyRunner {
  strategy: DriverStrategy;
  #running = false;
  #again = false;

  constructor(strategy: DriverStrategy) {
    this.strategy = strategy;
  }

  run(targets: StrategyTargets): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    try {
      do {
        this.#again = false;
        this.#publish(targets);
        for (const id of targets.participants.ids()) this.#subscribe(targets, id);
      } while (this.#again);
    } finally {
      this.#running = false;
    }
  }

  #publish({ events, participants, publisher }: StrategyTargets): void {
    const self = participants.self;
    const local = participants.localInfo();
    if (!self || !local) return;
    let wanted: PublishableStream[] = [];
    if (self.capabilities.publish) {
      try {
        if (this.strategy.shouldPublishParticipant(local)) wanted = this.strategy.stageStreamsToPublish().filter(isPublishable);
      } catch (cause) {
        events.emit('error', strategyError('PUBLISH_ERROR', 'publishing nothing', cause));
        wanted = [];
      }
    }
    publisher?.reconcile(wanted);
  }

  #subscribe({ events, participants, subscriptions, layers }: StrategyTargets, id: string): void {
    const view = participants.view(id);
    if (!view) return;
    let desired: DriverSubscribeType = 'none';
    let config: DriverSubscribeConfiguration | undefined;
    if (participants.self?.capabilities.subscribe && view.published && view.streams.length > 0) {
      try {
        desired = subscribeTypeOf(this.strategy.shouldSubscribeToParticipant(participants.info(id)));
      } catch (cause) {
        events.emit('error', strategyError('SUBSCRIBE_ERROR', `not subscribing to ${id}`, cause, id));
        desired = 'none';
      }
      if (desired !== 'audio_only' && desired !== 'audio_video') desired = 'none';
      if (desired === 'audio_only' && !view.streams.some((s) => s.kind === 'audio')) desired = 'none';
      if (desired !== 'none') config = this.#configuration(events, participants, id);
    }
    subscriptions?.reconcile(id, view, desired, config);
    if (desired !== 'none') layers?.prefer(id);
  }

  /** The strategy's `subscribeConfiguration` (none when it has none, or throws: reported, defaults used). */
  #configuration(events: StrategyTargets['events'], participants: ParticipantMirror, id: string): DriverSubscribeConfiguration | undefined {
    if (typeof this.strategy.subscribeConfiguration !== 'function') return undefined;
    try {
      const config = this.strategy.subscribeConfiguration(participants.info(id));
      return config && typeof config === 'object' ? config : undefined;
    } catch (cause) {
      events.emit('error', strategyError('SUBSCRIBE_ERROR', `subscribing to ${id} with the default configuration`, cause, id));
      return undefined;
    }
  }
}

function strategyError(category: 'PUBLISH_ERROR' | 'SUBSCRIBE_ERROR', consequence: string, cause: unknown, remoteParticipantId?: string): LocalStageError {
  return new LocalStageError(category, DriverErrorCode.FAILED, `The stage strategy threw (${messageOf(cause)}); ${consequence}.`, {
    fatal: false,
    cause,
    ...(remoteParticipantId === undefined ? {} : { remoteParticipantId }),
  });
}
