/**
 * The Amazon IVS stage adapter: hands `amazon-ivs-web-broadcast`'s `Stage` and `LocalStageStream`
 * to StageSession unchanged, translating only the stream configuration. Imported together with the
 * SDK by `loadIvsDriver()` (`ivs-driver.ts`), so it is fetched only when an IVS stage is joined.
 */
import type {
  LocalStageStream,
  Stage,
  StageAudioConfiguration as IvsAudioConfig,
  StageStrategy,
  StageVideoConfiguration as IvsVideoConfig,
} from 'amazon-ivs-web-broadcast';
import type { DriverLocalStream, DriverStage, DriverStreamConfig, StageDriver } from './driver';

/** The two classes of `amazon-ivs-web-broadcast` the driver uses. @internal */
export interface IvsSdkClasses {
  Stage: typeof Stage;
  LocalStageStream: typeof LocalStageStream;
}

/**
 * Maps this SDK's per-kind publish settings to the IVS `StageVideoConfiguration` /
 * `StageAudioConfiguration` (`maxBitrate` is kbps, as `maxVideoBitrateKbps`).
 * @internal
 */
export function toIvsStreamConfig(kind: string, config: DriverStreamConfig | undefined): IvsVideoConfig | IvsAudioConfig | undefined {
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
  if (config.simulcast !== undefined) video.simulcast = { enabled: config.simulcast.enabled };
  return video;
}

/** Builds the driver from a loaded SDK module. Exported for tests. @internal */
export function createIvsDriver(sdk: IvsSdkClasses): StageDriver {
  return {
    kind: 'ivs',
    createStage(token, strategy) {
      // The SDK types its enums nominally (StageEvents.STAGE_LEFT, SubscribeType.AUDIO_VIDEO…) where the
      // driver contract uses the same string values as literals; the values are checked equal in
      // tests/unit/stage/ivs-driver.test.ts, so these two casts only bridge the type systems.
      const stage = new sdk.Stage(token, strategy as unknown as StageStrategy);
      return stage as unknown as DriverStage;
    },
    createLocalStream(track, config) {
      const stream: DriverLocalStream = new sdk.LocalStageStream(track, toIvsStreamConfig(track.kind, config));
      return stream;
    },
  };
}
