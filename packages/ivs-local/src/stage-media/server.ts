import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  ParticipantTokenRejectedError,
  type LocalHub,
  type LocalHubEvents,
  type ParticipantGrant,
  type ParticipantStateUpdate,
} from '../hub';
import {
  LOCAL_STAGE_PROTOCOL_VERSION,
  LocalCloseCode,
  type ClientFrame,
  type LocalLeftReason,
  type LocalStageErrorCode,
  type ServerFrame,
} from 'aws-ivs-realtime/protocol';
import { bearerToken, CORS_HEADERS, readBody, requireSdpContentType, send, sendJsonError, StageHttpError } from './http';
import type { PeerSettings } from './peer';
import { Publisher, type PublisherState } from './publisher';
import { Member, StageRoom } from './room';
import { SdpError, withStartBitrate } from './sdp';
import { Subscriber, type SubscriberState } from './subscriber';

/** Options of the stage media module. Defaults suit a laptop or a CI runner. */
export interface StageMediaOptions {
  /**
   * Where werift gathers ICE candidates: `['127.0.0.1']` (default) keeps all media on loopback;
   * `'all'` adds every IPv4 interface (for browsers on other machines of a trusted LAN).
   */
  hostAddresses?: readonly string[] | 'all';
  /** Publishers allowed per stage (IVS: 12). */
  maxPublishers?: number;
  /** Interval of WebSocket pings; a client that misses one is dropped at the next tick. Default 1000 ms. */
  heartbeatIntervalMs?: number;
  /**
   * How long a participant whose socket dropped (without `leave`) stays listed, so a reconnecting
   * client keeps its place. Its media sessions end at once. Default 2000 ms; with the default
   * heartbeat a vanished client is gone within 4 s. `0` removes it at once.
   */
  reconnectGraceMs?: number;
  /** Time a new events socket has to send `join`. Default 10 000 ms. */
  joinTimeoutMs?: number;
  /** Longest wait for ICE gathering before answering. Default 3000 ms. */
  iceGatheringTimeoutMs?: number;
  /** A WHIP/WHEP session that does not connect within this time is closed. Default 20 000 ms. */
  connectTimeoutMs?: number;
  /** `x-google-start-bitrate` (kbps) put in WHIP answers. Default 1500. */
  startBitrateKbps?: number;
  /** Diagnostic log sink (default: silent). */
  log?: (message: string) => void;
  /** Clock for token verification and expiry timers (tests shift it). Default `() => new Date()`. */
  now?: () => Date;
}

const MAX_SDP_BYTES = 128 * 1024;
const STAGE_PATH = /^\/stage\/([^/]+)(\/.*)?$/;

type Resolved = Required<Omit<StageMediaOptions, 'log' | 'hostAddresses'>> & Pick<StageMediaOptions, 'log'> & PeerSettings;

const HUB_REASON: Record<LocalLeftReason, Extract<ParticipantStateUpdate, { kind: 'left' }>['reason']> = {
  user: 'user',
  'participant-disconnected': 'kicked',
  'stage-deleted': 'stage-deleted',
  'token-reused': 'token-reused',
  'token-expired': 'token-expired',
  error: 'error',
};

/** Maps a hub token rejection to a protocol error code and HTTP status. */
function tokenRejection(error: unknown): { status: number; code: LocalStageErrorCode; message: string } {
  if (error instanceof ParticipantTokenRejectedError) {
    switch (error.reason) {
      case 'malformed':
        return { status: 401, code: 'token-malformed', message: `The participant token is malformed: ${error.message}` };
      case 'forged':
        return { status: 401, code: 'token-forged', message: `The participant token's signature was not accepted: ${error.message}` };
      case 'expired':
        return { status: 401, code: 'token-expired', message: `The participant token has expired: ${error.message}` };
      case 'stage-not-found':
        return { status: 404, code: 'stage-not-found', message: `The token's stage does not exist (deleted?): ${error.message}` };
    }
  }
  return { status: 500, code: 'internal', message: 'The participant token could not be verified.' };
}

/**
 * ivs-local's stage media server: the events WebSocket, WHIP publish and WHEP subscribe. See
 * `docs/local-stage-protocol.md`.
 */
