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
  type DriverLocalStream,
  type DriverParticipantInfo,
  type DriverPublishState,
  type DriverStage,
  type DriverStageEventMap,
  type DriverStrategy,
  type DriverStream,
  type DriverSubscribeState,
  type DriverSubscribeType,
} from '../stage/driver';
import { StageEventEmitter } from './emitter';
import { driverCodeFor, LocalStageError } from './errors';
import { connected, iceGatheringComplete, preferVideoCodec } from './peer';
import {
  LocalCloseCode,
  type ClientFrame,
  type LocalLeftReason,
  type LocalMediaKind,
  type LocalParticipantView,
  type LocalStreamInfo,
  type ServerFrame,
} from './protocol';
import { deleteResource, postOffer, type FetchLike } from './signaling';
import { RemoteStageStream, type LocalStageStream } from './streams';

/** Options of the local driver (all optional; the defaults use the browser's globals). */
export interface LocalStageOptions {
  /** Video codec to publish: `'VP8'` (default) or `'H264'`. */
  videoCodec?: 'VP8' | 'H264';
  /** Time allowed for the events socket to be welcomed. Default 10 000 ms. */
  joinTimeoutMs?: number;
  /** Time allowed for a WHIP/WHEP peer connection to connect. Default 15 000 ms. */
  connectTimeoutMs?: number;
  /** Reconnection of the events socket after an unexpected drop. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number; giveUpAfterMs?: number };
  /** Injectable globals (tests, non-browser runtimes). */
  WebSocket?: typeof WebSocket;
  fetch?: FetchLike;
  RTCPeerConnection?: typeof RTCPeerConnection;
}

type State = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'left';

interface Publication {
  pc: RTCPeerConnection;
  streams: PublishableStream[];
  resourceUrl: string | undefined;
  state: DriverPublishState;
  closed: boolean;
  unsubscribeMute: Array<() => void>;
}

interface Subscription {
  type: Exclude<DriverSubscribeType, 'none'>;
  /** The publisher's stream list the subscription was made for (a change means re-subscribe). */
  streamsKey: string;
  pc: RTCPeerConnection;
  resourceUrl: string | undefined;
  streams: RemoteStageStream[];
  closed: boolean;
}

interface Remote {
  view: LocalParticipantView;
  subscription: Subscription | undefined;
  subscribeState: DriverSubscribeState;
  /** Consecutive failed subscribe attempts (reset on success). */
  failures: number;
  retryTimer: ReturnType<typeof setTimeout> | undefined;
}

const streamsKey = (streams: readonly LocalStreamInfo[]) =>
  streams
    .map((s) => `${s.kind}:${s.mimeType}:${s.sdpFmtpLine}`)
    .sort()
    .join('|');

