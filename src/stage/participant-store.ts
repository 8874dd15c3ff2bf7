/**
 * Participant bookkeeping: immutable {@link Participant} snapshots kept in a Map keyed by id, built
 * from the driver's participant infos and stream events. Pure data handling, no events: every
 * mutation returns what changed, and the session decides what to emit.
 */
import type { DriverParticipantInfo, DriverPublishState, DriverStream, DriverSubscribeState } from './driver';
import { layersOf, sameLayers, streamQuality } from './stream-layers';
import type { Participant, ParticipantChange, ParticipantStream, PublishState, StreamLayers, SubscribeState } from './types';

/** What a store mutation did. @internal */
export type StoreChange =
  | { type: 'joined'; participant: Participant }
  | { type: 'updated'; participant: Participant; previous: Participant; changes: ParticipantChange[] }
  | { type: 'unchanged'; participant: Participant };

/** @internal */
export function toPublishState(state: DriverPublishState | string): PublishState {
  switch (state) {
    case 'attempting_publish':
      return 'attempting';
    case 'published':
      return 'published';
    case 'errored':
      return 'errored';
    default:
      return 'not-published';
  }
}

/** @internal */
export function toSubscribeState(state: DriverSubscribeState | string): SubscribeState {
  switch (state) {
    case 'attempting_subscribe':
      return 'attempting';
    case 'subscribed':
      return 'subscribed';
    case 'errored':
      return 'errored';
    default:
      return 'not-subscribed';
  }
}

/** Converts a driver stream; `undefined` for kinds a participant tile cannot show (subtitles). @internal */
export function toParticipantStream(stream: DriverStream): ParticipantStream | undefined {
  const kind = stream.streamType === 'audio' ? 'audio' : stream.streamType === 'video' ? 'video' : undefined;
  if (!kind) return undefined;
  const track = stream.mediaStreamTrack;
  const converted: { -readonly [K in keyof ParticipantStream]: ParticipantStream[K] } = { id: stream.id ?? track.id, kind, track, muted: stream.isMuted };
  // Statistics stay reachable from the snapshot (active speaker, network quality) without exposing the driver stream.
  if (stream.getStats) converted.getStats = () => stream.getStats!();
  if (stream.requestQualityStats) converted.getQuality = () => streamQuality(stream);
  const layers = kind === 'video' ? layersOf(stream) : undefined;
  if (layers) converted.layers = layers;
  return converted;
}

function stringAttributes(attributes: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}

/** Recomputes the fields derived from `streams` (tracks, per-kind mute). @internal */
export function deriveFromStreams(participant: Participant, streams: readonly ParticipantStream[]): Participant {
  const audio = streams.find((s) => s.kind === 'audio');
  const video = streams.find((s) => s.kind === 'video');
  return {
    ...participant,
    streams,
    audioTrack: audio?.track,
    videoTrack: video?.track,
    audioMuted: audio ? audio.muted : participant.audioMuted,
    videoMuted: video ? video.muted : participant.videoMuted,
  };
}

