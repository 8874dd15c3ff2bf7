/**
 * StageSession's connection engine: driver wiring, the participant store, local media, error and
 * reason mapping, and the strategy handed to the media stack. `stage-session.ts` imports this module
 * on the first `join()`, while the stage driver loads, so a page that never joins does not load it.
 *
 * The session keeps its own state (connection state, mute, publishing flag, subscriber count, the
 * current {@link Connection}) and lends it to the engine through a {@link SessionHost}. @internal
 */
import { AbortedError, InvalidStateError, StageError, TokenError, ValidationError, messageOf } from '../core/errors';
import type { ParticipantTokenClaims } from '../core/token';
import { resolveMediaDevices, type MediaDevicesLike } from '../core/media-devices';
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
} from './driver';
import { LocalMedia, republishMedia } from './local-media';
import { localFromClaims, mergeLocalInfo, withLocalMute } from './local-participant';
import type { PublishConfig, PublishMediaOptions } from './media-options';
import { ParticipantStore, participantFromInfo, type StoreChange } from './participant-store';
import { isDriverStageError, leftReasonForError, mapDriverError, mapLeftReason } from './reasons';
import type { Connection, SessionHost } from './stage-session';
import { toDriverSubscribeType } from './strategies';
import type { LeftReason, Participant } from './types';

/** What {@link StageEngine.teardown} leaves for the session to announce. @internal */
export interface Teardown {
  /** Everyone who was in the stage, in `participants` order. */
  participants: readonly Participant[];
}

/** The join/connection half of one StageSession. @internal */
export class StageEngine {
  readonly #host: SessionHost;
  readonly #publishConfig: PublishConfig;
  readonly #media: LocalMedia;
  readonly #store = new ParticipantStore();

  constructor(host: SessionHost, mediaDevices: MediaDevicesLike | undefined, publishConfig: PublishConfig) {
    this.#host = host;
    this.#publishConfig = publishConfig;
    this.#media = new LocalMedia(() => resolveMediaDevices(mediaDevices));
  }

  /** Everyone in the stage, local participant first. */
  get participants(): readonly Participant[] {
    return this.#store.list();
  }

  /** The local participant of `conn`, once it is in the store. */
  localParticipant(conn: Connection | undefined): Participant | undefined {
    return conn === undefined ? undefined : this.#store.get(conn.claims.participantId);
  }

