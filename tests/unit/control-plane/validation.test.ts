import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors';
import {
  LIMITS,
  validateAttributes,
  validateCreateChatRoomInput,
  validateCreateStageInput,
  validateDisconnectParticipantInput,
  validateMintChatTokenInput,
  validateMintParticipantTokenInput,
  validateRegion,
  validateRoomArn,
  validateStageArn,
  validateTags,
} from '../../../src/control-plane/validation';

const STAGE = 'arn:aws:ivs:us-west-2:123456789012:stage/abcdABCDefgh';
const ROOM = 'arn:aws:ivschat:us-west-2:123456789012:room/g1H2I3j4k5L6';

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).field;
  }
  throw new Error('expected a ValidationError, but the input was accepted');
}

function tagsOf(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));
}

describe('validateStageArn / validateRoomArn', () => {
  it.each([
    ['a stage ARN', STAGE],
    ['a stage ARN with a dashed id', 'arn:aws:ivs:eu-central-1:1:stage/a-b-c'],
  ])('accepts %s', (_, arn) => {
    expect(validateStageArn(arn)).toBe(arn);
  });

  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['a number', 42],
    ['a chat room ARN', ROOM],
    ['an ARN with a trailing slash segment', `${STAGE}/x`],
    ['an ARN with a prefix', ` ${STAGE}`],
    ['an ARN with an underscore in the id', 'arn:aws:ivs:us-west-2:123456789012:stage/abc_def'],
    ['a 129-character ARN', `arn:aws:ivs:us-west-2:123456789012:stage/${'a'.repeat(129 - 41)}`],
  ])('rejects %s as stageArn', (_, arn) => {
    expect(fieldOf(() => validateStageArn(arn))).toBe('stageArn');
  });

  it('accepts a room ARN and rejects a stage ARN as roomArn', () => {
    expect(validateRoomArn(ROOM)).toBe(ROOM);
    expect(fieldOf(() => validateRoomArn(STAGE))).toBe('roomArn');
  });

  it('the error message says what a stage ARN looks like', () => {
    expect(() => validateStageArn('stage-1')).toThrow(/arn:aws:ivs:<region>:<account>:stage\/<id>/);
  });
});

describe('validateCreateStageInput', () => {
  it.each<[string, unknown, unknown]>([
    ['no input', undefined, {}],
    ['null input', null, {}],
    ['an empty name', { name: '' }, { name: '' }],
    ['a 128-character name', { name: 'a'.repeat(128) }, { name: 'a'.repeat(128) }],
    ['a name of letters, digits, - and _', { name: 'Show_1-a' }, { name: 'Show_1-a' }],
    ['50 tags', { tags: tagsOf(50) }, { tags: tagsOf(50) }],
    ['a 256-character tag value', { tags: { k: 'v'.repeat(256) } }, { tags: { k: 'v'.repeat(256) } }],
    ['an empty tag value', { tags: { k: '' } }, { tags: { k: '' } }],
    ['null fields as absent', { name: null, tags: null }, {}],
  ])('accepts %s', (_, input, expected) => {
    expect(validateCreateStageInput(input)).toEqual(expected);
  });

  it.each<[string, unknown, string]>([
    ['a string input', 'show', 'input'],
    ['an array input', [], 'input'],
    ['a 129-character name', { name: 'a'.repeat(129) }, 'name'],
    ['a name with a space', { name: 'my show' }, 'name'],
    ['a name with a slash', { name: 'a/b' }, 'name'],
    ['a numeric name', { name: 7 }, 'name'],
    ['51 tags', { tags: tagsOf(51) }, 'tags'],
    ['an empty tag key', { tags: { '': 'v' } }, 'tags'],
    ['a 129-character tag key', { tags: { ['k'.repeat(129)]: 'v' } }, 'tags'],
    ['a 257-character tag value', { tags: { env: 'v'.repeat(257) } }, 'tags.env'],
    ['a non-string tag value', { tags: { env: 1 } }, 'tags.env'],
    ['tags as an array', { tags: ['a'] }, 'tags'],
    ['an unknown field', { nmae: 'x' }, 'nmae'],
  ])('rejects %s', (_, input, field) => {
    expect(fieldOf(() => validateCreateStageInput(input))).toBe(field);
  });

  it('returns a copy that drops undefined fields', () => {
    const input = { name: 'a', tags: undefined };
    const out = validateCreateStageInput(input);
    expect(out).toEqual({ name: 'a' });
    expect(out).not.toBe(input);
  });
});

