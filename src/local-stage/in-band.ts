/**
 * In-band messages and subtitle cues on the local stage: checking what `insertSeiMessage()` and
 * `sendSubtitleCue()` are given (the limits Amazon IVS documents for `insertSeiMessage`), and the
 * byte conversions between the driver's `ArrayBuffer`s and the events socket's base64 / hex.
 */
import { ValidationError } from '../core/errors';
import type { DriverSeiMessage } from '../stage/driver';
import { IVS_STAGE_LIMITS } from '../core/ivs-limits';
import { LOCAL_SUBTITLE_MAX_TEXT_BYTES as SUBTITLE_MAX_TEXT_BYTES, type LocalSubtitleCue } from './protocol';

const IN_BAND_MIN_BYTES = 1;
const {
  inBandPayloadMaxBytes: IN_BAND_MAX_BYTES,
  inBandRepeatCountMax: IN_BAND_MAX_REPEAT,
  inBandBytesPerSecond: IN_BAND_BYTES_PER_SECOND,
  subtitleLanguageLabelMaxBytes: SUBTITLE_MAX_LABEL_BYTES,
} = IVS_STAGE_LIMITS;

const byteLength = (text: string) => new TextEncoder().encode(text).byteLength;

/** The payload as bytes, checked (an `ArrayBuffer` or a view of one, 1 to 1024 bytes). */
export function inBandPayloadBytes(payload: unknown): Uint8Array {
  let bytes: Uint8Array | undefined;
  if (payload instanceof ArrayBuffer) bytes = new Uint8Array(payload);
  else if (ArrayBuffer.isView(payload)) bytes = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  if (!bytes) throw new ValidationError('payload', 'insertSeiMessage(payload) expects an ArrayBuffer.');
  if (bytes.byteLength < IN_BAND_MIN_BYTES || bytes.byteLength > IN_BAND_MAX_BYTES) {
    throw new ValidationError('payload', `An in-band message payload must be ${IN_BAND_MIN_BYTES} to ${IN_BAND_MAX_BYTES} bytes, got ${bytes.byteLength}.`);
  }
  return bytes;
}

/** `repeatCount`, checked (an integer 0–30; default 0). */
export function inBandRepeatCount(options: { repeatCount?: number } | undefined): number {
  const value = options?.repeatCount ?? 0;
  if (!Number.isInteger(value) || value < 0 || value > IN_BAND_MAX_REPEAT) {
    throw new ValidationError('repeatCount', `repeatCount must be an integer from 0 to ${IN_BAND_MAX_REPEAT}, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** A subtitle cue to author, checked (`text` and `languageCode` strings; times non-negative numbers). */
export function checkedSubtitleCue(cue: unknown): LocalSubtitleCue {
  const c = cue as Partial<LocalSubtitleCue> | null;
  if (!c || typeof c !== 'object') throw new ValidationError('cue', 'A subtitle cue must be an object { text, languageCode, … }.');
  if (typeof c.text !== 'string' || byteLength(c.text) > SUBTITLE_MAX_TEXT_BYTES) {
    throw new ValidationError('cue.text', `A subtitle cue needs a text string of at most ${SUBTITLE_MAX_TEXT_BYTES} bytes.`);
  }
  if (typeof c.languageCode !== 'string' || !/^[A-Za-z]{2}$/.test(c.languageCode)) {
    throw new ValidationError('cue.languageCode', `A subtitle cue needs a two-letter ISO 639-1 languageCode (e.g. "en"), got ${JSON.stringify(c.languageCode)}.`);
  }
  if (c.languageLabel !== undefined && typeof c.languageLabel === 'string' && byteLength(c.languageLabel) > SUBTITLE_MAX_LABEL_BYTES) {
    throw new ValidationError('cue.languageLabel', `languageLabel must be at most ${SUBTITLE_MAX_LABEL_BYTES} bytes.`);
  }
  for (const field of ['startTimeMs', 'endTimeMs'] as const) {
    const value = c[field];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new ValidationError(`cue.${field}`, `${field} must be a non-negative number of ms, got ${JSON.stringify(value)}.`);
    }
  }
  for (const field of ['languageLabel', 'targetParticipantId'] as const) {
    if (c[field] !== undefined && typeof c[field] !== 'string') throw new ValidationError(`cue.${field}`, `${field} must be a string.`);
  }
  const { text, languageCode, languageLabel, targetParticipantId, startTimeMs, endTimeMs } = c as LocalSubtitleCue;
  const optional = Object.entries({ languageLabel, targetParticipantId, startTimeMs, endTimeMs }).filter(([, value]) => value !== undefined);
  return { text, languageCode, ...Object.fromEntries(optional) };
}

/** Counts payload bytes over the last second; `take()` says whether `bytes` more fit. */
export class InBandRateLimit {
  #sent: Array<{ at: number; bytes: number }> = [];

  constructor(
    readonly bytesPerSecond = IN_BAND_BYTES_PER_SECOND,
    readonly now: () => number = () => Date.now(),
  ) {}

  take(bytes: number): boolean {
    const now = this.now();
    this.#sent = this.#sent.filter((entry) => now - entry.at < 1000);
    const used = this.#sent.reduce((sum, entry) => sum + entry.bytes, 0);
    if (used + bytes > this.bytesPerSecond) return false;
    this.#sent.push({ at: now, bytes });
    return true;
  }
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Decodes base64 into a new `ArrayBuffer`; `undefined` when it is not base64. */
export function base64ToArrayBuffer(base64: string): ArrayBuffer | undefined {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** 32 hex digits → a 16-byte `ArrayBuffer`; `undefined` otherwise. */
export function hexToArrayBuffer(hex: string): ArrayBuffer | undefined {
  if (!/^[0-9a-f]{32}$/i.test(hex)) return undefined;
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes.buffer;
}

/** An `inBandMessage` frame's fields as the driver's `SeiMessage`, or `undefined` when malformed. */
export function seiMessageOf(frame: { payload: string; uuid: string }): DriverSeiMessage | undefined {
  const payload = typeof frame.payload === 'string' ? base64ToArrayBuffer(frame.payload) : undefined;
  const uuid = typeof frame.uuid === 'string' ? hexToArrayBuffer(frame.uuid) : undefined;
  return payload && uuid && payload.byteLength > 0 ? { uuid, payload } : undefined;
}
