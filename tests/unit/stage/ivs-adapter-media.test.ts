// @vitest-environment happy-dom
// amazon-ivs-web-broadcast reads browser globals (`self`) when it is evaluated, so this file runs under happy-dom.
/**
 * What the IVS adapter hands the real amazon-ivs-web-broadcast module for simulcast, subscribe
 * configuration, stream-type lists and layer preferences: the SDK's own enum members and presets,
 * read from the loaded module (no copies of their values).
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors';
import type { DriverStrategy } from '../../../src/stage/driver';
import { ivsStageFactory } from '../../../src/stage/ivs-driver';
import { createIvsDriver, toIvsStreamConfig, toIvsSubscribeConfiguration, type IvsSdk } from '../../../src/stage/ivs-adapter';
import { FakeMediaStreamTrack } from '../../fakes/fake-stage';

async function realSdk() {
  return import('amazon-ivs-web-broadcast');
}

/** The real SDK's tables with a `Stage` that records the strategy it is given. */
async function sdkRecordingStrategy(): Promise<{ sdk: IvsSdk; strategy: () => Record<string, (...args: unknown[]) => unknown> }> {
  const real = await realSdk();
  let seen: Record<string, (...args: unknown[]) => unknown> | undefined;
  const sdk: IvsSdk = {
    ...real,
    Stage: class {
      constructor(_token: string, strategy: never) {
        seen = strategy;
      }
    } as never,
  };
  return { sdk, strategy: () => seen! };
}

const baseStrategy: DriverStrategy = { stageStreamsToPublish: () => [], shouldPublishParticipant: () => false, shouldSubscribeToParticipant: () => 'audio_video' };

describe('the IVS adapter, simulcast and in-band publishing', () => {
  it('turns presets into the SDK\'s SimulcastLayerPresets and keeps custom layers as SimulcastLocalLayerConfiguration', async () => {
    const { SimulcastLayerPresets: presets } = await realSdk();
    const config = toIvsStreamConfig(
      'video',
      { simulcast: { enabled: true, layers: ['720p', { width: 480, height: 270, maxBitrateKbps: 300, maxFramerate: 15 }, '160p'] }, inBandMessaging: { enabled: true } },
      presets,
    );
    expect(config).toEqual({
      simulcast: { enabled: true, layers: [presets.DEFAULT_720, { width: 480, height: 270, maxBitrateKbps: 300, maxFramerate: 15 }, presets.DEFAULT_160] },
      inBandMessaging: { enabled: true },
    });
    // Each preset maps to its own SDK entry (heights as named).
    for (const [name, height] of [['720p', 720], ['540p', 540], ['480p', 480], ['360p', 360], ['270p', 270], ['180p', 180], ['160p', 160]] as const) {
      const layers = (toIvsStreamConfig('video', { simulcast: { enabled: true, layers: [name] } }, presets) as { simulcast: { layers: { height: number }[] } }).simulcast.layers;
      expect(layers[0]!.height, name).toBe(height);
    }
    expect(toIvsStreamConfig('video', { simulcast: { enabled: false } }, presets)).toEqual({ simulcast: { enabled: false } });
  });

  it('hands the SDK LocalStageStream constructor the layers and in-band setting', async () => {
    const real = await realSdk();
    const made: unknown[] = [];
    const driver = createIvsDriver({
      ...real,
      LocalStageStream: class {
        constructor(_track: MediaStreamTrack, config: unknown) {
          made.push(config);
        }
      } as never,
    });
    driver.createLocalStream(new FakeMediaStreamTrack('video').asTrack(), { simulcast: { enabled: true, layers: ['360p'] }, inBandMessaging: { enabled: true } });
    expect(made).toEqual([{ simulcast: { enabled: true, layers: [real.SimulcastLayerPresets.DEFAULT_360] }, inBandMessaging: { enabled: true } }]);
  });
});

