// @vitest-environment happy-dom
// amazon-ivs-web-broadcast reads browser globals (`self`) when it is evaluated, so this file runs under happy-dom.
// The expectTypeOf assertions are checked by `tsc --noEmit -p .` (they compile to no-ops at run time).
import type {
  StageConnectionState,
  StageEvents,
  StageLeftReason,
  StageParticipantPublishState,
  StageParticipantSubscribeState,
  StreamType,
  SubscribeType,
  LocalStageStream as IvsLocalStageStream,
  Stage as IvsStage,
  StageError as IvsStageError,
  StageParticipantInfo as IvsParticipantInfo,
  StageStream as IvsStageStream,
} from 'amazon-ivs-web-broadcast';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  DriverErrorCode,
  DriverStageEvents,
  type DriverConnectionState,
  type DriverLeftReason,
  type DriverLocalStream,
  type DriverParticipantInfo,
  type DriverPublishState,
  type DriverStage,
  type DriverStageError,
  type DriverStageEventMap,
  type DriverStream,
  type DriverStreamType,
  type DriverSubscribeState,
  type DriverSubscribeType,
} from '../../../src/stage/driver';
import { StageError } from '../../../src/core/errors';
import { createIvsDriver, ivsSdkOf, toIvsStreamConfig } from '../../../src/stage/ivs-adapter';
import { loadIvsDriver } from '../../../src/stage/ivs-driver';
import { FakeMediaStreamTrack } from '../../fakes/fake-stage';

describe('the driver contract mirrors the public amazon-ivs-web-broadcast types', () => {
  it('SDK objects are assignable to the driver types', () => {
    expectTypeOf<IvsParticipantInfo>().toExtend<DriverParticipantInfo>();
    expectTypeOf<IvsLocalStageStream>().toExtend<DriverLocalStream>();
    expectTypeOf<IvsStageStream>().toExtend<DriverStream>();
    expectTypeOf<IvsStageError>().toExtend<DriverStageError>();
    // Stage: every method but on/off/replaceStrategy is assignable as is; those three differ only in
    // the SDK's nominal enums (StageEvents.X vs the literal 'x'), whose values are checked below.
    type PlainMethods = 'join' | 'leave' | 'refreshStrategy' | 'exchangeToken';
    expectTypeOf<Pick<IvsStage, PlainMethods>>().toExtend<Pick<DriverStage, PlainMethods>>();
    expectTypeOf<keyof DriverStageEventMap>().toExtend<`${StageEvents}`>();
  });

  it('SDK listener parameters are the driver listener parameters (enums are nominal, values checked below)', () => {
    type Listener<E extends keyof DriverStageEventMap> = Parameters<DriverStageEventMap[E]>;
    expectTypeOf<IvsParticipantInfo>().toExtend<Listener<'stageParticipantJoined'>[0]>();
    expectTypeOf<IvsStageStream[]>().toExtend<Listener<'stageParticipantStreamsAdded'>[1]>();
    expectTypeOf<`${StageConnectionState}`>().toEqualTypeOf<DriverConnectionState>();
    expectTypeOf<`${StageLeftReason}`>().toEqualTypeOf<DriverLeftReason>();
    expectTypeOf<`${SubscribeType}`>().toEqualTypeOf<DriverSubscribeType>();
    expectTypeOf<`${StreamType}`>().toEqualTypeOf<DriverStreamType>();
    expectTypeOf<`${StageParticipantPublishState}`>().toEqualTypeOf<DriverPublishState>();
    expectTypeOf<`${StageParticipantSubscribeState}`>().toEqualTypeOf<DriverSubscribeState>();
  });

  it('the literal enum values equal the SDK enums at runtime', async () => {
    const sdk = await import('amazon-ivs-web-broadcast');
    for (const [key, value] of Object.entries(DriverStageEvents)) {
      expect(sdk.StageEvents[key as keyof typeof sdk.StageEvents], key).toBe(value);
    }
    for (const [key, value] of Object.entries(DriverErrorCode)) {
      expect(sdk.StageErrorCode[key as keyof typeof sdk.StageErrorCode], key).toBe(value);
    }
    const values = (e: object) => Object.values(e).filter((v) => typeof v === 'string').sort();
    expect(values(sdk.StageConnectionState)).toEqual(['connected', 'connecting', 'disconnected', 'errored']);
    expect(values(sdk.StageLeftReason)).toEqual(
      [
        'unknown',
        'user-initiated',
        'token-reused',
        'participant-disconnected',
        'stage-deleted',
        'failed-exchange',
        'real-time-connection-forced-leave',
        'real-time-connection-token-revocation',
      ].sort(),
    );
    expect(values(sdk.SubscribeType)).toEqual(['audio_only', 'audio_video', 'none']);
    expect(values(sdk.StreamType)).toEqual(['audio', 'subtitle', 'video']);
    expect(values(sdk.StageErrorCategory)).toEqual(['JOIN_ERROR', 'PUBLISH_ERROR', 'SUBSCRIBE_ERROR']);
    expect(values(sdk.StageParticipantPublishState)).toEqual(['attempting_publish', 'errored', 'not_published', 'published']);
    expect(values(sdk.StageParticipantSubscribeState)).toEqual(['attempting_subscribe', 'errored', 'not_subscribed', 'subscribed']);
  });
});

