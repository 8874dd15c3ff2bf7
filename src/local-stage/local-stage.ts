/**
 * `LocalStage`: the stage driver for ivs-local. Same shape as the IVS SDK's `Stage` (constructor
 * with token + strategy, join/leave/refreshStrategy/replaceStrategy/exchangeToken, the same event
 * names and payloads), over ivs-local's documented protocol: an events WebSocket, WHIP to publish,
 * WHEP to subscribe (`docs/local-stage-protocol.md`).
 */
import { decodeParticipantToken, type ParticipantTokenClaims } from '../core/token';
import {
  DriverErrorCode,
  type DriverConnectionState,
  type DriverLeftReason,
  type DriverStage,
  type DriverStageEventMap,
  type DriverStrategy,
} from '../stage/driver';
import { StageEventEmitter } from './emitter';
import { driverCodeFor, joinRefusal, LocalStageError, serverLeftOutcome } from './errors';
import { EventsConnection } from './events-connection';
import { checkedSubtitleCue } from './in-band';
import { ParticipantMirror } from './participants';
import { LocalCloseCode, type ClientFrame, type LocalLeftReason, type LocalParticipantView, type LocalSubtitleCue, type ServerFrame } from './protocol';
import type { LocalPublisher } from './publisher';
import { createStageMedia } from './media';
import { StageExtras } from './stage-extras';
import { StrategyRunner } from './strategy-runner';
import { resolveLocalStageOptions, type LocalStageOptions, type ResolvedLocalStageOptions } from './options';
import type { RemoteSubscriptions } from './subscriptions';
import { TokenExchanges } from './token-exchange';
import { eventsUrlOf } from './urls';

export type { LocalStageOptions } from './options';

type State = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'left';

/**
 * A stage on ivs-local. Create it through the local driver (`loadLocalDriver()`), or directly.
 *
 * @example
 * ```ts
 * const stage = new LocalStage(token, strategy);
 * stage.on('stageParticipantStreamsAdded', (participant, streams) => render(participant, streams));
 * await stage.join();
 * ```
 */
export class LocalStage implements DriverStage {
  readonly #events = new StageEventEmitter();
  readonly #options: ResolvedLocalStageOptions;
  #token: string;
  readonly #runner: StrategyRunner;
  #claims: ParticipantTokenClaims | undefined;
  #state: State = 'idle';
  #connectionState: DriverConnectionState = 'disconnected';
  #connection: EventsConnection | undefined;
  #publisher: LocalPublisher | undefined;
  #subscriptions: RemoteSubscriptions | undefined;
  readonly #participants: ParticipantMirror;
  readonly #extras: StageExtras;
  #joinPromise: Promise<void> | undefined;
  #joinSettle: { resolve: () => void; reject: (error: LocalStageError) => void } | undefined;
  #joinTimer: ReturnType<typeof setTimeout> | undefined;
  #reconnectStartedAt = 0;
  readonly #exchanges = new TokenExchanges();
  #subscriberCount = 0;