export class StageMediaServer {
  readonly #hub: LocalHub;
  readonly #options: Resolved;
  readonly #rooms = new Map<string, StageRoom>();
  /** Participants removed by DisconnectParticipant, per stage ARN: their tokens can no longer join. */
  readonly #disconnected = new Map<string, Set<string>>();
  readonly #wss: WebSocketServer;
  readonly #alive = new WeakMap<WebSocket, boolean>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #unsubscribe: Array<() => void> = [];
  #closed = false;

  constructor(hub: LocalHub, options: StageMediaOptions = {}) {
    this.#hub = hub;
    this.#options = {
      hostAddresses: options.hostAddresses ?? ['127.0.0.1'],
      maxPublishers: options.maxPublishers ?? 12,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
      reconnectGraceMs: options.reconnectGraceMs ?? 2000,
      joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
      iceGatheringTimeoutMs: options.iceGatheringTimeoutMs ?? 3000,
      connectTimeoutMs: options.connectTimeoutMs ?? 20_000,
      startBitrateKbps: options.startBitrateKbps ?? 1500,
      log: options.log,
      now: options.now ?? (() => new Date()),
    };
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
    this.#heartbeat = setInterval(() => this.#beat(), this.#options.heartbeatIntervalMs);
    this.#heartbeat.unref?.();
    this.#unsubscribe.push(
      hub.events.on('stageDeleted', (e) => this.#onStageDeleted(e)),
      hub.events.on('participantDisconnect', (e) => this.#onParticipantDisconnect(e)),
    );
  }

