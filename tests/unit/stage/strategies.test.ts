import { ValidationError } from '../../../src/core/errors';
import { describe, expect, it } from 'vitest';
import { resolveStrategy, toDriverSubscribeType, type SubscribeDecision } from '../../../src/stage/strategies';
import type { Participant } from '../../../src/stage/types';

function participant(overrides: Partial<Participant> = {}): Participant {
  return {
    id: 'p',
    userId: '',
    attributes: {},
    userInfo: {},
    isLocal: false,
    capabilities: { publish: true, subscribe: true },
    isPublishing: true,
    publishState: 'published',
    subscribeState: 'not-subscribed',
    audioTrack: undefined,
    videoTrack: undefined,
    audioMuted: false,
    videoMuted: false,
    streams: [],
    ...overrides,
  };
}

describe('built-in strategies', () => {
  it.each([
    ['host', 'audio-video', true],
    ['viewer', 'audio-video', false],
    ['audio-only', 'audio', true],
  ] as const)('%s subscribes %s and shouldPublish is %s', (name, subscribe, publish) => {
    const strategy = resolveStrategy(name);
    expect(strategy.shouldSubscribe(participant())).toBe(subscribe);
    expect(strategy.shouldPublish(participant({ isLocal: true }))).toBe(publish);
  });

  it('defaults to host', () => {
    const strategy = resolveStrategy(undefined);
    expect(strategy.shouldSubscribe(participant())).toBe('audio-video');
    expect(strategy.shouldPublish(participant())).toBe(true);
  });
});

describe('custom strategies', () => {
  it('use the given decisions and default the missing one to the host behaviour', () => {
    const onlyHosts = resolveStrategy({ shouldSubscribe: (p) => (p.attributes.role === 'host' ? 'audio-video' : 'none') });
    expect(onlyHosts.shouldSubscribe(participant({ attributes: { role: 'host' } }))).toBe('audio-video');
    expect(onlyHosts.shouldSubscribe(participant())).toBe('none');
    expect(onlyHosts.shouldPublish(participant())).toBe(true);
    const neverPublish = resolveStrategy({ shouldPublish: () => false });
    expect(neverPublish.shouldPublish(participant())).toBe(false);
    expect(neverPublish.shouldSubscribe(participant())).toBe('audio-video');
  });

  it('are called with the strategy object as this', () => {
    const strategy = {
      role: 'host',
      shouldSubscribe(this: { role: string }, p: Participant): SubscribeDecision {
        return p.attributes.role === this.role ? 'audio' : 'none';
      },
    };
    expect(resolveStrategy(strategy).shouldSubscribe(participant({ attributes: { role: 'host' } }))).toBe('audio');
  });

  it('reject unknown names and non-function members with ValidationError', () => {
    expect(() => resolveStrategy('speaker' as never)).toThrow(/Unknown strategy "speaker"/);
    expect(() => resolveStrategy({ shouldSubscribe: 'audio' } as never)).toThrow(ValidationError);
    expect(() => resolveStrategy(42 as never)).toThrow(ValidationError);
  });
});

describe('toDriverSubscribeType', () => {
  it.each([
    ['none', 'none'],
    ['audio', 'audio_only'],
    ['audio-video', 'audio_video'],
  ] as const)('%s → %s', (decision, driver) => {
    expect(toDriverSubscribeType(decision)).toBe(driver);
  });

  it('throws ValidationError naming the bad value', () => {
    expect(() => toDriverSubscribeType('video' as never)).toThrow(/"video"/);
  });
});