/** A fresh snapshot for a participant the store has not seen. @internal */
export function participantFromInfo(info: DriverParticipantInfo): Participant {
  return {
    id: info.id,
    userId: info.userId ?? '',
    attributes: stringAttributes(info.attributes),
    userInfo: info.userInfo ?? {},
    isLocal: info.isLocal,
    capabilities: { publish: info.capabilities.has('publish'), subscribe: info.capabilities.has('subscribe') },
    isPublishing: info.isPublishing,
    publishState: info.isPublishing ? 'published' : 'not-published',
    subscribeState: 'not-subscribed',
    audioTrack: undefined,
    videoTrack: undefined,
    audioMuted: info.audioMuted,
    videoMuted: info.videoStopped,
    streams: [],
  };
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function sameStreams(a: readonly ParticipantStream[], b: readonly ParticipantStream[]): boolean {
  return a.length === b.length && a.every((s, i) => s.id === b[i]?.id && s.track === b[i]?.track);
}

function sameUserInfo(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/** The kinds of change between two snapshots of one participant. @internal */
export function diffParticipants(previous: Participant, next: Participant): ParticipantChange[] {
  const changes: ParticipantChange[] = [];
  if (previous.userId !== next.userId || !sameRecord(previous.attributes, next.attributes)) changes.push('attributes');
  if (!sameUserInfo(previous.userInfo, next.userInfo)) changes.push('userInfo');
  if (previous.capabilities.publish !== next.capabilities.publish || previous.capabilities.subscribe !== next.capabilities.subscribe) {
    changes.push('capabilities');
  }
  if (previous.publishState !== next.publishState || previous.isPublishing !== next.isPublishing) changes.push('publishState');
  if (previous.subscribeState !== next.subscribeState) changes.push('subscribeState');
  if (!sameStreams(previous.streams, next.streams)) changes.push('streams');
  if (
    previous.audioMuted !== next.audioMuted ||
    previous.videoMuted !== next.videoMuted ||
    previous.streams.some((s) => next.streams.some((n) => n.track === s.track && n.muted !== s.muted))
  ) {
    changes.push('mute');
  }
  if (previous.streams.some((s) => next.streams.some((n) => n.track === s.track && !sameLayers(n.layers, s.layers)))) changes.push('layers');
  return changes;
}

/** Immutable participant snapshots keyed by id, in join order. @internal */
export class ParticipantStore {
  #byId = new Map<string, Participant>();
  #list: readonly Participant[] | undefined;

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): Participant | undefined {
    return this.#byId.get(id);
  }

  /** All participants, local first, then in join order. The array is cached until the next change. */
  list(): readonly Participant[] {
    if (!this.#list) {
      const all = [...this.#byId.values()];
      this.#list = Object.freeze([...all.filter((p) => p.isLocal), ...all.filter((p) => !p.isLocal)]);
    }
    return this.#list;
  }

  /**
   * Creates or replaces the snapshot of `id`. `build` receives the current snapshot (if any) and returns
   * the next one; nothing is stored when nothing changed.
   */
  upsert(id: string, build: (current: Participant | undefined) => Participant): StoreChange {
    const current = this.#byId.get(id);
    const next = build(current);
    if (!current) {
      this.#set(id, next);
      return { type: 'joined', participant: next };
    }
    const changes = diffParticipants(current, next);
    if (changes.length === 0) return { type: 'unchanged', participant: current };
    this.#set(id, next);
    return { type: 'updated', participant: next, previous: current, changes };
  }

  /** Applies a driver info (userId, attributes, capabilities, publishing flag) to the stored snapshot. */
  applyInfo(info: DriverParticipantInfo, id: string = info.id): StoreChange {
    return this.upsert(id, (current) => {
      if (!current) return participantFromInfo(info);
      const fresh = participantFromInfo(info);
      return {
        ...current,
        userId: fresh.userId,
        attributes: sameRecord(current.attributes, fresh.attributes) ? current.attributes : fresh.attributes,
        userInfo: sameUserInfo(current.userInfo, fresh.userInfo) ? current.userInfo : fresh.userInfo,
        capabilities: current.isLocal ? current.capabilities : fresh.capabilities,
      };
    });
  }

  setPublishState(info: DriverParticipantInfo, state: DriverPublishState | string, id: string = info.id): StoreChange {
    const publishState = toPublishState(state);
    return this.upsert(id, (current) => ({ ...(current ?? participantFromInfo(info)), publishState, isPublishing: publishState === 'published' }));
  }

  setSubscribeState(info: DriverParticipantInfo, state: DriverSubscribeState | string): StoreChange {
    const subscribeState = toSubscribeState(state);
    return this.upsert(info.id, (current) => ({ ...(current ?? participantFromInfo(info)), subscribeState }));
  }

  /** Adds streams (a stream whose track is already present replaces it). Returns the added ones too. */
  addStreams(info: DriverParticipantInfo, streams: readonly DriverStream[], id: string = info.id): { change: StoreChange; added: ParticipantStream[] } {
    const incoming = streams.map(toParticipantStream).filter((s): s is ParticipantStream => s !== undefined);
    let added: ParticipantStream[] = [];
    const change = this.upsert(id, (current) => {
      const base = current ?? participantFromInfo(info);
      const kept = base.streams.filter((s) => !incoming.some((n) => n.track === s.track || n.id === s.id));
      added = incoming.filter((n) => !base.streams.some((s) => s.track === n.track && s.id === n.id && s.muted === n.muted));
      return deriveFromStreams(base, [...kept, ...incoming]);
    });
    return { change, added: change.type === 'unchanged' ? [] : added };
  }

  /** Removes streams by track (or id). Returns the removed ones too. */
  removeStreams(info: DriverParticipantInfo, streams: readonly DriverStream[], id: string = info.id): { change: StoreChange; removed: ParticipantStream[] } {
    const current = this.#byId.get(id);
    if (!current) return { change: { type: 'unchanged', participant: participantFromInfo(info) }, removed: [] };
    const gone = streams.map(toParticipantStream).filter((s): s is ParticipantStream => s !== undefined);
    const removed = current.streams.filter((s) => gone.some((g) => g.track === s.track || g.id === s.id));
    if (removed.length === 0) return { change: { type: 'unchanged', participant: current }, removed };
    const change = this.upsert(id, (p) => deriveFromStreams(p!, p!.streams.filter((s) => !removed.includes(s))));
    return { change, removed };
  }

  /** Replaces all streams of a participant (used for the local participant's own media). */
  replaceStreams(id: string, streams: readonly DriverStream[]): { change: StoreChange | undefined; added: ParticipantStream[]; removed: ParticipantStream[] } {
    const current = this.#byId.get(id);
    if (!current) return { change: undefined, added: [], removed: [] };
    const next = streams.map(toParticipantStream).filter((s): s is ParticipantStream => s !== undefined);
    const removed = current.streams.filter((s) => !next.some((n) => n.track === s.track));
    const added = next.filter((n) => !current.streams.some((s) => s.track === n.track));
    const change = this.upsert(id, (p) => deriveFromStreams(p!, next));
    return { change, added, removed };
  }

  /** Updates the mute flag of one stream (matched by track, then id). */
  setStreamMuted(info: DriverParticipantInfo, stream: DriverStream, id: string = info.id): StoreChange {
    const current = this.#byId.get(id);
    if (!current) return this.addStreams(info, [stream], id).change;
    const converted = toParticipantStream(stream);
    if (!converted) return { type: 'unchanged', participant: current };
    const index = current.streams.findIndex((s) => s.track === converted.track || s.id === converted.id);
    const streams =
      index === -1 ? [...current.streams, converted] : current.streams.map((s, i) => (i === index ? { ...s, muted: converted.muted } : s));
    return this.upsert(id, (p) => deriveFromStreams(p!, streams));
  }

  /**
   * Replaces the layers of one stream (matched by id, then track) with `next(current layers)`.
   * Unchanged when the participant or stream is unknown, or the layers say the same.
   */
  setStreamLayers(id: string, stream: DriverStream, next: (current: StreamLayers | undefined) => StreamLayers): { change: StoreChange | undefined; stream: ParticipantStream | undefined } {
    const current = this.#byId.get(id);
    const streamId = stream.id ?? stream.mediaStreamTrack.id;
    const index = current ? current.streams.findIndex((s) => s.id === streamId || s.track === stream.mediaStreamTrack) : -1;
    const existing = current?.streams[index];
    if (!current || !existing) return { change: undefined, stream: undefined };
    const layers = next(existing.layers);
    if (sameLayers(existing.layers, layers)) return { change: undefined, stream: existing };
    const updated: ParticipantStream = { ...existing, layers };
    const change = this.upsert(id, (p) => deriveFromStreams(p!, p!.streams.map((s, i) => (i === index ? updated : s))));
    return { change, stream: updated };
  }

  remove(id: string): Participant | undefined {
    const current = this.#byId.get(id);
    if (current) {
      this.#byId.delete(id);
      this.#list = undefined;
    }
    return current;
  }

  /** Removes everyone; returns who was there (local first). */
  clear(): readonly Participant[] {
    const all = this.list();
    this.#byId.clear();
    this.#list = undefined;
    return all;
  }

  #set(id: string, participant: Participant): void {
    this.#byId.set(id, participant);
    this.#list = undefined;
  }
}