  /** Routes `/stage/...` HTTP requests; returns false for other paths. */
  handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const match = STAGE_PATH.exec(url.pathname);
    if (!match) return false;
    const stageId = decodeURIComponent(match[1]!);
    const rest = (match[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
    this.#route(req, res, stageId, rest).catch((error: unknown) => {
      if (error instanceof StageHttpError) sendJsonError(res, error);
      else {
        this.#log(`internal error on ${req.method} ${url.pathname}: ${(error as Error)?.stack ?? String(error)}`);
        sendJsonError(res, new StageHttpError(500, 'internal', 'The stage media server failed to handle the request.'));
      }
    });
    return true;
  }

  /** Accepts `/stage/<stageId>/events` upgrades; returns false for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    const match = /^\/stage\/([^/]+)\/events\/?$/.exec(url.pathname);
    if (!match) return false;
    const stageId = decodeURIComponent(match[1]!);
    if (this.#closed) {
      socket.destroy();
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, stageId));
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const off of this.#unsubscribe) off();
    for (const room of [...this.#rooms.values()]) {
      for (const member of [...room.members.values()]) this.#removeMember(room, member, 'error', { notify: false, broadcast: false });
    }
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  // ─── HTTP: WHIP / WHEP ────────────────────────────────────────────────────────────────────────

  async #route(req: IncomingMessage, res: ServerResponse, stageId: string, rest: string[]): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      send(res, 204, '', { 'accept-post': 'application/sdp' });
      return;
    }
    const [endpoint, first, second, ...extra] = rest;
    if (endpoint === 'events' && rest.length === 1) {
      throw new StageHttpError(426, 'bad-request', 'The events endpoint is a WebSocket: connect with a WebSocket client.', { upgrade: 'websocket' });
    }
    if (endpoint === 'whip' && first === undefined) {
      if (method !== 'POST') throw methodNotAllowed('POST, OPTIONS');
      return this.#whipPost(req, res, stageId);
    }
    if (endpoint === 'whip' && first !== undefined && second === undefined) {
      return this.#resource(req, res, method, () => this.#findPublisherResource(stageId, first));
    }
    if (endpoint === 'whep' && first !== undefined && second === undefined) {
      if (method !== 'POST') throw methodNotAllowed('POST, OPTIONS');
      return this.#whepPost(req, res, stageId, first);
    }
    if (endpoint === 'whep' && first !== undefined && second !== undefined && extra.length === 0) {
      return this.#resource(req, res, method, () => this.#findSubscriberResource(stageId, first, second));
    }
    throw new StageHttpError(404, 'not-found', 'No such stage endpoint. See docs/local-stage-protocol.md for the paths.');
  }

  /** DELETE ends a session; PATCH (trickle ICE / ICE restart) is not supported. */
  async #resource(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    find: () => { owner: string; close: () => void } | undefined,
  ): Promise<void> {
    if (method === 'PATCH') {
      throw new StageHttpError(
        405,
        'method-not-allowed',
        'Trickle ICE and ICE restarts are not supported: send a complete offer (ICE gathering finished) with POST, and POST again to reconnect.',
        { allow: 'DELETE, OPTIONS' },
      );
    }
    if (method !== 'DELETE') throw methodNotAllowed('DELETE, OPTIONS');
    const grant = await this.#verify(bearerToken(req));
    const session = find();
    if (!session) throw new StageHttpError(404, 'not-found', 'No such session: it has already ended or never existed.');
    if (session.owner !== grant.participantId) {
      throw new StageHttpError(403, 'participant-mismatch', 'This session belongs to another participant.');
    }
    session.close();
    send(res, 200, '');
  }

  async #whipPost(req: IncomingMessage, res: ServerResponse, stageId: string): Promise<void> {
    requireSdpContentType(req);
    const token = bearerToken(req);
    const offer = await readBody(req, MAX_SDP_BYTES);
    const grant = await this.#verify(token);
    const { room, member } = this.#joinedMember(grant, stageId, 'publish');
    if (room.publisherCount(member) >= this.#options.maxPublishers) {
      throw new StageHttpError(
        409,
        'stage-at-capacity',
        `The stage already has ${this.#options.maxPublishers} publishers (the IVS limit). Join as a subscriber, or wait for a publisher to stop.`,
      );
    }
    // A new WHIP session replaces the previous one (republish after a network change).
    member.publisher?.close();
    const publisher = new Publisher(member.id, this.#options, (p, state) => this.#onPublisherState(room, member, p, state));
    member.publisher = publisher;
    let answer: string;
    try {
      answer = await publisher.negotiate(offer, this.#options.connectTimeoutMs);
    } catch (error) {
      publisher.close();
      throw sdpHttpError(error);
    }
    if (publisher.state === 'closed' || member.removed) {
      throw new StageHttpError(409, 'not-joined', 'The participant left the stage while the session was being negotiated.');
    }
    send(res, 201, withStartBitrate(answer, this.#options.startBitrateKbps), {
      'content-type': 'application/sdp',
      location: `/stage/${encodeURIComponent(stageId)}/whip/${publisher.resourceId}`,
      etag: `"${publisher.resourceId}"`,
    });
  }

  async #whepPost(req: IncomingMessage, res: ServerResponse, stageId: string, publisherId: string): Promise<void> {
    requireSdpContentType(req);
    const token = bearerToken(req);
    const offer = await readBody(req, MAX_SDP_BYTES);
    const grant = await this.#verify(token);
    const { room, member } = this.#joinedMember(grant, stageId, 'subscribe');
    if (publisherId === member.id) throw new StageHttpError(400, 'bad-request', 'A participant cannot subscribe to its own media.');
    const target = room.members.get(publisherId);
    const publisher = target?.publisher;
    if (!target || !publisher || publisher.state !== 'connected') {
      throw new StageHttpError(404, 'publisher-not-found', `Participant ${JSON.stringify(publisherId)} is not publishing in this stage.`);
    }
    const subscriber = new Subscriber(member.id, publisher, this.#options, (s, state) => this.#onSubscriberState(target, member, s, state));
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

  async #verify(token: string): Promise<ParticipantGrant> {
    try {
      return await this.#hub.verifyParticipantToken(token, this.#options.now());
    } catch (error) {
      const r = tokenRejection(error);
      throw new StageHttpError(r.status, r.code, r.message, r.status === 401 ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {});
    }
  }

  /**
   * The joined participant behind a WHIP/WHEP request, checked for `capability`: the joined
   * participant's current grant decides (it may have been exchanged); a participant that has not
   * joined is refused for a missing capability first (403), then for not being joined (409).
   */
  #joinedMember(grant: ParticipantGrant, stageId: string, capability: 'publish' | 'subscribe'): { room: StageRoom; member: Member } {
    if (grant.stageId !== stageId) {
      throw new StageHttpError(403, 'token-wrong-stage', `The participant token is for stage ${grant.stageId}, not ${stageId}.`);
    }
    const room = this.#rooms.get(stageId);
    const member = room?.members.get(grant.participantId);
    if (!(member?.grant ?? grant).capabilities[capability]) {
      const name = capability === 'publish' ? 'PUBLISH' : 'SUBSCRIBE';
      throw new StageHttpError(403, 'capability-missing', `The participant token does not grant ${name}. Mint a token with the ${name} capability.`);
    }
    if (!room || !member || member.socketLost) {
      throw new StageHttpError(
        409,
        'not-joined',
        'Join the stage first: open the events WebSocket and send {"type":"join","token":…}, then publish or subscribe.',
      );
    }
    return { room, member };
  }

  #findPublisherResource(stageId: string, resourceId: string): { owner: string; close: () => void } | undefined {
    for (const member of this.#rooms.get(stageId)?.members.values() ?? []) {
      const publisher = member.publisher;
      if (publisher && publisher.resourceId === resourceId && publisher.state !== 'closed') {
        return { owner: member.id, close: () => publisher.close() };
      }
    }
    return undefined;
  }

  #findSubscriberResource(stageId: string, publisherId: string, resourceId: string): { owner: string; close: () => void } | undefined {
    for (const member of this.#rooms.get(stageId)?.members.values() ?? []) {
      for (const subscriber of member.subscriptions) {
        if (subscriber.resourceId === resourceId && subscriber.publisher.participantId === publisherId) {
          return { owner: member.id, close: () => subscriber.close() };
        }
      }
    }
    return undefined;
  }

  #onPublisherState(room: StageRoom, member: Member, publisher: Publisher, state: PublisherState): void {
    if (member.publisher !== publisher) return;
    if (state === 'closed') member.publisher = undefined;
    if (member.removed) return;
    if (state === 'connected') {
      this.#log(`${member.id} published ${publisher.streams.map((s) => s.mimeType).join(' + ')} on ${room.stageId}`);
      this.#report({ kind: 'published', stageArn: room.stageArn, participantId: member.id, published: true });
      room.broadcast({ type: 'publishStateChanged', participantId: member.id, published: true });
      room.broadcast({ type: 'streamsChanged', participantId: member.id, streams: publisher.streams });
    } else if (state === 'closed') {
      // Only an established publication was announced.
      if (!publisher.wasConnected) return;
      this.#report({ kind: 'published', stageArn: room.stageArn, participantId: member.id, published: false });
      room.broadcast({ type: 'streamsChanged', participantId: member.id, streams: [] });
      room.broadcast({ type: 'publishStateChanged', participantId: member.id, published: false });
      this.#sendSubscriberCount(member);
    }
  }

  #onSubscriberState(target: Member, subscriberMember: Member, subscriber: Subscriber, state: SubscriberState): void {
    if (state === 'closed') subscriberMember.subscriptions.delete(subscriber);
    if (!target.removed) this.#sendSubscriberCount(target);
  }

  #sendSubscriberCount(member: Member): void {
    const count = member.subscriberCount();
    if (count === member.lastSubscriberCount) return;
    member.lastSubscriberCount = count;
    member.send({ type: 'subscriberCount', count });
  }

  // ─── Events WebSocket ─────────────────────────────────────────────────────────────────────────

  #onConnection(ws: WebSocket, stageId: string): void {
    this.#alive.set(ws, true);
    ws.on('pong', () => this.#alive.set(ws, true));
    ws.on('error', () => {
      // 'close' follows; nothing else to do.
    });
    let member: Member | undefined;
    let joining = false;
    let leftByClient = false;
    const joinTimer = setTimeout(() => {
      if (!member) refuse(ws, 'bad-request', `No join frame within ${this.#options.joinTimeoutMs} ms.`, LocalCloseCode.PROTOCOL_ERROR);
    }, this.#options.joinTimeoutMs);
    joinTimer.unref?.();

    /** Frames that arrived while the join was being verified; handled once joined. */
    const queued: ClientFrame[] = [];

    const handle = (joined: Member, frame: ClientFrame) => {
      switch (frame.type) {
        case 'join':
          sendFrame(ws, { type: 'error', code: 'already-joined', message: 'This socket has already joined; open a new socket to join again.' });
          return;
        case 'mute':
          this.#mute(joined, frame.kind, frame.muted);
          return;
        case 'exchangeToken':
          void this.#exchangeToken(joined, frame.token, frame.requestId);
          return;
        case 'leave': {
          leftByClient = true;
          const room = this.#rooms.get(stageId);
          if (room) this.#removeMember(room, joined, 'user', { notify: false, broadcast: true });
          ws.close(1000, 'left');
          return;
        }
      }
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      const frame = parseFrame(data, isBinary);
      if (typeof frame === 'string') {
        sendFrame(ws, { type: 'error', code: 'bad-request', message: frame });
        return;
      }
      if (member) {
        handle(member, frame);
        return;
      }
      if (joining) {
        if (queued.length < 32) queued.push(frame);
        return;
      }
      if (frame.type !== 'join') {
        refuse(ws, 'bad-request', 'The first frame must be {"type":"join","token":"<participant token>"}.', LocalCloseCode.PROTOCOL_ERROR);
        return;
      }
      joining = true;
      this.#join(ws, stageId, frame.token).then(
        (joined) => {
          clearTimeout(joinTimer);
          member = joined;
          if (joined) for (const next of queued.splice(0)) if (!joined.removed) handle(joined, next);
        },
        (error: unknown) => {
          this.#log(`join failed: ${String(error)}`);
          refuse(ws, 'internal', 'The join failed.', LocalCloseCode.JOIN_REFUSED);
        },
      );
    });

    ws.on('close', (code) => {
      clearTimeout(joinTimer);
      if (!member || member.removed) return;
      const room = this.#rooms.get(stageId);
      if (!room) return;
      const clean = leftByClient || code === 1000 || code === 1001;
      if (clean || this.#options.reconnectGraceMs <= 0) {
        this.#removeMember(room, member, clean ? 'user' : 'error', { notify: false, broadcast: true });
        return;
      }
      this.#holdForReconnect(room, member);
    });
  }

  async #join(ws: WebSocket, stageId: string, token: string): Promise<Member | undefined> {
    let grant: ParticipantGrant;
    try {
      grant = await this.#hub.verifyParticipantToken(token, this.#options.now());
    } catch (error) {
      const r = tokenRejection(error);
      refuse(ws, r.code, r.message, LocalCloseCode.JOIN_REFUSED);
      return undefined;
    }
    if (ws.readyState !== ws.OPEN) return undefined;
    if (grant.stageId !== stageId) {
      refuse(ws, 'token-wrong-stage', `The participant token is for stage ${grant.stageId}, not ${stageId}.`, LocalCloseCode.JOIN_REFUSED);
      return undefined;
    }
    if (this.#disconnected.get(grant.stageArn)?.has(grant.participantId)) {
      refuse(
        ws,
        'participant-disconnected',
        'This participant was disconnected with DisconnectParticipant; its token can no longer be used. Mint a new token.',
        LocalCloseCode.JOIN_REFUSED,
      );
      return undefined;
    }
    let room = this.#rooms.get(stageId);
    if (!room) {
      room = new StageRoom(stageId, grant.stageArn);
      this.#rooms.set(stageId, room);
    }
    const previous = room.members.get(grant.participantId);
    if (previous?.socketLost) {
      // The same participant coming back within the grace period: a resumption, not a new join.
      this.#removeMember(room, previous, 'error', { notify: false, broadcast: false, report: false });
    } else if (previous) {
      // One connection per token: the newest wins, the previous one is told why it was dropped.
      this.#removeMember(room, previous, 'token-reused', { notify: true, broadcast: false });
    }
    const member = new Member(grant, ws);
    room.members.set(member.id, member);
    this.#armExpiry(room, member);
    member.send({
      type: 'welcome',
      protocolVersion: LOCAL_STAGE_PROTOCOL_VERSION,
      self: member.view(),
      participants: [...room.members.values()].filter((m) => m !== member).map((m) => m.view()),
      subscriberCount: 0,
    });
    if (!previous) room.broadcast({ type: 'participantJoined', participant: member.view() }, member);
    else room.broadcast({ type: 'metadataChanged', participant: member.view() }, member);
    this.#report({ kind: 'joined', grant });
    this.#log(`${member.id} joined ${stageId} (${room.members.size} in stage)`);
    return member;
  }

  #mute(member: Member, kind: unknown, muted: unknown): void {
    if ((kind !== 'audio' && kind !== 'video') || typeof muted !== 'boolean') {
      member.send({ type: 'error', code: 'bad-request', message: 'mute needs {"kind":"audio"|"video","muted":boolean}.' });
      return;
    }
    if (member.muted[kind] === muted) return;
    member.muted[kind] = muted;
    const room = this.#rooms.get(member.grant.stageId);
    room?.broadcast({ type: 'muteChanged', participantId: member.id, kind, muted }, member);
  }

  async #exchangeToken(member: Member, token: unknown, requestId: string | undefined): Promise<void> {
    const fail = (code: LocalStageErrorCode, message: string) =>
      member.send({ type: 'error', code, message, ...(requestId === undefined ? {} : { requestId }) });
    if (typeof token !== 'string') return fail('bad-request', 'exchangeToken needs {"token":"<participant token>"}.');
    let grant: ParticipantGrant;
    try {
      grant = await this.#hub.verifyParticipantToken(token, this.#options.now());
    } catch (error) {
      const r = tokenRejection(error);
      return fail(r.code, r.message);
    }
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

  #armExpiry(room: StageRoom, member: Member): void {
    clearTimeout(member.expiryTimer);
    // setTimeout holds at most 2^31-1 ms (24.8 days); tokens last at most 14 days.
    const delay = Math.min(Math.max(member.grant.expiresAt.getTime() - this.#options.now().getTime(), 0), 2 ** 31 - 1);
    member.expiryTimer = setTimeout(() => this.#removeMember(room, member, 'token-expired', { notify: true, broadcast: true }), delay);
    member.expiryTimer.unref?.();
  }

  /**
   * Ends a member's session: closes its WHIP/WHEP sessions, optionally tells it why (`left` +
   * close), tells the others (`participantLeft`) and reports it to the hub.
   */
  #removeMember(
    room: StageRoom,
    member: Member,
    reason: LocalLeftReason,
    how: { notify: boolean; broadcast: boolean; message?: string; report?: boolean },
  ): void {
    if (member.removed) return;
    member.removed = true;
    clearTimeout(member.expiryTimer);
    clearTimeout(member.graceTimer);
    if (room.members.get(member.id) === member) room.members.delete(member.id);
    const wasPublished = member.published;
    member.publisher?.close();
    member.publisher = undefined;
    for (const subscriber of [...member.subscriptions]) subscriber.close();
    if (how.notify) {
      member.send({ type: 'left', reason, ...(how.message ? { message: how.message } : {}) });
      if (member.socket.readyState === member.socket.OPEN) member.socket.close(LocalCloseCode.LEFT, reason);
    }
    if (how.broadcast) room.broadcast({ type: 'participantLeft', participantId: member.id, reason });
    else if (wasPublished) {
      room.broadcast({ type: 'streamsChanged', participantId: member.id, streams: [] });
      room.broadcast({ type: 'publishStateChanged', participantId: member.id, published: false });
    }
    if (wasPublished) this.#report({ kind: 'published', stageArn: room.stageArn, participantId: member.id, published: false });
    if (how.report !== false) this.#report({ kind: 'left', stageArn: room.stageArn, participantId: member.id, reason: HUB_REASON[reason] });
    this.#log(`${member.id} left ${room.stageId}: ${reason}`);
    if (room.members.size === 0) this.#rooms.delete(room.stageId);
  }

  /**
   * A socket dropped without `leave`: its media sessions end at once (the others see the streams
   * go), but the participant stays listed for `reconnectGraceMs` so a client that reconnects keeps
   * its place without a leave/join flicker. Past the grace period it is removed (`participantLeft`,
   * reason `error`).
   */
  #holdForReconnect(room: StageRoom, member: Member): void {
    member.socketLost = true;
    // Closing announces the unpublish (streamsChanged/publishStateChanged) through #onPublisherState.
    member.publisher?.close();
    for (const subscriber of [...member.subscriptions]) subscriber.close();
    member.graceTimer = setTimeout(() => {
      if (room.members.get(member.id) === member) this.#removeMember(room, member, 'error', { notify: false, broadcast: true });
    }, this.#options.reconnectGraceMs);
    member.graceTimer.unref?.();
  }

  #onStageDeleted({ stageArn }: LocalHubEvents['stageDeleted']): void {
    for (const room of [...this.#rooms.values()]) {
      if (room.stageArn !== stageArn) continue;
      for (const member of [...room.members.values()]) this.#removeMember(room, member, 'stage-deleted', { notify: true, broadcast: false });
      this.#rooms.delete(room.stageId);
    }
    this.#disconnected.delete(stageArn);
  }

  #onParticipantDisconnect({ stageArn, participantId, reason }: LocalHubEvents['participantDisconnect']): void {
    let set = this.#disconnected.get(stageArn);
    if (!set) this.#disconnected.set(stageArn, (set = new Set()));
    set.add(participantId);
    for (const room of this.#rooms.values()) {
      if (room.stageArn !== stageArn) continue;
      const member = room.members.get(participantId);
      if (member) {
        this.#removeMember(room, member, 'participant-disconnected', {
          notify: true,
          broadcast: true,
          ...(reason ? { message: reason } : {}),
        });
      }
    }
  }

  #beat(): void {
    for (const ws of this.#wss.clients) {
      if (this.#alive.get(ws) === false) {
        // Missed the previous ping: the client is gone (crashed tab, lost network).
        ws.terminate();
        continue;
      }
      this.#alive.set(ws, false);
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
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

function methodNotAllowed(allow: string): StageHttpError {
  return new StageHttpError(405, 'method-not-allowed', `Method not allowed here; allowed: ${allow}.`, { allow });
}

function sdpHttpError(error: unknown): StageHttpError {
  if (error instanceof StageHttpError) return error;
  if (error instanceof SdpError) {
    return error.code === 'codec-mismatch'
      ? new StageHttpError(406, 'codec-mismatch', `${error.message} ivs-local forwards Opus, VP8 and H.264 (packetization-mode=1).`)
      : new StageHttpError(400, 'bad-request', error.message);
  }
  return new StageHttpError(500, 'internal', `Negotiation failed: ${(error as Error)?.message ?? String(error)}`);
}

function sendFrame(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}

/** Sends an `error` frame and closes the socket. */
function refuse(ws: WebSocket, code: LocalStageErrorCode, message: string, closeCode: number): void {
  sendFrame(ws, { type: 'error', code, message });
  if (ws.readyState === ws.OPEN) ws.close(closeCode, code);
}

/** Parses a client frame, or returns the reason it is invalid. */
function parseFrame(data: RawData, isBinary: boolean): ClientFrame | string {
  if (isBinary) return 'Frames must be JSON text, not binary.';
  let value: unknown;
  try {
    value = JSON.parse(String(data));
  } catch {
    return 'The frame is not valid JSON.';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'A frame must be a JSON object with a "type".';
  const frame = value as Record<string, unknown>;
  switch (frame['type']) {
    case 'join':
      return typeof frame['token'] === 'string' && frame['token'] ? (frame as ClientFrame) : 'join needs {"token":"<participant token>"}.';
    case 'mute':
    case 'leave':
      return frame as ClientFrame;
    case 'exchangeToken':
      if (frame['requestId'] !== undefined && typeof frame['requestId'] !== 'string') return 'exchangeToken "requestId" must be a string.';
      return frame as ClientFrame;
    default:
      return `Unknown frame type ${JSON.stringify(frame['type'])}; expected join, mute, exchangeToken or leave.`;
  }
}

export { CORS_HEADERS };
