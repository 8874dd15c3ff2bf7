/**
 * The Amazon IVS stage adapter: runs StageSession's driver contract on `amazon-ivs-web-broadcast`'s
 * `Stage` and `LocalStageStream`. Imported together with the SDK by `loadIvsDriver()`
 * (`ivs-driver.ts`), so it is fetched only when an IVS stage is joined.
 *
 * Everything handed to the SDK is type-checked in the direction it is handed over, against the SDK's
 * public declarations: the strategy `satisfies StageStrategy`, every listener goes through the SDK's
 * own `Stage.on` signature for its event, and SDK objects are handed to the session only where they
 * fit the driver contract. No cast bridges the two type systems, so a change of the SDK's types that
 * the session would not survive fails the build (tests/unit/stage/ivs-sdk-conformance.test.ts applies
 * such changes to copies of the SDK's `.d.ts` and checks that each one is caught).
 */
import type * as Ivs from 'amazon-ivs-web-broadcast';
import type {
  InitialLayerPreference,
  StageConfiguration,
  JitterBufferMinDelay,
  LocalStageStream,
  SimulcastLocalLayerConfiguration,
  Stage,
  StageAudioConfiguration as IvsAudioConfig,
  StageEvents,
  StageStrategy,
  StageStream,
  StageSubscribeStreamType,
  StageVideoConfiguration as IvsVideoConfig,
  SubscribeConfiguration,
  SubscribeType,
} from 'amazon-ivs-web-broadcast';
import { StageError, ValidationError } from '../core/errors';
import type {
  DriverInitialLayerPreference,
  DriverJitterBufferMinDelay,
  DriverLocalStream,
  DriverSimulcastLayer,
  DriverStage,
  DriverStageEventMap,
  DriverStrategy,
  DriverStream,
  DriverStreamConfig,
  DriverSubscribeConfiguration,
  DriverSubscribeStreamType,
  DriverSubscribeType,
  SimulcastPreset,
  StageDriver,
} from './driver';
import { subscribeTypeOf } from './driver';

/** The parts of `amazon-ivs-web-broadcast` the driver uses. @internal */
export type IvsSdk = Pick<
  typeof Ivs,
  'Stage' | 'LocalStageStream' | 'StageEvents' | 'SubscribeType' | 'StageSubscribeStreamType' | 'SimulcastLayerPresets' | 'JitterBufferMinDelay' | 'InitialLayerPreference'
> &
  // Optional: only a shared connection (ivsStageFactory) needs it.
  Partial<Pick<typeof Ivs, 'RealTimeConnection'>>;

/**
 * A stream as the session needs it from Amazon IVS: `getStats` is optional in the driver contract
 * (custom drivers may have none), but the IVS SDK must provide it (ActiveSpeakerDetector and
 * NetworkQualityMonitor read it).
 */
type IvsStream = DriverStream & { getStats(): Promise<RTCStatsReport | undefined> };

/**
 * A published stream: the SDK's `LocalStageStream` must offer what `sendInBandMessage()` and the
 * local participant's quality use (optional in the driver contract).
 */
type IvsLocalStream = DriverLocalStream & IvsStream & Required<Pick<DriverLocalStream, 'insertSeiMessage' | 'requestQualityStats'>>;

/** Each simulcast preset as the SDK's own `SimulcastLayerPresets` member. */
const PRESET_KEYS = {
  '720p': 'DEFAULT_720',
  '540p': 'DEFAULT_540',
  '480p': 'DEFAULT_480',
  '360p': 'DEFAULT_360',
  '270p': 'DEFAULT_270',
  '180p': 'DEFAULT_180',
  '160p': 'DEFAULT_160',
} as const satisfies Record<SimulcastPreset, keyof IvsSdk['SimulcastLayerPresets']>;

/** A layer of `publishConfig.video.simulcast.layers` as the SDK's `SimulcastLocalLayerConfiguration`. */
function toIvsLayer(layer: DriverSimulcastLayer | SimulcastPreset, presets: IvsSdk['SimulcastLayerPresets']): SimulcastLocalLayerConfiguration {
  if (typeof layer === 'string') return { ...presets[PRESET_KEYS[layer]] };
  return { width: layer.width, height: layer.height, maxBitrateKbps: layer.maxBitrateKbps, maxFramerate: layer.maxFramerate };
}

