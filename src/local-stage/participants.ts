/**
 * The local driver's mirror of the stage's participants, as the events socket reports them: the
 * local participant's view and one view per remote participant, turned into the driver's
 * `ParticipantInfo` and into `stageParticipant…` events when they change.
 */
import type { DriverLocalStream, DriverParticipantInfo, DriverStream } from '../stage/driver';
import type { StageEventEmitter } from './emitter';
import type { LocalMediaKind, LocalParticipantView, ServerFrame } from './protocol';

/** The frames about remote participants, which the mirror applies. */
export type ParticipantFrame = Extract<
  ServerFrame,
  { type: 'participantJoined' | 'participantLeft' | 'publishStateChanged' | 'streamsChanged' | 'muteChanged' | 'metadataChanged' }
>;

/** What the mirror tells the subscriptions about remote participants. */
export interface RemoteMediaHooks {
  /** The server ended the participant's publication: drop the subscription (no DELETE). */
  publicationEnded(id: string): void;
  /** The participant left. */
  removed(id: string): void;
  /** The received stream of that kind, when its mute state changed and listeners should hear of it. */
  muted(id: string, kind: LocalMediaKind, muted: boolean): DriverStream | undefined;
  /** The participant's publication changed: earlier subscribe failures no longer count. */
  publicationChanged(id: string): void;
}

/** What the mirror reads of the local publication. */
export interface LocalPublicationView {
  stream(kind: 'audio' | 'video'): DriverLocalStream | undefined;
  isPublished(): boolean;
}

export function capabilitySet(capabilities: { publish: boolean; subscribe: boolean }): ReadonlySet<string> {
  const set = new Set<string>();
  if (capabilities.publish) set.add('publish');
  if (capabilities.subscribe) set.add('subscribe');
  return set;
}

export class ParticipantMirror {
  readonly #events: StageEventEmitter;
  readonly #publication: LocalPublicationView;
  readonly #remotes = new Map<string, LocalParticipantView>();
  #self: LocalParticipantView | undefined;

  #media: RemoteMediaHooks | undefined;

  constructor(events: StageEventEmitter, publication: LocalPublicationView) {
    this.#events = events;
    this.#publication = publication;
  }

  /** Connects the subscriptions (created when the stage starts joining). */
  set media(hooks: RemoteMediaHooks) {
    this.#media = hooks;
  }

  /** Applies a frame about a remote participant. Returns whether the strategy should run again. */
  apply(frame: ParticipantFrame): boolean {
    switch (frame.type) {
      case 'participantJoined':
        this.upsert(frame.participant);
        return true;
      case 'participantLeft':
        this.remove(frame.participantId);
        return false;
      case 'muteChanged':
        this.#muted(frame.participantId, frame.kind, frame.muted);
        return false;
      case 'metadataChanged': {
        const view = this.#remotes.get(frame.participant.id);
        if (!view) return false;
        this.#remotes.set(view.id, { ...frame.participant, published: view.published, streams: view.streams });
        this.#events.emit('stageParticipantMetadataChanged', this.info(view.id));
        return true;
      }
      default:
        return this.#publicationChanged(frame);
    }
  }

  #publicationChanged(frame: Extract<ServerFrame, { type: 'publishStateChanged' | 'streamsChanged' }>): boolean {
    const view = this.#remotes.get(frame.participantId);
    if (!view) return false;
    if (frame.type === 'publishStateChanged') {
      if (view.published === frame.published) return false;
      this.#remotes.set(view.id, { ...view, published: frame.published, ...(frame.published ? {} : { streams: [] }) });
      if (!frame.published) this.#media?.publicationEnded(view.id);
      this.#events.emit('stageParticipantPublishStateChanged', this.info(view.id), frame.published ? 'published' : 'not_published');
    } else {
      this.#remotes.set(view.id, { ...view, streams: frame.streams });
      if (frame.streams.length === 0) this.#media?.publicationEnded(view.id);
    }
    this.#media?.publicationChanged(view.id);
    return true;
  }

  #muted(id: string, kind: LocalMediaKind, muted: boolean): void {
    const view = this.#remotes.get(id);
    if (!view) return;
    this.#remotes.set(id, { ...view, ...(kind === 'audio' ? { audioMuted: muted } : { videoMuted: muted }) });
    const stream = this.#media?.muted(id, kind, muted);
    if (stream) this.#events.emit('stageStreamMuteChanged', this.info(id), stream);
  }

  /** The local participant's view (from the welcome on). */
  get self(): LocalParticipantView | undefined {
    return this.#self;
  }

  set self(view: LocalParticipantView) {
    this.#self = view;
  }

  /** The local participant as the driver reports it; `undefined` before the welcome. */
  localInfo(): DriverParticipantInfo | undefined {
    const self = this.#self;
    if (!self) return undefined;
    const audio = this.#publication.stream('audio');
    const video = this.#publication.stream('video');
    return {
      id: self.id,
      userId: self.userId,
      attributes: { ...self.attributes },
      capabilities: capabilitySet(self.capabilities),
      isLocal: true,
      audioMuted: audio ? audio.isMuted : false,
      videoStopped: video ? video.isMuted : false,
      isPublishing: this.#publication.isPublished(),
    };
  }

  view(id: string): LocalParticipantView | undefined {
    return this.#remotes.get(id);
  }

  ids(): string[] {
    return [...this.#remotes.keys()];
  }

  info(id: string): DriverParticipantInfo {
    const view = this.#remotes.get(id)!;
    return {
      id: view.id,
      userId: view.userId,
      attributes: { ...view.attributes },
      capabilities: capabilitySet(view.capabilities),
      isLocal: false,
      audioMuted: view.audioMuted,
      videoStopped: view.videoMuted,
      isPublishing: view.published,
    };
  }

  /** Adds or refreshes a remote participant, emitting joined / metadata / publish-state / mute events. */
  upsert(view: LocalParticipantView): void {
    const previous = this.#remotes.get(view.id);
    this.#remotes.set(view.id, view);
    if (!previous) {
      this.#events.emit('stageParticipantJoined', this.info(view.id));
      if (view.published) this.#events.emit('stageParticipantPublishStateChanged', this.info(view.id), 'published');
      return;
    }
    if (previous.userId !== view.userId || JSON.stringify(previous.attributes) !== JSON.stringify(view.attributes)) {
      this.#events.emit('stageParticipantMetadataChanged', this.info(view.id));
    }
    if (previous.published !== view.published) {
      this.#events.emit('stageParticipantPublishStateChanged', this.info(view.id), view.published ? 'published' : 'not_published');
    }
    if (previous.audioMuted !== view.audioMuted) this.#muted(view.id, 'audio', view.audioMuted);
    if (previous.videoMuted !== view.videoMuted) this.#muted(view.id, 'video', view.videoMuted);
  }

  /** Forgets a remote participant (its subscription first) and emits `stageParticipantLeft`. */
  remove(id: string): void {
    if (!this.#remotes.has(id)) return;
    this.#media?.removed(id);
    const info = this.info(id);
    this.#remotes.delete(id);
    this.#events.emit('stageParticipantLeft', info);
  }

  clear(): void {
    this.#remotes.clear();
  }
}
