/**
 * StageSession's in-band messages (`sendInBandMessage()` → the published video's `insertSeiMessage`;
 * `inBandMessage` events), subtitle cues, `userInfo`, the media stack's quality (`getQuality()`) and
 * the simulcast / in-band parts of `publishConfig`, with FakeStage.
 */
import { describe, expect, it } from 'vitest';
import { InvalidStateError, ValidationError } from '../../../src/core/errors';
import { StageSession, type StageSessionOptions } from '../../../src/stage/stage-session';
import { fakeTrack, participantInfo, participantToken } from '../../fakes/fake-stage';
import { FakeRemoteStream } from '../../fakes/fake-remote-stream';
import { joinConnected, setup } from './helpers';

const IN_BAND: StageSessionOptions['publishConfig'] = { video: { inBandMessaging: { enabled: true } } };

async function publishing(options: Parameters<typeof setup>[0] = { publishConfig: IN_BAND }) {
  const ctx = setup(options);
  await joinConnected(ctx, { token: participantToken({ participantId: 'me' }), publish: true });
  const video = ctx.driver.localStreams.find((s) => s.streamType === 'video')!;
  return { ...ctx, video };
}

describe('StageSession in-band messages', () => {
  it('sends bytes, strings (UTF-8) and ArrayBuffers with the published video, with repeatCount', async () => {
    const ctx = await publishing();
    await ctx.session.sendInBandMessage(new Uint8Array([1, 2, 3]));
    await ctx.session.sendInBandMessage('héllo', { repeatCount: 2 });
    await ctx.session.sendInBandMessage(new Uint8Array(1024).fill(7).buffer, { repeatCount: 30 });
    expect(ctx.video.seiMessages.map((m) => [Array.from(m.payload.slice(0, 6)), m.payload.byteLength, m.repeatCount])).toEqual([
      [[1, 2, 3], 3, undefined],
      [[0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f], 6, 2],
      [[7, 7, 7, 7, 7, 7], 1024, 30],
    ]);
  });

  it('the payload is copied: changing the caller\'s array afterwards changes nothing sent', async () => {
    const ctx = await publishing();
    const bytes = new Uint8Array([9, 9]);
    const sent = ctx.session.sendInBandMessage(bytes);
    bytes[0] = 0;
    await sent;
    expect(Array.from(ctx.video.seiMessages[0]!.payload)).toEqual([9, 9]);
  });

  it('rejects bad payloads and options with ValidationError', async () => {
    const ctx = await publishing();
    const bad: Array<[unknown, unknown, RegExp]> = [
      [new Uint8Array(0), undefined, /payload.*1 to 1024 bytes, got 0/],
      [new Uint8Array(1025), undefined, /payload.*got 1025/],
      ['', undefined, /payload/],
      [42, undefined, /payload.*Uint8Array, an ArrayBuffer or a string/],
      ['x', { repeatCount: 31 }, /options\.repeatCount.*0 to 30/],
      ['x', { repeatCount: -1 }, /options\.repeatCount/],
      ['x', { repeatCount: 1.5 }, /options\.repeatCount/],
      ['x', 'twice', /options/],
    ];
    for (const [payload, options, message] of bad) {
      await expect(ctx.session.sendInBandMessage(payload as never, options as never)).rejects.toThrow(ValidationError);
      await expect(ctx.session.sendInBandMessage(payload as never, options as never)).rejects.toThrow(message);
    }
    expect(ctx.video.seiMessages).toEqual([]);
  });

  it('InvalidStateError when in-band messaging is off, when not connected and when not publishing video', async () => {
    const off = await publishing({});
    await expect(off.session.sendInBandMessage('x')).rejects.toThrow(InvalidStateError);
    await expect(off.session.sendInBandMessage('x')).rejects.toThrow(/publishConfig\.video\.inBandMessaging/);

    const idle = new StageSession({ publishConfig: IN_BAND });
    await expect(idle.sendInBandMessage('x')).rejects.toThrow(InvalidStateError);

    const viewer = setup({ publishConfig: IN_BAND });
    await joinConnected(viewer, { token: participantToken(), publish: false });
    await expect(viewer.session.sendInBandMessage('x')).rejects.toThrow(/not publishing/);

    const audioOnly = setup({ publishConfig: IN_BAND });
    await joinConnected(audioOnly, { token: participantToken(), publish: true, media: { audio: true, video: false } });
    await expect(audioOnly.session.sendInBandMessage('x')).rejects.toThrow(/no video is being published/);
  });

  it('emits inBandMessage with the payload and the uuid as 32 hex digits', async () => {
    const ctx = await publishing();
    const info = participantInfo({ id: 'bob' });
    ctx.driver.stage.emitJoined(info);
    const uuid = Uint8Array.from([0x7e, 0x5f, 0x0a, 0xc6, 0xc8, 0xf4, 0x4e, 0x4b, 0x9d, 0x6b, 0x1b, 0x6a, 0x2f, 0x1c, 0x9e, 0x01]);
    ctx.driver.stage.emitSeiMessage(info, new TextEncoder().encode('cue:42'), uuid);
    const [message] = ctx.events.of('inBandMessage');
    expect(message!.participant.id).toBe('bob');
    expect(new TextDecoder().decode(message!.payload)).toBe('cue:42');
    expect(message!.uuid).toBe('7e5f0ac6c8f44e4b9d6b1b6a2f1c9e01');
  });
});

