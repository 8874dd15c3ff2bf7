import {
  CreateChatTokenCommand,
  CreateLoggingConfigurationCommand,
  CreateRoomCommand,
  DeleteMessageCommand,
  DeleteRoomCommand,
  DisconnectUserCommand,
  GetRoomCommand,
  ListRoomsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  SendEventCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateRoomCommand,
  ValidationException,
  paginateListRooms,
} from '@aws-sdk/client-ivschat';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LocalHubEvents } from '../../../packages/ivs-local/src/hub';
import { rejection, startEmulator, stopEmulator, type Emulator } from './helpers';
import { errorType, sendRaw, signRequest } from './raw-http';

let e: Emulator;
beforeAll(async () => {
  e = await startEmulator();
});
afterAll(async () => {
  await stopEmulator(e);
});

async function newRoom(input: ConstructorParameters<typeof CreateRoomCommand>[0] = {}) {
  const { $metadata: _m, ...room } = await e.chat.send(new CreateRoomCommand(input));
  return room;
}

/** Collects hub events of one kind while `fn` runs. */
async function capture<K extends keyof LocalHubEvents>(event: K, fn: () => Promise<unknown>): Promise<LocalHubEvents[K][]> {
  const seen: LocalHubEvents[K][] = [];
  const off = e.ivs.hub.events.on(event, (payload) => seen.push(payload));
  try {
    await fn();
  } finally {
    off();
  }
  return seen;
}