function isIvsSdk(value: unknown): value is IvsSdk {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const { Stage: stage, LocalStageStream: localStream, ...tables } = value as Partial<Record<keyof IvsSdk, unknown>>;
  const names = ['StageEvents', 'SubscribeType', 'StageSubscribeStreamType', 'SimulcastLayerPresets', 'JitterBufferMinDelay', 'InitialLayerPreference'] as const;
  return typeof stage === 'function' && typeof localStream === 'function' && names.every((name) => typeof tables[name] === 'object' && tables[name] !== null);
}

/**
 * The SDK's classes from whatever `import('amazon-ivs-web-broadcast')` gave: the package is one
 * UMD/CommonJS file, so bundlers disagree on the module's shape (Vite and Rollup give named exports;
 * an esbuild bundle gives `{ default: { Stage, … } }` only). Named exports win, then `default`.
 * @throws {StageError} (`join`) when neither has the classes.
 * @internal
 */
export function ivsSdkOf(mod: unknown): IvsSdk {
  if (isIvsSdk(mod)) return mod;
  const fallback = typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : undefined;
  if (isIvsSdk(fallback)) return fallback;
  const keys = typeof mod === 'object' && mod !== null ? Object.keys(mod).slice(0, 8).join(', ') || 'none' : typeof mod;
  throw new StageError(
    'join',
    'amazon-ivs-web-broadcast loaded, but neither its exports nor its default export have Stage, LocalStageStream, StageEvents, ' +
      `SubscribeType, StageSubscribeStreamType, SimulcastLayerPresets, JitterBufferMinDelay and InitialLayerPreference (exports: ${keys}). Check that your bundler resolves the package itself, not a stub.`,
  );
}

/**
 * Maps this SDK's per-kind publish settings to the IVS `StageVideoConfiguration` /
 * `StageAudioConfiguration` (`maxBitrate` is kbps, as `maxVideoBitrateKbps`; simulcast presets are the
 * SDK's `SimulcastLayerPresets`).
 * @internal
 */
export function toIvsStreamConfig(
  kind: string,
  config: DriverStreamConfig | undefined,
  presets: IvsSdk['SimulcastLayerPresets'],
): IvsVideoConfig | IvsAudioConfig | undefined {
  if (!config) return undefined;
  if (kind === 'audio') {
    const audio: IvsAudioConfig = {};
    if (config.maxAudioBitrateKbps !== undefined) audio.maxAudioBitrateKbps = config.maxAudioBitrateKbps;
    if (config.stereo !== undefined) audio.stereo = config.stereo;
    return audio;
  }
  const video: IvsVideoConfig = {};
  if (config.maxBitrate !== undefined) video.maxVideoBitrateKbps = config.maxBitrate;
  if (config.maxFramerate !== undefined) video.maxFramerate = config.maxFramerate;
  if (config.simulcast !== undefined) {
    const { enabled, layers } = config.simulcast;
    video.simulcast = layers === undefined ? { enabled } : { enabled, layers: layers.map((layer) => toIvsLayer(layer, presets)) };
  }
  if (config.inBandMessaging !== undefined) video.inBandMessaging = { enabled: config.inBandMessaging.enabled };
  return video;
}

/** The SDK's `SubscribeConfiguration` for the driver's (presets as the SDK's enum members). @internal */
export function toIvsSubscribeConfiguration(config: DriverSubscribeConfiguration, sdk: Pick<IvsSdk, 'JitterBufferMinDelay' | 'InitialLayerPreference'>): SubscribeConfiguration {
  const { JitterBufferMinDelay: delays, InitialLayerPreference: initial } = sdk;
  const minDelays = { default: delays.DEFAULT, low: delays.LOW, medium: delays.MEDIUM, high: delays.HIGH } satisfies Record<
    Exclude<DriverJitterBufferMinDelay, number>,
    JitterBufferMinDelay
  >;
  const initialLayers = { lowest_quality: initial.LOWEST_QUALITY, highest_quality: initial.HIGHEST_QUALITY } satisfies Record<
    DriverInitialLayerPreference,
    InitialLayerPreference
  >;
  const out: SubscribeConfiguration = {};
  const minDelay = config.jitterBuffer?.minDelay;
  if (minDelay !== undefined) out.jitterBuffer = { minDelay: typeof minDelay === 'number' ? minDelay : minDelays[minDelay] };
  if (config.inBandMessaging !== undefined) out.inBandMessaging = { enabled: config.inBandMessaging.enabled };
  const preference = config.simulcast?.initialLayerPreference;
  if (preference !== undefined) out.simulcast = { initialLayerPreference: initialLayers[preference] };
  return out;
}

/** SDK streams, as the session receives them. */
function ivsStreams(streams: StageStream[]): IvsStream[] {
  return streams;
}