  constructor(token: string, strategy: DriverStrategy, options: LocalStageOptions = {}) {
    this.#token = token;
    this.#runner = new StrategyRunner(strategy);
    this.#options = resolveLocalStageOptions(options);
    this.#participants = new ParticipantMirror(this.#events, {
      stream: (kind) => this.#publisher?.stream(kind),
      isPublished: () => this.#publisher?.isPublished ?? false,
    });
    this.#extras = new StageExtras({
      events: this.#events,
      participants: this.#participants,
      send: (frame) => this.#connection?.send(frame),
      strategy: () => this.#runner.strategy,
      subscriptions: () => this.#subscriptions,
    });
  }

  // ─── DriverStage API ──────────────────────────────────────────────────────────────────────────

  on<E extends keyof DriverStageEventMap>(event: E, listener: DriverStageEventMap[E]): void {
    this.#events.on(event, listener);
  }

  off<E extends keyof DriverStageEventMap>(event: E, listener: DriverStageEventMap[E]): void {
    this.#events.off(event, listener);
  }

  /**
   * Connects the events socket and resolves once the server has welcomed this participant
   * (`stageConnectionStateChanged`: connecting → connected). Rejects with a `StageError`-shaped
   * {@link LocalStageError} (also emitted as `error`) when the token is refused.
   */
  join(): Promise<void> {
    if (this.#joinPromise) return this.#joinPromise;
    if (this.#state === 'left') {
      return Promise.reject(new LocalStageError('JOIN_ERROR', DriverErrorCode.FAILED, 'This stage was left; create a new stage to join again.'));
    }
    this.#joinPromise = new Promise<void>((resolve, reject) => {
      this.#joinSettle = { resolve, reject };
    });
    this.#joinPromise.catch(() => {});
    let claims: ParticipantTokenClaims;
    try {
      claims = decodeParticipantToken(this.#token);
    } catch (cause) {
      this.#failJoin(new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_MALFORMED, `The participant token is malformed: ${(cause as Error).message}`, { cause }));
      return this.#joinPromise;
    }
    this.#claims = claims;
    const refusal = joinRefusal(claims);
    if (refusal) {
      this.#failJoin(refusal);
      return this.#joinPromise;
    }
    if (!this.#options.WebSocket || !this.#options.fetch || !this.#options.RTCPeerConnection) {
      this.#failJoin(new LocalStageError('JOIN_ERROR', DriverErrorCode.FAILED, 'The local stage needs WebSocket, fetch and RTCPeerConnection (run it in a browser).'));
      return this.#joinPromise;
    }
    this.#state = 'connecting';
    this.#setConnectionState('connecting');
    this.#joinTimer = setTimeout(() => {
      this.#failJoin(new LocalStageError('JOIN_ERROR', DriverErrorCode.TIMEOUT, `The local stage server did not welcome the participant within ${this.#options.joinTimeoutMs} ms.`));
    }, this.#options.joinTimeoutMs);
    this.#startMedia();
    this.#connection!.open();
    return this.#joinPromise;
  }

  /** Leaves the stage: ends publishing and subscriptions, closes the socket, emits `stageLeft('user-initiated')`. */
  leave(): void {
    if (this.#state === 'left') return;
    if (this.#state === 'idle') {
      this.#state = 'left';
      return;
    }
    this.#connection?.send({ type: 'leave' });
    this.#end('user-initiated');
  }

  /** Re-evaluates the strategy: publish or unpublish, and subscribe/unsubscribe/change each remote. */
  refreshStrategy(): void {
    if (this.#state !== 'connected') return;
    const targets = { events: this.#events, participants: this.#participants, publisher: this.#publisher, subscriptions: this.#subscriptions };
    this.#runner.run({ ...targets, layers: this.#extras.layers });
  }

  replaceStrategy(strategy: DriverStrategy): void {
    this.#runner.strategy = strategy;
    this.refreshStrategy();
  }

  /**
   * Replaces the token without reconnecting. The new token must be for the same participant; its
   * capabilities apply at once (a demoted publisher stops publishing; a promoted one can publish
   * on the next `refreshStrategy()`, which this method runs).
   */
  exchangeToken(token: string): Promise<void> {
    const send = (frame: ClientFrame) => this.#connection?.send(frame);
    return this.#exchanges.request(token, this.#claims, this.#state === 'connected', send, this.#options.joinTimeoutMs);
  }

  /** Sends a subtitle cue to the other participants (tests, bots; not in the IVS SDK's `Stage`). */
  sendSubtitleCue(cue: LocalSubtitleCue): void {
    const checked = checkedSubtitleCue(cue);
    if (this.#state !== 'connected') throw new LocalStageError('JOIN_ERROR', DriverErrorCode.FAILED, 'Subtitle cues can only be sent while joined to the stage.', { fatal: false });
    this.#connection?.send({ type: 'subtitleCue', cue: checked });
  }

  // ─── Collaborators ────────────────────────────────────────────────────────────────────────────

  /** Creates the events connection, the publisher and the subscriptions (the globals were checked). */
  #startMedia(): void {
    const send = (frame: ClientFrame) => this.#connection?.send(frame);
    this.#connection = new EventsConnection({
      WebSocket: this.#options.WebSocket!,
      url: () => eventsUrlOf(this.#claims!),
      minDelayMs: this.#options.reconnect.minDelayMs,
      maxDelayMs: this.#options.reconnect.maxDelayMs,
      onOpen: () => send({ type: 'join', token: this.#token }),
      onFrame: (frame) => this.#onFrame(frame),
      onClose: (code, cause) => this.#onSocketLost(code, cause),
    });
    ({ publisher: this.#publisher, subscriptions: this.#subscriptions } = createStageMedia({
      options: this.#options,
      events: this.#events,
      participants: this.#participants,
      subscriptionHooks: this.#extras.subscriptionHooks,
      token: () => this.#token,
      claims: () => this.#claims!,
      isConnected: () => this.#state === 'connected',
      isLeft: () => this.#state === 'left',
      send,
      refresh: () => this.refreshStrategy(),
    }));
  }

  // ─── Events socket ────────────────────────────────────────────────────────────────────────────

  #onSocketLost(code: number | undefined, cause?: unknown): void {
    if (this.#state === 'left') return;
    if (code === LocalCloseCode.LEFT || code === LocalCloseCode.JOIN_REFUSED || code === LocalCloseCode.PROTOCOL_ERROR) {
      // The server said why (left / error frame) before closing; those handlers ended the stage.
      // If it did not, end it now.
      this.#fail(new LocalStageError('JOIN_ERROR', DriverErrorCode.FAILED, `The local stage server closed the connection (code ${code}).`), 'unknown');
      return;
    }
    if (this.#state === 'connected') {
      this.#exchanges.rejectAll('The connection to the local stage server was lost during the token exchange; try again once reconnected.');
      this.#state = 'reconnecting';
      this.#reconnectStartedAt = Date.now();
      this.#teardownMedia();
      this.#setConnectionState('connecting');
    }
    // Connecting: the first connection failed, retry within the join timeout. Reconnecting: until giveUpAfterMs.
    const { giveUpAfterMs } = this.#options.reconnect;
    if (this.#state === 'reconnecting' && Date.now() - this.#reconnectStartedAt > giveUpAfterMs) {
      this.#fail(
        new LocalStageError('JOIN_ERROR', DriverErrorCode.FAILED, `Lost the connection to the local stage server and could not reconnect within ${giveUpAfterMs} ms.`, { cause }),
        'unknown',
      );
      return;
    }
    this.#connection?.reopenLater(() => this.#state === 'connecting' || this.#state === 'reconnecting');
  }

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        this.#onWelcome(frame.self, frame.participants, frame.subscriberCount);
        return;
      case 'participantJoined':
      case 'participantLeft':
      case 'publishStateChanged':
      case 'streamsChanged':
      case 'muteChanged':
      case 'metadataChanged':
        if (this.#participants.apply(frame)) this.refreshStrategy();
        return;
      case 'layerState':
      case 'inBandMessage':
      case 'subtitleCue':
        this.#extras.apply(frame);
        return;
      case 'tokenExchanged':
        this.#onTokenExchanged(frame.requestId, frame.self);
        return;
      case 'subscriberCount':
        this.#setSubscriberCount(frame.count);
        return;
      case 'left':
        this.#onServerLeft(frame.reason, frame.message);
        return;
      case 'error':
        this.#onServerError(frame.code, frame.message, frame.requestId);
        return;
    }
  }

  #onWelcome(self: LocalParticipantView, participants: LocalParticipantView[], subscriberCount: number): void {
    clearTimeout(this.#joinTimer);
    this.#connection?.connected();
    const rejoined = this.#state === 'reconnecting';
    this.#state = 'connected';
    this.#participants.self = self;
    this.#setConnectionState('connected');
    if (!rejoined) this.#events.emit('stageParticipantJoined', this.#participants.localInfo()!);
    const present = new Set(participants.map((p) => p.id));
    for (const id of this.#participants.ids()) if (!present.has(id)) this.#participants.remove(id);
    for (const participant of participants) this.#participants.upsert(participant);
    this.#setSubscriberCount(subscriberCount);
    if (this.#joinSettle) {
      this.#joinSettle.resolve();
      this.#joinSettle = undefined;
    }
    this.refreshStrategy();
  }

  #onServerLeft(reason: LocalLeftReason, message: string | undefined): void {
    const { left, error, fail } = serverLeftOutcome(reason, message);
    if (error && fail) {
      this.#fail(error, left);
      return;
    }
    if (error) this.#events.emit('error', error);
    this.#end(left);
  }

  #onServerError(code: Extract<ServerFrame, { type: 'error' }>['code'], message: string, requestId: string | undefined): void {
    if (requestId !== undefined) {
      this.#exchanges.refuse(requestId, code, message);
      return;
    }
    if (this.#state === 'connecting' || this.#state === 'reconnecting') {
      // The join was refused: terminal (retrying with the same token cannot succeed).
      this.#fail(new LocalStageError('JOIN_ERROR', driverCodeFor(code), message, { localCode: code }), 'unknown');
      return;
    }
    // A non-fatal protocol complaint (should not happen with this driver): surface it.
    this.#events.emit('error', new LocalStageError('JOIN_ERROR', driverCodeFor(code), message, { fatal: false, localCode: code }));
  }

  #onTokenExchanged(requestId: string | undefined, self: LocalParticipantView): void {
    const pending = this.#exchanges.settle(requestId);
    if (pending) {
      this.#token = pending.token;
      try {
        this.#claims = decodeParticipantToken(pending.token);
      } catch {
        // Verified by the server; decoding cannot fail here.
      }
    }
    const previous = this.#participants.self;
    this.#participants.self = { ...self, published: previous?.published ?? false, streams: previous?.streams ?? [] };
    this.#events.emit('stageParticipantMetadataChanged', this.#participants.localInfo()!);
    // The server has already ended what the new token no longer allows.
    if (!self.capabilities.publish) this.#publisher?.unpublish('not_published', true);
    if (!self.capabilities.subscribe) for (const id of this.#participants.ids()) this.#subscriptions?.unsubscribe(id, 'not_subscribed', true);
    this.refreshStrategy();
    pending?.resolve();
  }

  // ─── Endings ──────────────────────────────────────────────────────────────────────────────────

  /** Closes every peer connection. The server ends the sessions itself when the socket goes. */
  #teardownMedia(): void {
    this.#publisher?.teardown();
    this.#subscriptions?.teardown();
    this.#extras.clear();
  }

  /** Ends with an error: emits `error`, then ends with `reason`. A pending join rejects with the error. */
  #fail(error: LocalStageError, reason: DriverLeftReason): void {
    if (this.#state === 'left') return;
    if (this.#joinSettle) {
      this.#failJoin(error);
      return;
    }
    this.#events.emit('error', error);
    this.#end(reason);
  }

  #failJoin(error: LocalStageError): void {
    const settle = this.#joinSettle;
    this.#joinSettle = undefined;
    this.#events.emit('error', error);
    if (this.#state === 'idle') {
      this.#state = 'left';
      settle?.reject(error);
      return;
    }
    this.#end('unknown', 'errored');
    settle?.reject(error);
  }

  /**
   * Ends the stage once: closes media and the socket (the server ends the WHIP/WHEP sessions of a
   * participant whose socket closes), then emits `stageLeft` and the final connection state. No
   * per-stream events are emitted while ending.
   */
  #end(reason: DriverLeftReason, finalConnectionState: DriverConnectionState = 'disconnected'): void {
    if (this.#state === 'left') return;
    const wasJoined = this.#participants.self !== undefined;
    this.#state = 'left';
    clearTimeout(this.#joinTimer);
    this.#teardownMedia();
    this.#subscriptions?.clear();
    this.#participants.clear();
    this.#exchanges.rejectAll('The stage was left during the token exchange.');
    this.#connection?.close();
    if (this.#joinSettle) {
      const settle = this.#joinSettle;
      this.#joinSettle = undefined;
      settle.reject(new LocalStageError('JOIN_ERROR', DriverErrorCode.CANCELED, `The join was cancelled (${reason}).`));
    }
    // stageLeft first: a listener that sees "disconnected" while connected would take it for a
    // connection loss and show "reconnecting".
    if (wasJoined || reason !== 'unknown') this.#events.emit('stageLeft', reason);
    this.#setConnectionState(finalConnectionState);
  }

  #setSubscriberCount(count: number): void {
    if (this.#subscriberCount === count) return;
    this.#subscriberCount = count;
    this.#events.emit('stageSubscriberCountChanged', count);
  }

  #setConnectionState(state: DriverConnectionState): void {
    if (this.#connectionState === state) return;
    this.#connectionState = state;
    this.#events.emit('stageConnectionStateChanged', state);
  }
}