describe('the IVS adapter, subscribing', () => {
  it('maps the subscribe configuration to the SDK enum members, numbers as they are', async () => {
    const real = await realSdk();
    expect(toIvsSubscribeConfiguration({}, real)).toEqual({});
    expect(
      toIvsSubscribeConfiguration({ jitterBuffer: { minDelay: 'medium' }, inBandMessaging: { enabled: true }, simulcast: { initialLayerPreference: 'highest_quality' } }, real),
    ).toEqual({
      jitterBuffer: { minDelay: real.JitterBufferMinDelay.MEDIUM },
      inBandMessaging: { enabled: true },
      simulcast: { initialLayerPreference: real.InitialLayerPreference.HIGHEST_QUALITY },
    });
    expect(toIvsSubscribeConfiguration({ jitterBuffer: { minDelay: 250 }, simulcast: { initialLayerPreference: 'lowest_quality' } }, real)).toEqual({
      jitterBuffer: { minDelay: 250 },
      simulcast: { initialLayerPreference: real.InitialLayerPreference.LOWEST_QUALITY },
    });
    for (const preset of ['default', 'low', 'medium', 'high'] as const) {
      expect(toIvsSubscribeConfiguration({ jitterBuffer: { minDelay: preset } }, real).jitterBuffer?.minDelay).toBe(preset);
    }
  });

  it('passes stream-type lists as StageSubscribeStreamType members, the subscribe configuration and a layer by its label', async () => {
    const real = await realSdk();
    const { sdk, strategy } = await sdkRecordingStrategy();
    const layer = { label: 'mid', width: 640, height: 360, bitrateBps: 700_000, framesPerSecond: 30, selected: false };
    const answers: Array<ReturnType<NonNullable<DriverStrategy['preferredLayerForStream']>>> = [layer, 'high', null, undefined];
    createIvsDriver(sdk).createStage('tok', {
      ...baseStrategy,
      shouldSubscribeToParticipant: () => ['audio', 'video', 'subtitles'],
      subscribeConfiguration: () => ({ jitterBuffer: { minDelay: 'low' } }),
      preferredLayerForStream: () => answers.shift(),
    });
    const seen = strategy();
    expect(seen.shouldSubscribeToParticipant!({})).toEqual([real.StageSubscribeStreamType.AUDIO, real.StageSubscribeStreamType.VIDEO, real.StageSubscribeStreamType.SUBTITLES]);
    expect(seen.subscribeConfiguration!({})).toEqual({ jitterBuffer: { minDelay: real.JitterBufferMinDelay.LOW } });
    expect([1, 2, 3, 4].map(() => seen.preferredLayerForStream!({}, {}))).toEqual(['mid', 'high', null, undefined]);
  });

  it('a strategy without the optional members answers the SDK defaults', async () => {
    const { sdk, strategy } = await sdkRecordingStrategy();
    createIvsDriver(sdk).createStage('tok', baseStrategy);
    expect(strategy().subscribeConfiguration!({})).toEqual({});
    expect(strategy().preferredLayerForStream!({}, {})).toBeUndefined();
  });

  it('the literal values of the new driver types equal the SDK enums at runtime', async () => {
    const real = await realSdk();
    const values = (e: object) => Object.values(e).filter((v) => typeof v === 'string').sort();
    expect(values(real.StageSubscribeStreamType)).toEqual(['audio', 'subtitles', 'video']);
    expect(values(real.JitterBufferMinDelay)).toEqual(['default', 'high', 'low', 'medium']);
    expect(values(real.InitialLayerPreference)).toEqual(['highest_quality', 'lowest_quality']);
    expect(Object.keys(real.SimulcastLayerPresets).sort()).toEqual(['DEFAULT_160', 'DEFAULT_180', 'DEFAULT_270', 'DEFAULT_360', 'DEFAULT_480', 'DEFAULT_540', 'DEFAULT_720']);
  });
});

describe('a shared RealTimeConnection', () => {
  /** The real SDK with a `Stage` that records its constructor's third argument (`StageConfiguration`). */
  async function recordingConfiguration() {
    const real = await realSdk();
    const configurations: unknown[] = [];
    const sdk: IvsSdk = {
      ...real,
      Stage: class {
        constructor(_token: string, _strategy: unknown, configuration?: unknown) {
          configurations.push(configuration);
        }
      } as never,
    };
    return { real, sdk, configurations };
  }

  it('hands every Stage the connection in its StageConfiguration; without one, none', async () => {
    const { real, sdk, configurations } = await recordingConfiguration();
    // An object of the SDK's class (its constructor would open a socket with a connection token).
    const connection: object = Object.create(real.RealTimeConnection.prototype);
    const shared = createIvsDriver(sdk, { connection });
    shared.createStage('a', baseStrategy);
    shared.createStage('b', baseStrategy);
    createIvsDriver(sdk).createStage('c', baseStrategy);
    expect(configurations).toEqual([{ connection }, { connection }, undefined]);
    expect((configurations[0] as { connection: unknown }).connection).toBe(connection);
  });

  it('refuses anything but a RealTimeConnection of the loaded SDK with a ValidationError', async () => {
    const { sdk } = await recordingConfiguration();
    expect(() => createIvsDriver(sdk, { connection: { connect() {} } })).toThrow(ValidationError);
    expect(() => createIvsDriver({ ...sdk, RealTimeConnection: undefined }, { connection: {} })).toThrow(/not a RealTimeConnection/);
    expect(() => ivsStageFactory({ connection: 'token' as never })).toThrow(ValidationError);
    expect(() => ivsStageFactory(undefined as never)).toThrow(/connection/);
    await expect(ivsStageFactory({ connection: {} })('tok')).rejects.toThrow(ValidationError);
  });

  it('ivsStageFactory gives an IVS driver bound to the connection', async () => {
    const real = await realSdk();
    const driver = await ivsStageFactory({ connection: Object.create(real.RealTimeConnection.prototype) })('tok');
    expect(driver.kind).toBe('ivs');
  });
});
