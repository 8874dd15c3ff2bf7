import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  attributesByteSize,
  deleteMessageEvent,
  errorFrame,
  FrameError,
  newChatId,
  parseClientFrame,
} from '../../../packages/ivs-local/src/chat/frames';
import { TokenBucket } from '../../../packages/ivs-local/src/chat/rate-limiter';
import { codePointLength } from '../../../src/core/checks';

describe('emulator frame helpers', () => {
  it('makes unique 12-character alphanumeric ids', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => newChatId()));
    expect(ids.size).toBe(5000);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9]{12}$/);
  });

  it('counts code points and attribute bytes', () => {
    expect(codePointLength('😀x')).toBe(2);
    expect(attributesByteSize({ a: 'é' })).toBe(3);
  });

  it('writes aws:DELETE_MESSAGE with both MessageId and MessageID, and numeric ErrorCodes', () => {
    expect(deleteMessageEvent('abcABC123456', 'spam', 'r1', 'ID0000000001')).toMatchObject({
      Type: 'EVENT',
      Id: 'ID0000000001',
      RequestId: 'r1',
      EventName: 'aws:DELETE_MESSAGE',
      Attributes: { MessageId: 'abcABC123456', MessageID: 'abcABC123456', Reason: 'spam' },
    });
    const error = errorFrame(429, 'slow down', undefined);
    expect(error.ErrorCode).toBe(429);
    expect('RequestId' in error).toBe(false);
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

  it('never throws anything but FrameError for arbitrary text', () => {
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