  /**
   * Runs a join once the driver is loaded: captures media (when publishing), creates the stage,
   * attaches to its events and joins. Resolves when the stage reports CONNECTED.
   */
  async join(conn: Connection, driver: StageDriver, publish: boolean, signal: AbortSignal | undefined): Promise<void> {
    conn.driver = driver;
    if (publish) {
      await this.#media.acquire(conn.media, driver, this.#publishConfig, () => this.#host.muted, signal);
      if (conn.closed) {
        this.#media.release();
        return await conn.joinPromise;
      }
      this.#host.setPublishing(true);
    }
    const stage = driver.createStage(conn.token, this.#createDriverStrategy(conn));
    conn.stage = stage;
    this.#attach(conn, stage);
    stage.join().catch((cause: unknown) => {
      if (conn.settleJoin) this.#failJoin(conn, cause);
    });
    await conn.joinPromise;
  }

  /** Detaches from the driver, leaves the stage, releases media and empties the store. */
  teardown(conn: Connection, driverLeft: boolean): Teardown {
    this.#detach(conn);
    if (!driverLeft && conn.stage) {
      try {
        conn.stage.leave();
      } catch {
        // Leaving is best effort: the connection is being dropped either way.
      }
    }
    this.#media.release();
    return { participants: this.#store.clear() };
  }

  /** Applies a mute change of the session to the published media and the local participant. */
  applyMute(kind: 'audio' | 'video', muted: boolean): Participant | undefined {
    this.#media.setMuted(kind, muted);
    const id = this.#host.connection?.claims.participantId;
    const local = id === undefined ? undefined : this.#store.get(id);
    if (!local || id === undefined) return undefined;
    const change = this.#store.upsert(id, (p) => withLocalMute(p!, this.#host.muted));
    this.#emitChange(change);
    return change.participant;
  }

  /** See {@link StageSession.exchangeToken}; `conn` is connected and `claims` are the new token's. */
  async exchangeToken(conn: Connection, token: string, claims: ParticipantTokenClaims): Promise<void> {
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
        : new StageError('join', `The stage rejected the token exchange: ${messageOf(cause)}`, { cause, fatal: false });
    }
    if (conn.closed) throw new InvalidStateError('disconnected', 'The session left the stage during the token exchange.');
    conn.claims = claims;
    conn.token = token;
    const change = this.#store.upsert(claims.participantId, (p) => localFromClaims(claims, this.#host.muted, p));
    this.#emitChange(change);
    if (!claims.capabilities.publish && this.#host.publishing) {
      this.#host.setPublishing(false);
      stage.refreshStrategy();
      this.#media.release();
      this.#syncLocalStreams();
    } else {
      stage.refreshStrategy();
    }
  }

  /** See {@link StageSession.replaceTrack}; `conn` is connected. */
  async replaceTrack(conn: Connection, track: MediaStreamTrack, adopt: boolean): Promise<void> {
    await this.#media.replace(track, conn.driver!, this.#publishConfig, this.#host.muted, adopt);
    this.#syncLocalStreams();
    conn.stage!.refreshStrategy();
  }

  /** See {@link StageSession.setPublishing}; `conn` is connected. */
  async applyPublishing(conn: Connection, on: boolean, media: PublishMediaOptions | undefined): Promise<void> {
    const stage = conn.stage!;
    if (!on) {
      if (!this.#host.publishing) return;
      this.#host.setPublishing(false);
      stage.refreshStrategy();
      this.#media.release();
      this.#syncLocalStreams();
      return;
    }
    if (!conn.claims.capabilities.publish) throw TokenError.notAllowed('PUBLISH');
    if (this.#host.publishing && media === undefined) return;
    await this.#media.acquire(media ?? republishMedia(conn.media), conn.driver!, this.#publishConfig, () => this.#host.muted);
    if (conn.closed) {
      this.#media.release();
      throw new AbortedError('The session left the stage before publishing started.');
    }
    if (media !== undefined) conn.media = media;
    this.#host.setPublishing(true);
    this.#syncLocalStreams();
    stage.refreshStrategy();
  }

  // ---------------------------------------------------------------------------------------------
  // Driver wiring

  #attach(conn: Connection, stage: DriverStage): void {
    const on = <E extends keyof DriverStageEventMap>(event: E, handler: DriverStageEventMap[E]) => {
      const guarded = ((...args: Parameters<DriverStageEventMap[E]>) => {
        if (conn.closed || this.#host.connection !== conn) return;
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
    on('stageSubscriberCountChanged', (count) => this.#host.setSubscriberCount(count));
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
        this.#host.setState('connected');
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
        if (this.#host.state === 'connected') this.#host.setState('reconnecting');
        return;
      case 'errored': {
        if (conn.settleJoin) {
          this.#failJoin(conn, conn.lastError);
          return;
        }
        const error = conn.lastError ? mapDriverError(conn.lastError) : new StageError('join', 'The stage connection failed and could not be recovered. Join again.');
        this.#host.terminate(conn, leftReasonForError(conn.lastError) ?? 'error', error);
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
      this.#host.terminate(
        conn,
        mapped,
        new StageError('join', `The stage ended the connection while joining (reason: ${reason}).`, { cause }),
        true,
      );
      return;
    }
    const error =
      mapped === 'user'
        ? undefined
        : conn.lastError
          ? mapDriverError(conn.lastError)
          : new StageError('join', `The stage ended the connection (reason: ${reason}).`);
    this.#host.terminate(conn, mapped, error, true);
  }

  #onDriverError(conn: Connection, driverError: DriverStageError): void {
    conn.lastError = driverError;
    const error = mapDriverError(driverError);
    this.#host.emit('error', { error });
    if (driverError.category !== 'JOIN_ERROR' || driverError.fatal === false) return;
    // The IVS SDK reports a JOIN_ERROR only once it has given up (it retries network failures for
    // up to 30 s first), so the connection is gone.
    if (conn.settleJoin) this.#failJoin(conn, driverError);
    else this.#host.terminate(conn, leftReasonForError(driverError) ?? 'error', error);
  }

  #failJoin(conn: Connection, cause: unknown): void {
    if (conn.closed) return;
    const mappedCause = isDriverStageError(cause) ? mapDriverError(cause) : cause;
    const detail = mappedCause instanceof Error ? `: ${mappedCause.message}` : '';
    const reason: LeftReason = isDriverStageError(cause) ? (leftReasonForError(cause) ?? 'error') : 'error';
    this.#host.terminate(conn, reason, new StageError('join', `Joining the stage failed${detail}`, { cause: mappedCause }));
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
      this.#emitChange(this.#store.upsert(id, (p) => localFromClaims(conn.claims, this.#host.muted, p)));
    }
    this.#syncLocalStreams();
  }

  #applyInfo(conn: Connection, info: DriverParticipantInfo): StoreChange {
    if (!this.#isLocal(conn, info)) return this.#store.applyInfo(info);
    // The local participant's capabilities, streams and mute come from this session, not the info.
    return this.#store.upsert(conn.claims.participantId, (current) => mergeLocalInfo(localFromClaims(conn.claims, this.#host.muted, current), info));
  }

  #onParticipantLeft(conn: Connection, info: DriverParticipantInfo): void {
    if (this.#isLocal(conn, info)) return; // The local participant leaves with the session (stageLeft).
    const participant = this.#store.remove(info.id);
    if (participant) this.#host.emit('participantLeft', { participant });
  }

  #onStreamsAdded(conn: Connection, info: DriverParticipantInfo, streams: DriverStream[]): void {
    if (this.#isLocal(conn, info)) {
      // Local streams are the session's own media (already shown); the driver echoes them.
      this.#syncLocalStreams();
      return;
    }
    const { change, added } = this.#store.addStreams(info, streams);
    this.#emitChange(change);
    if (added.length > 0) this.#host.emit('streamsChanged', { participant: change.participant, added, removed: [] });
  }

  #onStreamsRemoved(conn: Connection, info: DriverParticipantInfo, streams: DriverStream[]): void {
    if (this.#isLocal(conn, info)) return;
    const { change, removed } = this.#store.removeStreams(info, streams);
    this.#emitChange(change);
    if (removed.length > 0) this.#host.emit('streamsChanged', { participant: change.participant, added: [], removed });
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
    if (wasMuted !== muted) this.#host.emit('muteChanged', { participant: change.participant, kind, muted });
  }

  /** Makes the local participant's streams match the session's local media. */
  #syncLocalStreams(): void {
    const id = this.#host.connection?.claims.participantId;
    if (id === undefined || !this.#store.get(id)) return;
    const { change, added, removed } = this.#store.replaceStreams(id, this.#media.streams);
    if (!change) return;
    const withMute = this.#store.upsert(id, (p) => withLocalMute(p!, this.#host.muted));
    const participant = withMute.participant;
    if (change.type === 'updated' && withMute.type === 'updated') {
      this.#emitChange({ type: 'updated', participant, previous: change.previous, changes: [...new Set([...change.changes, ...withMute.changes])] });
    } else if (change.type === 'updated') {
      this.#emitChange({ ...change, participant });
    } else {
      this.#emitChange(withMute);
    }
    if (added.length > 0 || removed.length > 0) this.#host.emit('streamsChanged', { participant, added, removed });
  }

  #emitChange(change: StoreChange): void {
    if (change.type === 'joined') this.#host.emit('participantJoined', { participant: change.participant });
    else if (change.type === 'updated') {
      this.#host.emit('participantUpdated', { participant: change.participant, previous: change.previous, changes: change.changes });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Strategy

  /**
   * The strategy handed to one connection's stage. It delegates to the current strategy and session
   * state, and answers "nothing" once that connection is over (the media stack may still ask).
   */
  #createDriverStrategy(conn: Connection): DriverStrategy {
    const live = () => !conn.closed && this.#host.connection === conn;
    return {
      stageStreamsToPublish: () => (live() && this.#host.publishing ? [...this.#media.streams] : []),
      shouldPublishParticipant: () => live() && this.#shouldPublish(conn),
      shouldSubscribeToParticipant: (info) => (live() ? this.#subscribeType(conn, info) : 'none'),
    };
  }

  #shouldPublish(conn: Connection): boolean {
    if (!this.#host.publishing || !conn.claims.capabilities.publish) return false;
    const local = this.#store.get(conn.claims.participantId) ?? localFromClaims(conn.claims, this.#host.muted, undefined);
    try {
      return this.#host.strategy.shouldPublish(local) === true;
    } catch (cause) {
      this.#reportStrategyError('shouldPublish', cause);
      return false;
    }
  }

  #subscribeType(conn: Connection, info: DriverParticipantInfo): DriverSubscribeType {
    if (!conn.claims.capabilities.subscribe || this.#isLocal(conn, info)) return 'none';
    const participant = this.#store.get(info.id) ?? participantFromInfo(info);
    try {
      return toDriverSubscribeType(this.#host.strategy.shouldSubscribe(participant));
    } catch (cause) {
      this.#reportStrategyError('shouldSubscribe', cause);
      return 'none';
    }
  }

  #reportStrategyError(method: string, cause: unknown): void {
    const message = messageOf(cause);
    this.#host.emit('error', { error: new ValidationError(`strategy.${method}`, `threw (${message}); the session used the safe default (nothing).`, { cause }) });
  }
}
