/**
 * An app of `aws-ivs-realtime` on the real `amazon-ivs-web-broadcast`, bundled with esbuild as an app
 * would be (see ivs-sdk.spec.ts). Its participant tokens are IVS-shaped but point at a closed loopback
 * port, so the SDK can never connect: the page reports what StageSession does with the real SDK.
 *
 * The only thing it adds to a plain app is a `stageFactory` that wraps the real IVS driver to look at
 * what the session hands the SDK (the strategy and the LocalStageStreams it publishes).
 */
import {
  AbortedError,
  InvalidStateError,
  IvsRealtimeError,
  StageError,
  StageSession,
  loadIvsDriver,
  type DriverStrategy,
  type StageDriver,
} from 'aws-ivs-realtime';
import type { LocalStageStream as SdkLocalStageStream, SimulcastLocalLayerConfiguration } from 'amazon-ivs-web-broadcast';
import type { IvsSdkPageApi, IvsSdkRun, IvsSdkRunOptions, PageError, PublishedStream, StrategyAnswers } from './api';

declare global {
  interface Window {
    ivsSdkPage: IvsSdkPageApi;
  }
}

const unhandled: string[] = [];
window.addEventListener('unhandledrejection', (event) => {
  unhandled.push(String((event.reason as Error | undefined)?.stack ?? event.reason));
});
window.addEventListener('error', (event) => {
  unhandled.push(`error event: ${event.message}`);
});

function flatten(error: unknown): PageError {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const cause = record['cause'] as Record<string, unknown> | undefined;
  return {
    name: typeof record['name'] === 'string' ? record['name'] : typeof error,
    message: typeof record['message'] === 'string' ? record['message'] : String(error),
    code: typeof record['code'] === 'string' ? record['code'] : undefined,
    category: typeof record['category'] === 'string' ? record['category'] : undefined,
    isIvsRealtimeError: error instanceof IvsRealtimeError,
    isStageError: error instanceof StageError,
    isAbortedError: error instanceof AbortedError,
    isInvalidStateError: error instanceof InvalidStateError,
    isTypeError: error instanceof TypeError,
    causeName: typeof cause?.['name'] === 'string' ? cause['name'] : undefined,
    causeCode: typeof cause?.['code'] === 'number' || typeof cause?.['code'] === 'string' ? (cause['code'] as number | string) : undefined,
  };
}

/** An export of the SDK module, however this bundler shaped it (named, or on `default`). */
async function sdkExport(name: string): Promise<unknown> {
  const mod: Record<string, unknown> = await import('amazon-ivs-web-broadcast');
  const named = mod[name];
  return named !== undefined ? named : (mod['default'] as Record<string, unknown> | undefined)?.[name];
}

/** The SDK's class, when `value` is one; the test reads only what its public type declares. */
function isSdkLocalStageStream(value: unknown, LocalStageStream: unknown): value is SdkLocalStageStream {
  return typeof LocalStageStream === 'function' && value instanceof LocalStageStream;
}

type Layer = SimulcastLocalLayerConfiguration;

function isLayer(value: unknown): value is Layer {
  return typeof value === 'object' && value !== null && ['width', 'height', 'maxBitrateKbps', 'maxFramerate'].every((key) => typeof (value as Record<string, unknown>)[key] === 'number');
}

async function published(strategy: DriverStrategy): Promise<PublishedStream[]> {
  const LocalStageStream = await sdkExport('LocalStageStream');
  const presets = Object.values((await sdkExport('SimulcastLayerPresets')) ?? {}).filter(isLayer);
  const same = (a: Layer, b: Layer) => a.width === b.width && a.height === b.height && a.maxBitrateKbps === b.maxBitrateKbps && a.maxFramerate === b.maxFramerate;
  return strategy.stageStreamsToPublish().map((stream) => {
    // The SDK's public LocalStageStream.mediaConfig (StageStreamConfiguration).
    const config = isSdkLocalStageStream(stream, LocalStageStream) ? stream.mediaConfig : undefined;
    const layers = config?.simulcast?.layers;
    return {
      kind: String(stream.streamType),
      isSdkLocalStageStream: isSdkLocalStageStream(stream, LocalStageStream),
      maxVideoBitrateKbps: config?.maxVideoBitrateKbps,
      maxFramerate: config?.maxFramerate,
      simulcast: config?.simulcast?.enabled,
      layers: layers?.map(({ width, height, maxBitrateKbps, maxFramerate }) => ({ width, height, maxBitrateKbps, maxFramerate })),
      layerIsSdkPreset: (layers ?? []).map((layer) => presets.some((preset) => same(preset, layer))),
      inBandMessaging: config?.inBandMessaging?.enabled,
      trackState: stream.mediaStreamTrack.readyState,
    };
  });
}