describe('loadIvsDriver', () => {
  it('loads the SDK lazily once and returns the ivs driver', async () => {
    const first = loadIvsDriver();
    const second = loadIvsDriver();
    expect(second).toBe(first);
    const driver = await first;
    expect(driver.kind).toBe('ivs');
    expect(typeof driver.createStage).toBe('function');
  });

  it('hands the SDK Stage the token, LocalStageStream the track and mapped config, and attaches listeners with the SDK event names', async () => {
    const real = await import('amazon-ivs-web-broadcast');
    const made: unknown[][] = [];
    const listeners = new Map<string, Set<unknown>>();
    class FakeSdkLocalStageStream {
      streamType = 'video';
      constructor(...args: unknown[]) {
        made.push(['stream', ...args]);
      }
    }
    class FakeSdkStage {
      strategy: unknown;
      constructor(token: string, strategy: unknown) {
        made.push(['stage', token]);
        this.strategy = strategy;
      }
      on(event: string, handler: unknown) {
        (listeners.get(event) ?? listeners.set(event, new Set()).get(event)!).add(handler);
      }
      off(event: string, handler: unknown) {
        listeners.get(event)?.delete(handler);
      }
    }
    const driver = createIvsDriver({
      Stage: FakeSdkStage as never,
      LocalStageStream: FakeSdkLocalStageStream as never,
      StageEvents: real.StageEvents,
      SubscribeType: real.SubscribeType,
      StageSubscribeStreamType: real.StageSubscribeStreamType,
      SimulcastLayerPresets: real.SimulcastLayerPresets,
      JitterBufferMinDelay: real.JitterBufferMinDelay,
      InitialLayerPreference: real.InitialLayerPreference,
    });
    const track = new FakeMediaStreamTrack('video').asTrack();
    driver.createLocalStream(track, { maxBitrate: 1200, maxFramerate: 24, simulcast: { enabled: true } });
    const stage = driver.createStage('tok', { stageStreamsToPublish: () => [], shouldPublishParticipant: () => true, shouldSubscribeToParticipant: () => 'none' });
    expect(made).toEqual([
      ['stream', track, { maxVideoBitrateKbps: 1200, maxFramerate: 24, simulcast: { enabled: true } }],
      ['stage', 'tok'],
    ]);
    const onLeft = () => {};
    stage.on('stageLeft', onLeft);
    stage.on('stageLeft', onLeft);
    stage.on('stageParticipantStreamsAdded', () => {});
    expect([...listeners.keys()]).toEqual([real.StageEvents.STAGE_LEFT, real.StageEvents.STAGE_PARTICIPANT_STREAMS_ADDED]);
    expect(listeners.get(real.StageEvents.STAGE_LEFT)!.size).toBe(1);
    stage.off('stageLeft', onLeft);
    expect(listeners.get(real.StageEvents.STAGE_LEFT)!.size).toBe(0);
  });

  it('hands the SDK a strategy in SDK values: SubscribeType members, and only the LocalStageStreams the driver made', async () => {
    const real = await import('amazon-ivs-web-broadcast');
    let strategySeen: { stageStreamsToPublish(): unknown[]; shouldSubscribeToParticipant(p: unknown): unknown; shouldPublishParticipant(p: unknown): boolean } | undefined;
    class FakeSdkLocalStageStream {
      streamType = 'video';
    }
    const driver = createIvsDriver({
      Stage: class {
        constructor(_token: string, strategy: never) {
          strategySeen = strategy;
        }
      } as never,
      LocalStageStream: FakeSdkLocalStageStream as never,
      StageEvents: real.StageEvents,
      SubscribeType: real.SubscribeType,
      StageSubscribeStreamType: real.StageSubscribeStreamType,
      SimulcastLayerPresets: real.SimulcastLayerPresets,
      JitterBufferMinDelay: real.JitterBufferMinDelay,
      InitialLayerPreference: real.InitialLayerPreference,
    });
    const sdkStream = driver.createLocalStream(new FakeMediaStreamTrack('video').asTrack());
    const foreign = { streamType: 'audio', mediaStreamTrack: new FakeMediaStreamTrack('audio').asTrack(), isMuted: false, setMuted() {} };
    const decisions = ['none', 'audio_only', 'audio_video'] as const;
    let next = 0;
    driver.createStage('tok', {
      stageStreamsToPublish: () => [sdkStream, foreign],
      shouldPublishParticipant: (p) => p.id === 'me',
      shouldSubscribeToParticipant: () => decisions[next++]!,
    });
    expect(strategySeen!.stageStreamsToPublish()).toEqual([sdkStream]);
    expect(decisions.map(() => strategySeen!.shouldSubscribeToParticipant({}))).toEqual([
      real.SubscribeType.NONE,
      real.SubscribeType.AUDIO_ONLY,
      real.SubscribeType.AUDIO_VIDEO,
    ]);
    expect(strategySeen!.shouldPublishParticipant({ id: 'me' })).toBe(true);
    expect(strategySeen!.shouldPublishParticipant({ id: 'other' })).toBe(false);
  });
});