describe('validateAttributes', () => {
  it('accepts exactly 1024 UTF-8 bytes of keys plus values', () => {
    const attributes = { k: 'v'.repeat(1023) };
    expect(validateAttributes(attributes)).toEqual(attributes);
  });

  it('rejects 1025 bytes', () => {
    expect(fieldOf(() => validateAttributes({ k: 'v'.repeat(1024) }))).toBe('attributes');
  });

  it('counts UTF-8 bytes, not characters (é is 2 bytes)', () => {
    expect(() => validateAttributes({ k: 'é'.repeat(511) })).not.toThrow(); // 1 + 1022 bytes
    expect(fieldOf(() => validateAttributes({ k: 'é'.repeat(512) }))).toBe('attributes'); // 1 + 1024 bytes
  });

  it('counts keys as well as values', () => {
    expect(fieldOf(() => validateAttributes({ ['k'.repeat(600)]: 'v'.repeat(600) }))).toBe('attributes');
  });

  it('names the key of a non-string value', () => {
    expect(fieldOf(() => validateAttributes({ role: true }))).toBe('attributes.role');
  });
});

describe('validateTags', () => {
  it('counts tag key length in code points (an emoji key of 128 code points is allowed)', () => {
    expect(() => validateTags({ ['😀'.repeat(128)]: 'v' })).not.toThrow();
    expect(fieldOf(() => validateTags({ ['😀'.repeat(129)]: 'v' }))).toBe('tags');
  });
});

describe('validateMintParticipantTokenInput', () => {
  it.each<[string, unknown]>([
    ['only a stage ARN', { stageArn: STAGE }],
    ['both capabilities', { stageArn: STAGE, capabilities: ['PUBLISH', 'SUBSCRIBE'] }],
    ['no capabilities (an empty list)', { stageArn: STAGE, capabilities: [] }],
    ['duration 1', { stageArn: STAGE, durationMinutes: 1 }],
    ['duration 20160', { stageArn: STAGE, durationMinutes: 20160 }],
    ['an empty userId', { stageArn: STAGE, userId: '' }],
    ['a 128-character userId', { stageArn: STAGE, userId: 'u'.repeat(128) }],
    ['attributes', { stageArn: STAGE, attributes: { role: 'host' } }],
  ])('accepts %s', (_, input) => {
    expect(validateMintParticipantTokenInput(input)).toEqual(input);
  });

  it.each<[string, unknown, string]>([
    ['no input', undefined, 'input'],
    ['a missing stageArn', {}, 'stageArn'],
    ['a room ARN', { stageArn: ROOM }, 'stageArn'],
    ['duration 0', { stageArn: STAGE, durationMinutes: 0 }, 'durationMinutes'],
    ['duration 20161', { stageArn: STAGE, durationMinutes: 20161 }, 'durationMinutes'],
    ['a fractional duration', { stageArn: STAGE, durationMinutes: 1.5 }, 'durationMinutes'],
    ['a string duration', { stageArn: STAGE, durationMinutes: '60' }, 'durationMinutes'],
    ['NaN duration', { stageArn: STAGE, durationMinutes: Number.NaN }, 'durationMinutes'],
    ['a 129-character userId', { stageArn: STAGE, userId: 'u'.repeat(129) }, 'userId'],
    ['a numeric userId', { stageArn: STAGE, userId: 5 }, 'userId'],
    ['an unknown capability', { stageArn: STAGE, capabilities: ['PUBLISH', 'ADMIN'] }, 'capabilities[1]'],
    ['a lowercase capability', { stageArn: STAGE, capabilities: ['publish'] }, 'capabilities[0]'],
    ['a chat capability', { stageArn: STAGE, capabilities: ['SEND_MESSAGE'] }, 'capabilities[0]'],
    ['a repeated capability', { stageArn: STAGE, capabilities: ['PUBLISH', 'PUBLISH'] }, 'capabilities[1]'],
    ['capabilities as a string', { stageArn: STAGE, capabilities: 'PUBLISH' }, 'capabilities'],
    ['attributes over 1 KB', { stageArn: STAGE, attributes: { a: 'x'.repeat(1100) } }, 'attributes'],
    ['a misspelt field', { stageArn: STAGE, capabilites: ['SUBSCRIBE'] }, 'capabilites'],
  ])('rejects %s', (_, input, field) => {
    expect(fieldOf(() => validateMintParticipantTokenInput(input))).toBe(field);
  });
});

describe('validateDisconnectParticipantInput', () => {
  it.each<[string, unknown]>([
    ['a participant id', { stageArn: STAGE, participantId: 'abCDEf12GHIj' }],
    ['a reason of 128 characters', { stageArn: STAGE, participantId: 'p-1_a', reason: 'r'.repeat(128) }],
    ['an empty reason', { stageArn: STAGE, participantId: 'p', reason: '' }],
  ])('accepts %s', (_, input) => {
    expect(validateDisconnectParticipantInput(input)).toEqual(input);
  });

  it.each<[string, unknown, string]>([
    ['no input', undefined, 'input'],
    ['a missing participantId', { stageArn: STAGE }, 'participantId'],
    ['an empty participantId', { stageArn: STAGE, participantId: '' }, 'participantId'],
    ['a 65-character participantId', { stageArn: STAGE, participantId: 'p'.repeat(65) }, 'participantId'],
    ['a participantId with a dot', { stageArn: STAGE, participantId: 'a.b' }, 'participantId'],
    ['a 129-character reason', { stageArn: STAGE, participantId: 'p', reason: 'r'.repeat(129) }, 'reason'],
    ['a bad stage ARN', { stageArn: 'x', participantId: 'p' }, 'stageArn'],
  ])('rejects %s', (_, input, field) => {
    expect(fieldOf(() => validateDisconnectParticipantInput(input))).toBe(field);
  });
});

