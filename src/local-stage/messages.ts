/**
 * Delivery of the in-band messages and subtitle cues the server relays: an in-band message from a
 * publisher becomes `stageStreamSeiMessageReceived` when this participant receives its video and its
 * subscribe configuration enables in-band messaging; a subtitle cue becomes
 * `stageParticipantSubtitleCueReceived` when the strategy's stream-type list for its author or the
 * participant it is about includes `'subtitles'`. Anything else is dropped.
 */
import { DriverErrorCode, type DriverParticipantInfo, type DriverStrategy } from '../stage/driver';
import { messageOf } from '../core/errors';
import type { StageEventEmitter } from './emitter';
import { LocalStageError } from './errors';
import { seiMessageOf } from './in-band';
import type { ServerFrame } from './protocol';

export type MessageFrame = Extract<ServerFrame, { type: 'inBandMessage' | 'subtitleCue' }>;

export interface MessagesHost {
  readonly events: StageEventEmitter;
  /** A remote participant, or the local one, by id; `undefined` when unknown. */
  info(id: string): DriverParticipantInfo | undefined;
  /** Whether in-band messages of that publisher are delivered (see `RemoteSubscriptions.inBandEnabled`). */
  inBandEnabled(id: string): boolean;
  strategy(): DriverStrategy;
  /** Whether this participant may subscribe at all. */
  canSubscribe(): boolean;
}

export function deliverMessage(host: MessagesHost, frame: MessageFrame): void {
  if (frame.type === 'inBandMessage') {
    const info = host.info(frame.participantId);
    const message = seiMessageOf(frame);
    if (info && !info.isLocal && message && host.inBandEnabled(frame.participantId)) host.events.emit('stageStreamSeiMessageReceived', info, message);
    return;
  }
  const cue = frame.cue;
  if (!cue || typeof cue.text !== 'string' || typeof cue.languageCode !== 'string') return;
  const about = host.info(frame.participantId) ?? host.info(frame.authorId);
  if (!about || !host.canSubscribe()) return;
  const sources = [frame.participantId, frame.authorId].map((id) => host.info(id)).filter((i): i is DriverParticipantInfo => i !== undefined && !i.isLocal);
  if (sources.some((source) => wantsSubtitles(host, source))) host.events.emit('stageParticipantSubtitleCueReceived', about, { ...cue });
}

function wantsSubtitles(host: MessagesHost, info: DriverParticipantInfo): boolean {
  try {
    const answer = host.strategy().shouldSubscribeToParticipant(info);
    return Array.isArray(answer) && answer.includes('subtitles');
  } catch (cause) {
    host.events.emit(
      'error',
      new LocalStageError('SUBSCRIBE_ERROR', DriverErrorCode.FAILED, `The stage strategy threw (${messageOf(cause)}); dropping a subtitle cue.`, {
        fatal: false,
        cause,
        remoteParticipantId: info.id,
      }),
    );
    return false;
  }
}
