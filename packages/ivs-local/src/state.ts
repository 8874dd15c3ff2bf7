/**
 * ivs-local's state: stages, stage sessions, participants, chat rooms, chat-token grants, the
 * participant-token signing key and the public keys imported for self-signed tokens. Implements {@link LocalHub} for the data-plane modules and is
 * snapshotted to the data file (see `persistence.ts`).
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import {
  LocalHubEmitter,
  ParticipantTokenRejectedError,
  type ChatTokenGrant,
  type LocalHub,
  type ParticipantGrant,
  type ParticipantStateUpdate,
  type RoomLimits,
} from './hub';
import { stageSessionId } from './ids';
import { TokenVerificationError, type ParticipantTokenSigner } from './participant-tokens';
import { parsePublicKeyMaterial, type PublicKeyRecord } from './public-keys';
import { verifyTokenClaims } from './token-verification';

import type {
  ExchangedTokenRecord,
  StageSessionRecord,
  StageRecord,
  RoomRecord,
  PersistedState,
} from './records';

export type {
  ParticipantEventName,
  ExchangedTokenRecord,
  ParticipantEventRecord,
  ParticipantRecord,
  StageSessionRecord,
  StageRecord,
  MessageReviewHandlerRecord,
  RoomRecord,
  PersistedState,
} from './records';

export interface LocalStateOptions {
  region: string;
  accountId: string;
  signer: ParticipantTokenSigner;
  /** Called after every change that should reach the data file. */
  onChange?: () => void;
  /** How long a stage session outlives its last participant, in ms (see `StartLocalIvsOptions`). Default 0. */
  stageSessionLingerMs?: number;
  /** Log stack traces of listener failures. Default false. */
  debug?: boolean;
}

/** Unused chat-token grants are swept once the map grows past this size. */
const GRANT_SWEEP_THRESHOLD = 1024;

