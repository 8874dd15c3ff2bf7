import { TypedEmitter } from '../core/emitter';
import { AbortedError, InvalidStateError, IvsRealtimeError, StageError, TokenError, ValidationError } from '../core/errors';
import { assertTokenUsable, type ParticipantTokenClaims } from '../core/token';
import { resolveMediaDevices, type MediaDevicesLike } from '../media/media-devices';
import { defaultStageFactory } from './default-factory';
import type {
  DriverConnectionState,
  DriverLeftReason,
  DriverParticipantInfo,
  DriverStage,
  DriverStageError,
  DriverStageEventMap,
  DriverStrategy,
  DriverStream,
  DriverSubscribeType,
  StageDriver,
  StageFactory,
} from './driver';
import { LocalMedia, republishMedia, validateMediaOptions, type PublishConfig, type PublishMediaOptions } from './local-media';
import { localFromClaims, mergeLocalInfo, withLocalMute } from './local-participant';
import { ParticipantStore, participantFromInfo, type StoreChange } from './participant-store';
import { isDriverStageError, leftReasonForError, mapDriverError, mapLeftReason } from './reasons';
import { resolveStrategy, toDriverSubscribeType, type ResolvedStrategy, type StrategyOption } from './strategies';
import type { LeftReason, Participant, StageSessionEvents, StageSessionState } from './types';

/** Options of the {@link StageSession} constructor. */
export interface StageSessionOptions {
  /**
   * Picks the media stack for a token. Default: {@link defaultStageFactory} (ivs-local tokens use the
   * local driver, all others Amazon IVS via `amazon-ivs-web-broadcast`, loaded on first join).
   */
  stageFactory?: StageFactory;
  /** What to publish and subscribe to. Default `'host'`. Change later with `setStrategy()`. */
  strategy?: StrategyOption;
  /** Source of camera/microphone tracks. Default: `navigator.mediaDevices`, read when first needed. */
  mediaDevices?: MediaDevicesLike;
  /** Encoder settings per kind for published streams (bitrate, frame rate, simulcast, stereo). */
  publishConfig?: PublishConfig;
  /** Called when an event listener throws (default: `console.error`). The session state is unaffected. */
  onListenerError?: (error: unknown, event: string) => void;
}

/** Options of {@link StageSession.join}. */
export interface JoinOptions {
  /** A participant token from CreateParticipantToken (or ivs-local). */
  token: string;
  /** Publish camera/microphone once connected. Needs the token's `PUBLISH` capability. */
  publish: boolean;
  /** What to publish when `publish` is true. Default: camera and microphone. */
  media?: PublishMediaOptions;
  /** Cancels the join: it rejects with {@link AbortedError} and everything acquired is released. */
  signal?: AbortSignal;
}

/** One join, from `join()` to `left`. Events from a stale connection are ignored. */
interface Connection {
  claims: ParticipantTokenClaims;
  token: string;
  media: PublishMediaOptions | undefined;
  driver: StageDriver | undefined;
  stage: DriverStage | undefined;
  listeners: Array<[keyof DriverStageEventMap, (...args: never[]) => void]>;
  /** Settles the pending join; undefined once connected (or closed). */
  settleJoin: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  joinPromise: Promise<void>;
  lastError: DriverStageError | undefined;
  closed: boolean;
}

/**
 * Emits an event of an add-on (`ActiveSpeakerDetector`, `NetworkQualityMonitor`) on the session it is
 * attached to, so one listener — a grid, an app — follows everything on the session. @internal
 */
export let relayEvent: (session: StageSession, event: 'speakersChanged' | 'qualityChanged', payload: object) => void;

const NOT_CONNECTED = 'The session is not connected. Call join() and wait for it first.';

/**
 * A participant's session in an IVS Real-Time stage: join, publish, mute, subscribe through a
 * strategy, and follow the stage through typed events. The same code runs against Amazon IVS and
 * ivs-local: the token picks the media stack.
 *
 * Lifecycle: `idle → connecting → connected (⇄ reconnecting) → disconnected`, and again from
 * `disconnected` on the next `join()`. Every `join()` that gets past token validation ends with
 * exactly one `left` event (a failed or aborted join included).
 *
 * Tracks the session captured itself are stopped whenever it stops publishing (leave, dispose,
 * failed join, `setPublishing(false)`, demotion), so the camera light goes off. Tracks passed in
 * `media.tracks` belong to the caller and are never stopped by the session.
 *
 * @example
 * ```ts
 * const session = new StageSession();
 * session.on('participantJoined', ({ participant }) => addTile(participant));
 * session.on('left', ({ reason }) => showGoodbye(reason));
 * await session.join({ token, publish: true });
 * session.setMuted({ audio: true });
 * await session.leave();
 * ```
 */
