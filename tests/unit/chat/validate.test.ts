import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  MAX_MESSAGE_LENGTH,
  validateAttributes,
  validateContent,
  validateReason,
  validateRegionOrUrl,
} from '../../../src/chat/validate';
import { ChatError, ValidationError } from '../../../src/core/errors';

describe('validateContent', () => {
  it('counts Unicode code points, as IVS does', () => {
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀')).toBe(1);
    expect(codePointLength('e\u0301')).toBe(2);
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
