import type { WebSocket } from 'ws';
import type { ParticipantGrant } from '../hub';
import type { LocalMediaKind, LocalParticipantView, ServerFrame } from 'aws-ivs-realtime/protocol';
import type { Publisher } from './publisher';
import type { Subscriber } from './subscriber';

/**
 * A participant in a stage: joined through the events socket (the SDK's local driver), or a plain
 * WHIP publisher (OBS, ffmpeg, GStreamer, a bot) that has no socket.
 */
export class Member {
  grant: ParticipantGrant;
  /** The events socket; `undefined` for a plain WHIP publisher. */
  readonly socket: WebSocket | undefined;
  readonly muted: Record<LocalMediaKind, boolean> = { audio: false, video: false };
  publisher: Publisher | undefined;
  /** WHEP sessions this participant opened (it is the subscriber). */
  readonly subscriptions = new Set<Subscriber>();
  expiryTimer: NodeJS.Timeout | undefined;
  /** Last subscriber count sent to this participant. */
  lastSubscriberCount = 0;
  /** Set once the member has been removed (guards against double cleanup). */
  removed = false;
  /** The socket dropped without `leave`; the member waits for a reconnect (see `reconnectGraceMs`). */
  socketLost = false;
  graceTimer: NodeJS.Timeout | undefined;
  /** `preferLayer` choices of this subscriber, per publisher (applied to its current and next WHEP sessions). */
  readonly layerPreferences = new Map<string, string | null>();
  /** Decoded in-band message bytes sent in the current one-second window (the 10 KB/s limit). */
  readonly inBandWindow = { startedAt: 0, bytes: 0 };
  /** Whether the others were told of this participant (a plain WHIP publisher: once its offer was answered). */
  announced: boolean;

  constructor(grant: ParticipantGrant, socket: WebSocket | undefined) {
    this.grant = grant;
    this.socket = socket;
    this.announced = socket !== undefined;
  }

  /** A plain WHIP publisher: present only through its WHIP session. */
  get plainWhip(): boolean {
    return this.socket === undefined;
  }

  get id(): string {
    return this.grant.participantId;
  }

  /** Whether this participant's WHIP session is connected. */
  get published(): boolean {
    return this.publisher?.state === 'connected';
  }

  /** Distinct participants with a connected WHEP session on this participant's media. */
  subscriberCount(): number {
    if (!this.publisher) return 0;
    const ids = new Set<string>();
    for (const subscriber of this.publisher.subscribers) if (subscriber.state === 'connected') ids.add(subscriber.participantId);
    return ids.size;
  }

  view(): LocalParticipantView {
    const published = this.published;
    return {
      id: this.id,
      userId: this.grant.userId,
      attributes: { ...this.grant.attributes },
      capabilities: { ...this.grant.capabilities },
      published,
      streams: published ? this.publisher!.streams.map((s) => ({ ...s })) : [],
      audioMuted: this.muted.audio,
      videoMuted: this.muted.video,
    };
  }

  send(frame: ServerFrame): void {
    const socket = this.socket;
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  }
}

/** The participants currently joined to one stage. */
export class StageRoom {
  readonly stageId: string;
  readonly stageArn: string;
  readonly members = new Map<string, Member>();

  constructor(stageId: string, stageArn: string) {
    this.stageId = stageId;
    this.stageArn = stageArn;
  }

  /** Sends a frame to every member except `except`. */
  broadcast(frame: ServerFrame, except?: Member): void {
    const data = JSON.stringify(frame);
    for (const member of this.members.values()) {
      const socket = member.socket;
      if (member !== except && socket && socket.readyState === socket.OPEN) socket.send(data);
    }
  }

  /** Members the others know of (a plain WHIP publisher is listed once its offer was answered). */
  visibleMembers(except?: Member): Member[] {
    return [...this.members.values()].filter((m) => m !== except && m.announced);
  }

  /** Members holding a WHIP session (connecting or connected), other than `except`. */
  publisherCount(except?: Member): number {
    let count = 0;
    for (const member of this.members.values()) if (member !== except && member.publisher && member.publisher.state !== 'closed') count++;
    return count;
  }
}