export class StageSession extends TypedEmitter<StageSessionEvents> {
  readonly #factory: StageFactory;
  readonly #mediaDevices: MediaDevicesLike | undefined;
  readonly #publishConfig: PublishConfig;
  readonly #media: LocalMedia;
  readonly #store = new ParticipantStore();
  #strategy: ResolvedStrategy;
  #state: StageSessionState = 'idle';
  #conn: Connection | undefined;
  #publishing = false;
  #muted = { audio: false, video: false };
  #subscriberCount = 0;
  #leftReason: LeftReason | undefined;
  #disposed = false;
  #publishQueue: Promise<unknown> = Promise.resolve();

  static {
    relayEvent = (session, event, payload) => session.emit(event, payload);
  }

  constructor(options: StageSessionOptions = {}) {
    super(options.onListenerError);
    this.#factory = options.stageFactory ?? defaultStageFactory;
    this.#mediaDevices = options.mediaDevices;
    this.#publishConfig = options.publishConfig ?? {};
    this.#strategy = resolveStrategy(options.strategy);
    this.#media = new LocalMedia(() => resolveMediaDevices(this.#mediaDevices));
  }

  /** Connection state. */
  get state(): StageSessionState {
    return this.#state;
  }

  /** Everyone in the stage, local participant first (once joined). Immutable snapshots. */
  get participants(): readonly Participant[] {
    return this.#store.list();
  }

  /** The local participant, once joined. */
  get localParticipant(): Participant | undefined {
    const id = this.#conn?.claims.participantId;
    return id === undefined ? undefined : this.#store.get(id);
  }

  /** Whether local media is being offered to the stage. */
  get publishing(): boolean {
    return this.#publishing;
  }

