/**
 * The event-to-participant half of the connection engine (`stage-connection.ts`): it turns the
 * driver's participant events into the participant store's snapshots and the session's
 * `participantJoined` / `participantUpdated` / `participantLeft` / `streamsChanged` / `muteChanged`
 * events, and keeps the local participant's streams in step with the session's local media.
 * Loaded with the engine (on the first `join()`). (Internal module: not part of the public API.)
 */
import type { ParticipantTokenClaims } from '../core/token';
import type { DriverParticipantInfo, DriverPublishState, DriverStream, DriverSubscribeState } from './driver';
import type { LocalMedia } from './local-media';
import { localFromClaims, mergeLocalInfo, withLocalMute } from './local-participant';
import type { ParticipantStore, StoreChange } from './participant-store';
import type { EngineHost } from './types';

/** Maps one session's driver participant events onto its participant store. @internal */
export class ParticipantEvents {
  readonly #host: EngineHost;
  readonly #store: ParticipantStore;
  readonly #media: LocalMedia;
  /** The claims of the current connection's token; undefined between connections. */
  readonly #claims: () => ParticipantTokenClaims | undefined;

  constructor(host: EngineHost, store: ParticipantStore, media: LocalMedia, claims: () => ParticipantTokenClaims | undefined) {
    this.#host = host;
    this.#store = store;
    this.#media = media;
    this.#claims = claims;
  }

  isLocal(claims: ParticipantTokenClaims, info: DriverParticipantInfo): boolean {
    return info.isLocal || info.id === claims.participantId;
  }

  /** Adds the local participant (once connected) and shows its streams. */
  ensureLocal(claims: ParticipantTokenClaims): void {
    const id = claims.participantId;
    if (!this.#store.get(id)) {
      this.emitChange(this.#store.upsert(id, (p) => localFromClaims(claims, this.#host.muted, p)));
    }
    this.syncLocalStreams();
  }

  /** A participant joined or changed its metadata. */
  applyInfo(claims: ParticipantTokenClaims, info: DriverParticipantInfo): void {
    if (!this.isLocal(claims, info)) {
      this.emitChange(this.#store.applyInfo(info));
      return;
    }
    // The local participant's capabilities, streams and mute come from this session, not the info.
    this.emitChange(this.#store.upsert(claims.participantId, (current) => mergeLocalInfo(localFromClaims(claims, this.#host.muted, current), info)));
  }

  left(claims: ParticipantTokenClaims, info: DriverParticipantInfo): void {
    if (this.isLocal(claims, info)) return; // The local participant leaves with the session (stageLeft).
    const participant = this.#store.remove(info.id);
    this.#host.preferredLayers.delete(info.id);
    if (participant) this.#host.emit('participantLeft', { participant });
  }

  publishState(claims: ParticipantTokenClaims, info: DriverParticipantInfo, state: DriverPublishState): void {
    const id = this.isLocal(claims, info) ? claims.participantId : info.id;
    this.emitChange(this.#store.setPublishState(info, state, id));
  }

  subscribeState(claims: ParticipantTokenClaims, info: DriverParticipantInfo, state: DriverSubscribeState): void {
    if (this.isLocal(claims, info)) return;
    this.emitChange(this.#store.setSubscribeState(info, state));
  }

  streamsAdded(claims: ParticipantTokenClaims, info: DriverParticipantInfo, streams: DriverStream[]): void {
    if (this.isLocal(claims, info)) {
      // Local streams are the session's own media (already shown); the driver echoes them.
      this.syncLocalStreams();
      return;
    }
    const { change, added } = this.#store.addStreams(info, streams);
    this.emitChange(change);
    if (added.length > 0) this.#host.emit('streamsChanged', { participant: change.participant, added, removed: [] });
  }

  streamsRemoved(claims: ParticipantTokenClaims, info: DriverParticipantInfo, streams: DriverStream[]): void {
    if (this.isLocal(claims, info)) return;
    const { change, removed } = this.#store.removeStreams(info, streams);
    this.emitChange(change);
    if (removed.length > 0) this.#host.emit('streamsChanged', { participant: change.participant, added: [], removed });
  }

  streamMute(claims: ParticipantTokenClaims, info: DriverParticipantInfo, stream: DriverStream): void {
    if (this.isLocal(claims, info)) return; // Local mute is driven by setMuted().
    const before = this.#store.get(info.id);
    const change = this.#store.setStreamMuted(info, stream);
    this.emitChange(change);
    const kind = stream.streamType === 'audio' ? 'audio' : stream.streamType === 'video' ? 'video' : undefined;
    if (!kind || change.type === 'unchanged') return;
    const wasMuted = kind === 'audio' ? before?.audioMuted : before?.videoMuted;
    const muted = kind === 'audio' ? change.participant.audioMuted : change.participant.videoMuted;
    if (wasMuted !== muted) this.#host.emit('muteChanged', { participant: change.participant, kind, muted });
  }

  /** Makes the local participant's streams match the session's local media. */
  syncLocalStreams(): void {
    const id = this.#claims()?.participantId;
    if (id === undefined || !this.#store.get(id)) return;
    const { change, added, removed } = this.#store.replaceStreams(id, this.#media.streams);
    if (!change) return;
    const withMute = this.#store.upsert(id, (p) => withLocalMute(p!, this.#host.muted));
    const participant = withMute.participant;
    if (change.type === 'updated' && withMute.type === 'updated') {
      this.emitChange({ type: 'updated', participant, previous: change.previous, changes: [...new Set([...change.changes, ...withMute.changes])] });
    } else if (change.type === 'updated') {
      this.emitChange({ ...change, participant });
    } else {
      this.emitChange(withMute);
    }
    if (added.length > 0 || removed.length > 0) this.#host.emit('streamsChanged', { participant, added, removed });
  }

  emitChange(change: StoreChange): void {
    if (change.type === 'joined') this.#host.emit('participantJoined', { participant: change.participant });
    else if (change.type === 'updated') {
      this.#host.emit('participantUpdated', { participant: change.participant, previous: change.previous, changes: change.changes });
    }
  }
}
