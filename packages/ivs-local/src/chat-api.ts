/**
 * IVS Chat control-plane operations (service `ivschat`, as the IVS Chat API reference documents them): rooms, chat tokens and
 * the messaging operations, which reach connected clients through the hub's events.
 */
import { IVS_CHAT_ROOM_DEFAULTS, IVS_LIMITS } from 'aws-ivs-realtime/protocol';
import { AwsServiceError } from './aws-error';
import type { LocalChatCapability } from './hub';
import { randomId } from './ids';
import type { OperationContext, OperationHandler } from './operations';
import { paginate, seqKey } from './pagination';
import { assertNoAwsTagKeys } from './realtime-api';
import type { MessageReviewHandlerRecord, RoomRecord } from './state';
import { ATTRIBUTES_RULE, NAME_RULE, ROOM_ARN_RULE, TAGS_RULE, type Fields, type StringRule, type RequiredStringRule } from './validate';

const CHAT_CAPABILITIES: readonly LocalChatCapability[] = ['SEND_MESSAGE', 'DISCONNECT_USER', 'DELETE_MESSAGE'];
const FALLBACK_RESULTS = ['ALLOW', 'DENY'] as const;

const { maximumMessageRatePerSecond: DEFAULT_RATE, maximumMessageLength: DEFAULT_LENGTH } = IVS_CHAT_ROOM_DEFAULTS;
const RATE_RULE = { min: IVS_LIMITS.messageRateMin, max: IVS_LIMITS.messageRateMax };
const LENGTH_RULE = { min: IVS_LIMITS.messageLengthMin, max: IVS_LIMITS.messageLengthMax };
const DEFAULT_SESSION_MINUTES = 60;

const LOGGING_ARN_RULE: StringRule = {
  min: 1,
  max: 128,
  pattern: /^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:logging-configuration\/[a-zA-Z0-9-]+$/,
  patternText: 'arn:aws:ivschat:[a-z0-9-]+:[0-9]+:logging-configuration/[a-zA-Z0-9-]+',
};
const HANDLER_URI_RULE: StringRule = {
  min: 0,
  max: 170,
  pattern: /^$|^arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:.+$/,
  patternText: '$|^arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:.+.*',
};
const MESSAGE_ID_RULE: RequiredStringRule = { required: true, min: 12, max: 12, pattern: /^[a-zA-Z0-9]+$/, patternText: '[a-zA-Z0-9]+' };
const REASON_RULE: StringRule = { min: 1, max: IVS_LIMITS.chatReasonMaxLength };
const USER_ID_RULE: RequiredStringRule = { required: true, min: 1, max: IVS_LIMITS.chatUserIdMaxLength };

function readHandler(f: Fields | undefined): MessageReviewHandlerRecord | undefined {
  if (!f) return undefined;
  const uri = f.string('uri', HANDLER_URI_RULE);
  const fallbackResult = f.enumValue('fallbackResult', FALLBACK_RESULTS);
  return { ...(uri !== undefined ? { uri } : {}), fallbackResult: fallbackResult ?? 'ALLOW' };
}

function roomOutput(room: RoomRecord): Record<string, unknown> {
  return {
    arn: room.arn,
    id: room.id,
    name: room.name,
    createTime: room.createTime,
    updateTime: room.updateTime,
    maximumMessageRatePerSecond: room.maximumMessageRatePerSecond,
    maximumMessageLength: room.maximumMessageLength,
    ...(room.messageReviewHandler ? { messageReviewHandler: { ...room.messageReviewHandler } } : {}),
    tags: { ...room.tags },
    loggingConfigurationIdentifiers: [...room.loggingConfigurationIdentifiers],
  };
}

function requireRoom(ctx: OperationContext, arn: string): RoomRecord {
  const room = ctx.state.rooms.get(arn);
  if (!room) {
    const id = arn.split('/').pop() ?? arn;
    throw AwsServiceError.notFound('ROOM', id, `Room not found: ${arn}. Create it with CreateRoom, or check the ARN (region and account must match this ivs-local).`);
  }
  return room;
}