/** The SDK's listener type for event `K`, as its own `Stage.on` declares it. */
declare const _sdkStage: Stage;
type SdkListener<K extends StageEvents> = Parameters<typeof _sdkStage.on<K>>[1];

/** Hands `handler` to the SDK's `Stage.on` for `event`; returns its `off`. */
function attach<K extends StageEvents>(stage: Stage, event: K, handler: SdkListener<K>): () => void {
  stage.on(event, handler);
  return () => stage.off(event, handler);
}

/** Attaches one driver listener to the SDK stage; returns its `off`. */
type Bridge<E extends keyof DriverStageEventMap> = (stage: Stage, events: IvsSdk['StageEvents'], listener: DriverStageEventMap[E]) => () => void;

/**
 * One bridge per driver event. Each handler is typed by the SDK's own `Stage.on` signature for its
 * event and passes the payload on to the session's listener: if the SDK changes what it passes (fewer
 * or reordered arguments, other types), the handler no longer fits and the build fails.
 */
const BRIDGES: { [E in keyof DriverStageEventMap]: Bridge<E> } = {
  stageConnectionStateChanged: (stage, events, listener) => attach(stage, events.STAGE_CONNECTION_STATE_CHANGED, (state) => listener(state)),
  stageParticipantJoined: (stage, events, listener) => attach(stage, events.STAGE_PARTICIPANT_JOINED, (info) => listener(info)),
  stageParticipantLeft: (stage, events, listener) => attach(stage, events.STAGE_PARTICIPANT_LEFT, (info) => listener(info)),
  stageParticipantPublishStateChanged: (stage, events, listener) =>
    attach(stage, events.STAGE_PARTICIPANT_PUBLISH_STATE_CHANGED, (info, state) => listener(info, state)),
  stageParticipantSubscribeStateChanged: (stage, events, listener) =>
    attach(stage, events.STAGE_PARTICIPANT_SUBSCRIBE_STATE_CHANGED, (info, state) => listener(info, state)),
  stageParticipantStreamsAdded: (stage, events, listener) =>
    attach(stage, events.STAGE_PARTICIPANT_STREAMS_ADDED, (info, streams) => listener(info, ivsStreams(streams))),
  stageParticipantStreamsRemoved: (stage, events, listener) =>
    attach(stage, events.STAGE_PARTICIPANT_STREAMS_REMOVED, (info, streams) => listener(info, ivsStreams(streams))),
  stageStreamMuteChanged: (stage, events, listener) => attach(stage, events.STAGE_STREAM_MUTE_CHANGED, (info, stream) => listener(info, stream)),
  stageSubscriberCountChanged: (stage, events, listener) => attach(stage, events.STAGE_SUBSCRIBER_COUNT_CHANGED, (count) => listener(count)),
  error: (stage, events, listener) => attach(stage, events.ERROR, (error) => listener(error)),
  stageLeft: (stage, events, listener) => attach(stage, events.STAGE_LEFT, (reason) => listener(reason)),
  stageParticipantMetadataChanged: (stage, events, listener) => attach(stage, events.STAGE_PARTICIPANT_METADATA_CHANGED, (info) => listener(info)),
  stageStreamSeiMessageReceived: (stage, events, listener) =>
    attach(stage, events.STAGE_STREAM_SEI_MESSAGE_RECEIVED, (info, message) => listener(info, message)),
  stageStreamLayersChanged: (stage, events, listener) =>
    attach(stage, events.STAGE_STREAM_LAYERS_CHANGED, (info, stream, layers) => listener(info, stream, layers)),
  stageStreamLayerSelected: (stage, events, listener) =>
    attach(stage, events.STAGE_STREAM_LAYER_SELECTED, (info, stream, layer, reason) => listener(info, stream, layer, reason)),
  stageStreamAdaptionChanged: (stage, events, listener) =>
    attach(stage, events.STAGE_STREAM_ADAPTION_CHANGED, (info, stream, adapting) => listener(info, stream, adapting)),
  stageParticipantSubtitleCueReceived: (stage, events, listener) =>
    attach(stage, events.STAGE_PARTICIPANT_SUBTITLE_CUE_RECEIVED, (info, _stream, cue) => listener(info, cue)),
};

/** The driver's `Stage`, on the SDK's. */
class IvsStage implements DriverStage {
  readonly #sdk: IvsSdk;
  readonly #stage: Stage;
  /** `off` of each attached listener, per event. */
  readonly #attached = new Map<keyof DriverStageEventMap, Map<unknown, () => void>>();

