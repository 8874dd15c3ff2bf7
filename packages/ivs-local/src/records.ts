/**
 * The records ivs-local's state is made of (stages, sessions, participants, rooms) and the data
 * file's document that holds them.
 */
import type { SigningKeyJwk } from './participant-tokens';
import type { PublicKeyRecord } from './public-keys';

/** Participant events recorded per session (the subset ivs-local can observe). */
export type ParticipantEventName = 'JOINED' | 'LEFT' | 'PUBLISH_STARTED' | 'PUBLISH_STOPPED' | 'TOKEN_EXCHANGED';

/** The `ExchangedParticipantToken` shape of a TOKEN_EXCHANGED event. */
export interface ExchangedTokenRecord {
  capabilities: Array<'PUBLISH' | 'SUBSCRIBE'>;
  attributes: Record<string, string>;
  userId: string;
  expirationTime: string;
}

export interface ParticipantEventRecord {
  name: ParticipantEventName;
  participantId: string;
  eventTime: string;
  /** TOKEN_EXCHANGED only. */
  previousToken?: ExchangedTokenRecord;
  newToken?: ExchangedTokenRecord;
}

export interface ParticipantRecord {
  participantId: string;
  userId: string;
  attributes: Record<string, string>;
  state: 'CONNECTED' | 'DISCONNECTED';
  firstJoinTime: string;
  /** Whether the participant ever published in this session (IVS semantics). */
  published: boolean;
  /** Whether it is publishing right now. */
  publishing: boolean;
  disconnectionReason?: string;
}

export interface StageSessionRecord {
  sessionId: string;
  startTime: string;
  endTime?: string;
  participants: ParticipantRecord[];
  events: ParticipantEventRecord[];
}

export interface StageRecord {
  /** Creation order; pagination cursors are built on it. */
  seq: number;
  id: string;
  arn: string;
  name: string;
  tags: Record<string, string>;
  autoParticipantRecordingConfiguration: Record<string, unknown>;
  createTime: string;
  activeSessionId?: string;
  /** Oldest first. */
  sessions: StageSessionRecord[];
}

export interface MessageReviewHandlerRecord {
  uri?: string;
  fallbackResult?: 'ALLOW' | 'DENY';
}

export interface RoomRecord {
  seq: number;
  id: string;
  arn: string;
  name: string;
  createTime: string;
  updateTime: string;
  maximumMessageRatePerSecond: number;
  maximumMessageLength: number;
  messageReviewHandler?: MessageReviewHandlerRecord;
  tags: Record<string, string>;
  loggingConfigurationIdentifiers: string[];
}

/** The data file's content. */
export interface PersistedState {
  format: 'ivs-local-data';
  version: 1;
  region: string;
  accountId: string;
  seq: number;
  signingKey: SigningKeyJwk;
  stages: StageRecord[];
  rooms: RoomRecord[];
  /** Imported public keys (absent in files written before public keys were emulated). */
  publicKeys?: PublicKeyRecord[];
}