const MAX_MEDIA_RETRIES = 3;

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
  readonly #options: Required<Pick<LocalStageOptions, 'videoCodec' | 'joinTimeoutMs' | 'connectTimeoutMs'>> & {
    reconnect: { minDelayMs: number; maxDelayMs: number; giveUpAfterMs: number };
  };
  readonly #WebSocket: typeof WebSocket | undefined;
  readonly #fetch: FetchLike | undefined;
  readonly #RTCPeerConnection: typeof RTCPeerConnection | undefined;
  #token: string;
  #strategy: DriverStrategy;
  #claims: ParticipantTokenClaims | undefined;
  #state: State = 'idle';
  #connectionState: DriverConnectionState = 'disconnected';
  #socket: WebSocket | undefined;
  #self: LocalParticipantView | undefined;
  #remotes = new Map<string, Remote>();
  #publication: Publication | undefined;
  #publishFailures = 0;
  #publishRetryTimer: ReturnType<typeof setTimeout> | undefined;
  #joinPromise: Promise<void> | undefined;
  #joinSettle: { resolve: () => void; reject: (error: LocalStageError) => void } | undefined;
  #joinTimer: ReturnType<typeof setTimeout> | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #reconnectStartedAt = 0;
  #reconnectAttempt = 0;
  #pendingExchanges = new Map<string, { resolve: () => void; reject: (error: LocalStageError) => void; token: string }>();
  #nextRequestId = 1;
  #subscriberCount = 0;
  /** Guards against re-entrant strategy evaluation (strategies may call refreshStrategy()). */
  #reconciling = false;
  #reconcileAgain = false;

  constructor(token: string, strategy: DriverStrategy, options: LocalStageOptions = {}) {
    this.#token = token;
    this.#strategy = strategy;
    this.#options = {
      videoCodec: options.videoCodec ?? 'VP8',
      joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      reconnect: {
        minDelayMs: options.reconnect?.minDelayMs ?? 250,
        maxDelayMs: options.reconnect?.maxDelayMs ?? 4000,
        giveUpAfterMs: options.reconnect?.giveUpAfterMs ?? 30_000,
      },
    };
    this.#WebSocket = options.WebSocket ?? (typeof WebSocket === 'undefined' ? undefined : WebSocket);
    this.#fetch = options.fetch ?? (typeof fetch === 'undefined' ? undefined : (input, init) => fetch(input, init));
    this.#RTCPeerConnection = options.RTCPeerConnection ?? (typeof RTCPeerConnection === 'undefined' ? undefined : RTCPeerConnection);
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
    if (claims.expiresAt.getTime() <= Date.now()) {
      this.#failJoin(new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXPIRED, `The participant token expired at ${claims.expiresAt.toISOString()}.`));
      return this.#joinPromise;
    }
    if (!claims.eventsUrl && !(claims.whipUrl && claims.stageId)) {
      this.#failJoin(
        new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_MALFORMED, 'The participant token has no events_url or whip_url claim: it was not minted by ivs-local.'),
      );
      return this.#joinPromise;
    }
    if (!this.#WebSocket || !this.#fetch || !this.#RTCPeerConnection) {
      this.#failJoin(new LocalStageError('JOIN_ERROR', DriverErrorCode.FAILED, 'The local stage needs WebSocket, fetch and RTCPeerConnection (run it in a browser).'));
      return this.#joinPromise;
    }
    this.#state = 'connecting';
    this.#setConnectionState('connecting');
    this.#joinTimer = setTimeout(() => {
      this.#failJoin(new LocalStageError('JOIN_ERROR', DriverErrorCode.TIMEOUT, `The local stage server did not welcome the participant within ${this.#options.joinTimeoutMs} ms.`));
    }, this.#options.joinTimeoutMs);
    this.#openSocket();
    return this.#joinPromise;
  }

  /** Leaves the stage: ends publishing and subscriptions, closes the socket, emits `stageLeft('user-initiated')`. */
  leave(): void {
    if (this.#state === 'left') return;
    if (this.#state === 'idle') {
      this.#state = 'left';
      return;
    }
    this.#send({ type: 'leave' });
    this.#end('user-initiated');
  }

  /** Re-evaluates the strategy: publish or unpublish, and subscribe/unsubscribe/change each remote. */
  refreshStrategy(): void {
    if (this.#state !== 'connected') return;
    if (this.#reconciling) {
      this.#reconcileAgain = true;
      return;
    }
    this.#reconciling = true;
    try {
      do {
        this.#reconcileAgain = false;
        this.#reconcilePublish();
        for (const [id, remote] of this.#remotes) this.#reconcileSubscription(id, remote);
      } while (this.#reconcileAgain);
    } finally {
      this.#reconciling = false;
    }
  }

  replaceStrategy(strategy: DriverStrategy): void {
    this.#strategy = strategy;
    this.refreshStrategy();
  }

  /**
   * Replaces the token without reconnecting. The new token must be for the same participant; its
   * capabilities apply at once (a demoted publisher stops publishing; a promoted one can publish
   * on the next `refreshStrategy()`, which this method runs).
   */
  exchangeToken(token: string): Promise<void> {
    let claims: ParticipantTokenClaims;
    try {
      claims = decodeParticipantToken(token);
    } catch (cause) {
      return Promise.reject(
        new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXCHANGE_REQUEST_INVALID, `The new token is malformed: ${(cause as Error).message}`, { fatal: false, cause }),
      );
    }
    if (this.#claims && claims.participantId !== this.#claims.participantId) {
      return Promise.reject(
        new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXCHANGE_REQUEST_INVALID, 'The new token is for another participant; exchange only tokens of the same participant.', { fatal: false }),
      );
    }
    if (this.#state !== 'connected') {
      return Promise.reject(new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXCHANGE_FAILED, 'exchangeToken() needs a connected stage.', { fatal: false }));
    }
    const requestId = `x${this.#nextRequestId++}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.#pendingExchanges.delete(requestId)) return;
        reject(new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXCHANGE_FAILED, `The local stage server did not answer the token exchange within ${this.#options.joinTimeoutMs} ms.`, { fatal: false }));
      }, this.#options.joinTimeoutMs);
      this.#pendingExchanges.set(requestId, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
        token,
      });
      this.#send({ type: 'exchangeToken', token, requestId });
    });
  }

  // ─── Events socket ────────────────────────────────────────────────────────────────────────────

  #eventsUrl(): string {
    const claims = this.#claims!;
    if (claims.eventsUrl) return claims.eventsUrl;
    if (claims.whipUrl && claims.stageId) {
      const url = new URL(claims.whipUrl);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      url.pathname = `/stage/${encodeURIComponent(claims.stageId)}/events`;
      return url.toString();
    }
    throw new Error('the token has neither events_url nor whip_url');
  }

  #openSocket(): void {
    let socket: WebSocket;
    try {
      socket = new this.#WebSocket!(this.#eventsUrl());
    } catch (cause) {
      this.#onSocketLost(undefined, cause);
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#send({ type: 'join', token: this.#token });
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.#socket !== socket) return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame;
      } catch {
        return; // Not ours to interpret; the server only sends JSON.
      }
      this.#onFrame(frame);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#onSocketLost(event.code);
    };
    socket.onerror = () => {
      // A close event follows.
    };
  }

  #send(frame: ClientFrame): void {
    const socket = this.#socket;
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(frame));
  }

  #onSocketLost(code: number | undefined, cause?: unknown): void {
    if (this.#state === 'left') return;
    if (code === LocalCloseCode.LEFT || code === LocalCloseCode.JOIN_REFUSED || code === LocalCloseCode.PROTOCOL_ERROR) {
      // The server said why (left / error frame) before closing; those handlers ended the stage.
      // If it did not, end it now.
      this.#fail(new LocalStageError('JOIN_ERROR', DriverErrorCode.FAILED, `The local stage server closed the connection (code ${code}).`), 'unknown');
      return;
    }
    if (this.#state === 'connecting' && this.#joinSettle) {
      // The first connection failed: retry within the join timeout.
      this.#scheduleReconnect(cause);
      return;
    }
    if (this.#state === 'connected') {
      this.#rejectPendingExchanges('The connection to the local stage server was lost during the token exchange; try again once reconnected.');
      this.#state = 'reconnecting';
      this.#reconnectStartedAt = Date.now();
      this.#reconnectAttempt = 0;
      this.#teardownMedia();
      this.#setConnectionState('connecting');
    }
    this.#scheduleReconnect(cause);
  }

  #scheduleReconnect(cause?: unknown): void {
    const { minDelayMs, maxDelayMs, giveUpAfterMs } = this.#options.reconnect;
    if (this.#state === 'reconnecting' && Date.now() - this.#reconnectStartedAt > giveUpAfterMs) {
      this.#fail(
        new LocalStageError('JOIN_ERROR', DriverErrorCode.FAILED, `Lost the connection to the local stage server and could not reconnect within ${giveUpAfterMs} ms.`, { cause }),
        'unknown',
      );
      return;
    }
    const base = Math.min(maxDelayMs, minDelayMs * 2 ** this.#reconnectAttempt++);
    const delay = base / 2 + Math.random() * (base / 2);
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => {
      if (this.#state === 'connecting' || this.#state === 'reconnecting') this.#openSocket();
    }, delay);
  }

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        this.#onWelcome(frame.self, frame.participants, frame.subscriberCount);
        return;
      case 'participantJoined':
        this.#upsertRemote(frame.participant);
        this.refreshStrategy();
        return;
      case 'participantLeft':
        this.#removeRemote(frame.participantId);
        return;
      case 'publishStateChanged':
      case 'streamsChanged':
        this.#onRemotePublication(frame);
        return;
      case 'muteChanged':
        this.#onRemoteMute(frame.participantId, frame.kind, frame.muted);
        return;
      case 'metadataChanged': {
        const remote = this.#remotes.get(frame.participant.id);
        if (!remote) return;
        remote.view = { ...frame.participant, published: remote.view.published, streams: remote.view.streams };
        this.#events.emit('stageParticipantMetadataChanged', this.#remoteInfo(remote));
        this.refreshStrategy();
        return;
      }
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
    clearTimeout(this.#reconnectTimer);
    const rejoined = this.#state === 'reconnecting';
    this.#state = 'connected';
    this.#self = self;
    this.#reconnectAttempt = 0;
    this.#setConnectionState('connected');
    if (!rejoined) this.#events.emit('stageParticipantJoined', this.#localInfo());
    const present = new Set(participants.map((p) => p.id));
    for (const id of [...this.#remotes.keys()]) if (!present.has(id)) this.#removeRemote(id);
    for (const participant of participants) this.#upsertRemote(participant);
    this.#setSubscriberCount(subscriberCount);
    if (this.#joinSettle) {
      this.#joinSettle.resolve();
      this.#joinSettle = undefined;
    }
    this.refreshStrategy();
  }

  #onServerLeft(reason: LocalLeftReason, message: string | undefined): void {
    switch (reason) {
      case 'stage-deleted':
        this.#end('stage-deleted');
        return;
      case 'participant-disconnected':
        this.#events.emit(
          'error',
          new LocalStageError('JOIN_ERROR', DriverErrorCode.PARTICIPANT_DISCONNECTED, `The participant was disconnected${message ? `: ${message}` : '.'}`),
        );
        this.#end('participant-disconnected');
        return;
      case 'token-reused':
        this.#end('token-reused');
        return;
      case 'token-expired':
        this.#fail(new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXPIRED, 'The participant token expired; mint a new token and join again.'), 'unknown');
        return;
      case 'user':
        this.#end('user-initiated');
        return;
      default:
        this.#fail(new LocalStageError('JOIN_ERROR', DriverErrorCode.FAILED, `The local stage server ended the session${message ? `: ${message}` : '.'}`), 'unknown');
    }
  }

  #onServerError(code: Extract<ServerFrame, { type: 'error' }>['code'], message: string, requestId: string | undefined): void {
    if (requestId !== undefined) {
      const pending = this.#pendingExchanges.get(requestId);
      if (pending) {
        this.#pendingExchanges.delete(requestId);
        pending.reject(new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXCHANGE_FAILED, `The token exchange was refused (${code}): ${message}`, { fatal: false, localCode: code }));
      }
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
    const pending = requestId === undefined ? undefined : this.#pendingExchanges.get(requestId);
    if (requestId !== undefined) this.#pendingExchanges.delete(requestId);
    if (pending) {
      this.#token = pending.token;
      try {
        this.#claims = decodeParticipantToken(pending.token);
      } catch {
        // Verified by the server; decoding cannot fail here.
      }
    }
    this.#self = { ...self, published: this.#self?.published ?? false, streams: this.#self?.streams ?? [] };
    this.#events.emit('stageParticipantMetadataChanged', this.#localInfo());
    // The server has already ended what the new token no longer allows.
    if (!self.capabilities.publish) this.#unpublish('not_published', true);
    if (!self.capabilities.subscribe) for (const [id, remote] of this.#remotes) this.#unsubscribe(id, remote, 'not_subscribed', true);
    this.refreshStrategy();
    pending?.resolve();
  }

  // ─── Participants ─────────────────────────────────────────────────────────────────────────────

  #localInfo(): DriverParticipantInfo {
    const self = this.#self!;
    const publication = this.#publication;
    const audio = publication?.streams.find((s) => s.streamType === 'audio');
    const video = publication?.streams.find((s) => s.streamType === 'video');
    return {
      id: self.id,
      userId: self.userId,
      attributes: { ...self.attributes },
      capabilities: capabilitySet(self.capabilities),
      isLocal: true,
      audioMuted: audio ? audio.isMuted : false,
      videoStopped: video ? video.isMuted : false,
      isPublishing: publication?.state === 'published',
    };
  }

  #remoteInfo(remote: Remote): DriverParticipantInfo {
    const view = remote.view;
    return {
      id: view.id,
      userId: view.userId,
      attributes: { ...view.attributes },
      capabilities: capabilitySet(view.capabilities),
      isLocal: false,
      audioMuted: view.audioMuted,
      videoStopped: view.videoMuted,
      isPublishing: view.published,
    };
  }

  #upsertRemote(view: LocalParticipantView): void {
    const existing = this.#remotes.get(view.id);
    if (existing) {
      const previous = existing.view;
      existing.view = view;
      if (previous.userId !== view.userId || JSON.stringify(previous.attributes) !== JSON.stringify(view.attributes)) {
        this.#events.emit('stageParticipantMetadataChanged', this.#remoteInfo(existing));
      }
      if (previous.published !== view.published) {
        this.#events.emit('stageParticipantPublishStateChanged', this.#remoteInfo(existing), view.published ? 'published' : 'not_published');
      }
      for (const kind of ['audio', 'video'] as const) {
        const was = kind === 'audio' ? previous.audioMuted : previous.videoMuted;
        const now = kind === 'audio' ? view.audioMuted : view.videoMuted;
        if (was !== now) this.#onRemoteMute(view.id, kind, now);
      }
      return;
    }
    const remote: Remote = { view, subscription: undefined, subscribeState: 'not_subscribed', failures: 0, retryTimer: undefined };
    this.#remotes.set(view.id, remote);
    this.#events.emit('stageParticipantJoined', this.#remoteInfo(remote));
    if (view.published) this.#events.emit('stageParticipantPublishStateChanged', this.#remoteInfo(remote), 'published');
  }

  #removeRemote(id: string): void {
    const remote = this.#remotes.get(id);
    if (!remote) return;
    this.#unsubscribe(id, remote, 'not_subscribed', true);
    clearTimeout(remote.retryTimer);
    this.#remotes.delete(id);
    this.#events.emit('stageParticipantLeft', this.#remoteInfo(remote));
  }

  #onRemotePublication(frame: Extract<ServerFrame, { type: 'publishStateChanged' | 'streamsChanged' }>): void {
    const remote = this.#remotes.get(frame.participantId);
    if (!remote) return;
    if (frame.type === 'publishStateChanged') {
      if (remote.view.published === frame.published) return;
      remote.view = { ...remote.view, published: frame.published, ...(frame.published ? {} : { streams: [] }) };
      if (!frame.published) this.#unsubscribe(frame.participantId, remote, 'not_subscribed', true);
      this.#events.emit('stageParticipantPublishStateChanged', this.#remoteInfo(remote), frame.published ? 'published' : 'not_published');
    } else {
      remote.view = { ...remote.view, streams: frame.streams };
      if (frame.streams.length === 0) this.#unsubscribe(frame.participantId, remote, 'not_subscribed', true);
    }
    remote.failures = 0;
    this.refreshStrategy();
  }

  #onRemoteMute(participantId: string, kind: LocalMediaKind, muted: boolean): void {
    const remote = this.#remotes.get(participantId);
    if (!remote) return;
    remote.view = { ...remote.view, ...(kind === 'audio' ? { audioMuted: muted } : { videoMuted: muted }) };
    const stream = remote.subscription?.streams.find((s) => s.streamType === kind);
    if (stream && stream.setMutedState(muted) && remote.subscribeState === 'subscribed') {
      this.#events.emit('stageStreamMuteChanged', this.#remoteInfo(remote), stream);
    }
  }

  // ─── Publishing ───────────────────────────────────────────────────────────────────────────────

  #reconcilePublish(): void {
    const self = this.#self;
    if (!self) return;
    let wanted: PublishableStream[] = [];
    if (self.capabilities.publish) {
      try {
        if (this.#strategy.shouldPublishParticipant(this.#localInfo())) {
          wanted = this.#strategy.stageStreamsToPublish().filter(isPublishable);
        }
      } catch (error) {
        console.error('[aws-ivs-realtime] the stage strategy threw; publishing nothing:', error);
        wanted = [];
      }
    }
    // One track per kind (the first wins), as on IVS.
    const byKind = new Map<string, PublishableStream>();
    for (const stream of wanted) if (!byKind.has(stream.streamType)) byKind.set(stream.streamType, stream);
    wanted = [...byKind.values()];
    const current = this.#publication;
    if (wanted.length === 0) {
      clearTimeout(this.#publishRetryTimer);
      this.#publishFailures = 0;
      if (current) this.#unpublish();
      return;
    }
    if (current && !current.closed) {
      const same = current.streams.length === wanted.length && current.streams.every((s) => wanted.includes(s));
      if (same) return;
      const sameKinds =
        current.streams.length === wanted.length && current.streams.every((s) => wanted.some((w) => w.streamType === s.streamType));
      if (sameKinds && current.state === 'published') {
        this.#replaceTracks(current, wanted);
        return;
      }
      this.#unpublish();
    }
    if (this.#publishRetryTimer !== undefined) return; // A retry is scheduled.
    void this.#publish(wanted);
  }

  async #publish(streams: PublishableStream[]): Promise<void> {
    const pc = new this.#RTCPeerConnection!({ iceServers: [], bundlePolicy: 'max-bundle' });
    const publication: Publication = { pc, streams, resourceUrl: undefined, state: 'attempting_publish', closed: false, unsubscribeMute: [] };
    this.#publication = publication;
    this.#events.emit('stageParticipantPublishStateChanged', this.#localInfo(), 'attempting_publish');
    try {
      const mediaStream = typeof MediaStream === 'undefined' ? undefined : new MediaStream(streams.map((s) => s.mediaStreamTrack));
      for (const stream of streams) {
        const config = stream.config;
        const encoding: RTCRtpEncodingParameters = {};
        if (stream.streamType === 'video') {
          if (config?.maxBitrate) encoding.maxBitrate = config.maxBitrate * 1000;
          if (config?.maxFramerate) encoding.maxFramerate = config.maxFramerate;
        } else if (config?.maxAudioBitrateKbps) {
          encoding.maxBitrate = config.maxAudioBitrateKbps * 1000;
        }
        const transceiver = pc.addTransceiver(stream.mediaStreamTrack, {
          direction: 'sendonly',
          ...(mediaStream ? { streams: [mediaStream] } : {}),
          sendEncodings: [encoding],
        });
        if (stream.streamType === 'video') preferVideoCodec(transceiver, this.#options.videoCodec);
        stream.setStatsSource?.(() => transceiver.sender.getStats());
      }
      await pc.setLocalDescription(await pc.createOffer());
      await iceGatheringComplete(pc, 2000);
      if (publication.closed) return;
      const { answer, resourceUrl } = await postOffer(this.#fetch!, this.#whipUrl(), this.#token, pc.localDescription!.sdp, 'PUBLISH_ERROR');
      publication.resourceUrl = resourceUrl;
      if (publication.closed) {
        deleteResource(this.#fetch!, resourceUrl, this.#token);
        return;
      }
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      await connected(pc, this.#options.connectTimeoutMs);
      if (publication.closed) return;
      publication.state = 'published';
      this.#publishFailures = 0;
      for (const stream of streams) {
        publication.unsubscribeMute.push(stream.onMuteChange?.(() => this.#onLocalMute(stream)) ?? (() => {}));
        // Tell the others the mute state the stream starts with.
        this.#send({ type: 'mute', kind: stream.streamType as LocalMediaKind, muted: stream.isMuted });
      }
      pc.addEventListener('connectionstatechange', () => {
        if ((pc.connectionState === 'failed' || pc.connectionState === 'closed') && !publication.closed && this.#publication === publication) {
          this.#events.emit('error', new LocalStageError('PUBLISH_ERROR', DriverErrorCode.FAILED, 'The publish connection to the local stage server was lost.', { fatal: false }));
          this.#unpublish('errored');
          this.#retryPublishLater();
        }
      });
      this.#events.emit('stageParticipantPublishStateChanged', this.#localInfo(), 'published');
      this.#events.emit('stageParticipantStreamsAdded', this.#localInfo(), [...streams]);
    } catch (cause) {
      if (publication.closed || this.#publication !== publication) return;
      const error =
        cause instanceof LocalStageError
          ? cause
          : new LocalStageError('PUBLISH_ERROR', DriverErrorCode.FAILED, `Publishing failed: ${(cause as Error)?.message ?? String(cause)}`, { fatal: false, cause });
      this.#events.emit('error', error);
      this.#unpublish('errored');
      const retryable = error.code === DriverErrorCode.FAILED || error.code === DriverErrorCode.TIMEOUT;
      if (retryable) this.#retryPublishLater();
    }
  }

  #retryPublishLater(): void {
    if (this.#publishFailures++ >= MAX_MEDIA_RETRIES || this.#state !== 'connected') return;
    clearTimeout(this.#publishRetryTimer);
    this.#publishRetryTimer = setTimeout(() => {
      this.#publishRetryTimer = undefined;
      this.refreshStrategy();
    }, 500 * this.#publishFailures);
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
    publication.streams = streams;
    const removed = previous.filter((s) => !streams.includes(s));
    const added = streams.filter((s) => !previous.includes(s));
    if (removed.length) this.#events.emit('stageParticipantStreamsRemoved', this.#localInfo(), removed);
    if (added.length) this.#events.emit('stageParticipantStreamsAdded', this.#localInfo(), added);
    for (const stream of added) this.#send({ type: 'mute', kind: stream.streamType as LocalMediaKind, muted: stream.isMuted });
  }

  /**
   * Ends the WHIP session. `serverEnded`: the server already closed it (demotion, stage end), so
   * no DELETE is sent.
   */
  #unpublish(finalState: DriverPublishState = 'not_published', serverEnded = false): void {
    const publication = this.#publication;
    if (!publication) return;
    this.#publication = undefined;
    publication.closed = true;
    for (const off of publication.unsubscribeMute) off();
    for (const stream of publication.streams) stream.setStatsSource?.(undefined);
    if (publication.resourceUrl && !serverEnded) deleteResource(this.#fetch!, publication.resourceUrl, this.#token);
    publication.pc.close();
    if (!this.#self || this.#state === 'left') return;
    if (publication.state === 'published') this.#events.emit('stageParticipantStreamsRemoved', this.#localInfo(), [...publication.streams]);
    this.#events.emit('stageParticipantPublishStateChanged', this.#localInfo(), finalState);
  }

  #onLocalMute(stream: PublishableStream): void {
    if (!this.#self) return;
    this.#send({ type: 'mute', kind: stream.streamType as LocalMediaKind, muted: stream.isMuted });
    this.#events.emit('stageStreamMuteChanged', this.#localInfo(), stream);
  }

  #whipUrl(): string {
    const claims = this.#claims!;
    if (claims.whipUrl) return claims.whipUrl;
    const events = new URL(this.#eventsUrl());
    events.protocol = events.protocol === 'wss:' ? 'https:' : 'http:';
    events.pathname = events.pathname.replace(/\/events$/, '/whip');
    return events.toString();
  }

  #whepUrl(publisherId: string): string {
    return this.#whipUrl().replace(/\/whip\/?$/, `/whep/${encodeURIComponent(publisherId)}`);
  }

  // ─── Subscribing ──────────────────────────────────────────────────────────────────────────────

  #reconcileSubscription(id: string, remote: Remote): void {
    let desired: DriverSubscribeType = 'none';
    if (this.#self?.capabilities.subscribe && remote.view.published && remote.view.streams.length > 0) {
      try {
        desired = this.#strategy.shouldSubscribeToParticipant(this.#remoteInfo(remote));
      } catch (error) {
        console.error('[aws-ivs-realtime] the stage strategy threw; not subscribing:', error);
        desired = 'none';
      }
      if (desired !== 'audio_only' && desired !== 'audio_video') desired = 'none';
      if (desired === 'audio_only' && !remote.view.streams.some((s) => s.kind === 'audio')) desired = 'none';
    }
    const current = remote.subscription;
    if (desired === 'none') {
      clearTimeout(remote.retryTimer);
      remote.retryTimer = undefined;
      if (current) this.#unsubscribe(id, remote);
      return;
    }
    const key = streamsKey(remote.view.streams);
    if (current && !current.closed && current.type === desired && current.streamsKey === key) return;
    if (current) this.#unsubscribe(id, remote);
    if (remote.retryTimer !== undefined) return;
    void this.#subscribe(id, remote, desired, key);
  }

  async #subscribe(id: string, remote: Remote, type: Exclude<DriverSubscribeType, 'none'>, key: string): Promise<void> {
    const pc = new this.#RTCPeerConnection!({ iceServers: [], bundlePolicy: 'max-bundle' });
    const subscription: Subscription = { type, streamsKey: key, pc, resourceUrl: undefined, streams: [], closed: false };
    remote.subscription = subscription;
    this.#setSubscribeState(remote, 'attempting_subscribe');
    const kinds = remote.view.streams.map((s) => s.kind).filter((k) => type === 'audio_video' || k === 'audio');
    const received = new Map<string, { track: MediaStreamTrack; receiver: RTCRtpReceiver }>();
    pc.addEventListener('track', (event: RTCTrackEvent) => {
      received.set(event.track.kind, { track: event.track, receiver: event.receiver });
    });
    try {
      // Audio first, then video: the order the tiles expect does not matter, but keep it stable.
      for (const kind of (['audio', 'video'] as const).filter((k) => kinds.includes(k))) pc.addTransceiver(kind, { direction: 'recvonly' });
      await pc.setLocalDescription(await pc.createOffer());
      await iceGatheringComplete(pc, 2000);
      if (subscription.closed) return;
      const { answer, resourceUrl } = await postOffer(this.#fetch!, this.#whepUrl(id), this.#token, pc.localDescription!.sdp, 'SUBSCRIBE_ERROR', id);
      subscription.resourceUrl = resourceUrl;
      if (subscription.closed) {
        deleteResource(this.#fetch!, resourceUrl, this.#token);
        return;
      }
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      await connected(pc, this.#options.connectTimeoutMs);
      if (subscription.closed) return;
      for (const transceiver of pc.getTransceivers()) {
        const kind = transceiver.receiver.track.kind;
        if (!kinds.includes(kind as LocalMediaKind) || received.has(kind)) continue;
        received.set(kind, { track: transceiver.receiver.track, receiver: transceiver.receiver });
      }
      subscription.streams = [...received.values()]
        .filter(({ track }) => kinds.includes(track.kind as LocalMediaKind))
        .map(({ track, receiver }) => new RemoteStageStream(id, track, track.kind === 'audio' ? remote.view.audioMuted : remote.view.videoMuted, receiver));
      pc.addEventListener('connectionstatechange', () => {
        if ((pc.connectionState === 'failed' || pc.connectionState === 'closed') && !subscription.closed && remote.subscription === subscription) {
          this.#unsubscribe(id, remote, 'errored');
          this.#retrySubscribeLater(id, remote);
        }
      });
      remote.failures = 0;
      this.#setSubscribeState(remote, 'subscribed');
      if (subscription.streams.length > 0) this.#events.emit('stageParticipantStreamsAdded', this.#remoteInfo(remote), [...subscription.streams]);
    } catch (cause) {
      if (subscription.closed || remote.subscription !== subscription) return;
      const error =
        cause instanceof LocalStageError
          ? cause
          : new LocalStageError('SUBSCRIBE_ERROR', DriverErrorCode.FAILED, `Subscribing to ${id} failed: ${(cause as Error)?.message ?? String(cause)}`, {
              fatal: false,
              remoteParticipantId: id,
              cause,
            });
      if (error.localCode === 'publisher-not-found') {
        // The publisher stopped while we were subscribing: not an error, the events socket says so.
        this.#unsubscribe(id, remote);
        return;
      }
      this.#events.emit('error', error);
      this.#unsubscribe(id, remote, 'errored');
      if (error.code === DriverErrorCode.FAILED || error.code === DriverErrorCode.TIMEOUT) this.#retrySubscribeLater(id, remote);
    }
  }

  #retrySubscribeLater(id: string, remote: Remote): void {
    if (remote.failures++ >= MAX_MEDIA_RETRIES || this.#state !== 'connected') return;
    clearTimeout(remote.retryTimer);
    remote.retryTimer = setTimeout(() => {
      remote.retryTimer = undefined;
      if (this.#remotes.get(id) === remote) this.refreshStrategy();
    }, 500 * remote.failures);
  }

  /**
   * Ends a WHEP session. `serverEnded`: the server already closed it (the publisher stopped, the
   * stage ended), so no DELETE is sent.
   */
  #unsubscribe(id: string, remote: Remote, finalState: DriverSubscribeState = 'not_subscribed', serverEnded = false): void {
    const subscription = remote.subscription;
    if (!subscription) return;
    remote.subscription = undefined;
    subscription.closed = true;
    if (subscription.resourceUrl && !serverEnded) deleteResource(this.#fetch!, subscription.resourceUrl, this.#token);
    subscription.pc.close();
    if (subscription.streams.length > 0 && this.#state !== 'left') {
      this.#events.emit('stageParticipantStreamsRemoved', this.#remoteInfo(remote), [...subscription.streams] as DriverStream[]);
    }
    if (this.#state !== 'left') this.#setSubscribeState(remote, finalState);
    void id;
  }

  #setSubscribeState(remote: Remote, state: DriverSubscribeState): void {
    if (remote.subscribeState === state) return;
    remote.subscribeState = state;
    this.#events.emit('stageParticipantSubscribeStateChanged', this.#remoteInfo(remote), state);
  }

  // ─── Endings ──────────────────────────────────────────────────────────────────────────────────

  /** Closes every peer connection. The server ends the sessions itself when the socket goes. */
  #teardownMedia(): void {
    clearTimeout(this.#publishRetryTimer);
    this.#publishRetryTimer = undefined;
    this.#unpublish('not_published', true);
    for (const [id, remote] of this.#remotes) {
      clearTimeout(remote.retryTimer);
      remote.retryTimer = undefined;
      this.#unsubscribe(id, remote, 'not_subscribed', true);
    }
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
    const wasJoined = this.#self !== undefined;
    this.#state = 'left';
    clearTimeout(this.#joinTimer);
    clearTimeout(this.#reconnectTimer);
    this.#teardownMedia();
    for (const remote of this.#remotes.values()) clearTimeout(remote.retryTimer);
    this.#remotes.clear();
    this.#rejectPendingExchanges('The stage was left during the token exchange.');
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket && socket.readyState <= 1) {
      try {
        socket.close(1000, 'left');
      } catch {
        // Already closing.
      }
    }
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

  #rejectPendingExchanges(message: string): void {
    const pending = [...this.#pendingExchanges.values()];
    this.#pendingExchanges.clear();
    for (const exchange of pending) exchange.reject(new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXCHANGE_FAILED, message, { fatal: false }));
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

/**
 * A stream the strategy hands over for publishing: any `LocalStageStream`-shaped object with an
 * audio or video track. The mute and stats hooks of this driver's own {@link LocalStageStream} are
 * used when present (duck-typed, so two bundled copies of the class still work together).
 */
type PublishableStream = DriverLocalStream & Partial<Pick<LocalStageStream, 'onMuteChange' | 'setStatsSource' | 'config'>>;

function isPublishable(stream: DriverLocalStream): stream is PublishableStream {
  const kind = stream?.mediaStreamTrack?.kind;
  return kind === 'audio' || kind === 'video';
}

function capabilitySet(capabilities: { publish: boolean; subscribe: boolean }): ReadonlySet<string> {
  const set = new Set<string>();
  if (capabilities.publish) set.add('publish');
  if (capabilities.subscribe) set.add('subscribe');
  return set;
}
