/**
 * Who is in which stage: joins (events socket or plain WHIP), departures with a named intent,
 * the reconnect grace, token expiry and exchange, mute, and what the hub (control plane) and the
 * other participants are told about each change.
 */
import type { WebSocket } from 'ws';
import type { LocalHub, LocalHubEvents, ParticipantGrant, ParticipantStateUpdate } from '../hub';
import { LOCAL_STAGE_PROTOCOL_VERSION, LocalCloseCode, type LocalLeftReason, type LocalStageErrorCode } from 'aws-ivs-realtime/protocol';
import { checkToken, isRefusal } from './access';
import type { ResolvedStageMediaOptions } from './options';
import type { Publisher, PublisherState } from './publisher';
import { Member, StageRoom } from './room';
import type { Subscriber, SubscriberState } from './subscriber';

/**
 * Why a participant leaves, as the server decides what to tell whom:
 * - `leave`: it left (`leave` frame, clean socket close, DELETE of a plain WHIP session): others
 *   get `participantLeft` (`user`);
 * - `drop`: its connection was lost (socket past the grace period, ICE/DTLS failure of a plain WHIP
 *   session): others get `participantLeft` (`error`);
 * - `resume`: the same participant joined again within the grace period: replaced silently;
 * - `evict`: the server ends it (it is told with `left`, then close 4000); others get
 *   `participantLeft` unless the whole stage goes (`stage-deleted`) or a newer connection of the
 *   same participant takes its place (`token-reused`);
 * - `shutdown`: ivs-local is closing.
 */
export type Departure =
  | { intent: 'leave' }
  | { intent: 'drop' }
  | { intent: 'resume' }
  | { intent: 'evict'; reason: 'stage-deleted' | 'participant-disconnected' | 'token-reused' | 'token-expired'; message?: string }
  | { intent: 'shutdown' };

const HUB_REASON: Record<LocalLeftReason, Extract<ParticipantStateUpdate, { kind: 'left' }>['reason']> = {
  user: 'user',
  'participant-disconnected': 'kicked',
  'stage-deleted': 'stage-deleted',
  'token-reused': 'token-reused',
  'token-expired': 'token-expired',
  error: 'error',
};

function leftReason(departure: Departure): LocalLeftReason {
  switch (departure.intent) {
    case 'leave':
      return 'user';
    case 'evict':
      return departure.reason;
    default:
      return 'error';
  }
}

export class Membership {
  readonly #hub: LocalHub;
  readonly #options: ResolvedStageMediaOptions;
  readonly #rooms = new Map<string, StageRoom>();
  /** Participants removed by DisconnectParticipant, per stage ARN: their tokens can no longer join. */
  readonly #disconnected = new Map<string, Set<string>>();
  readonly #unsubscribe: Array<() => void>;

  constructor(hub: LocalHub, options: ResolvedStageMediaOptions) {
    this.#hub = hub;
    this.#options = options;
    this.#unsubscribe = [
      hub.events.on('stageDeleted', (e) => this.#onStageDeleted(e)),
      hub.events.on('participantDisconnect', (e) => this.#onParticipantDisconnect(e)),
    ];
  }

  room(stageId: string): StageRoom | undefined {
    return this.#rooms.get(stageId);
  }

  /** Whether DisconnectParticipant barred this participant's token. */
  isDisconnected(grant: ParticipantGrant): boolean {
    return this.#disconnected.get(grant.stageArn)?.has(grant.participantId) ?? false;
  }

  #roomFor(grant: ParticipantGrant): StageRoom {
    let room = this.#rooms.get(grant.stageId);
    if (!room) {
      room = new StageRoom(grant.stageId, grant.stageArn);
      this.#rooms.set(grant.stageId, room);
    }
    return room;
  }

