/**
 * The WHIP and WHEP endpoints: publish (from the SDK's local driver, joined through the events
 * socket, or from any plain WHIP client as on Amazon IVS), subscribe, and end a session.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalHub, ParticipantGrant } from '../hub';
import { verifyForHttp } from './access';
import { bearerToken, readBody, requireSdpContentType, send, StageHttpError } from './http';
import { loopbackStunUrl } from './loopback-stun';
import type { Membership } from './membership';
import type { ResolvedStageMediaOptions } from './options';
import type { PeerSettings } from './peer';
import { Publisher } from './publisher';
import type { Member, StageRoom } from './room';
import { requireH264Video, SdpError, withStartBitrate } from './sdp';
import { Subscriber } from './subscriber';

const MAX_SDP_BYTES = 128 * 1024;

/** A WHIP or WHEP session addressed by its `Location`. */
export interface SessionResource {
  owner: Member;
  close: () => void;
}

export class MediaEndpoints {
  readonly #hub: LocalHub;
  readonly #membership: Membership;
  readonly #options: ResolvedStageMediaOptions;

  constructor(hub: LocalHub, membership: Membership, options: ResolvedStageMediaOptions) {
    this.#hub = hub;
    this.#membership = membership;
    this.#options = options;
  }

  /** Verifies a request's Bearer token (401/404 when refused). */
  verify(req: IncomingMessage): Promise<ParticipantGrant> {
    return verifyForHttp(this.#hub, bearerToken(req), this.#options.now());
  }

  /** The SDP offer of a WHIP/WHEP POST and the grant of its Bearer token, checked for this stage. */
  async #readOffer(req: IncomingMessage, stageId: string): Promise<{ offer: string; grant: Awaited<ReturnType<typeof verifyForHttp>> }> {
    requireSdpContentType(req);
    const token = bearerToken(req);
    const offer = await readBody(req, MAX_SDP_BYTES);
    const grant = await verifyForHttp(this.#hub, token, this.#options.now());
    requireStage(grant, stageId);
    return { offer, grant };
  }

  /**
   * `POST /stage/<stageId>/whip`. A participant joined through the events socket publishes as
   * before; one without a socket is a plain WHIP publisher: it joins with its WHIP session (IVS's
   * rules: PUBLISH capability, H.264 in the offer, 12 publishers) and leaves when it ends.
   */
  async whip(req: IncomingMessage, res: ServerResponse, stageId: string): Promise<void> {
    const { offer, grant } = await this.#readOffer(req, stageId);
    const existing = this.#membership.room(stageId)?.members.get(grant.participantId);
    if (existing && !existing.plainWhip) {
      const { room, member } = this.#joinedMember(grant, stageId, 'publish');
      return this.#publish(res, room, member, offer, false);
    }
    requireCapability(grant, 'publish');
    if (this.#membership.isDisconnected(grant)) {
      throw new StageHttpError(
        403,
        'participant-disconnected',
        'This participant was disconnected with DisconnectParticipant; its token can no longer be used. Mint a new token.',
      );
    }
    try {
      requireH264Video(offer);
    } catch (error) {
      if (error instanceof SdpError && error.code === 'codec-mismatch') throw new StageHttpError(406, 'codec-mismatch', error.message);
      throw sdpHttpError(error);
    }
    this.#requireRoomForPublisher(this.#membership.room(stageId), existing);
    const { room, member } = this.#membership.admitPlainWhip(grant);
    try {
      await this.#publish(res, room, member, offer, true);
    } catch (error) {
      this.#membership.remove(room, member, { intent: 'drop' });
      throw error;
    }
    this.#membership.announce(room, member);
  }

  /** `POST /stage/<stageId>/whep/<publisherId>`: subscribe to a participant; a new session replaces the subscriber's previous one to that publisher. */
  async whep(req: IncomingMessage, res: ServerResponse, stageId: string, publisherId: string): Promise<void> {
    const initial = initialLayer(req);
    const { offer, grant } = await this.#readOffer(req, stageId);
    const { room, member } = this.#joinedMember(grant, stageId, 'subscribe');
    if (publisherId === member.id) throw new StageHttpError(400, 'bad-request', 'A participant cannot subscribe to its own media.');
    const target = room.members.get(publisherId);
    const publisher = target?.publisher;
    if (!target || !target.announced || !publisher || publisher.state !== 'connected') {
      throw new StageHttpError(404, 'publisher-not-found', `Participant ${JSON.stringify(publisherId)} is not publishing in this stage.`);
    }
    // At most one WHEP session per (subscriber, publisher): the newest replaces the others.
    for (const previous of [...member.subscriptions]) if (previous.publisher === publisher) previous.close();
    const preference = member.layerPreferences.get(publisherId);
    const subscriber = new Subscriber(
      member.id,
      publisher,
      await this.#peerSettings(),
      (s, state) => this.#membership.onSubscriberState(target, member, s, state),
      {
        initial,
        ...(preference !== undefined ? { preference } : {}),
        onState: (state) => member.send({ type: 'layerState', publisherId, ...state }),
      },
    );
    member.subscriptions.add(subscriber);
    publisher.addSubscriber(subscriber);
    let answer: string;
    try {
      answer = await subscriber.negotiate(offer, this.#options.connectTimeoutMs);
    } catch (error) {
      subscriber.close();
      throw sdpHttpError(error);
    }
    if (subscriber.state === 'closed') {
      throw new StageHttpError(404, 'publisher-not-found', `Participant ${JSON.stringify(publisherId)} stopped publishing.`);
    }
    send(res, 201, answer, {
      'content-type': 'application/sdp',
      location: `/stage/${encodeURIComponent(stageId)}/whep/${encodeURIComponent(publisherId)}/${subscriber.resourceId}`,
      etag: `"${subscriber.resourceId}"`,
    });
  }

  /** `DELETE` on a session's `Location`: ends it (a plain WHIP publisher leaves the stage). */
  async deleteSession(req: IncomingMessage, res: ServerResponse, find: () => SessionResource | undefined): Promise<void> {
    const grant = await this.verify(req);
    const session = find();
    if (!session) throw new StageHttpError(404, 'not-found', 'No such session: it has already ended or never existed.');
    if (session.owner.id !== grant.participantId) {
      throw new StageHttpError(403, 'participant-mismatch', 'This session belongs to another participant.');
    }
    session.close();
    send(res, 200, '');
  }

  findPublisherSession(stageId: string, resourceId: string): SessionResource | undefined {
    const room = this.#membership.room(stageId);
    for (const member of room?.members.values() ?? []) {
      const publisher = member.publisher;
      if (publisher && publisher.resourceId === resourceId && publisher.state !== 'closed') {
        return {
          owner: member,
          close: () => (member.plainWhip ? this.#membership.remove(room!, member, { intent: 'leave' }) : publisher.close()),
        };
      }
    }
    return undefined;
  }

  findSubscriberSession(stageId: string, publisherId: string, resourceId: string): SessionResource | undefined {
    for (const member of this.#membership.room(stageId)?.members.values() ?? []) {
      for (const subscriber of member.subscriptions) {
        if (subscriber.resourceId === resourceId && subscriber.publisher.participantId === publisherId) {
          return { owner: member, close: () => subscriber.close() };
        }
      }
    }
    return undefined;
  }

  async #publish(res: ServerResponse, room: StageRoom, member: Member, offer: string, h264Only: boolean): Promise<void> {
    this.#requireRoomForPublisher(room, member);
    const settings = await this.#peerSettings();
    // A new WHIP session replaces the previous one (republish after a network change).
    member.publisher?.close();
    const publisher = new Publisher(member.id, settings, (p, state) => this.#membership.onPublisherState(room, member, p, state));
    publisher.onStreamsChanged = () => this.#membership.onPublisherStreams(room, member, publisher);
    member.publisher = publisher;
    if (h264Only) publisher.closeWhenIdle(this.#options.plainWhipIdleTimeoutMs);
    let answer: string;
    try {
      answer = await publisher.negotiate(offer, this.#options.connectTimeoutMs, { h264Only });
    } catch (error) {
      publisher.close();
      throw sdpHttpError(error);
    }
    if (publisher.state === 'closed' || member.removed) {
      throw new StageHttpError(409, 'not-joined', 'The participant left the stage while the session was being negotiated.');
    }
    send(res, 201, withStartBitrate(answer, this.#options.startBitrateKbps), {
      'content-type': 'application/sdp',
      location: `/stage/${encodeURIComponent(room.stageId)}/whip/${publisher.resourceId}`,
      etag: `"${publisher.resourceId}"`,
    });
  }

  /** werift settings, with the loopback STUN responder (werift would ask stun.l.google.com otherwise). */
  async #peerSettings(): Promise<PeerSettings> {
    return { ...this.#options, stunUrl: await loopbackStunUrl() };
  }

  #requireRoomForPublisher(room: StageRoom | undefined, member: Member | undefined): void {
    if (room && room.publisherCount(member) >= this.#options.maxPublishers) {
      throw new StageHttpError(
        409,
        'stage-at-capacity',
        `The stage already has ${this.#options.maxPublishers} publishers (the IVS limit). Join as a subscriber, or wait for a publisher to stop.`,
      );
    }
  }

  /**
   * The joined participant behind a WHIP/WHEP request, checked for `capability`: the joined
   * participant's current grant decides (it may have been exchanged); a participant that has not
   * joined is refused for a missing capability first (403), then for not being joined (409).
   */
  #joinedMember(grant: ParticipantGrant, stageId: string, capability: 'publish' | 'subscribe'): { room: StageRoom; member: Member } {
    const room = this.#membership.room(stageId);
    const member = room?.members.get(grant.participantId);
    requireCapability(member?.grant ?? grant, capability);
    if (!room || !member || member.socketLost || member.plainWhip) {
      throw new StageHttpError(
        409,
        'not-joined',
        capability === 'subscribe'
          ? 'Join the stage first: open the events WebSocket and send {"type":"join","token":…}, then subscribe.'
          : 'The participant is reconnecting its events WebSocket: publish again once it has rejoined.',
      );
    }
    return { room, member };
  }
}

/** WHEP `?layer=lowest|highest`: the layer a simulcast publisher's video starts with (default lowest). */
function initialLayer(req: IncomingMessage): 'lowest' | 'highest' {
  const layer = new URL(req.url ?? '/', 'http://localhost').searchParams.get('layer');
  if (layer === null || layer === 'lowest' || layer === 'highest') return layer ?? 'lowest';
  throw new StageHttpError(400, 'bad-request', `layer=${JSON.stringify(layer.slice(0, 40))} is not a layer choice: use ?layer=lowest or ?layer=highest.`);
}

function requireStage(grant: ParticipantGrant, stageId: string): void {
  if (grant.stageId !== stageId) {
    throw new StageHttpError(403, 'token-wrong-stage', `The participant token is for stage ${grant.stageId}, not ${stageId}.`);
  }
}

function requireCapability(grant: ParticipantGrant, capability: 'publish' | 'subscribe'): void {
  if (!grant.capabilities[capability]) {
    const name = capability === 'publish' ? 'PUBLISH' : 'SUBSCRIBE';
    throw new StageHttpError(403, 'capability-missing', `The participant token does not grant ${name}. Mint a token with the ${name} capability.`);
  }
}

export function sdpHttpError(error: unknown): StageHttpError {
  if (error instanceof StageHttpError) return error;
  if (error instanceof SdpError) {
    return error.code === 'codec-mismatch'
      ? new StageHttpError(406, 'codec-mismatch', `${error.message} ivs-local forwards Opus, VP8 and H.264 (packetization-mode=1).`)
      : new StageHttpError(400, 'bad-request', error.message);
  }
  return new StageHttpError(500, 'internal', `Negotiation failed: ${(error as Error)?.message ?? String(error)}`);
}
