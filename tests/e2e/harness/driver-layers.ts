/**
 * Test API of the local stage driver itself (`window.harnessDriver`), below StageSession: the
 * `StageDriver` the package picks for an ivs-local token (`defaultStageFactory`), a publisher with
 * simulcast layers and in-band messages, and subscribers whose strategy answers a preferred layer
 * and a subscribe configuration. Used by driver-layers.spec.ts.
 */
import { defaultStageFactory } from './sdk';
import type {
  DriverLocalStream,
  DriverParticipantInfo,
  DriverRemoteStream,
  DriverSeiMessage,
  DriverStage,
  DriverStream,
  DriverStreamConfig,
  DriverStreamLayer,
  DriverSubscribeConfiguration,
} from './sdk';

export interface DriverResult<T = unknown> {
  ok: boolean;
  error?: string;
  value?: T;
}

export interface DriverEvent {
  type: 'layersChanged' | 'layerSelected' | 'adaptionChanged' | 'sei' | 'subtitleCue' | 'streamsAdded' | 'error';
  participantId?: string;
  detail: unknown;
}

export interface DriverPublishOptions {
  token: string;
  width: number;
  height: number;
  simulcast?: DriverStreamConfig['simulcast'];
  inBandMessaging?: boolean;
  /** The local driver's `videoCodec` option (default VP8). */
  codec?: 'VP8' | 'H264';
}

export interface DriverSubscribeOptions {
  token: string;
  config?: DriverSubscribeConfiguration;
  /** The answer of `preferredLayerForStream` (a label, or null: let the server adapt). */
  preferred?: string | null;
  /** Ask for subtitle cues (`shouldSubscribeToParticipant` answers a stream-type list). */
  subtitles?: boolean;
}

/** One `outbound-rtp` of the publisher's video (one per simulcast layer). */
export interface DriverOutbound {
  rid: string | undefined;
  frameWidth: number | undefined;
  framesSent: number | undefined;
  bytesSent: number | undefined;
}

/** The subscriber's view of the publisher's video. */
export interface DriverInbound {
  frameWidth: number | undefined;
  frameHeight: number | undefined;
  framesDecoded: number;
  jitterBufferDelay: number;
  jitterBufferTargetDelay: number;
  jitterBufferEmittedCount: number;
  receiverTarget: number | null | undefined;
  mimeType: string | undefined;
  layers: string[];
  selected: string | undefined;
  adapting: boolean | undefined;
}

const labels = (layers: readonly DriverStreamLayer[]) => layers.map((l) => l.label);
const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

function attach(track: MediaStreamTrack): void {
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  video.style.width = '160px';
  document.body.append(video);
  void video.play().catch(() => {});
}