describe('validateCreateChatRoomInput', () => {
  it.each<[string, unknown]>([
    ['nothing', {}],
    ['message length 500 with a name', { maximumMessageLength: 500, name: 'room_1' }],
    ['message length 1', { maximumMessageLength: 1 }],
    ['rate 1', { maximumMessageRatePerSecond: 1 }],
    ['rate 100', { maximumMessageRatePerSecond: 100 }],
    ['tags', { tags: { team: 'a' } }],
  ])('accepts %s', (_, input) => {
    expect(validateCreateChatRoomInput(input)).toEqual(input);
  });

  it.each<[string, unknown, string]>([
    ['message length 0', { maximumMessageLength: 0 }, 'maximumMessageLength'],
    ['message length 501', { maximumMessageLength: 501 }, 'maximumMessageLength'],
    ['rate 0', { maximumMessageRatePerSecond: 0 }, 'maximumMessageRatePerSecond'],
    ['rate 101', { maximumMessageRatePerSecond: 101 }, 'maximumMessageRatePerSecond'],
    ['a fractional rate', { maximumMessageRatePerSecond: 2.5 }, 'maximumMessageRatePerSecond'],
    ['a bad name', { name: 'chat room' }, 'name'],
    ['51 tags', { tags: tagsOf(51) }, 'tags'],
  ])('rejects %s', (_, input, field) => {
    expect(fieldOf(() => validateCreateChatRoomInput(input))).toBe(field);
  });
});

describe('validateMintChatTokenInput', () => {
  it.each<[string, unknown]>([
    ['a read-only token', { roomArn: ROOM, userId: 'u1' }],
    ['every capability', { roomArn: ROOM, userId: 'u1', capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'] }],
    ['session 1 and a 128-character userId', { roomArn: ROOM, userId: 'u'.repeat(128), sessionDurationMinutes: 1 }],
    ['session 180', { roomArn: ROOM, userId: 'ü', sessionDurationMinutes: 180 }],
  ])('accepts %s', (_, input) => {
    expect(validateMintChatTokenInput(input)).toEqual(input);
  });

  it.each<[string, unknown, string]>([
    ['no input', undefined, 'input'],
    ['a missing userId', { roomArn: ROOM }, 'userId'],
    ['an empty userId', { roomArn: ROOM, userId: '' }, 'userId'],
    ['a 129-character userId', { roomArn: ROOM, userId: 'u'.repeat(129) }, 'userId'],
    ['a stage ARN', { roomArn: STAGE, userId: 'u' }, 'roomArn'],
    ['session 0', { roomArn: ROOM, userId: 'u', sessionDurationMinutes: 0 }, 'sessionDurationMinutes'],
    ['session 181', { roomArn: ROOM, userId: 'u', sessionDurationMinutes: 181 }, 'sessionDurationMinutes'],
    ['a stage capability', { roomArn: ROOM, userId: 'u', capabilities: ['PUBLISH'] }, 'capabilities[0]'],
    ['a repeated capability', { roomArn: ROOM, userId: 'u', capabilities: ['SEND_MESSAGE', 'SEND_MESSAGE'] }, 'capabilities[1]'],
    ['attributes over 1 KB', { roomArn: ROOM, userId: 'u', attributes: { a: 'é'.repeat(600) } }, 'attributes'],
  ])('rejects %s', (_, input, field) => {
    expect(fieldOf(() => validateMintChatTokenInput(input))).toBe(field);
  });
});

describe('validateRegion', () => {
  it.each(['us-east-1', 'eu-central-1', 'ap-northeast-2', 'us-gov-west-1'])('accepts %s', (region) => {
    expect(validateRegion(region)).toBe(region);
  });
  it.each([undefined, '', 'US-EAST-1', 'us east 1', 'https://example.com'])('rejects %s', (region) => {
    expect(fieldOf(() => validateRegion(region))).toBe('region');
  });
});

describe('LIMITS', () => {
  it('documents the IVS model limits the validators enforce', () => {
    expect(LIMITS).toMatchObject({
      tagsMaxCount: 50,
      attributesMaxBytes: 1024,
      participantTokenMaxMinutes: 20160,
      chatSessionMaxMinutes: 180,
      messageLengthMax: 500,
      messageRateMax: 100,
    });
  });
});
