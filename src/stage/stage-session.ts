/**
 * StageSession: what an app loads with the package (state, argument and token checks, events; its
 * option types are in `session-options.ts`, a join still loading in `pending-join.ts`). The connection engine (`stage-connection.ts`: driver wiring, participant store, local
 * media, error mapping, strategy adapter) is imported on the first `join()`, in parallel with the
 * stage driver, so a page that never joins never loads it.
 */
import type { AddonEmit, AddonHost, SessionAddonEvents } from '../core/addon-events';
import { TypedEmitter } from '../core/emitter';
import { listenerErrorsTo } from '../core/logger';
import { AbortedError, InvalidStateError, TokenError, ValidationError } from '../core/errors';
import { assertTokenUsable } from '../core/token';
import type { MediaDevicesLike } from '../core/media-devices';
import { defaultStageFactory } from './default-factory';
import type { StageDriver, StageFactory } from './driver';
import { validateMediaOptions, type PublishConfig, type PublishMediaOptions } from './media-options';
import { inBandMessageOf, validateLayerPreference, validatePublishConfig, validateSubscribeSettings } from './media-settings';
import { checkJoinOptions, createPendingJoin, joinErrorOf, loadForJoin, type PendingJoin } from './pending-join';
import { resolveStrategy, type StrategyOption } from './strategies';
import type { EngineEnded, EngineHost, EngineModule, LayerPreference, LeftReason, Participant, ResolvedStrategy, StageEngineApi, StageSessionEvents, StageSessionState, SubscribeSettings } from './types';
import type { JoinOptions, StageSessionOptions } from './session-options';

export type { StageSessionOptions, JoinOptions } from './session-options';

const NOT_CONNECTED = 'The session is not connected. Call join() and wait for it first.';

const NO_PARTICIPANTS: readonly Participant[] = Object.freeze([]);

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
export class StageSession extends TypedEmitter<StageSessionEvents> implements AddonHost {
  readonly #factory: StageFactory;
  readonly #mediaDevices: MediaDevicesLike | undefined;
  readonly #publishConfig: PublishConfig;
  readonly #subscribe: SubscribeSettings;
  /** `setPreferredLayer()` choices; the engine forgets them as participants leave. */
  readonly #preferredLayers = new Map<string, LayerPreference>();
  /** The connection engine, from the first join on. */
  #engine: StageEngineApi | undefined;
  #strategy: ResolvedStrategy;
  #state: StageSessionState = 'idle';
  /** A join still loading its driver; the engine owns the connection from then on. */
  #pending: PendingJoin | undefined;
  #publishing = false;
  #muted = { audio: false, video: false };
  #subscriberCount = 0;
  #leftReason: LeftReason | undefined;
  #disposed = false;
  #publishQueue: Promise<unknown> = Promise.resolve();

  constructor(options: StageSessionOptions = {}) {
    super(options.onListenerError ?? listenerErrorsTo(options.logger));
    this.#factory = options.stageFactory ?? defaultStageFactory;
    this.#mediaDevices = options.mediaDevices;
    validatePublishConfig(options.publishConfig);
    this.#publishConfig = options.publishConfig ?? {};
    this.#subscribe = { ...validateSubscribeSettings(options.subscribe) };
    this.#strategy = resolveStrategy(options.strategy);
  }

  /**
   * Attaches an add-on: returns the function through which it emits its session-level events
   * (`speakersChanged`, `qualityChanged`) on this session, so one listener — a `StageGrid`, an app —
   * follows everything. `ActiveSpeakerDetector` and `NetworkQualityMonitor` call it themselves.
   */
  attachAddon(): AddonEmit {
    return (event, payload) => this.emit<keyof SessionAddonEvents>(event, payload);
  }

  /** Connection state. */
  get state(): StageSessionState {
    return this.#state;
  }

  /** Everyone in the stage, local participant first (once joined). Immutable snapshots. */
  get participants(): readonly Participant[] {
    return this.#engine?.participants ?? NO_PARTICIPANTS;
  }