describe('rooms', () => {
  test('CreateRoom applies the documented defaults (10 msg/s, 500 code points) and echoes the room', async () => {
    const room = await newRoom({ name: 'lobby', tags: { env: 'dev' } });
    expect(room.arn).toMatch(/^arn:aws:ivschat:us-east-1:123456789012:room\/[a-zA-Z0-9]{12}$/);
    expect(room.id).toBe(room.arn!.split('/').pop());
    expect(room).toMatchObject({ name: 'lobby', maximumMessageRatePerSecond: 10, maximumMessageLength: 500, tags: { env: 'dev' } });
    expect(room.createTime).toBeInstanceOf(Date);
    expect(room.loggingConfigurationIdentifiers).toEqual([]);
    expect(e.ivs.hub.getRoomLimits(room.arn!)).toEqual({ maximumMessageLength: 500, maximumMessageRatePerSecond: 10 });
  });

  test.each([
    ['maximumMessageRatePerSecond', { maximumMessageRatePerSecond: 101 }],
    ['maximumMessageLength', { maximumMessageLength: 0 }],
    ['name', { name: 'bad name!' }],
    ['messageReviewHandler.uri', { messageReviewHandler: { uri: 'https://example.invalid/handler' } }],
  ])('CreateRoom with an invalid %s is a ValidationException with reason FIELD_VALIDATION_FAILED and a fieldList', async (field, input) => {
    const error = await rejection(e.chat.send(new CreateRoomCommand(input)));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error['reason']).toBe('FIELD_VALIDATION_FAILED');
    expect((error['fieldList'] as { name: string }[])[0]!.name).toBe(field);
    expect(error.message).toContain(`at '${field}'`);
  });

  test('GetRoom of an unknown room is ResourceNotFoundException with resourceId and resourceType ROOM', async () => {
    const error = await rejection(e.chat.send(new GetRoomCommand({ identifier: 'arn:aws:ivschat:us-east-1:123456789012:room/abcdABCDefgh' })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error['resourceId']).toBe('abcdABCDefgh');
    expect(error['resourceType']).toBe('ROOM');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 404 });
  });

  test('UpdateRoom changes limits, bumps updateTime and raises roomUpdated with the new limits', async () => {
    const room = await newRoom({ name: 'update-me' });
    const events = await capture('roomUpdated', () =>
      e.chat.send(new UpdateRoomCommand({ identifier: room.arn, maximumMessageLength: 100, maximumMessageRatePerSecond: 3, name: 'renamed' })),
    );
    expect(events).toEqual([{ roomArn: room.arn, limits: { maximumMessageLength: 100, maximumMessageRatePerSecond: 3 } }]);
    const got = await e.chat.send(new GetRoomCommand({ identifier: room.arn }));
    expect(got).toMatchObject({ name: 'renamed', maximumMessageLength: 100, maximumMessageRatePerSecond: 3 });
    expect(got.updateTime!.getTime()).toBeGreaterThan(room.updateTime!.getTime());
    expect(e.ivs.hub.getRoomLimits(room.arn!)).toEqual({ maximumMessageLength: 100, maximumMessageRatePerSecond: 3 });
  });

  test('a message review handler can be attached and detached with an empty uri', async () => {
    const uri = 'arn:aws:lambda:us-east-1:123456789012:function:review';
    const room = await newRoom({ messageReviewHandler: { uri } });
    expect(room.messageReviewHandler).toEqual({ uri, fallbackResult: 'ALLOW' });
    const updated = await e.chat.send(new UpdateRoomCommand({ identifier: room.arn, messageReviewHandler: { uri: '' } }));
    expect(updated.messageReviewHandler).toBeUndefined();
  });

  test('DeleteRoom answers 204, raises roomDeleted, and the room is gone', async () => {
    const room = await newRoom();
    let status: number | undefined;
    const events = await capture('roomDeleted', async () => {
      const out = await e.chat.send(new DeleteRoomCommand({ identifier: room.arn }));
      status = out.$metadata.httpStatusCode;
    });
    expect(status).toBe(204);
    expect(events).toEqual([{ roomArn: room.arn }]);
    await expect(e.chat.send(new GetRoomCommand({ identifier: room.arn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(e.ivs.hub.getRoomLimits(room.arn!)).toBeUndefined();
  });

  test('ListRooms lists newest updateTime first, filters by name and paginates with paginateListRooms', async () => {
    const names = Array.from({ length: 5 }, (_, i) => `listed-${i}`);
    for (const name of names) await newRoom({ name });
    const seen: string[] = [];
    for await (const page of paginateListRooms({ client: e.chat, pageSize: 2 }, {})) {
      expect(page.rooms!.length).toBeLessThanOrEqual(2);
      seen.push(...page.rooms!.map((r) => r.name!));
    }
    const order = seen.filter((n) => names.includes(n));
    expect(order).toEqual([...names].reverse());
    const filtered = await e.chat.send(new ListRoomsCommand({ name: 'listed-3' }));
    expect(filtered.rooms!.map((r) => r.name)).toEqual(['listed-3']);
    await expect(e.chat.send(new ListRoomsCommand({ maxResults: 51 }))).rejects.toBeInstanceOf(ValidationException);
  });
});

describe('chat tokens', () => {
  test('CreateChatToken returns a subprotocol-safe token whose grant the hub hands out exactly once', async () => {
    const room = await newRoom();
    const before = Date.now();
    const out = await e.chat.send(
      new CreateChatTokenCommand({
        roomIdentifier: room.arn,
        userId: 'alice',
        capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE'],
        sessionDurationInMinutes: 30,
        attributes: { color: 'blue' },
      }),
    );
    expect(out.token).toMatch(/^[A-Za-z0-9._~-]+$/);
    expect(out.sessionExpirationTime!.getTime() - before).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    expect(out.tokenExpirationTime!.getTime()).toBeLessThanOrEqual(out.sessionExpirationTime!.getTime());
    const grant = e.ivs.hub.takeChatToken(out.token!);
    expect(grant).toMatchObject({
      roomArn: room.arn,
      roomId: room.id,
      userId: 'alice',
      attributes: { color: 'blue' },
      capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE'],
    });
    expect(e.ivs.hub.takeChatToken(out.token!)).toBeUndefined();
  });

  test('an expired chat token is refused; defaults are a 60-minute read-only session', async () => {
    const room = await newRoom();
    const out = await e.chat.send(new CreateChatTokenCommand({ roomIdentifier: room.arn, userId: 'viewer' }));
    expect(out.sessionExpirationTime!.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(e.ivs.hub.takeChatToken(out.token!, new Date(Date.now() + 61 * 60_000))).toBeUndefined();
    const again = await e.chat.send(new CreateChatTokenCommand({ roomIdentifier: room.arn, userId: 'viewer' }));
    expect(e.ivs.hub.takeChatToken(again.token!)!.capabilities).toEqual([]);
  });

  test('tokens of a deleted room are refused', async () => {
    const room = await newRoom();
    const out = await e.chat.send(new CreateChatTokenCommand({ roomIdentifier: room.arn, userId: 'u' }));
    await e.chat.send(new DeleteRoomCommand({ identifier: room.arn }));
    expect(e.ivs.hub.takeChatToken(out.token!)).toBeUndefined();
  });

  test.each([
    ['userId', { userId: '' }],
    ['sessionDurationInMinutes', { userId: 'u', sessionDurationInMinutes: 181 }],
    ['attributes', { userId: 'u', attributes: { a: 'b'.repeat(1024) } }],
  ])('CreateChatToken with an invalid %s is a ValidationException naming it', async (field, input) => {
    const room = await newRoom();
    const error = await rejection(e.chat.send(new CreateChatTokenCommand({ roomIdentifier: room.arn, ...input } as never)));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain(`at '${field}'`);
  });

  test('CreateChatToken for an unknown room is ResourceNotFoundException', async () => {
    await expect(
      e.chat.send(new CreateChatTokenCommand({ roomIdentifier: 'arn:aws:ivschat:us-east-1:123456789012:room/zzzzzzzzzzzz', userId: 'u' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('messaging operations', () => {
  test('SendEvent returns a 12-character id and raises chatSendEvent with the same id', async () => {
    const room = await newRoom();
    let id: string | undefined;
    const events = await capture('chatSendEvent', async () => {
      ({ id } = await e.chat.send(new SendEventCommand({ roomIdentifier: room.arn, eventName: 'app:poll', attributes: { q: '1' } })));
    });
    expect(id).toMatch(/^[a-zA-Z0-9]{12}$/);
    expect(events).toEqual([{ id, roomArn: room.arn, eventName: 'app:poll', attributes: { q: '1' } }]);
  });

  test('DeleteMessage returns an operation id and raises chatDeleteMessage; a malformed message id is ValidationException', async () => {
    const room = await newRoom();
    let id: string | undefined;
    const events = await capture('chatDeleteMessage', async () => {
      ({ id } = await e.chat.send(new DeleteMessageCommand({ roomIdentifier: room.arn, id: 'abcdefABCDEF', reason: 'spam' })));
    });
    expect(id).toMatch(/^[a-zA-Z0-9]{12}$/);
    expect(events).toEqual([{ id, roomArn: room.arn, messageId: 'abcdefABCDEF', reason: 'spam' }]);
    const error = await rejection(e.chat.send(new DeleteMessageCommand({ roomIdentifier: room.arn, id: 'short' })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain("at 'id'");
  });

  test('DisconnectUser raises chatDisconnectUser; on an unknown room it is ResourceNotFoundException', async () => {
    const room = await newRoom();
    const events = await capture('chatDisconnectUser', () =>
      e.chat.send(new DisconnectUserCommand({ roomIdentifier: room.arn, userId: 'troll', reason: 'rules' })),
    );
    expect(events).toEqual([{ roomArn: room.arn, userId: 'troll', reason: 'rules' }]);
    await expect(
      e.chat.send(new DisconnectUserCommand({ roomIdentifier: 'arn:aws:ivschat:us-east-1:123456789012:room/zzzzzzzzzzzz', userId: 'u' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test('SendEvent with an empty eventName is a ValidationException', async () => {
    const room = await newRoom();
    await expect(e.chat.send(new SendEventCommand({ roomIdentifier: room.arn, eventName: '' }))).rejects.toBeInstanceOf(ValidationException);
  });
});

describe('tags and unsupported operations', () => {
  test('TagResource / ListTagsForResource / UntagResource round-trip on a room (signed for ivschat)', async () => {
    const room = await newRoom({ tags: { a: '1' } });
    await e.chat.send(new TagResourceCommand({ resourceArn: room.arn, tags: { b: '2' } }));
    expect((await e.chat.send(new ListTagsForResourceCommand({ resourceArn: room.arn }))).tags).toEqual({ a: '1', b: '2' });
    await e.chat.send(new UntagResourceCommand({ resourceArn: room.arn, tagKeys: ['a'] }));
    expect((await e.chat.send(new ListTagsForResourceCommand({ resourceArn: room.arn }))).tags).toEqual({ b: '2' });
    await expect(
      e.chat.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:ivschat:us-east-1:123456789012:room/zzzzzzzzzzzz' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test('UntagResource without tagKeys is a ValidationException', async () => {
    const room = await newRoom();
    const req = await signRequest({
      baseUrl: e.ivs.url,
      method: 'DELETE',
      path: `/tags/${encodeURIComponent(room.arn!)}`,
      credentials: e.ivs.credentials,
      service: 'ivschat',
    });
    const res = await sendRaw(e.ivs.url, req);
    expect(res.status).toBe(400);
    expect(errorType(res)).toBe('ValidationException');
    expect(res.json!['message']).toContain("'tagKeys'");
  });

  test('logging configurations are answered with NotImplementedException (501)', async () => {
    const error = await rejection(e.chat.send(new CreateLoggingConfigurationCommand({ destinationConfiguration: { s3: { bucketName: 'logs' } } })));
    expect(error.name).toBe('NotImplementedException');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 501 });
  });
});