  /** Joins a verified participant through its events socket: `welcome` to it, `participantJoined` (or `metadataChanged` on a resumption) to the others. */
  join(ws: WebSocket, grant: ParticipantGrant): Member {
    const room = this.#roomFor(grant);
    const previous = room.members.get(grant.participantId);
    if (previous?.socketLost) {
      this.remove(room, previous, { intent: 'resume' });
    } else if (previous) {
      // One connection per token: the newest wins, the previous one is told why it was dropped.
      this.remove(room, previous, { intent: 'evict', reason: 'token-reused' });
    }
    const member = new Member(grant, ws);
    room.members.set(member.id, member);
    this.#armExpiry(room, member);
    member.send({
      type: 'welcome',
      protocolVersion: LOCAL_STAGE_PROTOCOL_VERSION,
      self: member.view(),
      participants: room.visibleMembers(member).map((m) => m.view()),
      subscriberCount: 0,
    });
    if (!previous?.announced) room.broadcast({ type: 'participantJoined', participant: member.view() }, member);
    else room.broadcast({ type: 'metadataChanged', participant: member.view() }, member);
    this.#report({ kind: 'joined', grant });
    this.#log(`${member.id} joined ${room.stageId} (${room.members.size} in stage)`);
    return member;
  }

  /**
   * Admits a plain WHIP publisher (no events socket). It is listed to the others only once
   * {@link announce}d, after its offer was answered; a previous plain WHIP session of the same
   * participant is replaced (the newest wins).
   */
  admitPlainWhip(grant: ParticipantGrant): { room: StageRoom; member: Member } {
    const room = this.#roomFor(grant);
    const previous = room.members.get(grant.participantId);
    if (previous) this.remove(room, previous, { intent: 'evict', reason: 'token-reused' });
    const member = new Member(grant, undefined);
    room.members.set(member.id, member);
    return { room, member };
  }

  /** Announces an admitted plain WHIP publisher: JOINED, then PUBLISH_STARTED once its media flows. */
  announce(room: StageRoom, member: Member): void {
    if (member.announced || member.removed) return;
    member.announced = true;
    this.#armExpiry(room, member);
    room.broadcast({ type: 'participantJoined', participant: member.view() }, member);
    this.#report({ kind: 'joined', grant: member.grant });
    this.#log(`${member.id} joined ${room.stageId} by plain WHIP (${room.members.size} in stage)`);
    if (member.published) this.#announcePublished(room, member, member.publisher!);
  }

  /** Ends a participant's presence: closes its WHIP/WHEP sessions and tells whom {@link Departure} says. */
  remove(room: StageRoom, member: Member, departure: Departure): void {
    if (member.removed) return;
    member.removed = true;
    clearTimeout(member.expiryTimer);
    clearTimeout(member.graceTimer);
    if (room.members.get(member.id) === member) room.members.delete(member.id);
    const reason = leftReason(departure);
    const wasPublished = member.published;
    member.publisher?.close();
    member.publisher = undefined;
    for (const subscriber of [...member.subscriptions]) subscriber.close();
    if (departure.intent === 'evict') {
      member.send({ type: 'left', reason, ...(departure.message ? { message: departure.message } : {}) });
      const socket = member.socket;
      if (socket && socket.readyState === socket.OPEN) socket.close(LocalCloseCode.LEFT, reason);
    }
    const tellOthers =
      departure.intent === 'leave' ||
      departure.intent === 'drop' ||
      (departure.intent === 'evict' && departure.reason !== 'stage-deleted' && departure.reason !== 'token-reused');
    if (member.announced) {
      if (tellOthers) room.broadcast({ type: 'participantLeft', participantId: member.id, reason });
      else if (wasPublished) {
        room.broadcast({ type: 'streamsChanged', participantId: member.id, streams: [] });
        room.broadcast({ type: 'publishStateChanged', participantId: member.id, published: false });
      }
      if (wasPublished) this.#report({ kind: 'published', stageArn: room.stageArn, participantId: member.id, published: false });
      if (departure.intent !== 'resume') this.#report({ kind: 'left', stageArn: room.stageArn, participantId: member.id, reason: HUB_REASON[reason] });
    }
    this.#log(`${member.id} left ${room.stageId}: ${reason}`);
    if (room.members.size === 0) this.#rooms.delete(room.stageId);
  }

