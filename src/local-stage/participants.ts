/**
 * The local driver's mirror of the stage's participants, as the events socket reports them: the
 * local participant's view and one view per remote participant, turned into the driver's
 * `ParticipantInfo` and into `stageParticipant…` events when they change.
 */
import type { DriverLocalStream, DriverParticipantInfo } from '../stage/driver';
import type { StageEventEmitter } from './emitter';
import type { LocalMediaKind, LocalParticipantView } from './protocol';

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

  constructor(events: StageEventEmitter, publication: LocalPublicationView) {
    this.#events = events;
    this.#publication = publication;
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

  /**
   * Adds or refreshes a remote participant, emitting joined / metadata / publish-state events.
   * Returns the mute changes for the caller to apply to received streams.
   */
  upsert(view: LocalParticipantView): Array<{ kind: LocalMediaKind; muted: boolean }> {
    const previous = this.#remotes.get(view.id);
    this.#remotes.set(view.id, view);
    if (!previous) {
      this.#events.emit('stageParticipantJoined', this.info(view.id));
      if (view.published) this.#events.emit('stageParticipantPublishStateChanged', this.info(view.id), 'published');
      return [];
    }
    if (previous.userId !== view.userId || JSON.stringify(previous.attributes) !== JSON.stringify(view.attributes)) {
      this.#events.emit('stageParticipantMetadataChanged', this.info(view.id));
    }
    if (previous.published !== view.published) {
      this.#events.emit('stageParticipantPublishStateChanged', this.info(view.id), view.published ? 'published' : 'not_published');
    }
    const changes: Array<{ kind: LocalMediaKind; muted: boolean }> = [];
    if (previous.audioMuted !== view.audioMuted) changes.push({ kind: 'audio', muted: view.audioMuted });
    if (previous.videoMuted !== view.videoMuted) changes.push({ kind: 'video', muted: view.videoMuted });
    return changes;
  }

  /** Replaces part of a remote participant's view (no event). */
  patch(id: string, patch: Partial<LocalParticipantView>): LocalParticipantView | undefined {
    const view = this.#remotes.get(id);
    if (!view) return undefined;
    const next = { ...view, ...patch };
    this.#remotes.set(id, next);
    return next;
  }

  /** Forgets a remote participant and emits `stageParticipantLeft`. */
  remove(id: string): void {
    if (!this.#remotes.has(id)) return;
    const info = this.info(id);
    this.#remotes.delete(id);
    this.#events.emit('stageParticipantLeft', info);
  }

  clear(): void {
    this.#remotes.clear();
  }
}
