import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  MAX_MESSAGE_LENGTH,
  validateAttributes,
  validateContent,
  validateReason,
  validateRegionOrUrl,
} from '../../../src/chat/validate';
import { ValidationError } from '../../../src/core/errors';
import { ChatError } from '../../../src/core/errors';
import { codePointLength as serverCodePointLength, parseClientFrame, FrameError } from '../../../src/local/chat/frames';
import { TokenBucket } from '../../../src/local/chat/rate-limiter';

describe('validateContent', () => {
  it('counts Unicode code points, as IVS does', () => {
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀')).toBe(1);
    expect(codePointLength('e\u0301')).toBe(2);
    expect(serverCodePointLength('😀x')).toBe(2);
  });

  it('accepts 1..500 code points', () => {
    expect(validateContent('x')).toBe('x');
    expect(validateContent('😀'.repeat(MAX_MESSAGE_LENGTH))).toHaveLength(1000);
  });

  it.each([
    ['', /must not be empty/],
    ['x'.repeat(501), /at most 500 .* has 501/],
    [undefined, /must be a string/],
    [42, /must be a string/],
  ])('rejects %j with a ValidationError on content', (value, message) => {
    let error: unknown;
    try {
      validateContent(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'content', code: 'VALIDATION' });
    expect((error as Error).message).toMatch(message);
  });
});

describe('validateAttributes / validateReason / validateRegionOrUrl', () => {
  it('copies string maps and rejects anything else', () => {
    const input = { a: 'b' };
    const output = validateAttributes(input);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
    expect(validateAttributes(undefined)).toBeUndefined();
    expect(() => validateAttributes(['a'])).toThrow(ValidationError);
    expect(() => validateAttributes(null)).toThrow(ValidationError);
    expect(() => validateAttributes({ a: 1 })).toThrow(/attributes\.a/);
  });

  it('accepts reasons of 1-256 characters', () => {
    expect(validateReason(undefined)).toBeUndefined();
    expect(validateReason('r'.repeat(256))).toHaveLength(256);
    expect(() => validateReason('')).toThrow(ValidationError);
    expect(() => validateReason('r'.repeat(257))).toThrow(ValidationError);
  });

  it('accepts a region or a ws(s) URL', () => {
    expect(validateRegionOrUrl('us-west-2')).toBe('us-west-2');
    expect(validateRegionOrUrl('ws://127.0.0.1:4566/chat')).toBe('ws://127.0.0.1:4566/chat');
    expect(() => validateRegionOrUrl('https://example.com')).toThrow(/region/);
    expect(() => validateRegionOrUrl('')).toThrow(ValidationError);
    expect(() => validateRegionOrUrl('wss://')).toThrow(/not a valid URL/);
  });
});

describe('ChatError.reasonForCode', () => {
  it.each([
    [400, 'bad-request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [413, 'too-large'],
    [429, 'rate-limited'],
    [500, 'server-error'],
    [406, 'server-error'],
  ])('maps %i to %s', (code, reason) => {
    expect(ChatError.reasonForCode(code)).toBe(reason);
  });
});

describe('emulator frame parsing', () => {
  it('reads the frames amazon-ivs-chat-messaging sends', () => {
    expect(parseClientFrame('{"Action":"SEND_MESSAGE","RequestId":"r","Content":"hi","Attributes":{"a":"b"}}')).toEqual({
      action: 'SEND_MESSAGE',
      requestId: 'r',
      content: 'hi',
      attributes: { a: 'b' },
    });
    expect(parseClientFrame('{"Action":"DELETE_MESSAGE","RequestId":"r","Id":"abcABC123456","Reason":null}')).toEqual({
      action: 'DELETE_MESSAGE',
      requestId: 'r',
      id: 'abcABC123456',
      reason: undefined,
    });
    expect(parseClientFrame('{"Action":"DISCONNECT_USER","UserId":"u"}')).toMatchObject({ action: 'DISCONNECT_USER', requestId: undefined, userId: 'u' });
  });

  it('keeps the RequestId of a malformed request so the ERROR can be correlated', () => {
    try {
      parseClientFrame('{"Action":"SEND_MESSAGE","RequestId":"keep"}');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FrameError);
      expect(error).toMatchObject({ requestId: 'keep', errorCode: 400 });
    }
  });

  it('never throws anything but FrameError for arbitrary text', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          parseClientFrame(text);
          return true;
        } catch (error) {
          return error instanceof FrameError;
        }
      }),
    );
  });
});

describe('room rate limiter (token bucket)', () => {
  it('allows a burst of `rate`, then one per 1/rate seconds', () => {
    const bucket = new TokenBucket(10, 0);
    for (let i = 0; i < 10; i += 1) expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.tryTake(0)).toBe(false);
    expect(bucket.tryTake(99)).toBe(false);
    expect(bucket.tryTake(100)).toBe(true);
    expect(bucket.tryTake(100)).toBe(false);
  });

  it('never refuses a steady sender at exactly the rate', () => {
    const bucket = new TokenBucket(100, 0);
    for (let i = 0; i < 5000; i += 1) expect(bucket.tryTake(i * 10)).toBe(true);
  });

  it('applies a lower rate at once after UpdateRoom', () => {
    const bucket = new TokenBucket(100, 0);
    bucket.setRate(2, 0);
    expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.tryTake(0)).toBe(false);
  });
});
