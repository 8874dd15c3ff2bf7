/**
 * Limits of the IVS Real-Time and IVS Chat APIs that the control-plane validators enforce
 * (IVS model constraints), and the capability names. Kept apart from the validators so that the
 * main entry can export them without loading the validators with the page.
 */
import type { ChatCapability, ParticipantCapability } from './types';

/** Limits enforced by the validators (IVS model constraints). */
export const LIMITS = Object.freeze({
  nameMaxLength: 128,
  arnMaxLength: 128,
  tagsMaxCount: 50,
  tagKeyMaxLength: 128,
  tagValueMaxLength: 256,
  attributesMaxBytes: 1024,
  participantUserIdMaxLength: 128,
  participantIdMaxLength: 64,
  participantTokenMinMinutes: 1,
  participantTokenMaxMinutes: 20_160,
  disconnectReasonMaxLength: 128,
  chatUserIdMaxLength: 128,
  chatSessionMinMinutes: 1,
  chatSessionMaxMinutes: 180,
  messageLengthMin: 1,
  messageLengthMax: 500,
  messageRateMin: 1,
  messageRateMax: 100,
});

/** Real-Time participant token capabilities. */
export const PARTICIPANT_CAPABILITIES: readonly ParticipantCapability[] = Object.freeze(['PUBLISH', 'SUBSCRIBE']);
/** Chat token capabilities. */
export const CHAT_CAPABILITIES: readonly ChatCapability[] = Object.freeze(['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER']);
