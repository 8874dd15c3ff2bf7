/**
 * StageSession's connection engine: it owns the connection (the driver's stage and its listeners, the
 * participant store, the local media), follows the media stack's lifecycle, and reports to its
 * session through an {@link EngineHost}. Its collaborators: `participant-events.ts` (driver participant
 * events → store snapshots and session events), `driver-strategy.ts` (the strategy handed to the stage)
 * and `local-media.ts` (captured media). `stage-session.ts` imports this module on the first `join()`,
 * while the stage driver loads, so a page that never joins does not load it. Both files share only
 * the types of `types.ts`.
 *
 * Lifecycle, as AWS documents `amazon-ivs-web-broadcast` (error handling guide, `StageConnectionState`,
 * `StageErrorCode`, `StageLeftReason`):
 * - while connected, `connecting` and `errored` mean the SDK is recovering the connection (it retries
 *   network failures internally for up to 30 s): the session is `reconnecting`, and `connected` again
 *   when the SDK recovers. A bare `disconnected` shows `reconnecting` only if the stage has not left
 *   within {@link DISCONNECTED_GRACE_MS}, so a server-initiated leave shows no false reconnect;
 * - the connection ends when the SDK leaves (`stageLeft`, each reason mapped to its own LeftReason),
 *   when it gives up (a `JOIN_ERROR` with TIMEOUT or FAILED, after its retries), or when the app leaves;
 * - other errors are reported (`error`) and the connection continues; a connection error reported just
 *   before the stage leaves refines the reason (TOKEN_EXPIRED → `token-expired`).
 * The driver's `leave()` is called at most once per connection, and never after the driver left. (Internal module: not part of the public API.)
 */
import { AbortedError, InvalidStateError, StageError, TokenError, ValidationError, asJoinError, messageOf, type IvsRealtimeError } from '../core/errors';
import type { ParticipantTokenClaims } from '../core/token';
import { resolveMediaDevices, type MediaDevicesLike } from '../core/media-devices';
import type { DriverConnectionState, DriverLeftReason, DriverStage, DriverStageError, DriverStageEventMap } from './driver';
import { LocalMedia, republishMedia } from './local-media';
import { localFromClaims, withLocalMute } from './local-participant';
import { ParticipantEvents } from './participant-events';
import type { PublishConfig, PublishMediaOptions } from './media-options';
import { ParticipantStore, type StoreChange } from './participant-store';
import { attachStreamEvents } from './stream-events';
import { createDriverStrategy } from './driver-strategy';
import { isDriverStageError, isExchangeError, isGiveUpError, mapDriverError, mapLeftReason } from './reasons';
import type { EngineHost, EngineJoin, EngineModule, LeftReason, Participant, StageEngineApi } from './types';

/**
 * How long a `disconnected` state while connected waits for the stage to leave before the session
 * shows `reconnecting` (a server-initiated leave reports both). @internal
 */
export const DISCONNECTED_GRACE_MS = 1000;

/** One join, from `join()` to its end. Events of an ended connection are ignored. */
interface Connection {
  claims: ParticipantTokenClaims;
  token: string;
  media: PublishMediaOptions | undefined;
  readonly driver: EngineJoin['driver'];
  stage: DriverStage | undefined;
  listeners: Array<[keyof DriverStageEventMap, (...args: never[]) => void]>;
  /** Settles the pending join; undefined once connected (or ended). */
  settleJoin: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  readonly joinPromise: Promise<void>;
  /** The last `JOIN_ERROR` the stage reported (refines an `unknown` leave). */
  lastJoinError: DriverStageError | undefined;
  /** Pending `reconnecting` after a bare `disconnected`. */
  disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  ended: boolean;
}

/** The join/connection half of one StageSession. @internal */
export class StageEngine implements StageEngineApi {
  readonly #host: EngineHost;
  readonly #publishConfig: PublishConfig;
  readonly #media: LocalMedia;
  readonly #store = new ParticipantStore();
  readonly #events: ParticipantEvents;
  #conn: Connection | undefined;

  constructor(host: EngineHost, options: { mediaDevices: MediaDevicesLike | undefined; publishConfig: PublishConfig }) {
    this.#host = host;
    this.#publishConfig = options.publishConfig;
    this.#media = new LocalMedia(() => resolveMediaDevices(options.mediaDevices));
    this.#events = new ParticipantEvents(host, this.#store, this.#media, () => this.#conn?.claims);
  }

  get participants(): readonly Participant[] {
    return this.#store.list();
  }