/** Sorted newest `updateTime` first (the documented ListRooms order). */
function roomOrderKey(room: RoomRecord): string {
  return `${room.updateTime}|${seqKey(room.seq)}`;
}

export const chatOperations: Record<string, OperationHandler> = {
  CreateRoom(ctx) {
    const f = ctx.input;
    const name = f.string('name', NAME_RULE) ?? '';
    const maximumMessageRatePerSecond = f.integer('maximumMessageRatePerSecond', RATE_RULE) ?? DEFAULT_RATE;
    const maximumMessageLength = f.integer('maximumMessageLength', LENGTH_RULE) ?? DEFAULT_LENGTH;
    const handler = readHandler(f.object('messageReviewHandler'));
    const tags = f.stringMap('tags', TAGS_RULE) ?? {};
    assertNoAwsTagKeys(tags);
    const logging = f.stringList('loggingConfigurationIdentifiers', { max: 3, item: LOGGING_ARN_RULE }) ?? [];
    const id = randomId(12);
    const now = ctx.now.toISOString();
    const room: RoomRecord = {
      seq: ctx.state.nextSeq(),
      id,
      arn: ctx.state.roomArn(id),
      name,
      createTime: now,
      updateTime: now,
      maximumMessageRatePerSecond,
      maximumMessageLength,
      ...(handler && handler.uri ? { messageReviewHandler: handler } : {}),
      tags,
      loggingConfigurationIdentifiers: logging,
    };
    ctx.state.rooms.set(room.arn, room);
    ctx.state.changed();
    return { body: roomOutput(room) };
  },

  GetRoom(ctx) {
    const arn = ctx.input.string('identifier', ROOM_ARN_RULE);
    return { body: roomOutput(requireRoom(ctx, arn)) };
  },

  UpdateRoom(ctx) {
    const f = ctx.input;
    const arn = f.string('identifier', ROOM_ARN_RULE);
    const name = f.string('name', NAME_RULE);
    const rate = f.integer('maximumMessageRatePerSecond', RATE_RULE);
    const length = f.integer('maximumMessageLength', LENGTH_RULE);
    const handler = readHandler(f.object('messageReviewHandler'));
    const logging = f.stringList('loggingConfigurationIdentifiers', { max: 3, item: LOGGING_ARN_RULE });
    const room = requireRoom(ctx, arn);
    if (name !== undefined) room.name = name;
    if (rate !== undefined) room.maximumMessageRatePerSecond = rate;
    if (length !== undefined) room.maximumMessageLength = length;
    if (handler) {
      // An empty uri detaches the handler.
      if (handler.uri) room.messageReviewHandler = handler;
      else delete room.messageReviewHandler;
    }
    if (logging) room.loggingConfigurationIdentifiers = logging;
    room.updateTime = new Date(Math.max(ctx.now.getTime(), Date.parse(room.updateTime) + 1)).toISOString();
    ctx.state.changed();
    ctx.state.events.raise('roomUpdated', {
      roomArn: room.arn,
      limits: { maximumMessageLength: room.maximumMessageLength, maximumMessageRatePerSecond: room.maximumMessageRatePerSecond },
    });
    return { body: roomOutput(room) };
  },

  DeleteRoom(ctx) {
    const arn = ctx.input.string('identifier', ROOM_ARN_RULE);
    requireRoom(ctx, arn);
    ctx.state.rooms.delete(arn);
    ctx.state.dropChatGrants(arn);
    ctx.state.changed();
    ctx.state.events.raise('roomDeleted', { roomArn: arn });
    return { status: 204 };
  },

  ListRooms(ctx) {
    const f = ctx.input;
    const name = f.string('name', NAME_RULE);
    const nextToken = f.string('nextToken', { min: 0, max: 1024 });
    const maxResults = f.integer('maxResults', { min: 1, max: 50 }) ?? 50;
    const handlerUri = f.string('messageReviewHandlerUri', HANDLER_URI_RULE);
    const logging = f.string('loggingConfigurationIdentifier', LOGGING_ARN_RULE);
    const rooms = [...ctx.state.rooms.values()]
      .filter((r) => name === undefined || r.name === name)
      .filter((r) => handlerUri === undefined || (r.messageReviewHandler?.uri ?? '') === handlerUri)
      .filter((r) => logging === undefined || r.loggingConfigurationIdentifiers.includes(logging))
      .sort((a, b) => (roomOrderKey(a) < roomOrderKey(b) ? 1 : -1));
    const page = paginate(rooms, { keyOf: roomOrderKey, scope: 'ListRooms', nextToken, maxResults, descending: true });
    return {
      body: {
        rooms: page.items.map((room) => {
          const { maximumMessageLength: _l, maximumMessageRatePerSecond: _r, ...summary } = roomOutput(room);
          return summary;
        }),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      },
    };
  },

  CreateChatToken(ctx) {
    const f = ctx.input;
    const roomArn = f.string('roomIdentifier', ROOM_ARN_RULE);
    const userId = f.string('userId', USER_ID_RULE);
    const capabilities = f.enumList('capabilities', CHAT_CAPABILITIES) ?? [];
    const minutes = f.integer('sessionDurationInMinutes', { min: IVS_LIMITS.chatSessionMinMinutes, max: IVS_LIMITS.chatSessionMaxMinutes }) ?? DEFAULT_SESSION_MINUTES;
    const attributes = f.stringMap('attributes', ATTRIBUTES_RULE) ?? {};
    const room = requireRoom(ctx, roomArn);
    const sessionExpiresAt = new Date(ctx.now.getTime() + minutes * 60_000);
    // The token may be used to connect until the session ends (one use only). A shorter
    // tokenExpirationTime would make the chat SDK reconnect every ~30 s.
    const grant = ctx.state.issueChatToken(
      {
        roomArn: room.arn,
        roomId: room.id,
        userId,
        attributes,
        capabilities,
        tokenExpiresAt: sessionExpiresAt,
        sessionExpiresAt,
      },
      ctx.now,
    );
    return {
      body: {
        token: grant.token,
        tokenExpirationTime: grant.tokenExpiresAt.toISOString(),
        sessionExpirationTime: grant.sessionExpiresAt.toISOString(),
      },
    };
  },

  SendEvent(ctx) {
    const f = ctx.input;
    const roomArn = f.string('roomIdentifier', ROOM_ARN_RULE);
    const eventName = f.string('eventName', { required: true, min: 1, max: 100 });
    const attributes = f.stringMap('attributes', ATTRIBUTES_RULE) ?? {};
    requireRoom(ctx, roomArn);
    const id = randomId(12);
    ctx.state.events.raise('chatSendEvent', { id, roomArn, eventName, attributes });
    return { body: { id } };
  },

  DeleteMessage(ctx) {
    const f = ctx.input;
    const roomArn = f.string('roomIdentifier', ROOM_ARN_RULE);
    const messageId = f.string('id', MESSAGE_ID_RULE);
    const reason = f.string('reason', REASON_RULE);
    requireRoom(ctx, roomArn);
    const id = randomId(12);
    ctx.state.events.raise('chatDeleteMessage', { id, roomArn, messageId, reason });
    return { body: { id } };
  },

  DisconnectUser(ctx) {
    const f = ctx.input;
    const roomArn = f.string('roomIdentifier', ROOM_ARN_RULE);
    const userId = f.string('userId', USER_ID_RULE);
    const reason = f.string('reason', REASON_RULE);
    requireRoom(ctx, roomArn);
    ctx.state.events.raise('chatDisconnectUser', { roomArn, userId, reason });
    return { body: {} };
  },
};

/** Chat operations that exist in the AWS API but are not emulated (logging configurations). */
export const CHAT_UNSUPPORTED = new Set([
  'CreateLoggingConfiguration',
  'DeleteLoggingConfiguration',
  'GetLoggingConfiguration',
  'ListLoggingConfigurations',
  'UpdateLoggingConfiguration',
]);
