/**
 * The checks a chat request passes before it reaches the room: the token's capabilities and the
 * field limits (the room's message length, attribute size, reason and user id lengths). The rate
 * limit is the room's (see `rate-limiter.ts`).
 */
import type { ChatTokenGrant, RoomLimits } from '../hub';
import { codePointLength, IVS_LIMITS } from 'aws-ivs-realtime/protocol';
import { attributesByteSize, CHAT_ID_PATTERN, errorFrame, type ClientRequest, type ErrorFrame } from './frames';

/** Maximum total size (UTF-8 bytes of keys and values) of a message's `Attributes`. */
export const MAX_MESSAGE_ATTRIBUTES_BYTES = 1024;
/** DeleteMessage / DisconnectUser `Reason`: 1–256 characters (model constraint of the control-plane twins). */
export const MAX_REASON_LENGTH = IVS_LIMITS.chatReasonMaxLength;
/** Chat `userId`: 1–128 characters. */
export const MAX_USER_ID_LENGTH = IVS_LIMITS.chatUserIdMaxLength;

function badReason(reason: string | undefined): boolean {
  return reason !== undefined && (reason.length === 0 || reason.length > MAX_REASON_LENGTH);
}

/** The ERROR frame refusing `request`, or `undefined` when it may proceed. */
export function refusal(request: ClientRequest, grant: ChatTokenGrant, limits: RoomLimits): ErrorFrame | undefined {
  const { requestId } = request;
  if (!grant.capabilities.includes(request.action)) {
    return errorFrame(403, `The chat token does not grant the ${request.action} capability.`, requestId);
  }
  switch (request.action) {
    case 'SEND_MESSAGE': {
      if (request.content.length === 0) return errorFrame(400, 'Content must not be empty.', requestId);
      const length = codePointLength(request.content);
      if (length > limits.maximumMessageLength) {
        // The documented sample error for an over-long message uses ErrorCode 400.
        return errorFrame(400, `Messages must be at most ${limits.maximumMessageLength} characters (this one has ${length}).`, requestId);
      }
      if (request.attributes && attributesByteSize(request.attributes) > MAX_MESSAGE_ATTRIBUTES_BYTES) {
        return errorFrame(413, `Message attributes must total at most ${MAX_MESSAGE_ATTRIBUTES_BYTES} bytes.`, requestId);
      }
      return undefined;
    }
    case 'DELETE_MESSAGE':
      if (!CHAT_ID_PATTERN.test(request.id)) return errorFrame(400, 'Id must be the 12-character Id of a received message.', requestId);
      if (badReason(request.reason)) return errorFrame(400, `Reason must be 1-${MAX_REASON_LENGTH} characters.`, requestId);
      return undefined;
    case 'DISCONNECT_USER':
      if (request.userId.length === 0 || request.userId.length > MAX_USER_ID_LENGTH) {
        return errorFrame(400, `UserId must be 1-${MAX_USER_ID_LENGTH} characters.`, requestId);
      }
      if (badReason(request.reason)) return errorFrame(400, `Reason must be 1-${MAX_REASON_LENGTH} characters.`, requestId);
      return undefined;
  }
}