describe('StageSession subtitle cues and userInfo', () => {
  it('emits subtitleCue about the target participant when known, else about its author', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken({ participantId: 'me' }), publish: false });
    const author = participantInfo({ id: 'captioner' });
    ctx.driver.stage.emitJoined(author);
    ctx.driver.stage.emitJoined(participantInfo({ id: 'speaker' }));
    ctx.driver.stage.emitSubtitleCue(author, { text: 'hello', languageCode: 'en', targetParticipantId: 'speaker', languageLabel: 'English', startTimeMs: 10, endTimeMs: 900 });
    ctx.driver.stage.emitSubtitleCue(author, { text: 'bonjour', languageCode: 'fr', targetParticipantId: 'gone' });
    ctx.driver.stage.emitSubtitleCue(author, { text: 'hola', languageCode: 'es' });
    const cues = ctx.events.of('subtitleCue');
    expect(cues.map((c) => [c.participant.id, c.cue.text])).toEqual([
      ['speaker', 'hello'],
      ['captioner', 'bonjour'],
      ['captioner', 'hola'],
    ]);
    expect(cues[0]!.cue).toEqual({ text: 'hello', languageCode: 'en', languageLabel: 'English', startTimeMs: 10, endTimeMs: 900 });
    expect(cues[2]!.cue).toEqual({ text: 'hola', languageCode: 'es' });
  });

  it('shows userInfo on the snapshot and reports its changes as userInfo', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken({ participantId: 'me' }), publish: false });
    ctx.driver.stage.emitJoined(participantInfo({ id: 'bob', userInfo: { plan: 'pro' } }));
    expect(ctx.session.participants[1]!.userInfo).toEqual({ plan: 'pro' });
    ctx.driver.stage.emitMetadataChanged(participantInfo({ id: 'bob', userInfo: { plan: 'pro' } }));
    ctx.driver.stage.emitMetadataChanged(participantInfo({ id: 'bob', userInfo: { plan: 'team', seats: 3 } }));
    const updates = ctx.events.of('participantUpdated');
    expect(updates.map((u) => u.changes)).toEqual([['userInfo']]);
    expect(updates[0]!.participant.userInfo).toEqual({ plan: 'team', seats: 3 });
    expect(updates[0]!.previous.userInfo).toEqual({ plan: 'pro' });
    // The local participant takes its userInfo from the driver's info too; `{}` until then.
    expect(ctx.session.localParticipant!.userInfo).toEqual({});
    ctx.driver.stage.emitJoined(participantInfo({ id: 'me', isLocal: true, userInfo: { avatar: 'a.png' } }));
    expect(ctx.session.localParticipant!.userInfo).toEqual({ avatar: 'a.png' });
  });
});

