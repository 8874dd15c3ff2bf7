/**
 * The seam between ivs-local's pieces. The control-plane module owns the state (stages, rooms,
 * tokens, participants) and implements {@link LocalHub}; the chat socket and the stage media server
 * consume it, and the HTTP server routes requests and upgrades to the {@link LocalModule}s.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { TypedEmitter } from 'aws-ivs-realtime/protocol';
import { IvsLocalError } from './errors';

export type LocalChatCapability = 'SEND_MESSAGE' | 'DELETE_MESSAGE' | 'DISCONNECT_USER';

/** What a chat token grants (chat tokens are opaque strings; this is the server-side record). */
export interface ChatTokenGrant {
  token: string;
  roomArn: string;
  roomId: string;
  userId: string;
  attributes: Record<string, string>;
  capabilities: LocalChatCapability[];
  /** After this instant the token can no longer be used to connect. */
  tokenExpiresAt: Date;
  /** After this instant an open connection is ended (ERROR 401, then close). */
  sessionExpiresAt: Date;
}

export interface RoomLimits {
  maximumMessageLength: number;
  maximumMessageRatePerSecond: number;
}

/** What a verified participant token grants. */
export interface ParticipantGrant {
  token: string;
  participantId: string;
  stageArn: string;
  stageId: string;
  userId: string;
  attributes: Record<string, string>;
  capabilities: { publish: boolean; subscribe: boolean };
  expiresAt: Date;
}

export type ParticipantTokenRejection = 'malformed' | 'forged' | 'expired' | 'stage-not-found';

export class ParticipantTokenRejectedError extends IvsLocalError {
  override name = 'ParticipantTokenRejectedError';
  readonly reason: ParticipantTokenRejection;

  constructor(reason: ParticipantTokenRejection, message: string) {
    super('participant-token-rejected', message);
    this.reason = reason;
  }
}

/** Participant state changes reported by the stage media server (feeds ListParticipants etc.). */
export type ParticipantStateUpdate =
  | { kind: 'joined'; grant: ParticipantGrant }
  | { kind: 'published'; stageArn: string; participantId: string; published: boolean }
  /** A live participant exchanged its token: `grant` is the new one (same participant and stage). */
  | { kind: 'tokenExchanged'; previous: ParticipantGrant; grant: ParticipantGrant }
  | { kind: 'left'; stageArn: string; participantId: string; reason: 'user' | 'kicked' | 'stage-deleted' | 'token-reused' | 'token-expired' | 'error' };

/** Events the control plane raises for the data-plane modules. */
export interface LocalHubEvents {
  [event: string]: object | undefined;
  roomUpdated: { roomArn: string; limits: RoomLimits };
  roomDeleted: { roomArn: string };
  /** `id` is the event id SendEvent returned (use it as the EVENT frame's `Id`). */
  chatSendEvent: { id: string; roomArn: string; eventName: string; attributes: Record<string, string> };
  /** `id` is the operation id DeleteMessage returned (use it as the EVENT frame's `Id`). */
  chatDeleteMessage: { id: string; roomArn: string; messageId: string; reason: string | undefined };
  chatDisconnectUser: { roomArn: string; userId: string; reason: string | undefined };
  stageDeleted: { stageArn: string };
  participantDisconnect: { stageArn: string; participantId: string; reason: string | undefined };
}

export class LocalHubEmitter extends TypedEmitter<LocalHubEvents> {
  /** Raises an event to the data-plane modules. */
  raise<K extends keyof LocalHubEvents>(event: K, payload: LocalHubEvents[K]): void {
    this.emit(event, payload);
  }
}

/** What the data-plane modules may ask of the control-plane state. */
export interface LocalHub {
  readonly events: LocalHubEmitter;
  /**
   * Consumes a chat token: returns its grant and marks it used (tokens are one-time), or
   * `undefined` if it is unknown, already used, or past `tokenExpiresAt`.
   */
  takeChatToken(token: string, now?: Date): ChatTokenGrant | undefined;
  /** The room's current limits, or `undefined` if the room does not exist. */
  getRoomLimits(roomArn: string): RoomLimits | undefined;
  /** Verifies a participant token's signature, expiry and stage; throws {@link ParticipantTokenRejectedError}. */
  verifyParticipantToken(token: string, now?: Date): Promise<ParticipantGrant>;
  /** Records a participant state change (drives ListParticipants, GetParticipant, activeSessionId, stage sessions). */
  updateParticipant(update: ParticipantStateUpdate): void;
}

/** A piece of ivs-local mounted on the shared HTTP server. */
export interface LocalModule {
  /** Handles a plain HTTP request; returns false if the path is not this module's. */
  handleRequest?(req: IncomingMessage, res: ServerResponse, url: URL): boolean | Promise<boolean>;
  /** Handles a WebSocket upgrade; returns false if the path is not this module's. */
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean;
  close?(): Promise<void>;
}

/** What a module factory receives when ivs-local starts (after the server listens). */
export interface LocalModuleContext {
  hub: LocalHub;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `ws://127.0.0.1:PORT` */
  wsUrl: string;
  region: string;
  accountId: string;
}

/** Creates a {@link LocalModule}; listed in `default-modules.ts` or passed to `startLocalIvs({ modules })`. */
export type LocalModuleFactory = (context: LocalModuleContext) => LocalModule | Promise<LocalModule>;
