import { describe, expect, it } from 'vitest';
import {
  REST_ROUTES,
  RestShapeError,
  chatTokenFromJson,
  chatTokenToJson,
  participantTokenFromJson,
  participantTokenToJson,
  restPath,
  stageDetailsFromJson,
  stageToJson,
} from '../../../src/control-plane/rest-contract';

const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh';

describe('REST contract', () => {
  it('puts the whole ARN in one percent-encoded path segment', () => {
    expect(restPath('mintParticipantToken', STAGE)).toBe('/stages/arn%3Aaws%3Aivs%3Aus-east-1%3A123456789012%3Astage%2FabcdABCDefgh/participant-tokens');
    expect(restPath('listStages')).toBe('/stages');
  });

  it('has one distinct method + path shape per operation', () => {
    const shapes = Object.values(REST_ROUTES).map((r) => `${r.method} ${r.segments.join('/')}`);
    expect(new Set(shapes).size).toBe(shapes.length);
    expect(Object.keys(REST_ROUTES)).toHaveLength(9);
  });

  it('round-trips a participant token with the date as an ISO string', () => {
    const token = { token: 't', participantId: 'p', expirationTime: new Date('2030-01-01T00:00:00.000Z'), userId: undefined, capabilities: ['SUBSCRIBE' as const] };
    const json = participantTokenToJson(token);
    expect(JSON.parse(JSON.stringify(json))).toEqual({ token: 't', participantId: 'p', expirationTime: '2030-01-01T00:00:00.000Z', capabilities: ['SUBSCRIBE'] });
    expect(participantTokenFromJson(JSON.parse(JSON.stringify(json)))).toEqual(token);
  });

  it('round-trips a chat token and a stage', () => {
    const chat = { token: 'c', tokenExpirationTime: new Date(1_000), sessionExpirationTime: new Date(2_000) };
    expect(chatTokenFromJson(JSON.parse(JSON.stringify(chatTokenToJson(chat))))).toEqual(chat);
    const stage = { arn: STAGE, id: 'abcdABCDefgh', name: 'n', activeSessionId: 'st-a1b2c3d4e5f6g', tags: { a: 'b' }, endpoints: { whip: 'https://w' } };
    expect(stageDetailsFromJson(JSON.parse(JSON.stringify(stageToJson(stage))))).toEqual(stage);
  });

  it.each([
    ['a missing token', { participantId: 'p', expirationTime: '2030-01-01T00:00:00Z', capabilities: [] }],
    ['an unparseable date', { token: 't', participantId: 'p', expirationTime: 'soon', capabilities: [] }],
    ['an unknown capability', { token: 't', participantId: 'p', expirationTime: '2030-01-01T00:00:00Z', capabilities: ['ADMIN'] }],
    ['not an object', 'token'],
  ])('refuses a participant token with %s', (_, value) => {
    expect(() => participantTokenFromJson(value)).toThrow(RestShapeError);
  });
});
