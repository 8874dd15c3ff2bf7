/**
 * The events-socket frames that carry layer choices, in-band messages and subtitle cues: their
 * validation (a bad frame gets an `error` frame `bad-request` and the session goes on) and their
 * relay. Limits are Amazon IVS's where its SDK documents them (`insertSeiMessage`: 1–1024 bytes,
 * repeatCount 0–30, at most 10 KB/s; `StageSubtitleCue`: a 2-letter language code, a label of at
 * most 96 bytes); the cue text limit is ivs-local's (the SDK's value is not in its public types).
 */
import { IVS_STAGE_LIMITS, LOCAL_IN_BAND_UUID, LOCAL_SUBTITLE_MAX_TEXT_BYTES as SUBTITLE_MAX_TEXT_BYTES, type LocalSubtitleCue } from 'aws-ivs-realtime/protocol';
import type { Member, StageRoom } from './room';

/** Decoded payload bytes one publisher may send per second (`inBandBytesPerSecond`) do not count repeats. */
const {
  inBandPayloadMaxBytes: IN_BAND_MAX_BYTES,
  inBandRepeatCountMax: IN_BAND_MAX_REPEAT_COUNT,
  inBandBytesPerSecond: IN_BAND_BYTES_PER_SECOND,
  subtitleLanguageLabelMaxBytes: SUBTITLE_MAX_LANGUAGE_LABEL_BYTES,
} = IVS_STAGE_LIMITS;
/** Layer choices remembered per subscriber (one per publisher; a stage has at most 12). */
const MAX_LAYER_PREFERENCES = 64;
const MAX_ID_LENGTH = 128;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RID = /^[A-Za-z0-9_-]{1,32}$/;

type Frame = Record<string, unknown>;

function fail(member: Member, message: string): void {
  member.send({ type: 'error', code: 'bad-request', message });
}

/**
 * `preferLayer { publisherId, layer }`: applies to the subscriber's WHEP session on that publisher
 * now (at the layer's next keyframe) and to its later sessions.
 */
export function preferLayer(member: Member, frame: Frame): void {
  const { publisherId, layer } = frame;
  if (typeof publisherId !== 'string' || publisherId.length === 0 || publisherId.length > MAX_ID_LENGTH) {
    return fail(member, 'preferLayer needs {"publisherId":"<participant id>","layer":"<rid>"|"lowest"|"highest"|null}.');
  }
  if (layer !== null && (typeof layer !== 'string' || !RID.test(layer))) {
    return fail(member, `preferLayer "layer" must be a layer's rid, "lowest", "highest" or null (let the server adapt), got ${JSON.stringify(layer)?.slice(0, 60)}.`);
  }
  const subscription = [...member.subscriptions].find((s) => s.publisher.participantId === publisherId && s.state !== 'closed');
  const layers = subscription?.publisher.layers;
  if (layer !== null && layer !== 'lowest' && layer !== 'highest' && layers && !layers.some((l) => l.rid === layer)) {
    return fail(member, `Participant ${publisherId} sends no layer ${JSON.stringify(layer)} (its layers: ${layers.map((l) => l.rid).join(', ')}).`);
  }
  member.layerPreferences.delete(publisherId);
  if (member.layerPreferences.size >= MAX_LAYER_PREFERENCES) {
    member.layerPreferences.delete(member.layerPreferences.keys().next().value!);
  }
  member.layerPreferences.set(publisherId, layer);
  subscription?.layerSelector?.setPreference(layer);
}

/**
 * `inBandMessage { payload, uuid?, repeatCount? }` from a participant publishing video: relayed
 * once (repeats exist for lossy paths; the events socket does not lose frames) to every participant
 * with a connected WHEP session on the sender.
 */
