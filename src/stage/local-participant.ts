/**
 * The local participant's snapshot: built from the token claims (the session's own truth about
 * capabilities), the session's mute state, and whatever identity the driver reports.
 */
import type { ParticipantTokenClaims } from '../core/token';
import type { DriverParticipantInfo } from './driver';
import { participantFromInfo } from './participant-store';
import type { Participant, ParticipantStream } from './types';

/** The local participant from token claims, keeping `current`'s streams and states. @internal */
export function localFromClaims(
  claims: ParticipantTokenClaims,
  muted: { audio: boolean; video: boolean },
  current: Participant | undefined,
): Participant {
  const base: Participant = current ?? {
    id: claims.participantId,
    userId: '',
    attributes: {},
    userInfo: {},
    isLocal: true,
    capabilities: { ...claims.capabilities },
    isPublishing: false,
    publishState: 'not-published',
    subscribeState: 'not-subscribed',
    audioTrack: undefined,
    videoTrack: undefined,
    audioMuted: muted.audio,
    videoMuted: muted.video,
    streams: [],
  };
  return { ...base, userId: claims.userId ?? '', attributes: { ...claims.attributes }, capabilities: { ...claims.capabilities } };
}

/** Takes userId/attributes from the driver's info when it has them (e.g. after a token exchange). @internal */
export function mergeLocalInfo(local: Participant, info: DriverParticipantInfo): Participant {
  const fresh = participantFromInfo(info);
  return {
    ...local,
    userId: fresh.userId || local.userId,
    attributes: Object.keys(fresh.attributes).length > 0 ? fresh.attributes : local.attributes,
    userInfo: info.userInfo === undefined ? local.userInfo : fresh.userInfo,
  };
}

/** Applies the session's mute state to the snapshot and its streams. @internal */
export function withLocalMute(p: Participant, muted: { audio: boolean; video: boolean }): Participant {
  const streams: ParticipantStream[] = p.streams.map((s) => (s.muted === muted[s.kind] ? s : { ...s, muted: muted[s.kind] }));
  return { ...p, streams, audioMuted: muted.audio, videoMuted: muted.video };
}