export class LocalIvsState implements LocalHub {
  readonly events = new LocalHubEmitter((error, event) => {
    console.error(`[ivs-local] a "${event}" hub listener threw:`, this.#debug ? error : `${(error as Error)?.message ?? String(error)} (start with --debug for the stack trace)`);
  });
  readonly region: string;
  readonly accountId: string;
  readonly signer: ParticipantTokenSigner;
  readonly stages = new Map<string, StageRecord>();
  readonly rooms = new Map<string, RoomRecord>();
  /** Imported public keys by ARN. Change only through {@link addPublicKey} / {@link deletePublicKey}. */
  readonly publicKeys = new Map<string, PublicKeyRecord>();
  readonly #publicKeyObjects = new Map<string, KeyObject>();
  readonly #chatGrants = new Map<string, ChatTokenGrant>();
  #seq = 0;
  #onChange: (() => void) | undefined;
  readonly #lingerMs: number;
  readonly #debug: boolean;
  /** Timers ending sessions whose last participant left, by stage ARN. */
  readonly #lingering = new Map<string, ReturnType<typeof setTimeout>>();
  /** Base URLs of the running server (set once it listens). */
  url = 'http://127.0.0.1';
  wsUrl = 'ws://127.0.0.1';

  constructor(options: LocalStateOptions) {
    this.region = options.region;
    this.accountId = options.accountId;
    this.signer = options.signer;
    this.#onChange = options.onChange;
    this.#lingerMs = options.stageSessionLingerMs ?? 0;
    this.#debug = options.debug ?? false;
  }

  nextSeq(): number {
    return ++this.#seq;
  }

  /** Marks the state as changed (schedules a data-file write). */
  changed(): void {
    this.#onChange?.();
  }

  stageArn(id: string): string {
    return `arn:aws:ivs:${this.region}:${this.accountId}:stage/${id}`;
  }

  publicKeyArn(id: string): string {
    return `arn:aws:ivs:${this.region}:${this.accountId}:public-key/${id}`;
  }

  roomArn(id: string): string {
    return `arn:aws:ivschat:${this.region}:${this.accountId}:room/${id}`;
  }

  /** The stage's local media endpoints (also the token's `whip_url` / `events_url`). */
  stageEndpoints(stageId: string): { events: string; whip: string } {
    return { events: `${this.wsUrl}/stage/${stageId}/events`, whip: `${this.url}/stage/${stageId}/whip` };
  }

  // ----- chat tokens -------------------------------------------------------------------------

  /** Issues an opaque, subprotocol-safe chat token and records its grant. */
  issueChatToken(grant: Omit<ChatTokenGrant, 'token'>, now = new Date()): ChatTokenGrant {
    if (this.#chatGrants.size >= GRANT_SWEEP_THRESHOLD) this.#sweepGrants(now);
    // base64url: only RFC 7230 tchar characters, so it is a valid WebSocket subprotocol.
    const token = `ivslocal.${randomBytes(32).toString('base64url')}`;
    const full: ChatTokenGrant = { ...grant, token };
    this.#chatGrants.set(token, full);
    return full;
  }

  #sweepGrants(now: Date): void {
    for (const [token, grant] of this.#chatGrants) {
      if (grant.tokenExpiresAt.getTime() <= now.getTime()) this.#chatGrants.delete(token);
    }
  }

  takeChatToken(token: string, now: Date = new Date()): ChatTokenGrant | undefined {
    const grant = this.#chatGrants.get(token);
    if (!grant) return undefined;
    this.#chatGrants.delete(token);
    if (grant.tokenExpiresAt.getTime() <= now.getTime()) return undefined;
    if (!this.rooms.has(grant.roomArn)) return undefined;
    return grant;
  }

  /** Forgets the unused grants of a deleted room. */
  dropChatGrants(roomArn: string): void {
    for (const [token, grant] of this.#chatGrants) if (grant.roomArn === roomArn) this.#chatGrants.delete(token);
  }

  getRoomLimits(roomArn: string): RoomLimits | undefined {
    const room = this.rooms.get(roomArn);
    return room
      ? { maximumMessageLength: room.maximumMessageLength, maximumMessageRatePerSecond: room.maximumMessageRatePerSecond }
      : undefined;
  }

  // ----- participant tokens and participants ------------------------------------------------

  // ----- public keys (self-signed participant tokens) -----------------------------------------

  /** Records an imported key whose material {@link parsePublicKeyMaterial} accepted. */
  addPublicKey(record: PublicKeyRecord, key: KeyObject): void {
    this.publicKeys.set(record.arn, record);
    this.#publicKeyObjects.set(record.arn, key);
  }

  /** Forgets a key: tokens it signed can no longer join or be exchanged. */
  deletePublicKey(arn: string): void {
    this.publicKeys.delete(arn);
    this.#publicKeyObjects.delete(arn);
  }

  async verifyParticipantToken(token: string, now: Date = new Date()): Promise<ParticipantGrant> {
    let claims;
    try {
      claims = await verifyTokenClaims(token, now, this.signer, this.#publicKeyObjects);
    } catch (error) {
      if (error instanceof TokenVerificationError) throw new ParticipantTokenRejectedError(error.reason, error.message);
      throw new ParticipantTokenRejectedError('malformed', 'The participant token could not be verified.');
    }
    if (!this.stages.has(claims.stageArn)) {
      throw new ParticipantTokenRejectedError('stage-not-found', `The stage ${claims.stageArn} does not exist (it was deleted).`);
    }
    return {
      token,
      participantId: claims.participantId,
      stageArn: claims.stageArn,
      stageId: claims.stageId,
      userId: claims.userId,
      attributes: claims.attributes,
      capabilities: { publish: claims.publish, subscribe: claims.subscribe },
      expiresAt: claims.expiresAt,
    };
  }

  updateParticipant(update: ParticipantStateUpdate): void {
    const now = new Date().toISOString();
    if (update.kind === 'joined') {
      const stage = this.stages.get(update.grant.stageArn);
      if (!stage) return;
      let session = this.activeSession(stage);
      // Someone joined while the session was lingering: it goes on.
      this.#stopLingering(stage.arn);
      if (!session) {
        session = { sessionId: stageSessionId(), startTime: now, participants: [], events: [] };
        stage.sessions.push(session);
        stage.activeSessionId = session.sessionId;
      }
      const { grant } = update;
      const existing = session.participants.find((p) => p.participantId === grant.participantId);
      if (existing) {
        existing.state = 'CONNECTED';
        existing.publishing = false;
        delete existing.disconnectionReason;
      } else {
        session.participants.push({
          participantId: grant.participantId,
          userId: grant.userId,
          attributes: { ...grant.attributes },
          state: 'CONNECTED',
          firstJoinTime: now,
          published: false,
          publishing: false,
        });
      }
      session.events.push({ name: 'JOINED', participantId: grant.participantId, eventTime: now });
      this.changed();
      return;
    }
    const { stageArn, participantId } = update.kind === 'tokenExchanged' ? update.grant : update;
    const stage = this.stages.get(stageArn);
    if (!stage) return;
    const session = this.activeSession(stage);
    const participant = session?.participants.find((p) => p.participantId === participantId);
    if (!session || !participant) return;
    if (update.kind === 'tokenExchanged') {
      // The participant's userId and attributes are the new token's from now on (ListParticipants, GetParticipant).
      participant.userId = update.grant.userId;
      participant.attributes = { ...update.grant.attributes };
      session.events.push({
        name: 'TOKEN_EXCHANGED',
        participantId: participant.participantId,
        eventTime: now,
        previousToken: exchangedToken(update.previous),
        newToken: exchangedToken(update.grant),
      });
      this.changed();
      return;
    }
    if (update.kind === 'published') {
      if (update.published && !participant.publishing) {
        participant.published = true;
        participant.publishing = true;
        session.events.push({ name: 'PUBLISH_STARTED', participantId: participant.participantId, eventTime: now });
      } else if (!update.published && participant.publishing) {
        participant.publishing = false;
        session.events.push({ name: 'PUBLISH_STOPPED', participantId: participant.participantId, eventTime: now });
      }
      this.changed();
      return;
    }
    if (participant.state === 'DISCONNECTED') return;
    if (participant.publishing) {
      participant.publishing = false;
      session.events.push({ name: 'PUBLISH_STOPPED', participantId: participant.participantId, eventTime: now });
    }
    participant.state = 'DISCONNECTED';
    participant.disconnectionReason = update.reason;
    session.events.push({ name: 'LEFT', participantId: participant.participantId, eventTime: now });
    // IVS ends the session a few minutes after the last participant leaves; here after stageSessionLingerMs.
    if (!session.participants.some((p) => p.state === 'CONNECTED')) this.#endAfterLinger(stage, session, now);
    this.changed();
  }

  #endAfterLinger(stage: StageRecord, session: StageSessionRecord, now: string): void {
    if (this.#lingerMs <= 0) {
      this.#endSession(stage, session, now);
      return;
    }
    this.#stopLingering(stage.arn);
    const timer = setTimeout(() => {
      this.#lingering.delete(stage.arn);
      if (this.activeSession(stage) !== session || session.participants.some((p) => p.state === 'CONNECTED')) return;
      this.#endSession(stage, session, new Date().toISOString());
      this.changed();
    }, this.#lingerMs);
    timer.unref?.();
    this.#lingering.set(stage.arn, timer);
  }

  #stopLingering(stageArn: string): void {
    const timer = this.#lingering.get(stageArn);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#lingering.delete(stageArn);
  }

  /** Ends every lingering session now (the server is closing). */
  endLingeringSessions(): void {
    for (const stageArn of [...this.#lingering.keys()]) {
      this.#stopLingering(stageArn);
      const stage = this.stages.get(stageArn);
      const session = stage && this.activeSession(stage);
      if (stage && session) this.#endSession(stage, session, new Date().toISOString());
    }
  }

  activeSession(stage: StageRecord): StageSessionRecord | undefined {
    if (!stage.activeSessionId) return undefined;
    return stage.sessions.find((s) => s.sessionId === stage.activeSessionId);
  }

  #endSession(stage: StageRecord, session: StageSessionRecord, now: string): void {
    session.endTime = now;
    if (stage.activeSessionId === session.sessionId) delete stage.activeSessionId;
  }

  /** Ends the stage's active session, marking everyone disconnected (stage deleted, restart). */
  endActiveSession(stage: StageRecord, reason: string): void {
    this.#stopLingering(stage.arn);
    const session = this.activeSession(stage);
    if (!session) return;
    const now = new Date().toISOString();
    for (const p of session.participants) {
      if (p.state === 'CONNECTED') {
        p.state = 'DISCONNECTED';
        p.publishing = false;
        p.disconnectionReason = reason;
        session.events.push({ name: 'LEFT', participantId: p.participantId, eventTime: now });
      }
    }
    this.#endSession(stage, session, now);
  }

  // ----- persistence ---------------------------------------------------------------------------

  snapshot(): PersistedState {
    return {
      format: 'ivs-local-data',
      version: 1,
      region: this.region,
      accountId: this.accountId,
      seq: this.#seq,
      signingKey: this.signer.toJwk(),
      stages: [...this.stages.values()],
      rooms: [...this.rooms.values()],
      publicKeys: [...this.publicKeys.values()],
    };
  }

  /** Loads a snapshot. Sessions that were live when the process stopped are ended. */
  restore(data: PersistedState): void {
    this.#seq = data.seq;
    for (const stage of data.stages) {
      this.stages.set(stage.arn, stage);
      this.endActiveSession(stage, 'ivs-local restarted');
    }
    for (const room of data.rooms) this.rooms.set(room.arn, room);
    for (const record of data.publicKeys ?? []) this.addPublicKey(record, parsePublicKeyMaterial(record.publicKeyMaterial).key);
  }
}

function exchangedToken(grant: ParticipantGrant): ExchangedTokenRecord {
  const capabilities: ExchangedTokenRecord['capabilities'] = [];
  if (grant.capabilities.publish) capabilities.push('PUBLISH');
  if (grant.capabilities.subscribe) capabilities.push('SUBSCRIBE');
  return { capabilities, attributes: { ...grant.attributes }, userId: grant.userId, expirationTime: grant.expiresAt.toISOString() };
}