describe('StageSession quality from the media stack', () => {
  it('getQuality(): the worst networkQuality of the stream\'s entries, and the local video\'s qualityLimitationReason', async () => {
    const ctx = await publishing();
    ctx.video.qualityStats = [{ networkQuality: 4, qualityLimitationReason: 'bandwidth' }, { networkQuality: 2 }];
    const local = ctx.session.localParticipant!.streams.find((s) => s.kind === 'video')!;
    expect(await local.getQuality!()).toEqual({ networkQuality: 'normal', qualityLimitationReason: 'bandwidth' });

    const info = participantInfo({ id: 'bob' });
    const remote = new FakeRemoteStream('audio', fakeTrack('audio'));
    ctx.driver.stage.emitStreamsAdded(info, [remote]);
    const stream = ctx.session.participants.find((p) => p.id === 'bob')!.streams[0]!;
    const answers: Array<[unknown, unknown]> = [
      [[{ networkQuality: 4 }], { networkQuality: 'excellent' }],
      [[{ networkQuality: 3 }, { networkQuality: 1 }], { networkQuality: 'poor' }],
      [[{ networkQuality: 0 }], { networkQuality: 'down' }],
      [[{ packetsLost: 3 }], undefined],
      [[], undefined],
      [undefined, undefined],
      [
        () => {
          throw new Error('unpublished');
        },
        undefined,
      ],
    ];
    for (const [stats, expected] of answers) {
      remote.qualityStats = stats as never;
      expect(await stream.getQuality!(), JSON.stringify(stats)).toEqual(expected);
    }
  });

  it('streams of a driver without requestQualityStats have no getQuality', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    ctx.driver.stage.emitStreamsAdded(participantInfo({ id: 'bob' }), [{ streamType: 'video', mediaStreamTrack: fakeTrack('video'), isMuted: false }]);
    expect(ctx.session.participants[1]!.streams[0]!.getQuality).toBeUndefined();
  });
});

describe('StageSession publishConfig: simulcast and in-band messaging', () => {
  it('hands the layers (presets and custom) and inBandMessaging to the driver\'s local video stream', async () => {
    const custom = { width: 480, height: 270, maxBitrateKbps: 400, maxFramerate: 15 };
    const ctx = await publishing({ publishConfig: { video: { simulcast: { enabled: true, layers: ['720p', custom, '180p'] }, inBandMessaging: { enabled: true } } } });
    expect(ctx.video.config).toEqual({ simulcast: { enabled: true, layers: ['720p', custom, '180p'] }, inBandMessaging: { enabled: true } });
  });

  it('rejects out-of-range simulcast layers and malformed settings at construction', () => {
    const layer = { width: 640, height: 360, maxBitrateKbps: 700, maxFramerate: 30 };
    const bad: Array<[unknown, RegExp]> = [
      [{ video: { simulcast: { enabled: true, layers: ['720p', '360p', '180p', '160p'] } } }, /simulcast\.layers.*1 to 3 layers/],
      [{ video: { simulcast: { enabled: true, layers: [] } } }, /simulcast\.layers/],
      [{ video: { simulcast: { enabled: true, layers: ['1080p'] } } }, /layers\[0\].*"1080p" is not a simulcast preset/],
      [{ video: { simulcast: { enabled: true, layers: [{ ...layer, width: 100 }] } } }, /layers\[0\]\.width.*160 to 1280/],
      [{ video: { simulcast: { enabled: true, layers: [layer, { ...layer, height: 2000 }] } } }, /layers\[1\]\.height/],
      [{ video: { simulcast: { enabled: true, layers: [{ ...layer, maxBitrateKbps: 3000 }] } } }, /maxBitrateKbps.*50 to 2500/],
      [{ video: { simulcast: { enabled: true, layers: [{ ...layer, maxFramerate: 60 }] } } }, /maxFramerate.*10 to 30/],
      [{ video: { simulcast: { enabled: true, layers: [{ width: 640 }] } } }, /layers\[0\]\.height/],
      [{ video: { simulcast: true } }, /simulcast.*enabled/],
      [{ video: { inBandMessaging: true } }, /inBandMessaging.*enabled/],
      [{ video: 'hd' }, /publishConfig\.video/],
      [{ video: { maxBitrate: 500, simulcast: { enabled: true, layers: [layer] } } }, /layers\[0\]\.maxBitrateKbps.*above publishConfig\.video\.maxBitrate \(500\)/],
      [{ video: { maxFramerate: 24, simulcast: { enabled: true, layers: [layer] } } }, /layers\[0\]\.maxFramerate.*above publishConfig\.video\.maxFramerate \(24\)/],
    ];
    for (const [publishConfig, message] of bad) {
      expect(() => new StageSession({ publishConfig: publishConfig as never }), JSON.stringify(publishConfig)).toThrow(ValidationError);
      expect(() => new StageSession({ publishConfig: publishConfig as never })).toThrow(message);
    }
    expect(() => new StageSession({ publishConfig: { video: { simulcast: { enabled: true } } } })).not.toThrow();
    expect(() => new StageSession({ publishConfig: { video: { simulcast: { enabled: true, layers: ['160p', layer, '720p'] } } } })).not.toThrow();
  });
});
