/**
 * Limits of the IVS Real-Time and IVS Chat APIs that the control-plane validators enforce
 * (IVS model constraints), and the capability names. Kept apart from the validators so that the
 * main entry can export them without loading the validators with the page.
 */
import { IVS_LIMITS } from '../core/ivs-limits';
import type { ChatCapability, ParticipantCapability } from './types';

/** Limits enforced by the validators (IVS model constraints; see core/ivs-limits.ts). */
export const LIMITS = IVS_LIMITS;

/** Real-Time participant token capabilities. */
export const PARTICIPANT_CAPABILITIES: readonly ParticipantCapability[] = Object.freeze(['PUBLISH', 'SUBSCRIBE']);
/** Chat token capabilities. */
export const CHAT_CAPABILITIES: readonly ChatCapability[] = Object.freeze(['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER']);
