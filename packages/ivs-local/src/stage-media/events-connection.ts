/**
 * One events WebSocket, as an object with explicit states:
 *
 * ```
 * awaiting-join ──join frame──► joining ──verified──► joined ──leave / close──► closed
 *       │                          │ refused (4001)
 *       └─ anything else, or no join in time: error frame + close 4002
 * ```
 */
import type { RawData, WebSocket } from 'ws';
import type { LocalHub } from '../hub';
import { LocalCloseCode, type ClientFrame } from 'aws-ivs-realtime/protocol';
import { checkToken, isRefusal } from './access';
import { parseFrame, refuse, sendFrame } from './frames';
import type { Membership } from './membership';
import type { ResolvedStageMediaOptions } from './options';
import type { Member } from './room';
import { preferLayer, relayInBandMessage, relaySubtitleCue } from './stage-messages';

export type EventsConnectionState = 'awaiting-join' | 'joining' | 'joined' | 'closed';

/** Frames accepted while the join is being verified (handled once joined). */
const MAX_QUEUED_FRAMES = 32;

export class EventsConnection {
  readonly #ws: WebSocket;
  readonly #stageId: string;
  readonly #hub: LocalHub;
  readonly #membership: Membership;
  readonly #options: ResolvedStageMediaOptions;
  #state: EventsConnectionState = 'awaiting-join';
  #member: Member | undefined;
  #leftByClient = false;
  readonly #queued: ClientFrame[] = [];
  readonly #joinTimer: NodeJS.Timeout;

  constructor(ws: WebSocket, stageId: string, hub: LocalHub, membership: Membership, options: ResolvedStageMediaOptions) {
    this.#ws = ws;
    this.#stageId = stageId;
    this.#hub = hub;
    this.#membership = membership;
    this.#options = options;
    ws.on('error', () => {
      // 'close' follows; nothing else to do.
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    ws.on('close', (code: number) => this.#onClose(code));
    this.#joinTimer = setTimeout(() => {
      if (this.#state === 'awaiting-join' || this.#state === 'joining') {
        this.#protocolError(`No join frame within ${options.joinTimeoutMs} ms.`);
      }
    }, options.joinTimeoutMs);
    this.#joinTimer.unref?.();
  }

  get state(): EventsConnectionState {
    return this.#state;
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    const frame = parseFrame(data, isBinary);
    switch (this.#state) {
      case 'awaiting-join':
        if (typeof frame === 'string') return this.#protocolError(`${frame} The first frame must be {"type":"join","token":"<participant token>"}.`);
        if (frame.type !== 'join') return this.#protocolError('The first frame must be {"type":"join","token":"<participant token>"}.');
        this.#state = 'joining';
        this.#join(frame.token).catch((error: unknown) => {
          this.#options.log?.(`[stage-media] join failed: ${String(error)}`);
          this.#refuseJoin('internal', 'The join failed.');
        });
        return;
      case 'joining':
        if (typeof frame === 'string') sendFrame(this.#ws, { type: 'error', code: 'bad-request', message: frame });
        else if (this.#queued.length < MAX_QUEUED_FRAMES) this.#queued.push(frame);
        return;
      case 'joined':
        if (typeof frame === 'string') sendFrame(this.#ws, { type: 'error', code: 'bad-request', message: frame });
        else this.#handle(this.#member!, frame);
        return;
      case 'closed':
        return;
    }
  }

  async #join(token: string): Promise<void> {
    const grant = await checkToken(this.#hub, token, this.#options.now());
    if (this.#state !== 'joining' || this.#ws.readyState !== this.#ws.OPEN) return;
    if (isRefusal(grant)) return this.#refuseJoin(grant.code, grant.message);
    if (grant.stageId !== this.#stageId) {
      return this.#refuseJoin('token-wrong-stage', `The participant token is for stage ${grant.stageId}, not ${this.#stageId}.`);
    }
    if (this.#membership.isDisconnected(grant)) {
      return this.#refuseJoin(
        'participant-disconnected',
        'This participant was disconnected with DisconnectParticipant; its token can no longer be used. Mint a new token.',
      );
    }
    clearTimeout(this.#joinTimer);
    const member = this.#membership.join(this.#ws, grant);
    this.#member = member;
    this.#state = 'joined';
    for (const next of this.#queued.splice(0)) if (!member.removed) this.#handle(member, next);
  }

  #handle(member: Member, frame: ClientFrame): void {
    switch (frame.type) {
      case 'join':
        sendFrame(this.#ws, { type: 'error', code: 'already-joined', message: 'This socket has already joined; open a new socket to join again.' });
        return;
      case 'mute':
        this.#membership.mute(member, frame.kind, frame.muted);
        return;
      case 'exchangeToken':
        void this.#membership.exchangeToken(member, frame.token, frame.requestId);
        return;
      case 'preferLayer':
        preferLayer(member, frame);
        return;
      case 'inBandMessage':
      case 'subtitleCue': {
        const room = this.#membership.room(this.#stageId);
        if (!room) return;
        if (frame.type === 'inBandMessage') relayInBandMessage(room, member, frame);
        else relaySubtitleCue(room, member, frame);
        return;
      }
      case 'leave': {
        this.#leftByClient = true;
        const room = this.#membership.room(this.#stageId);
        if (room) this.#membership.remove(room, member, { intent: 'leave' });
        this.#ws.close(1000, 'left');
        return;
      }
    }
  }

  #onClose(code: number): void {
    clearTimeout(this.#joinTimer);
    const member = this.#member;
    this.#state = 'closed';
    if (!member || member.removed) return;
    const room = this.#membership.room(this.#stageId);
    if (!room) return;
    if (this.#leftByClient || code === 1000 || code === 1001) this.#membership.remove(room, member, { intent: 'leave' });
    else this.#membership.holdForReconnect(room, member);
  }

  #protocolError(message: string): void {
    this.#state = 'closed';
    refuse(this.#ws, 'bad-request', message, LocalCloseCode.PROTOCOL_ERROR);
  }

  #refuseJoin(code: Parameters<typeof refuse>[1], message: string): void {
    this.#state = 'closed';
    refuse(this.#ws, code, message, LocalCloseCode.JOIN_REFUSED);
  }
}