  constructor(sdk: IvsSdk, token: string, strategy: DriverStrategy, configuration: StageConfiguration | undefined) {
    this.#sdk = sdk;
    this.#stage = new sdk.Stage(token, this.#strategy(strategy), configuration);
  }

  join(): Promise<void> {
    return this.#stage.join();
  }

  leave(): void {
    this.#stage.leave();
  }

  refreshStrategy(): void {
    this.#stage.refreshStrategy();
  }

  replaceStrategy(strategy: DriverStrategy): void {
    this.#stage.replaceStrategy(this.#strategy(strategy));
  }

  exchangeToken(token: string): Promise<void> {
    return this.#stage.exchangeToken(token);
  }

  on<E extends keyof DriverStageEventMap>(event: E, listener: DriverStageEventMap[E]): void {
    let attached = this.#attached.get(event);
    if (!attached) this.#attached.set(event, (attached = new Map()));
    if (attached.has(listener)) return;
    const bridge: Bridge<E> = BRIDGES[event];
    attached.set(listener, bridge(this.#stage, this.#sdk.StageEvents, listener));
  }

  off<E extends keyof DriverStageEventMap>(event: E, listener: DriverStageEventMap[E]): void {
    const attached = this.#attached.get(event);
    const off = attached?.get(listener);
    if (!off) return;
    attached!.delete(listener);
    off();
  }

  /** The session's strategy as an SDK `StageStrategy`. */
  #strategy(strategy: DriverStrategy): StageStrategy {
    const { LocalStageStream: IvsLocalStageStream, SubscribeType: subscribe, StageSubscribeStreamType: streamType } = this.#sdk;
    const subscribeTypes = {
      none: subscribe.NONE,
      audio_only: subscribe.AUDIO_ONLY,
      audio_video: subscribe.AUDIO_VIDEO,
    } satisfies Record<DriverSubscribeType, SubscribeType>;
    const streamTypes = {
      audio: streamType.AUDIO,
      video: streamType.VIDEO,
      subtitles: streamType.SUBTITLES,
    } satisfies Record<DriverSubscribeStreamType, StageSubscribeStreamType>;
    // The session publishes only streams this driver made (createLocalStream), so all are the SDK's.
    const isIvsStream = (stream: DriverLocalStream): stream is LocalStageStream => stream instanceof IvsLocalStageStream;
    return {
      stageStreamsToPublish: () => strategy.stageStreamsToPublish().filter(isIvsStream),
      shouldPublishParticipant: (participant) => strategy.shouldPublishParticipant(participant),
      shouldSubscribeToParticipant: (participant) => {
        const answer = strategy.shouldSubscribeToParticipant(participant);
        return Array.isArray(answer) ? answer.map((type) => streamTypes[type]) : subscribeTypes[subscribeTypeOf(answer)];
      },
      subscribeConfiguration: (participant) => toIvsSubscribeConfiguration(strategy.subscribeConfiguration?.(participant) ?? {}, this.#sdk),
      preferredLayerForStream: (participant, stream) => {
        // A layer is handed back by its label: the SDK accepts one, and it names the SDK's own layer object.
        const layer = strategy.preferredLayerForStream?.(participant, stream);
        return typeof layer === 'object' && layer !== null ? layer.label : layer;
      },
    } satisfies StageStrategy;
  }
}

/**
 * The `StageConfiguration` for a shared connection: it must be a `RealTimeConnection` of this SDK.
 * @throws {ValidationError} otherwise.
 */
function stageConfiguration(sdk: IvsSdk, connection: unknown): StageConfiguration | undefined {
  if (connection === undefined) return undefined;
  const RealTimeConnection = sdk.RealTimeConnection;
  if (RealTimeConnection && connection instanceof RealTimeConnection) return { connection };
  throw new ValidationError(
    'connection',
    'is not a RealTimeConnection of the loaded amazon-ivs-web-broadcast (RealTimeConnection needs 1.41 or later; with two copies of the SDK in the bundle, create it from the one this package loads).',
  );
}

/**
 * Builds the driver from the loaded SDK (see {@link ivsSdkOf}); `connection`: a shared
 * `RealTimeConnection` every stage uses. @internal
 */
export function createIvsDriver(sdk: IvsSdk, options: { connection?: unknown } = {}): StageDriver {
  const configuration = stageConfiguration(sdk, options.connection);
  return {
    kind: 'ivs',
    createStage: (token, strategy) => new IvsStage(sdk, token, strategy, configuration),
    createLocalStream(track, config) {
      const stream: IvsLocalStream = new sdk.LocalStageStream(track, toIvsStreamConfig(track.kind, config, sdk.SimulcastLayerPresets));
      return stream;
    },
  };
}
