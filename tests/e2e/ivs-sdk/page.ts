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
import type { IvsSdkPageApi, IvsSdkRun, IvsSdkRunOptions, PageError, PublishedStream } from './api';

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

/** The SDK's LocalStageStream class, from the module however this bundler shaped it. */
async function sdkLocalStageStream(): Promise<unknown> {
  const mod: Record<string, unknown> = await import('amazon-ivs-web-broadcast');
  const named = mod['LocalStageStream'];
  return typeof named === 'function' ? named : (mod['default'] as Record<string, unknown> | undefined)?.['LocalStageStream'];
}

async function published(strategy: DriverStrategy): Promise<PublishedStream[]> {
  const LocalStageStream = await sdkLocalStageStream();
  return strategy.stageStreamsToPublish().map((stream) => {
    const config = (stream as { mediaConfig?: { maxVideoBitrateKbps?: number; maxFramerate?: number; simulcast?: { enabled?: boolean } } }).mediaConfig;
    return {
      kind: String(stream.streamType),
      isSdkLocalStageStream: typeof LocalStageStream === 'function' && stream instanceof LocalStageStream,
      maxVideoBitrateKbps: config?.maxVideoBitrateKbps,
      maxFramerate: config?.maxFramerate,
      simulcast: config?.simulcast?.enabled,
      trackState: stream.mediaStreamTrack.readyState,
    };
  });
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
  const session = new StageSession({
    strategy: publish ? 'host' : 'viewer',
    stageFactory,
    publishConfig: { video: { maxBitrate: 900, maxFramerate: 24, simulcast: { enabled: true } }, audio: { maxAudioBitrateKbps: 96 } },
  });
  const events: Array<{ type: string; detail: string }> = [];
  session.on('stateChanged', ({ state }) => events.push({ type: 'stateChanged', detail: state }));
  session.on('left', ({ reason, error }) => events.push({ type: 'left', detail: `${reason}${error ? `: ${error.name}` : ''}` }));
  session.on('error', ({ error }) => events.push({ type: 'error', detail: `${error.name}: ${error.message}` }));

  const started = performance.now();
  const joining = session.join({ token, publish });
  await created;
  const streams = await published(strategy!);
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
    events,
    state: session.state,
    leftReason: session.leftReason,
    capturedTracks: tracks.map((track) => ({ kind: track.kind, readyState: track.readyState })),
    unhandled: [...unhandled],
  };
}

window.ivsSdkPage = { run };