function createApi() {
  let stage: DriverStage | undefined;
  let published: DriverLocalStream | undefined;
  let remoteVideo: DriverRemoteStream | undefined;
  let capture: MediaStream | undefined;
  const events: DriverEvent[] = [];
  const answers: { config: DriverSubscribeConfiguration; preferred: string | null } = { config: {}, preferred: null };

  const run = async <T>(action: () => Promise<T> | T): Promise<DriverResult<T>> => {
    try {
      return { ok: true, value: await action() };
    } catch (error) {
      return { ok: false, error: `${(error as Error)?.name}: ${(error as Error)?.message ?? String(error)}` };
    }
  };

  const record = (s: DriverStage) => {
    s.on('stageStreamLayersChanged', (p, _stream, layers) => events.push({ type: 'layersChanged', participantId: p.id, detail: labels(layers) }));
    s.on('stageStreamLayerSelected', (p, _stream, layer, reason) => events.push({ type: 'layerSelected', participantId: p.id, detail: [layer?.label, reason] }));
    s.on('stageStreamAdaptionChanged', (p, _stream, adapting) => events.push({ type: 'adaptionChanged', participantId: p.id, detail: adapting }));
    s.on('stageStreamSeiMessageReceived', (p, message: DriverSeiMessage) =>
      events.push({ type: 'sei', participantId: p.id, detail: { uuid: hex(message.uuid), payload: new TextDecoder().decode(message.payload) } }),
    );
    s.on('stageParticipantSubtitleCueReceived', (p, cue) => events.push({ type: 'subtitleCue', participantId: p.id, detail: { text: cue.text, languageCode: cue.languageCode } }));
    s.on('error', (error) => events.push({ type: 'error', detail: `${error.category} ${error.code}: ${error.message}` }));
  };

  const joinStage = async (token: string, strategy: Parameters<Awaited<ReturnType<typeof defaultStageFactory>>['createStage']>[1], codec?: 'VP8' | 'H264') => {
    const driver = await defaultStageFactory(token);
    stage = driver.createStage(token, strategy);
    if (codec) {
      // The driver's own options are not part of the public API: build the same LocalStage class
      // (from the package's lazily loaded chunk) again with its videoCodec option.
      const LocalStage = stage.constructor as new (t: string, s: typeof strategy, o: { videoCodec: string }) => DriverStage;
      stage = new LocalStage(token, strategy, { videoCodec: codec });
    }
    record(stage);
    return { driver, stage };
  };

  return {
    publish: (options: DriverPublishOptions) =>
      run(async () => {
        // 15 fps: three encoders on a 2-core machine shared with other pages; a busy Chromium holds its top layer back.
        capture = await navigator.mediaDevices.getUserMedia({ audio: false, video: { width: options.width, height: options.height, frameRate: 15 } });
        const track = capture.getVideoTracks()[0]!;
        const driver = await defaultStageFactory(options.token);
        published = driver.createLocalStream(track, {
          ...(options.simulcast ? { simulcast: options.simulcast } : {}),
          ...(options.inBandMessaging ? { inBandMessaging: { enabled: true } } : {}),
        });
        const streams = [published];
        const { stage: s } = await joinStage(
          options.token,
          {
            stageStreamsToPublish: () => streams,
            shouldPublishParticipant: () => true,
            shouldSubscribeToParticipant: () => 'none',
          },
          options.codec,
        );
        const isPublished = new Promise<void>((resolve) =>
          s.on('stageParticipantPublishStateChanged', (p: DriverParticipantInfo, state) => p.isLocal && state === 'published' && resolve()),
        );
        await s.join();
        await isPublished;
        return track.getSettings();
      }),

    /** The publisher's `outbound-rtp` video entries, lowest layer first as the browser lists them. */
    outbound: () =>
      run(async () => {
        const report = await published?.getStats?.();
        const out: DriverOutbound[] = [];
        report?.forEach((entry: Record<string, unknown>) => {
          if (entry.type === 'outbound-rtp' && entry.kind === 'video') {
            out.push({ rid: entry.rid as string | undefined, frameWidth: entry.frameWidth as number | undefined, framesSent: entry.framesSent as number | undefined, bytesSent: entry.bytesSent as number | undefined });
          }
        });
        return out.sort((a, b) => (a.rid ?? '').localeCompare(b.rid ?? ''));
      }),

    sendInBand: (text: string, repeatCount = 0) =>
      run(async () => {
        await published!.insertSeiMessage!(new TextEncoder().encode(text).buffer, { repeatCount });
      }),

    /** `LocalStage.sendSubtitleCue` (the local driver's own method, not part of the driver seam). */
    sendSubtitleCue: (text: string) =>
      run(() => {
        (stage as unknown as { sendSubtitleCue(cue: { text: string; languageCode: string }): void }).sendSubtitleCue({ text, languageCode: 'en' });
      }),

    subscribe: (options: DriverSubscribeOptions) =>
      run(async () => {
        answers.config = options.config ?? {};
        answers.preferred = options.preferred ?? null;
        const { stage: s } = await joinStage(options.token, {
          stageStreamsToPublish: () => [],
          shouldPublishParticipant: () => false,
          shouldSubscribeToParticipant: () => (options.subtitles ? ['audio', 'video', 'subtitles'] : 'audio_video'),
          subscribeConfiguration: () => answers.config,
          preferredLayerForStream: () => answers.preferred,
        });
        s.on('stageParticipantStreamsAdded', (p: DriverParticipantInfo, streams: DriverStream[]) => {
          if (p.isLocal) return;
          const video = streams.find((stream) => stream.streamType === 'video') as DriverRemoteStream | undefined;
          events.push({ type: 'streamsAdded', participantId: p.id, detail: streams.map((stream) => stream.streamType) });
          if (!video) return;
          remoteVideo = video;
          attach(video.mediaStreamTrack);
        });
        await s.join();
      }),

    /** Changes the strategy's answers and runs it again (`refreshStrategy()`). */
    refresh: (change: { config?: DriverSubscribeConfiguration; preferred?: string | null }) =>
      run(() => {
        if (change.config !== undefined) answers.config = change.config;
        if (change.preferred !== undefined) answers.preferred = change.preferred;
        stage!.refreshStrategy();
      }),

    inbound: () =>
      run(async (): Promise<DriverInbound | undefined> => {
        const video = remoteVideo;
        if (!video) return undefined;
        const report = await video.getStats?.();
        let inbound: Record<string, number | undefined> = {};
        const codecs = new Map<string, string>();
        report?.forEach((entry: Record<string, unknown>) => {
          if (entry.type === 'inbound-rtp' && entry.kind === 'video') inbound = entry as Record<string, number | undefined>;
          if (entry.type === 'codec') codecs.set(entry.id as string, entry.mimeType as string);
        });
        return {
          frameWidth: inbound.frameWidth,
          frameHeight: inbound.frameHeight,
          framesDecoded: inbound.framesDecoded ?? 0,
          jitterBufferDelay: inbound.jitterBufferDelay ?? 0,
          jitterBufferTargetDelay: inbound.jitterBufferTargetDelay ?? 0,
          jitterBufferEmittedCount: inbound.jitterBufferEmittedCount ?? 0,
          receiverTarget: (video as unknown as { receiver?: RTCRtpReceiver }).receiver?.jitterBufferTarget,
          mimeType: codecs.get((inbound as unknown as { codecId?: string }).codecId ?? ''),
          layers: labels(video.getLayers?.() ?? []),
          selected: video.getSelectedLayer?.()?.label,
          adapting: video.isAdapting,
        };
      }),

    events: () => events.slice(),

    leave: () =>
      run(() => {
        stage?.leave();
        capture?.getTracks().forEach((t) => t.stop());
      }),
  };
}

export type DriverApi = ReturnType<typeof createApi>;

/** Installs `window.harnessDriver`. */
export function installDriverLayers(): void {
  window.harnessDriver = createApi();
}

declare global {
  interface Window {
    harnessDriver: DriverApi;
  }
}
