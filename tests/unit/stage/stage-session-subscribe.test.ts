/**
 * How StageSession tells the driver to receive remote participants: the `subscribe` option and a
 * strategy's `subscribeSettings` as the driver strategy's `subscribeConfiguration` (jitter buffer,
 * initial layer, in-band messages) and, for subtitles, a stream-type list from
 * `shouldSubscribeToParticipant`. Bad values are typed errors.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors';
import { StageSession } from '../../../src/stage/stage-session';
import { participantInfo, participantToken } from '../../fakes/fake-stage';
import { joinConnected, setup } from './helpers';

async function connected(options: Parameters<typeof setup>[0] = {}) {
  const ctx = setup(options);
  await joinConnected(ctx, { token: participantToken({ participantId: 'me' }), publish: false });
  return { ...ctx, strategy: ctx.driver.stage.strategy };
}

describe('StageSession subscribe settings', () => {
  it('answers the SDK defaults without settings', async () => {
    const { strategy } = await connected();
    const bob = participantInfo({ id: 'bob' });
    expect(strategy.subscribeConfiguration!(bob)).toEqual({});
    expect(strategy.shouldSubscribeToParticipant(bob)).toBe('audio_video');
  });

  it('maps the subscribe option: jitter buffer presets and ms, initial layer, in-band messages', async () => {
    const bob = participantInfo({ id: 'bob' });
    const cases = [
      [{ jitterBufferMinDelay: 'low' }, { jitterBuffer: { minDelay: 'low' } }],
      [{ jitterBufferMinDelay: 'high' }, { jitterBuffer: { minDelay: 'high' } }],
      [{ jitterBufferMinDelay: 0 }, { jitterBuffer: { minDelay: 0 } }],
      [{ jitterBufferMinDelay: 1500 }, { jitterBuffer: { minDelay: 1500 } }],
      [{ initialLayer: 'highest' }, { simulcast: { initialLayerPreference: 'highest_quality' } }],
      [{ initialLayer: 'lowest' }, { simulcast: { initialLayerPreference: 'lowest_quality' } }],
      [{ inBandMessages: true }, { inBandMessaging: { enabled: true } }],
      [{ inBandMessages: false }, { inBandMessaging: { enabled: false } }],
    ] as const;
    for (const [subscribe, expected] of cases) {
      const { strategy, session } = await connected({ subscribe });
      expect(strategy.subscribeConfiguration!(bob), JSON.stringify(subscribe)).toEqual(expected);
      await session.dispose();
    }
  });

  it("merges the strategy's subscribeSettings per participant over the option", async () => {
    const { strategy } = await connected({
      subscribe: { jitterBufferMinDelay: 'medium', inBandMessages: true },
      strategy: { subscribeSettings: (p) => (p.attributes.role === 'host' ? { jitterBufferMinDelay: 40, initialLayer: 'highest' } : {}) },
    });
    expect(strategy.subscribeConfiguration!(participantInfo({ id: 'host', attributes: { role: 'host' } }))).toEqual({
      jitterBuffer: { minDelay: 40 },
      inBandMessaging: { enabled: true },
      simulcast: { initialLayerPreference: 'highest_quality' },
    });
    expect(strategy.subscribeConfiguration!(participantInfo({ id: 'guest' }))).toEqual({ jitterBuffer: { minDelay: 'medium' }, inBandMessaging: { enabled: true } });
  });

  it('asks for subtitles with a stream-type list, keeping what the strategy decided', async () => {
    const { strategy } = await connected({
      subscribe: { subtitles: true },
      strategy: { shouldSubscribe: (p) => (p.id === 'a' ? 'audio' : p.id === 'n' ? 'none' : 'audio-video') },
    });
    expect(strategy.shouldSubscribeToParticipant(participantInfo({ id: 'v' }))).toEqual(['audio', 'video', 'subtitles']);
    expect(strategy.shouldSubscribeToParticipant(participantInfo({ id: 'a' }))).toEqual(['audio', 'subtitles']);
    expect(strategy.shouldSubscribeToParticipant(participantInfo({ id: 'n' }))).toBe('none');
  });

  it('rejects bad subscribe options at construction with a ValidationError naming the field', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ jitterBufferMinDelay: 4001 }, /subscribe\.jitterBufferMinDelay.*0 to 4000/],
      [{ jitterBufferMinDelay: -1 }, /subscribe\.jitterBufferMinDelay/],
      [{ jitterBufferMinDelay: 'fast' }, /'default', 'low', 'medium', 'high'/],
      [{ jitterBufferMinDelay: Number.NaN }, /jitterBufferMinDelay/],
      [{ initialLayer: 'middle' }, /subscribe\.initialLayer.*'lowest' or 'highest'/],
      [{ inBandMessages: 'yes' }, /subscribe\.inBandMessages.*boolean/],
      [{ subtitles: 1 }, /subscribe\.subtitles/],
      ['low', /subscribe/],
    ];
    for (const [subscribe, message] of bad) {
      expect(() => new StageSession({ subscribe: subscribe as never }), JSON.stringify(subscribe)).toThrow(ValidationError);
      expect(() => new StageSession({ subscribe: subscribe as never })).toThrow(message);
    }
    expect(() => new StageSession({ strategy: { subscribeSettings: 'low' as never } })).toThrow(/strategy\.subscribeSettings.*function/);
    expect(() => new StageSession({ strategy: { preferredLayer: {} as never } })).toThrow(/strategy\.preferredLayer.*function/);
  });

  it("reports bad per-participant settings as an error and uses the session's option alone", async () => {
    const { strategy, events } = await connected({ subscribe: { jitterBufferMinDelay: 'low' }, strategy: { subscribeSettings: () => ({ jitterBufferMinDelay: 99_999 }) } });
    expect(strategy.subscribeConfiguration!(participantInfo({ id: 'bob' }))).toEqual({ jitterBuffer: { minDelay: 'low' } });
    const [error] = events.of('error').map((e) => e.error);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.message).toMatch(/strategy\.subscribeSettings\(\)\.jitterBufferMinDelay.*session option alone/);
  });

  it('answers nothing once the connection is over', async () => {
    const { strategy, session } = await connected({ subscribe: { jitterBufferMinDelay: 'high', subtitles: true } });
    await session.leave();
    expect(strategy.subscribeConfiguration!(participantInfo({ id: 'bob' }))).toEqual({});
    expect(strategy.shouldSubscribeToParticipant(participantInfo({ id: 'bob' }))).toBe('none');
  });
});