export function relayInBandMessage(room: StageRoom, member: Member, frame: Frame, now = Date.now()): void {
  const { payload, uuid, repeatCount } = frame;
  if (typeof payload !== 'string' || !BASE64.test(payload)) {
    return fail(member, 'inBandMessage "payload" must be a base64 string (1–1024 bytes once decoded).');
  }
  const bytes = Buffer.byteLength(payload, 'base64');
  if (bytes < 1 || bytes > IN_BAND_MAX_BYTES) {
    return fail(member, `inBandMessage payload is ${bytes} bytes; it must be 1–${IN_BAND_MAX_BYTES} bytes (as Amazon IVS insertSeiMessage).`);
  }
  if (uuid !== undefined && (typeof uuid !== 'string' || !/^[0-9a-fA-F]{32}$/.test(uuid))) {
    return fail(member, 'inBandMessage "uuid" must be 32 hexadecimal digits (no dashes).');
  }
  if (repeatCount !== undefined && (typeof repeatCount !== 'number' || !Number.isInteger(repeatCount) || repeatCount < 0 || repeatCount > IN_BAND_MAX_REPEAT_COUNT)) {
    return fail(member, `inBandMessage "repeatCount" must be an integer from 0 to ${IN_BAND_MAX_REPEAT_COUNT}.`);
  }
  const publisher = member.publisher;
  if (!publisher || publisher.state !== 'connected' || !publisher.streams.some((s) => s.kind === 'video')) {
    return fail(member, 'In-band messages travel with the published video: publish a video track first.');
  }
  const window = member.inBandWindow;
  if (now - window.startedAt >= 1000) {
    window.startedAt = now;
    window.bytes = 0;
  }
  if (window.bytes + bytes > IN_BAND_BYTES_PER_SECOND) {
    return fail(member, `In-band messages exceed ${IN_BAND_BYTES_PER_SECOND / 1024} KB per second (the Amazon IVS limit): send less often.`);
  }
  window.bytes += bytes;
  const out = { type: 'inBandMessage', participantId: member.id, payload, uuid: (uuid ?? LOCAL_IN_BAND_UUID).toLowerCase() } as const;
  const recipients = new Set<string>();
  for (const subscriber of publisher.subscribers) if (subscriber.state === 'connected') recipients.add(subscriber.participantId);
  for (const id of recipients) room.members.get(id)?.send(out);
}

/** `subtitleCue { cue }`: relayed to every other participant of the stage. */
export function relaySubtitleCue(room: StageRoom, member: Member, frame: Frame): void {
  const cue = validateCue(frame['cue']);
  if (typeof cue === 'string') return fail(member, cue);
  room.broadcast({ type: 'subtitleCue', participantId: cue.targetParticipantId ?? member.id, authorId: member.id, cue }, member);
}

/** A cue as relayed, or why it is refused. */
export function validateCue(value: unknown): LocalSubtitleCue | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'subtitleCue needs {"cue":{"text":"…","languageCode":"en"}}.';
  }
  const cue = value as Frame;
  const { text, languageCode, languageLabel, targetParticipantId, startTimeMs, endTimeMs } = cue;
  if (typeof text !== 'string' || Buffer.byteLength(text) > SUBTITLE_MAX_TEXT_BYTES) {
    return `subtitleCue "text" must be a string of at most ${SUBTITLE_MAX_TEXT_BYTES} bytes.`;
  }
  if (typeof languageCode !== 'string' || !/^[A-Za-z]{2}$/.test(languageCode)) {
    return 'subtitleCue "languageCode" must be a two-letter ISO 639-1 code, e.g. "en".';
  }
  if (languageLabel !== undefined && (typeof languageLabel !== 'string' || Buffer.byteLength(languageLabel) > SUBTITLE_MAX_LANGUAGE_LABEL_BYTES)) {
    return `subtitleCue "languageLabel" must be a string of at most ${SUBTITLE_MAX_LANGUAGE_LABEL_BYTES} bytes.`;
  }
  if (targetParticipantId !== undefined && (typeof targetParticipantId !== 'string' || targetParticipantId.length === 0 || targetParticipantId.length > MAX_ID_LENGTH)) {
    return 'subtitleCue "targetParticipantId" must be a participant id.';
  }
  for (const [name, time] of [['startTimeMs', startTimeMs], ['endTimeMs', endTimeMs]] as const) {
    if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time) || time < 0)) {
      return `subtitleCue "${name}" must be a number of milliseconds ≥ 0.`;
    }
  }
  const out: LocalSubtitleCue = { text, languageCode: languageCode.toLowerCase() };
  if (languageLabel !== undefined) out.languageLabel = languageLabel as string;
  if (targetParticipantId !== undefined) out.targetParticipantId = targetParticipantId as string;
  // As the SDK: the start and end go together; a cue with one of them is relayed with neither.
  if (typeof startTimeMs === 'number' && typeof endTimeMs === 'number') {
    if (endTimeMs < startTimeMs) return 'subtitleCue "endTimeMs" must not be before "startTimeMs".';
    out.startTimeMs = startTimeMs;
    out.endTimeMs = endTimeMs;
  }
  return out;
}