  /**
   * A socket dropped without `leave`: its media sessions end at once (the others see the streams
   * go), but the participant stays listed for `reconnectGraceMs` so a client that reconnects keeps
   * its place without a leave/join flicker. Past the grace period it is removed (`drop`).
   */
  holdForReconnect(room: StageRoom, member: Member): void {
    if (this.#options.reconnectGraceMs <= 0) {
      this.remove(room, member, { intent: 'drop' });
      return;
    }
    member.socketLost = true;
    // Closing announces the unpublish (streamsChanged/publishStateChanged) through onPublisherState.
    member.publisher?.close();
    for (const subscriber of [...member.subscriptions]) subscriber.close();
    member.graceTimer = setTimeout(() => {
      if (room.members.get(member.id) === member) this.remove(room, member, { intent: 'drop' });
    }, this.#options.reconnectGraceMs);
    member.graceTimer.unref?.();
  }

  mute(member: Member, kind: unknown, muted: unknown): void {
    if ((kind !== 'audio' && kind !== 'video') || typeof muted !== 'boolean') {
      member.send({ type: 'error', code: 'bad-request', message: 'mute needs {"kind":"audio"|"video","muted":boolean}.' });
      return;
    }
    if (member.muted[kind] === muted) return;
    member.muted[kind] = muted;
    this.#rooms.get(member.grant.stageId)?.broadcast({ type: 'muteChanged', participantId: member.id, kind, muted }, member);
  }

  async exchangeToken(member: Member, token: unknown, requestId: string | undefined): Promise<void> {
    const fail = (code: LocalStageErrorCode, message: string) =>
      member.send({ type: 'error', code, message, ...(requestId === undefined ? {} : { requestId }) });
    if (typeof token !== 'string') return fail('bad-request', 'exchangeToken needs {"token":"<participant token>"}.');
    const grant = await checkToken(this.#hub, token, this.#options.now());
    if (isRefusal(grant)) return fail(grant.code, grant.message);
    if (member.removed) return;
    if (grant.participantId !== member.id || grant.stageId !== member.grant.stageId) {
      return fail('participant-mismatch', 'The new token must be for the same participant and stage as the current one.');
    }
    const room = this.#rooms.get(member.grant.stageId);
    if (!room) return;
    const previous = member.grant;
    member.grant = grant;
    this.#report({ kind: 'tokenExchanged', previous, grant });
    this.#armExpiry(room, member);
    // A demotion takes effect at once.
    if (!grant.capabilities.publish) member.publisher?.close();
    if (!grant.capabilities.subscribe) for (const subscriber of [...member.subscriptions]) subscriber.close();
    member.send({ type: 'tokenExchanged', self: member.view(), ...(requestId === undefined ? {} : { requestId }) });
    room.broadcast({ type: 'metadataChanged', participant: member.view() }, member);
  }

  /** A WHIP session of `member` changed state. */
  onPublisherState(room: StageRoom, member: Member, publisher: Publisher, state: PublisherState): void {
    if (member.publisher !== publisher) return;
    if (state === 'closed') member.publisher = undefined;
    if (member.removed) return;
    if (state === 'connected') {
      this.#log(`${member.id} published ${publisher.streams.map((s) => s.mimeType).join(' + ')} on ${room.stageId}`);
      if (member.announced) this.#announcePublished(room, member, publisher);
    } else if (state === 'closed') {
      // A plain WHIP publisher is present only through its session (DELETE removes it before this).
      if (member.plainWhip) {
        this.remove(room, member, { intent: 'drop' });
        return;
      }
      // Only an established publication was announced.
      if (!publisher.wasConnected) return;
      this.#report({ kind: 'published', stageArn: room.stageArn, participantId: member.id, published: false });
      room.broadcast({ type: 'streamsChanged', participantId: member.id, streams: [] });
      room.broadcast({ type: 'publishStateChanged', participantId: member.id, published: false });
      this.#sendSubscriberCount(member);
    }
  }

  /** A simulcast layer of `member`'s connected WHIP session started or stopped arriving. */
  onPublisherStreams(room: StageRoom, member: Member, publisher: Publisher): void {
    if (member.publisher !== publisher || member.removed || !member.announced || !member.published) return;
    room.broadcast({ type: 'streamsChanged', participantId: member.id, streams: publisher.streams });
  }

  /** A WHEP session of `subscriberMember` (on `target`'s media) changed state. */
  onSubscriberState(target: Member, subscriberMember: Member, subscriber: Subscriber, state: SubscriberState): void {
    if (state === 'closed') subscriberMember.subscriptions.delete(subscriber);
    if (!target.removed) this.#sendSubscriberCount(target);
  }

  /** Removes everyone (ivs-local is closing) and stops listening to the hub. */
  close(): void {
    for (const off of this.#unsubscribe) off();
    for (const room of [...this.#rooms.values()]) {
      for (const member of [...room.members.values()]) this.remove(room, member, { intent: 'shutdown' });
    }
  }

  #announcePublished(room: StageRoom, member: Member, publisher: Publisher): void {
    this.#report({ kind: 'published', stageArn: room.stageArn, participantId: member.id, published: true });
    room.broadcast({ type: 'publishStateChanged', participantId: member.id, published: true });
    room.broadcast({ type: 'streamsChanged', participantId: member.id, streams: publisher.streams });
  }

  #sendSubscriberCount(member: Member): void {
    const count = member.subscriberCount();
    if (count === member.lastSubscriberCount) return;
    member.lastSubscriberCount = count;
    member.send({ type: 'subscriberCount', count });
  }

  #armExpiry(room: StageRoom, member: Member): void {
    clearTimeout(member.expiryTimer);
    // setTimeout holds at most 2^31-1 ms (24.8 days); tokens last at most 14 days.
    const delay = Math.min(Math.max(member.grant.expiresAt.getTime() - this.#options.now().getTime(), 0), 2 ** 31 - 1);
    member.expiryTimer = setTimeout(() => this.remove(room, member, { intent: 'evict', reason: 'token-expired' }), delay);
    member.expiryTimer.unref?.();
  }

  #onStageDeleted({ stageArn }: LocalHubEvents['stageDeleted']): void {
    for (const room of [...this.#rooms.values()]) {
      if (room.stageArn !== stageArn) continue;
      for (const member of [...room.members.values()]) this.remove(room, member, { intent: 'evict', reason: 'stage-deleted' });
      this.#rooms.delete(room.stageId);
    }
    this.#disconnected.delete(stageArn);
  }

  #onParticipantDisconnect({ stageArn, participantId, reason }: LocalHubEvents['participantDisconnect']): void {
    let set = this.#disconnected.get(stageArn);
    if (!set) this.#disconnected.set(stageArn, (set = new Set()));
    set.add(participantId);
    for (const room of [...this.#rooms.values()]) {
      if (room.stageArn !== stageArn) continue;
      const member = room.members.get(participantId);
      if (member) this.remove(room, member, { intent: 'evict', reason: 'participant-disconnected', ...(reason ? { message: reason } : {}) });
    }
  }

  #report(update: ParticipantStateUpdate): void {
    try {
      this.#hub.updateParticipant(update);
    } catch (error) {
      this.#log(`hub.updateParticipant(${update.kind}) failed: ${String(error)}`);
    }
  }

  #log(message: string): void {
    this.#options.log?.(`[stage-media] ${message}`);
  }
}