  /** Local mute state; kept across `setPublishing()` and re-joins of this session. */
  get muted(): { audio: boolean; video: boolean } {
    return { ...this.#muted };
  }

  /** Number of participants subscribed to the local participant (as last reported by the stage). */
  get subscriberCount(): number {
    return this.#subscriberCount;
  }

  /** Why the session last left the stage; `undefined` before the first `left` and during a join. */
  get leftReason(): LeftReason | undefined {
    return this.#leftReason;
  }

  /**
   * Joins the stage. Resolves when the stage reports the connection as established.
   *
   * @throws {TokenError} malformed or expired token, or `publish: true` without the PUBLISH
   *   capability, before any network call (no `left` event: the join never started).
   * @throws {InvalidStateError} while connecting or connected (call `leave()` first), or after `dispose()`.
   * @throws {MediaDeviceError} camera/microphone could not be captured.
   * @throws {StageError} (`join`) the stage refused or dropped the connection while joining.
   * @throws {AbortedError} `signal` aborted, or `leave()` was called before the join completed.
   */
  async join(options: JoinOptions): Promise<void> {
    this.#assertNotDisposed('join');
    if (this.#conn) {
      throw new InvalidStateError(this.#state, `join() was called while the session is ${this.#state}. Call leave() first to join again.`);
    }
    if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'join() needs { token, publish }.');
    const { token, publish, media, signal } = options;
    if (typeof publish !== 'boolean') throw new ValidationError('publish', 'must be true (send camera/microphone) or false (watch only).');
    validateMediaOptions(media);
    if (signal?.aborted) throw new AbortedError('join() was aborted before it started.', { cause: signal.reason });
    const claims = assertTokenUsable(token);
    if (publish && !claims.capabilities.publish) throw TokenError.notAllowed('PUBLISH');

    let settleJoin: Connection['settleJoin'];
    const joinPromise = new Promise<void>((resolve, reject) => {
      settleJoin = { resolve, reject };
    });
    joinPromise.catch(() => {}); // Rejections are rethrown by join(); never unhandled.
    const conn: Connection = {
      claims,
      token,
      media,
      driver: undefined,
      stage: undefined,
      listeners: [],
      settleJoin,
      joinPromise,
      lastError: undefined,
      closed: false,
    };
    this.#conn = conn;
    this.#leftReason = undefined;
    this.#setState('connecting');

    const onAbort = () =>
      this.#terminate(conn, 'user', new AbortedError('join() was aborted.', { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const driver = await this.#factory(token);
      if (conn.closed) return await joinPromise;
      conn.driver = driver;
      if (publish) {
        await this.#media.acquire(media, driver, this.#publishConfig, () => this.#muted, signal);
        if (conn.closed) {
          this.#media.release();
          return await joinPromise;
        }
        this.#setPublishingFlag(true);
      }
      const stage = driver.createStage(token, this.#createDriverStrategy(conn));
      conn.stage = stage;
      this.#attach(conn, stage);
      stage.join().catch((cause: unknown) => {
        if (conn.settleJoin) this.#failJoin(conn, cause);
      });
      await joinPromise;
    } catch (error) {
      if (!conn.closed) this.#terminate(conn, 'error', this.#asJoinError(error));
      // The error the join was settled with wins (abort, leave, driver failure).
      await joinPromise;
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Leaves the stage: stops publishing, stops the tracks the session captured, emits `left`
   * (`reason: 'user'`). Idempotent; resolves once left. A pending `join()` rejects with
   * {@link AbortedError}.
   */
  async leave(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    this.#terminate(conn, 'user', new AbortedError('leave() was called before the join completed.'));
  }

  /** Leaves (if joined) and makes the session unusable. Idempotent. Listeners are removed after `left`. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    await this.leave();
    this.#disposed = true;
    this.removeAllListeners();
  }

  /**
   * Starts or stops publishing while connected. Starting captures media (per `media`, else the join's
   * `media` option, else camera + microphone); stopping stops the tracks the session captured.
   * Calls are applied in order.
   *
   * @throws {InvalidStateError} when not connected. {@link TokenError} when starting without the
   *   PUBLISH capability. {@link MediaDeviceError} when capture fails (the session stays connected).
   */
  setPublishing(on: boolean, options: { media?: PublishMediaOptions } = {}): Promise<void> {
    if (typeof on !== 'boolean') return Promise.reject(new ValidationError('on', 'must be a boolean.'));
    try {
      validateMediaOptions(options.media, 'options.media');
    } catch (error) {
      return Promise.reject(error);
    }
    const run = () => this.#applyPublishing(on, options.media);
    const result = this.#publishQueue.then(run, run);
    this.#publishQueue = result.catch(() => {});
    return result;
  }

  /**
   * Mutes or unmutes the local audio and/or video. Applies immediately when publishing; remembered
   * otherwise, so streams published later start muted. While joined, emits `muteChanged` (and
   * `participantUpdated` for the local participant) for each kind that changed; read `muted` any time.
   */
  setMuted(muted: { audio?: boolean; video?: boolean }): void {
    if (typeof muted !== 'object' || muted === null) throw new ValidationError('muted', 'expected { audio?: boolean, video?: boolean }.');
    for (const kind of ['audio', 'video'] as const) {
      const value = muted[kind];
      if (value === undefined) continue;
      if (typeof value !== 'boolean') throw new ValidationError(`muted.${kind}`, 'must be a boolean.');
    }
    for (const kind of ['audio', 'video'] as const) {
      const value = muted[kind];
      if (value === undefined || value === this.#muted[kind]) continue;
      this.#muted = { ...this.#muted, [kind]: value };
      this.#media.setMuted(kind, value);
      const id = this.#conn?.claims.participantId;
      const local = id === undefined ? undefined : this.#store.get(id);
      let participant = local;
      if (local && id !== undefined) {
        const change = this.#store.upsert(id, (p) => withLocalMute(p!, this.#muted));
        this.#emitChange(change);
        participant = change.participant;
      }
      if (participant) this.emit('muteChanged', { participant, kind, muted: value });
    }
  }

  /**
   * Replaces the participant token without reconnecting (capability, userId or attribute changes).
   * Losing PUBLISH stops publishing; gaining it allows `setPublishing(true)`.
   *
   * @throws {TokenError} malformed/expired token. {@link ValidationError} when the token is for another
   *   participant or stage. {@link InvalidStateError} when not connected. {@link StageError} when the
   *   stage rejects the exchange.
   */
  async exchangeToken(token: string): Promise<void> {
    this.#assertNotDisposed('exchangeToken');
    const conn = this.#requireConnected('exchangeToken');
    const claims = assertTokenUsable(token);
    if (claims.participantId !== conn.claims.participantId) {
      throw new ValidationError('token', `is for participant ${claims.participantId}, but this session is participant ${conn.claims.participantId}. Exchange only tokens minted for the same participant.`);
    }
    if (conn.claims.stageArn !== undefined && claims.stageArn !== undefined && claims.stageArn !== conn.claims.stageArn) {
      throw new ValidationError('token', `is for stage ${claims.stageArn}, not ${conn.claims.stageArn}.`);
    }
    const stage = conn.stage!;
    try {
      await stage.exchangeToken(token);
    } catch (cause) {
      throw isDriverStageError(cause)
        ? mapDriverError(cause)
        : new StageError('join', `The stage rejected the token exchange: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, fatal: false });
    }
    if (conn.closed) throw new InvalidStateError('disconnected', 'The session left the stage during the token exchange.');
    conn.claims = claims;
    conn.token = token;
    const change = this.#store.upsert(claims.participantId, (p) => localFromClaims(claims, this.#muted, p));
    this.#emitChange(change);
    if (!claims.capabilities.publish && this.#publishing) {
      this.#setPublishingFlag(false);
      stage.refreshStrategy();
      this.#media.release();
      this.#syncLocalStreams();
    } else {
      stage.refreshStrategy();
    }
  }

  /**
   * Switches the published camera or microphone to `track` (of the same kind) without leaving or
   * republishing: on ivs-local and custom drivers with `replaceTrack` the sender's track is replaced in
   * place (subscribers keep their connection); the IVS SDK has no such call, so there the stream is
   * republished with the new track. The previous track is stopped if the session owned it. Emits
   * `streamsChanged` for the local participant. See `switchDevice()` for the capture part.
   *
   * @param options.adopt the session takes ownership of `track` (stops it when it stops publishing).
   * @throws {InvalidStateError} when not connected or not publishing a track of that kind.
   */
  async replaceTrack(track: MediaStreamTrack, options: { adopt?: boolean } = {}): Promise<void> {
    if (typeof track !== 'object' || track === null || (track.kind !== 'audio' && track.kind !== 'video')) {
      throw new ValidationError('track', 'must be an audio or video MediaStreamTrack.');
    }
    const conn = this.#requireConnected('replaceTrack');
    await this.#media.replace(track, conn.driver!, this.#publishConfig, this.#muted, options.adopt === true);
    this.#syncLocalStreams();
    conn.stage!.refreshStrategy();
  }

  /** Re-runs the strategy now (call after changing what your custom strategy depends on). */
  refresh(): void {
    this.#conn?.stage?.refreshStrategy();
  }

  /** Replaces the strategy and re-runs it. */
  setStrategy(strategy: StrategyOption): void {
    this.#strategy = resolveStrategy(strategy);
    this.refresh();
  }

  // ---------------------------------------------------------------------------------------------
  // Driver wiring

  #attach(conn: Connection, stage: DriverStage): void {
    const on = <E extends keyof DriverStageEventMap>(event: E, handler: DriverStageEventMap[E]) => {
      const guarded = ((...args: Parameters<DriverStageEventMap[E]>) => {
        if (conn.closed || this.#conn !== conn) return;
        (handler as (...a: Parameters<DriverStageEventMap[E]>) => void)(...args);
      }) as DriverStageEventMap[E];
      stage.on(event, guarded);
      conn.listeners.push([event, guarded as (...args: never[]) => void]);
    };
    on('stageConnectionStateChanged', (state) => this.#onConnectionState(conn, state));
    on('stageLeft', (reason) => this.#onStageLeft(conn, reason));
    on('error', (error) => this.#onDriverError(conn, error));
    on('stageParticipantJoined', (info) => this.#emitChange(this.#applyInfo(conn, info)));
    on('stageParticipantMetadataChanged', (info) => this.#emitChange(this.#applyInfo(conn, info)));
    on('stageParticipantLeft', (info) => this.#onParticipantLeft(conn, info));
    on('stageParticipantPublishStateChanged', (info, state) => {
      this.#emitChange(this.#store.setPublishState(info, state, this.#idOf(conn, info)));
    });
    on('stageParticipantSubscribeStateChanged', (info, state) => {
      if (this.#isLocal(conn, info)) return;
      this.#emitChange(this.#store.setSubscribeState(info, state));
    });
    on('stageParticipantStreamsAdded', (info, streams) => this.#onStreamsAdded(conn, info, streams));
    on('stageParticipantStreamsRemoved', (info, streams) => this.#onStreamsRemoved(conn, info, streams));
    on('stageStreamMuteChanged', (info, stream) => this.#onStreamMute(conn, info, stream));
    on('stageSubscriberCountChanged', (count) => this.#setSubscriberCount(count));
  }

  #detach(conn: Connection): void {
    const stage = conn.stage;
    if (!stage) return;
    for (const [event, listener] of conn.listeners) {
      try {
        stage.off(event, listener as never);
      } catch {
        // A driver that fails to remove a listener cannot reach us anyway: events of a closed connection are ignored.
      }
    }
    conn.listeners = [];
  }

  #onConnectionState(conn: Connection, state: DriverConnectionState): void {
    switch (state) {
      case 'connected':
        this.#ensureLocalParticipant(conn);
        this.#setState('connected');
        if (conn.settleJoin) {
          const { resolve } = conn.settleJoin;
          conn.settleJoin = undefined;
          resolve();
        }
        return;
      case 'connecting':
      case 'disconnected':
        // Before the first CONNECTED these are the join in progress; after it, the media stack is
        // recovering the connection (a terminal loss arrives as stageLeft or ERRORED).
        if (this.#state === 'connected') this.#setState('reconnecting');
        return;
      case 'errored': {
        if (conn.settleJoin) {
          this.#failJoin(conn, conn.lastError);
          return;
        }
        const error = conn.lastError ? mapDriverError(conn.lastError) : new StageError('join', 'The stage connection failed and could not be recovered. Join again.');
        this.#terminate(conn, leftReasonForError(conn.lastError) ?? 'error', error);
        return;
      }
      default:
        return;
    }
  }

  #onStageLeft(conn: Connection, reason: DriverLeftReason): void {
    const mapped = mapLeftReason(reason, conn.lastError);
    if (conn.settleJoin) {
      const cause = conn.lastError ? mapDriverError(conn.lastError) : undefined;
      this.#terminate(
        conn,
        mapped,
        new StageError('join', `The stage ended the connection while joining (reason: ${reason}).`, { cause }),
        { driverLeft: true },
      );
      return;
    }
    const error =
      mapped === 'user'
        ? undefined
        : conn.lastError
          ? mapDriverError(conn.lastError)
          : new StageError('join', `The stage ended the connection (reason: ${reason}).`);
    this.#terminate(conn, mapped, error, { driverLeft: true });
  }

  #onDriverError(conn: Connection, driverError: DriverStageError): void {
    conn.lastError = driverError;
    const error = mapDriverError(driverError);
    this.emit('error', { error });
    if (driverError.category !== 'JOIN_ERROR' || driverError.fatal === false) return;
    // The IVS SDK reports a JOIN_ERROR only once it has given up (it retries network failures for
    // up to 30 s first), so the connection is gone.
    if (conn.settleJoin) this.#failJoin(conn, driverError);
    else this.#terminate(conn, leftReasonForError(driverError) ?? 'error', error);
  }

  #failJoin(conn: Connection, cause: unknown): void {
    if (conn.closed) return;
    const mappedCause = isDriverStageError(cause) ? mapDriverError(cause) : cause;
    const detail = mappedCause instanceof Error ? `: ${mappedCause.message}` : '';
    const reason = isDriverStageError(cause) ? (leftReasonForError(cause) ?? 'error') : 'error';
    this.#terminate(conn, reason, new StageError('join', `Joining the stage failed${detail}`, { cause: mappedCause }));
  }

  #asJoinError(error: unknown): IvsRealtimeError {
    if (error instanceof IvsRealtimeError) return error;
    return new StageError('join', `Joining the stage failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }

  /**
   * Ends a connection: detaches from the driver, leaves the stage, releases media, clears
   * participants, and emits `left` once. Safe to call more than once.
   */
  #terminate(conn: Connection, reason: LeftReason, error: IvsRealtimeError | undefined, options: { driverLeft?: boolean } = {}): void {
    if (conn.closed) return;
    conn.closed = true;
    if (this.#conn === conn) this.#conn = undefined;
    this.#detach(conn);
    if (!options.driverLeft && conn.stage) {
      try {
        conn.stage.leave();
      } catch {
        // Leaving is best effort: the connection is being dropped either way.
      }
    }
    const joinError = conn.settleJoin ? error ?? new StageError('join', 'The join did not complete.') : undefined;
    if (conn.settleJoin) {
      conn.settleJoin.reject(joinError);
      conn.settleJoin = undefined;
    }
    this.#media.release();
    this.#setPublishingFlag(false);
    for (const participant of this.#store.clear()) this.emit('participantLeft', { participant });
    this.#setSubscriberCount(0);
    this.#leftReason = reason;
    this.#setState('disconnected');
    const leftError = reason === 'user' ? undefined : (joinError ?? error);
    this.emit('left', leftError ? { reason, error: leftError } : { reason });
  }

  // ---------------------------------------------------------------------------------------------
  // Participants

  #isLocal(conn: Connection, info: DriverParticipantInfo): boolean {
    return info.isLocal || info.id === conn.claims.participantId;
  }

  #idOf(conn: Connection, info: DriverParticipantInfo): string {
    return this.#isLocal(conn, info) ? conn.claims.participantId : info.id;
  }


  #ensureLocalParticipant(conn: Connection): void {
    const id = conn.claims.participantId;
    if (!this.#store.get(id)) {
      this.#emitChange(this.#store.upsert(id, (p) => localFromClaims(conn.claims, this.#muted, p)));
    }
    this.#syncLocalStreams();
  }

  #applyInfo(conn: Connection, info: DriverParticipantInfo): StoreChange {
    if (!this.#isLocal(conn, info)) return this.#store.applyInfo(info);
    // The local participant's capabilities, streams and mute come from this session, not the info.
    return this.#store.upsert(conn.claims.participantId, (current) => mergeLocalInfo(localFromClaims(conn.claims, this.#muted, current), info));
  }


  #onParticipantLeft(conn: Connection, info: DriverParticipantInfo): void {
    if (this.#isLocal(conn, info)) return; // The local participant leaves with the session (stageLeft).
    const participant = this.#store.remove(info.id);
    if (participant) this.emit('participantLeft', { participant });
  }

  #onStreamsAdded(conn: Connection, info: DriverParticipantInfo, streams: DriverStream[]): void {
    if (this.#isLocal(conn, info)) {
      // Local streams are the session's own media (already shown); the driver echoes them.
      this.#syncLocalStreams();
      return;
    }
    const { change, added } = this.#store.addStreams(info, streams);
    this.#emitChange(change);
    if (added.length > 0) this.emit('streamsChanged', { participant: change.participant, added, removed: [] });
  }

  #onStreamsRemoved(conn: Connection, info: DriverParticipantInfo, streams: DriverStream[]): void {
    if (this.#isLocal(conn, info)) return;
    const { change, removed } = this.#store.removeStreams(info, streams);
    this.#emitChange(change);
    if (removed.length > 0) this.emit('streamsChanged', { participant: change.participant, added: [], removed });
  }

  #onStreamMute(conn: Connection, info: DriverParticipantInfo, stream: DriverStream): void {
    if (this.#isLocal(conn, info)) return; // Local mute is driven by setMuted().
    const before = this.#store.get(info.id);
    const change = this.#store.setStreamMuted(info, stream);
    this.#emitChange(change);
    const kind = stream.streamType === 'audio' ? 'audio' : stream.streamType === 'video' ? 'video' : undefined;
    if (!kind || change.type === 'unchanged') return;
    const wasMuted = kind === 'audio' ? before?.audioMuted : before?.videoMuted;
    const muted = kind === 'audio' ? change.participant.audioMuted : change.participant.videoMuted;
    if (wasMuted !== muted) this.emit('muteChanged', { participant: change.participant, kind, muted });
  }

  /** Makes the local participant's streams match the session's local media. */
  #syncLocalStreams(): void {
    const id = this.#conn?.claims.participantId;
    if (id === undefined || !this.#store.get(id)) return;
    const { change, added, removed } = this.#store.replaceStreams(id, this.#media.streams);
    if (!change) return;
    const withMute = this.#store.upsert(id, (p) => withLocalMute(p!, this.#muted));
    const participant = withMute.participant;
    if (change.type === 'updated' && withMute.type === 'updated') {
      this.#emitChange({ type: 'updated', participant, previous: change.previous, changes: [...new Set([...change.changes, ...withMute.changes])] });
    } else if (change.type === 'updated') {
      this.#emitChange({ ...change, participant });
    } else {
      this.#emitChange(withMute);
    }
    if (added.length > 0 || removed.length > 0) this.emit('streamsChanged', { participant, added, removed });
  }


  #emitChange(change: StoreChange): void {
    if (change.type === 'joined') this.emit('participantJoined', { participant: change.participant });
    else if (change.type === 'updated') {
      this.emit('participantUpdated', { participant: change.participant, previous: change.previous, changes: change.changes });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Strategy

  /**
   * The strategy handed to one connection's stage. It delegates to the current strategy and session
   * state, and answers "nothing" once that connection is over (the media stack may still ask).
   */
  #createDriverStrategy(conn: Connection): DriverStrategy {
    const live = () => !conn.closed && this.#conn === conn;
    return {
      stageStreamsToPublish: () => (live() && this.#publishing ? [...this.#media.streams] : []),
      shouldPublishParticipant: () => live() && this.#shouldPublish(conn),
      shouldSubscribeToParticipant: (info) => (live() ? this.#subscribeType(conn, info) : 'none'),
    };
  }

  #shouldPublish(conn: Connection): boolean {
    if (!this.#publishing || !conn.claims.capabilities.publish) return false;
    const local = this.#store.get(conn.claims.participantId) ?? localFromClaims(conn.claims, this.#muted, undefined);
    try {
      return this.#strategy.shouldPublish(local) === true;
    } catch (cause) {
      this.#reportStrategyError('shouldPublish', cause);
      return false;
    }
  }

  #subscribeType(conn: Connection, info: DriverParticipantInfo): DriverSubscribeType {
    if (!conn.claims.capabilities.subscribe || this.#isLocal(conn, info)) return 'none';
    const participant = this.#store.get(info.id) ?? participantFromInfo(info);
    try {
      return toDriverSubscribeType(this.#strategy.shouldSubscribe(participant));
    } catch (cause) {
      this.#reportStrategyError('shouldSubscribe', cause);
      return 'none';
    }
  }

  #reportStrategyError(method: string, cause: unknown): void {
    const message = cause instanceof Error ? cause.message : String(cause);
    this.emit('error', { error: new ValidationError(`strategy.${method}`, `threw (${message}); the session used the safe default (nothing).`, { cause }) });
  }

  // ---------------------------------------------------------------------------------------------
  // Publishing

  async #applyPublishing(on: boolean, media: PublishMediaOptions | undefined): Promise<void> {
    this.#assertNotDisposed('setPublishing');
    const conn = this.#requireConnected('setPublishing');
    const stage = conn.stage!;
    if (!on) {
      if (!this.#publishing) return;
      this.#setPublishingFlag(false);
      stage.refreshStrategy();
      this.#media.release();
      this.#syncLocalStreams();
      return;
    }
    if (!conn.claims.capabilities.publish) throw TokenError.notAllowed('PUBLISH');
    if (this.#publishing && media === undefined) return;
    await this.#media.acquire(media ?? republishMedia(conn.media), conn.driver!, this.#publishConfig, () => this.#muted);
    if (conn.closed) {
      this.#media.release();
      throw new AbortedError('The session left the stage before publishing started.');
    }
    if (media !== undefined) conn.media = media;
    this.#setPublishingFlag(true);
    this.#syncLocalStreams();
    stage.refreshStrategy();
  }

  #setPublishingFlag(publishing: boolean): void {
    if (this.#publishing === publishing) return;
    this.#publishing = publishing;
    this.emit('publishingChanged', { publishing });
  }

  // ---------------------------------------------------------------------------------------------
  // Misc

  #setState(state: StageSessionState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.emit('stateChanged', { state, previous });
  }

  #setSubscriberCount(count: number): void {
    if (this.#subscriberCount === count) return;
    this.#subscriberCount = count;
    this.emit('subscriberCountChanged', { count });
  }

  #requireConnected(method: string): Connection {
    const conn = this.#conn;
    if (!conn || (this.#state !== 'connected' && this.#state !== 'reconnecting') || !conn.stage) {
      throw new InvalidStateError(this.#state, `${method}(): ${NOT_CONNECTED}`);
    }
    return conn;
  }

  #assertNotDisposed(method: string): void {
    if (this.#disposed) throw new InvalidStateError('disposed', `${method}() was called after dispose(). Create a new StageSession.`);
  }
}