  get localParticipant(): Participant | undefined {
    const conn = this.#conn;
    return conn === undefined ? undefined : this.#store.get(conn.claims.participantId);
  }

  get active(): boolean {
    return this.#conn !== undefined;
  }

  /**
   * Runs a join once the driver is loaded: captures media (when publishing), creates the stage,
   * attaches to its events and joins. Resolves when the stage reports CONNECTED.
   */
  async join({ token, claims, driver, publish, media, signal }: EngineJoin): Promise<void> {
    if (this.#conn) throw new InvalidStateError('connecting', 'The engine already has a connection.');
    let settleJoin: Connection['settleJoin'];
    const joinPromise = new Promise<void>((resolve, reject) => {
      settleJoin = { resolve, reject };
    });
    joinPromise.catch(() => {}); // Rejections are rethrown by join(); never unhandled.
    const conn: Connection = {
      claims,
      token,
      media,
      driver,
      stage: undefined,
      listeners: [],
      settleJoin,
      joinPromise,
      lastJoinError: undefined,
      disconnectTimer: undefined,
      ended: false,
    };
    this.#conn = conn;
    const onAbort = () => this.#end(conn, 'user', new AbortedError('join() was aborted.', { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) onAbort();
      if (publish && !conn.ended) {
        await this.#media.acquire(conn.media, driver, this.#publishConfig, () => this.#host.muted, signal);
        if (conn.ended) {
          this.#media.release();
          return await joinPromise;
        }
        this.#host.setPublishing(true);
      }
      if (conn.ended) return await joinPromise;
      const stage = driver.createStage(
        conn.token,
        createDriverStrategy({
          host: this.#host,
          store: this.#store,
          media: this.#media,
          claims: () => conn.claims,
          live: () => !conn.ended && this.#conn === conn,
          isLocal: (claims, info) => this.#events.isLocal(claims, info),
        }),
      );
      conn.stage = stage;
      this.#attach(conn, stage);
      stage.join().catch((cause: unknown) => {
        // The SDK rejects join() when it gives up (after its retries), with the StageError it also emits.
        if (conn.settleJoin) this.#failJoin(conn, cause);
      });
      await joinPromise;
    } catch (error) {
      if (!conn.ended) this.#end(conn, 'error', asJoinError(error));
      // The error the join was settled with wins (abort, leave, driver failure).
      await joinPromise;
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  leave(error: IvsRealtimeError): void {
    const conn = this.#conn;
    if (conn) this.#end(conn, 'user', error);
  }

  refreshStrategy(): void {
    this.#conn?.stage?.refreshStrategy();
  }

  /** Applies a mute change of the session to the published media and the local participant. */
  applyMute(kind: 'audio' | 'video', muted: boolean): Participant | undefined {
    this.#media.setMuted(kind, muted);
    const id = this.#conn?.claims.participantId;
    if (id === undefined || !this.#store.get(id)) return undefined;
    const change = this.#store.upsert(id, (p) => withLocalMute(p!, this.#host.muted));
    this.#events.emitChange(change);
    return change.participant;
  }

  /** See `StageSession.exchangeToken`; `claims` are the new token's. */
  async exchangeToken(token: string, claims: ParticipantTokenClaims): Promise<void> {
    const conn = this.#connected('exchangeToken');
    if (claims.participantId !== conn.claims.participantId) {
      throw new ValidationError(
        'token',
        `is for participant ${claims.participantId}, but this session is participant ${conn.claims.participantId}. Exchange only tokens minted for the same participant.`,
      );
    }
    if (conn.claims.stageArn !== undefined && claims.stageArn !== undefined && claims.stageArn !== conn.claims.stageArn) {
      throw new ValidationError('token', `is for stage ${claims.stageArn}, not ${conn.claims.stageArn}.`);
    }
    const stage = conn.stage;
    try {
      await stage.exchangeToken(token);
    } catch (cause) {
      // Reported as itself: the stage refused the exchange (and, on Amazon IVS, leaves with
      // `failed-exchange`: the session then ends with `exchange-failed`).
      throw isDriverStageError(cause)
        ? mapDriverError(cause, conn.ended)
        : new StageError('join', `The stage refused the token exchange: ${messageOf(cause)}`, { cause, fatal: conn.ended });
    }
    if (conn.ended) throw new InvalidStateError('disconnected', 'The session left the stage during the token exchange.');
    conn.claims = claims;
    conn.token = token;
    const change = this.#store.upsert(claims.participantId, (p) => localFromClaims(claims, this.#host.muted, p));
    this.#events.emitChange(change);
    if (!claims.capabilities.publish && this.#host.publishing) {
      this.#host.setPublishing(false);
      stage.refreshStrategy();
      this.#media.release();
      this.#events.syncLocalStreams();
    } else {
      stage.refreshStrategy();
    }
  }

  /** See `StageSession.replaceTrack`. */
  async replaceTrack(track: MediaStreamTrack, adopt: boolean): Promise<void> {
    const conn = this.#connected('replaceTrack');
    await this.#media.replace(track, conn.driver, this.#publishConfig, this.#host.muted, adopt);
    this.#events.syncLocalStreams();
    conn.stage.refreshStrategy();
  }

  /** See `StageSession.sendInBandMessage`. */
  async sendInBandMessage(bytes: Uint8Array, repeatCount: number | undefined): Promise<void> {
    this.#connected('sendInBandMessage');
    await this.#media.sendInBand(bytes, repeatCount);
  }

  /** See `StageSession.setPublishing`. */
  async applyPublishing(on: boolean, media: PublishMediaOptions | undefined): Promise<void> {
    const conn = this.#connected('setPublishing');
    const stage = conn.stage;
    if (!on) {
      if (!this.#host.publishing) return;
      this.#host.setPublishing(false);
      stage.refreshStrategy();
      this.#media.release();
      this.#events.syncLocalStreams();
      return;
    }
    if (!conn.claims.capabilities.publish) throw TokenError.notAllowed('PUBLISH');
    if (this.#host.publishing && media === undefined) return;
    await this.#media.acquire(media ?? republishMedia(conn.media), conn.driver, this.#publishConfig, () => this.#host.muted);
    if (conn.ended) {
      this.#media.release();
      throw new AbortedError('The session left the stage before publishing started.');
    }
    if (media !== undefined) conn.media = media;
    this.#host.setPublishing(true);
    this.#events.syncLocalStreams();
    stage.refreshStrategy();
  }

  /** The current connection, with its stage. */
  #connected(method: string): Connection & { stage: DriverStage } {
    const conn = this.#conn;
    if (!conn?.stage) throw new InvalidStateError('disconnected', `${method}(): the session is not connected. Call join() and wait for it first.`);
    return conn as Connection & { stage: DriverStage };
  }

  // ---------------------------------------------------------------------------------------------
  // Ending

  /**
   * Ends a connection once: detaches from the driver, leaves the stage (unless the driver left),
   * releases media, empties the store, settles a pending join and reports to the session.
   */
  #end(conn: Connection, reason: LeftReason, error: IvsRealtimeError | undefined, driverLeft = false): void {
    if (conn.ended) return;
    conn.ended = true;
    clearTimeout(conn.disconnectTimer);
    if (this.#conn === conn) this.#conn = undefined;
    this.#detach(conn);
    if (!driverLeft && conn.stage) {
      try {
        conn.stage.leave();
      } catch {
        // Leaving is best effort: the connection is being dropped either way.
      }
    }
    this.#media.release();
    this.#host.preferredLayers.clear();
    const participants = this.#store.clear();
    const joinError = conn.settleJoin ? (error ?? new StageError('join', 'The join did not complete.')) : undefined;
    if (conn.settleJoin) {
      conn.settleJoin.reject(joinError);
      conn.settleJoin = undefined;
    }
    this.#host.ended({ reason, error: reason === 'user' ? undefined : (joinError ?? error), participants });
  }

  #failJoin(conn: Connection, cause: unknown): void {
    if (conn.ended) return;
    const mappedCause = isDriverStageError(cause) ? mapDriverError(cause, true) : cause;
    const detail = mappedCause instanceof Error ? `: ${mappedCause.message}` : '';
    this.#end(conn, 'error', new StageError('join', `Joining the stage failed${detail}`, { cause: mappedCause }));
  }

  // ---------------------------------------------------------------------------------------------
  // Driver wiring

  #attach(conn: Connection, stage: DriverStage): void {
    const on = <E extends keyof DriverStageEventMap>(event: E, handler: DriverStageEventMap[E]) => {
      const guarded = ((...args: Parameters<DriverStageEventMap[E]>) => {
        if (conn.ended || this.#conn !== conn) return;
        (handler as (...a: Parameters<DriverStageEventMap[E]>) => void)(...args);
      }) as DriverStageEventMap[E];
      stage.on(event, guarded);
      conn.listeners.push([event, guarded as (...args: never[]) => void]);
    };
    on('stageConnectionStateChanged', (state) => this.#onConnectionState(conn, state));
    on('stageLeft', (reason) => this.#onStageLeft(conn, reason));
    on('error', (error) => this.#onDriverError(conn, error));
    const events = this.#events;
    on('stageParticipantJoined', (info) => events.applyInfo(conn.claims, info));
    on('stageParticipantMetadataChanged', (info) => events.applyInfo(conn.claims, info));
    on('stageParticipantLeft', (info) => events.left(conn.claims, info));
    on('stageParticipantPublishStateChanged', (info, state) => events.publishState(conn.claims, info, state));
    on('stageParticipantSubscribeStateChanged', (info, state) => events.subscribeState(conn.claims, info, state));
    on('stageParticipantStreamsAdded', (info, streams) => events.streamsAdded(conn.claims, info, streams));
    on('stageParticipantStreamsRemoved', (info, streams) => events.streamsRemoved(conn.claims, info, streams));
    on('stageStreamMuteChanged', (info, stream) => events.streamMute(conn.claims, info, stream));
    on('stageSubscriberCountChanged', (count) => this.#host.setSubscriberCount(count));
    const context = { host: this.#host, store: this.#store, claims: () => conn.claims, emitChange: (change: StoreChange) => events.emitChange(change) };
    attachStreamEvents(on, { ...context, refreshStrategy: () => stage.refreshStrategy() });
  }

  #detach(conn: Connection): void {
    const stage = conn.stage;
    if (!stage) return;
    for (const [event, listener] of conn.listeners) {
      try {
        stage.off(event, listener as never);
      } catch {
        // A driver that fails to remove a listener cannot reach us anyway: events of an ended connection are ignored.
      }
    }
    conn.listeners = [];
  }

  #onConnectionState(conn: Connection, state: DriverConnectionState): void {
    clearTimeout(conn.disconnectTimer);
    conn.disconnectTimer = undefined;
    const joining = conn.settleJoin !== undefined;
    switch (state) {
      case 'connected':
        this.#events.ensureLocal(conn.claims);
        this.#host.setState('connected');
        if (conn.settleJoin) {
          const { resolve } = conn.settleJoin;
          conn.settleJoin = undefined;
          resolve();
        }
        return;
      case 'connecting':
      case 'errored':
        // While joining, these are the join in progress: a failed join is reported by the JOIN_ERROR
        // the SDK emits and by join() rejecting. Once connected, the SDK is recovering the connection.
        if (!joining) this.#host.setState('reconnecting');
        return;
      case 'disconnected':
        if (!joining) {
          conn.disconnectTimer = setTimeout(() => {
            conn.disconnectTimer = undefined;
            if (!conn.ended && this.#conn === conn) this.#host.setState('reconnecting');
          }, DISCONNECTED_GRACE_MS);
        }
        return;
      default:
        return;
    }
  }

  #onStageLeft(conn: Connection, reason: DriverLeftReason): void {
    const mapped = mapLeftReason(reason, conn.lastJoinError);
    const cause = conn.lastJoinError ? mapDriverError(conn.lastJoinError, true) : undefined;
    let error: IvsRealtimeError | undefined;
    if (conn.settleJoin) {
      error = new StageError('join', `The stage ended the connection while joining (reason: ${reason}).`, { cause });
    } else if (mapped !== 'user') {
      error = cause ?? new StageError('join', `The stage ended the connection (reason: ${reason}).`);
    }
    this.#end(conn, mapped, error, true);
  }

  #onDriverError(conn: Connection, driverError: DriverStageError): void {
    const connectionError = driverError.category === 'JOIN_ERROR';
    if (connectionError) conn.lastJoinError = driverError;
    // While joining, a JOIN_ERROR is the join failing (the SDK retried first). Once connected, only
    // TIMEOUT / FAILED mean the SDK gave up; an exchange error is reported by exchangeToken() and,
    // when the stage ends the connection, by stageLeft.
    const ends = connectionError && (conn.settleJoin ? !isExchangeError(driverError) : isGiveUpError(driverError));
    const error = mapDriverError(driverError, ends);
    this.#host.emit('error', { error });
    if (!ends) return;
    if (conn.settleJoin) this.#failJoin(conn, driverError);
    else this.#end(conn, 'error', error);
  }
}

/** See {@link EngineModule}. @internal */
export const createStageEngine: EngineModule['createStageEngine'] = (host, options) => new StageEngine(host, options);