/** What the strategy answers for a remote participant (the shape of the SDK's `StageParticipantInfo`). */
function strategyAnswers(strategy: DriverStrategy): StrategyAnswers {
  const remote = {
    id: 'remote-1',
    userId: 'remote',
    attributes: {},
    userInfo: {},
    capabilities: new Set(['publish', 'subscribe']),
    isLocal: false,
    videoStopped: false,
    audioMuted: false,
    isPublishing: true,
  };
  return {
    subscribeConfiguration: strategy.subscribeConfiguration?.(remote),
    shouldSubscribeToParticipant: strategy.shouldSubscribeToParticipant(remote),
  };
}

async function run({ token, publish, leaveWhileJoining }: IvsSdkRunOptions): Promise<IvsSdkRun> {
  const tracks: MediaStreamTrack[] = [];
  let strategy: DriverStrategy | undefined;
  let stageCreated!: () => void;
  const created = new Promise<void>((resolve) => (stageCreated = resolve));
  // The session's own factory is the IVS driver; this wrapper only watches what it is handed.
  const stageFactory = async (): Promise<StageDriver> => {
    const driver = await loadIvsDriver();
    return {
      kind: driver.kind,
      createStage(stageToken, stageStrategy) {
        strategy = stageStrategy;
        const stage = driver.createStage(stageToken, stageStrategy);
        stageCreated();
        return stage;
      },
      createLocalStream(track, config) {
        tracks.push(track);
        return driver.createLocalStream(track, config);
      },
    };
  };
  // Simulcast (an SDK preset and a custom layer), in-band messaging and a subscribe configuration,
  // all through StageSession's typed options: no cast on this path.
  const session = new StageSession({
    strategy: publish ? 'host' : 'viewer',
    stageFactory,
    publishConfig: {
      video: {
        maxBitrate: 900,
        maxFramerate: 30,
        simulcast: { enabled: true, layers: ['360p', { width: 448, height: 252, maxBitrateKbps: 210, maxFramerate: 20 }] },
        inBandMessaging: { enabled: true },
      },
      audio: { maxAudioBitrateKbps: 96 },
    },
    subscribe: { jitterBufferMinDelay: 'medium', initialLayer: 'highest', inBandMessages: true, subtitles: true },
  });
  const events: Array<{ type: string; detail: string }> = [];
  session.on('stateChanged', ({ state }) => events.push({ type: 'stateChanged', detail: state }));
  session.on('left', ({ reason, error }) => events.push({ type: 'left', detail: `${reason}${error ? `: ${error.name}` : ''}` }));
  session.on('error', ({ error }) => events.push({ type: 'error', detail: `${error.name}: ${error.message}` }));

  const started = performance.now();
  const joining = session.join({ token, publish });
  await created;
  const streams = await published(strategy!);
  const answers = strategyAnswers(strategy!);
  const inBandWhileJoining = await session.sendInBandMessage('hello').then(() => undefined, flatten);
  const exchangeWhileJoining = await session.exchangeToken(token).then(() => undefined, flatten);
  const leaveAt = performance.now();
  if (leaveWhileJoining) await session.leave();
  const joinError = await joining.then(() => undefined, flatten);
  const settledAt = performance.now();
  const joinMs = Math.round(settledAt - started);
  const leaveToSettledMs = leaveWhileJoining ? Math.round(settledAt - leaveAt) : undefined;
  const exchangeAfterwards = await session.exchangeToken(token).then(() => undefined, flatten);
  await session.leave();
  await session.dispose();
  // Anything the SDK still does after the session is gone (timers, rejections) gets a moment to surface.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return {
    joinError,
    joinMs,
    leaveToSettledMs,
    exchangeWhileJoining,
    exchangeAfterwards,
    streams,
    strategyAnswers: answers,
    inBandWhileJoining,
    events,
    state: session.state,
    leftReason: session.leftReason,
    capturedTracks: tracks.map((track) => ({ kind: track.kind, readyState: track.readyState })),
    unhandled: [...unhandled],
  };
}

window.ivsSdkPage = { run };