describe('ivsSdkOf (the module shape of a UMD/CommonJS package depends on the bundler)', () => {
  it('takes the named exports (Vite, Rollup, Node)', async () => {
    const real = await import('amazon-ivs-web-broadcast');
    expect(ivsSdkOf(real).Stage).toBe(real.Stage);
  });

  it("takes the default export when there are no named ones (esbuild's import() of this package)", async () => {
    const real = await import('amazon-ivs-web-broadcast');
    const esbuildShape = { default: { ...real } };
    expect(ivsSdkOf(esbuildShape).LocalStageStream).toBe(real.LocalStageStream);
  });

  it('throws a StageError (join) naming what it found otherwise', () => {
    const error = (() => {
      try {
        ivsSdkOf({ default: { nothing: true }, other: 1 });
      } catch (e) {
        return e;
      }
      return undefined;
    })() as StageError;
    expect(error).toBeInstanceOf(StageError);
    expect(error.category).toBe('join');
    expect(error.message).toContain('exports: default, other');
  });
});

describe('toIvsStreamConfig', () => {
  it('maps audio settings and leaves out unset fields', async () => {
    const { SimulcastLayerPresets: presets } = await import('amazon-ivs-web-broadcast');
    expect(toIvsStreamConfig('audio', { maxAudioBitrateKbps: 96, stereo: true, maxBitrate: 1 }, presets)).toEqual({ maxAudioBitrateKbps: 96, stereo: true });
    expect(toIvsStreamConfig('video', {}, presets)).toEqual({});
    expect(toIvsStreamConfig('video', undefined, presets)).toBeUndefined();
  });
});