  /** The local participant, once joined. */
  get localParticipant(): Participant | undefined {
    return this.#engine?.localParticipant;
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
    if (this.#pending || this.#engine?.active) {
      throw new InvalidStateError(this.#state, `join() was called while the session is ${this.#state}. Call leave() first to join again.`);
    }
    if (options?.signal?.aborted) throw new AbortedError('join() was aborted before it started.', { cause: options.signal.reason });
    const { token, publish, media, signal, claims } = checkJoinOptions(options);
    if (publish && !claims.capabilities.publish) throw TokenError.notAllowed('PUBLISH');

    const pending = createPendingJoin();
    this.#pending = pending;
    this.#leftReason = undefined;
    this.#setState('connecting');
    const onAbort = () => this.#cancelPending(pending, new AbortedError('join() was aborted.', { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    let engine: StageEngineApi;
    let driver: StageDriver;
    try {
      const loaded = await loadForJoin(pending, this.#factory(token), this.#engine === undefined);
      driver = loaded.driver;
      engine = this.#engine ?? this.#createEngine(loaded.module!);
    } catch (error) {
      if (pending.cancelled) throw pending.cancelled;
      this.#pending = undefined;
      const joinError = joinErrorOf(error);
      this.#ended({ reason: 'error', error: joinError, participants: [] });
      throw joinError;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (pending.cancelled) throw pending.cancelled;
    this.#pending = undefined;
    await engine.join({ token, claims, driver, publish, media, signal });
  }

  /**
   * Leaves the stage: stops publishing, stops the tracks the session captured, emits `left`
   * (`reason: 'user'`). Idempotent; resolves once left. A pending `join()` rejects with
   * {@link AbortedError}.
   */
  async leave(): Promise<void> {
    const error = new AbortedError('leave() was called before the join completed.');
    if (this.#pending) this.#cancelPending(this.#pending, error);
    else this.#engine?.leave(error);
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
      const participant = this.#engine?.active ? this.#engine.applyMute(kind, value) : undefined;
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
    const engine = this.#requireConnected('exchangeToken');
    const claims = assertTokenUsable(token);
    await engine.exchangeToken(token, claims);
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
    const engine = this.#requireConnected('replaceTrack');
    await engine.replaceTrack(track, options.adopt === true);
  }

  /**
   * Which simulcast layer to receive from a participant: `'lowest'` / `'highest'` (following its layers
   * as they change), `{ label }`, or `'auto'` (the server adapts). Wins over the strategy's
   * `preferredLayer`; kept until the participant leaves (also when set before it sends layers).
   * Applied at once (the media stack switches on the next keyframe; see `layersChanged`).
   * @throws {ValidationError} for any other value.
   */
  setPreferredLayer(participantId: string, preference: LayerPreference): void {
    if (typeof participantId !== 'string' || participantId === '') throw new ValidationError('participantId', 'must be the id of a participant.');
    const checked = validateLayerPreference(preference);
    const previous = this.#preferredLayers.get(participantId);
    if (previous !== undefined && JSON.stringify(previous) === JSON.stringify(checked)) return;
    this.#preferredLayers.set(participantId, checked);
    this.refresh();
  }

  /**
   * Sends a message in-band with the published video (SEI on Amazon IVS), to the participants
   * receiving it with `subscribe.inBandMessages` (their `inBandMessage` event). A string is sent as
   * UTF-8; 1–1024 bytes; `repeatCount` (0–30) extra copies make loss less likely. Not guaranteed to arrive.
   * @throws {ValidationError} bad payload or options. {@link InvalidStateError} when not connected, not
   *   publishing video, or `publishConfig.video.inBandMessaging` is not enabled.
   */
  async sendInBandMessage(payload: Uint8Array | ArrayBuffer | string, options?: { repeatCount?: number }): Promise<void> {
    const { bytes, repeatCount } = inBandMessageOf(payload, options);
    if (this.#publishConfig.video?.inBandMessaging?.enabled !== true) {
      throw new InvalidStateError(this.#state, 'sendInBandMessage(): in-band messaging is off. Create the session with publishConfig.video.inBandMessaging = { enabled: true }.');
    }
    const engine = this.#requireConnected('sendInBandMessage');
    if (!this.#publishing) throw new InvalidStateError('not-publishing', 'sendInBandMessage(): the session is not publishing. Call setPublishing(true) first.');
    await engine.sendInBandMessage(bytes, repeatCount);
  }

  /** Re-runs the strategy now (call after changing what your custom strategy depends on). */
  refresh(): void {
    this.#engine?.refreshStrategy();
  }

  /** Replaces the strategy and re-runs it. */
  setStrategy(strategy: StrategyOption): void {
    this.#strategy = resolveStrategy(strategy);
    this.refresh();
  }

  // ---------------------------------------------------------------------------------------------
  // Engine

  #createEngine(module: EngineModule): StageEngineApi {
    if (this.#engine) return this.#engine;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const session = this;
    const host: EngineHost = {
      get muted() {
        return session.#muted;
      },
      get publishing() {
        return session.#publishing;
      },
      get strategy() {
        return session.#strategy;
      },
      subscribe: this.#subscribe,
      preferredLayers: this.#preferredLayers,
      emit: (event, payload) => this.emit(event, payload),
      setState: (state) => this.#setState(state),
      setPublishing: (publishing) => this.#setPublishingFlag(publishing),
      setSubscriberCount: (count) => this.#setSubscriberCount(count),
      ended: (result) => this.#ended(result),
    };
    this.#engine = module.createStageEngine(host, { mediaDevices: this.#mediaDevices, publishConfig: this.#publishConfig });
    return this.#engine;
  }

  /** Ends a join that is still loading its driver (abort or leave): `left` (user), join rejects with `error`. */
  #cancelPending(pending: PendingJoin, error: AbortedError): void {
    if (pending.cancelled || this.#pending !== pending) return;
    pending.cancelled = error;
    this.#pending = undefined;
    this.#ended({ reason: 'user', error: undefined, participants: [] });
    pending.cancel(error);
  }

  /** A connection ended: announces everyone's departure and emits `left` once. */
  #ended({ reason, error, participants }: EngineEnded): void {
    this.#preferredLayers.clear();
    this.#setPublishingFlag(false);
    for (const participant of participants) this.emit('participantLeft', { participant });
    this.#setSubscriberCount(0);
    this.#leftReason = reason;
    this.#setState('disconnected');
    this.emit('left', error && reason !== 'user' ? { reason, error } : { reason });
  }

  // ---------------------------------------------------------------------------------------------
  // Publishing

  async #applyPublishing(on: boolean, media: PublishMediaOptions | undefined): Promise<void> {
    this.#assertNotDisposed('setPublishing');
    const engine = this.#requireConnected('setPublishing');
    await engine.applyPublishing(on, media);
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

  #requireConnected(method: string): StageEngineApi {
    const engine = this.#engine;
    if (!engine?.active || (this.#state !== 'connected' && this.#state !== 'reconnecting')) {
      throw new InvalidStateError(this.#state, `${method}(): ${NOT_CONNECTED}`);
    }
    return engine;
  }

  #assertNotDisposed(method: string): void {
    if (this.#disposed) throw new InvalidStateError('disposed', `${method}() was called after dispose(). Create a new StageSession.`);
  }
}
