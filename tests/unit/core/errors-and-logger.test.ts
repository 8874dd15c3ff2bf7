import { describe, expect, it, vi } from 'vitest';
import { ChatSession } from '../../../src/chat/chat-session';
import { LoadError, TokenError, ValidationError, isIvsRealtimeError } from '../../../src/core/errors';
import { StageSession } from '../../../src/stage/stage-session';

describe('isIvsRealtimeError', () => {
  it('recognises SDK errors, optionally by code, and nothing else', () => {
    const expired = TokenError.expired(new Date(0));
    expect(isIvsRealtimeError(expired)).toBe(true);
    expect(isIvsRealtimeError(expired, 'TOKEN_EXPIRED')).toBe(true);
    expect(isIvsRealtimeError(expired, 'TOKEN_MALFORMED')).toBe(false);
    expect(isIvsRealtimeError(new LoadError('x', 'could not load x'), 'LOAD_FAILED')).toBe(true);
    expect(isIvsRealtimeError(new TypeError('nope'))).toBe(false);
    expect(isIvsRealtimeError({ code: 'VALIDATION', name: 'ValidationError' })).toBe(false);
  });
});

describe('the logger option', () => {
  it('StageSession reports a throwing listener to logger.error, not the console', () => {
    const logger = { error: vi.fn() };
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const session = new StageSession({ logger });
    const emit = session.attachAddon();
    session.on('speakersChanged', () => {
      throw new Error('listener bug');
    });
    emit('speakersChanged', { speakers: ['a'], audioLevels: { a: 0.5 } });
    expect(logger.error).toHaveBeenCalledWith('[aws-ivs-realtime] a "speakersChanged" listener threw:', expect.objectContaining({ message: 'listener bug' }));
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
  });

  it('ChatSession validates its timing options with ValidationError naming the field', () => {
    expect(() => new ChatSession({ requestTimeoutMs: -1 })).toThrow(ValidationError);
    expect(() => new ChatSession({ reconnect: { maxAttempts: 1.5 } })).toThrow(/reconnect\.maxAttempts/);
  });
});
