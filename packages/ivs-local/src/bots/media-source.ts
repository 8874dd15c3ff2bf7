/**
 * The bots' synthetic media, from pre-encoded assets (no encoder at run time): H.264 access units
 * from an Annex-B stream, Opus packets from an Ogg file, and their RTP packetization (RFC 6184
 * single NAL unit and FU-A; RFC 7587). Looping keeps RTP timestamps and sequence numbers
 * monotonic. The assets and how they were made: `assets.generated.ts`, `scripts/make-bot-assets.sh`.
 */
import { RtpHeader, RtpPacket } from 'werift';

/** Payload bytes per RTP packet (well under a 1500-byte MTU with headers and SRTP). */
export const MAX_RTP_PAYLOAD = 1100;
const H264_NAL_AUD = 9;
const H264_NAL_FU_A = 28;

/** NAL units of an Annex-B H.264 stream, grouped into access units (split at each access unit delimiter). */
export function annexBAccessUnits(stream: Buffer): Buffer[][] {
  const starts: Array<{ at: number; header: number }> = [];
  for (let i = 0; i + 3 <= stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      starts.push({ at: i + 3, header: i > 0 && stream[i - 1] === 0 ? i - 1 : i });
      i += 2;
    }
  }
  const units: Buffer[][] = [];
  starts.forEach((start, index) => {
    const end = index + 1 < starts.length ? starts[index + 1]!.header : stream.length;
    const nal = stream.subarray(start.at, end);
    if (nal.length === 0) return;
    if ((nal[0]! & 0x1f) === H264_NAL_AUD || units.length === 0) units.push([]);
    if ((nal[0]! & 0x1f) !== H264_NAL_AUD) units[units.length - 1]!.push(nal);
  });
  return units.filter((unit) => unit.length > 0);
}

/** The packets of an Ogg Opus file, without its OpusHead and OpusTags header packets. */
export function oggOpusPackets(file: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  let offset = 0;
  while (offset + 27 <= file.length) {
    if (file.toString('latin1', offset, offset + 4) !== 'OggS') throw new Error(`not an Ogg page at byte ${offset}`);
    const segments = file[offset + 26]!;
    const table = file.subarray(offset + 27, offset + 27 + segments);
    let body = offset + 27 + segments;
    for (const size of table) {
      pending.push(file.subarray(body, body + size));
      body += size;
      if (size < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    offset = body;
  }
  return packets.filter((p) => !p.subarray(0, 8).equals(Buffer.from('OpusHead')) && !p.subarray(0, 8).equals(Buffer.from('OpusTags')));
}

/** RTP payloads of one H.264 access unit: a NAL unit per packet, FU-A fragments for larger ones. */
export function h264Payloads(accessUnit: readonly Buffer[], maxPayload = MAX_RTP_PAYLOAD): Buffer[] {
  const payloads: Buffer[] = [];
  for (const nal of accessUnit) {
    if (nal.length <= maxPayload) {
      payloads.push(nal);
      continue;
    }
    const indicator = (nal[0]! & 0xe0) | H264_NAL_FU_A;
    const type = nal[0]! & 0x1f;
    for (let at = 1; at < nal.length; at += maxPayload - 2) {
      const end = Math.min(at + maxPayload - 2, nal.length);
      const header = (at === 1 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | type;
      payloads.push(Buffer.concat([Buffer.from([indicator, header]), nal.subarray(at, end)]));
    }
  }
  return payloads;
}

/** Whether an access unit holds an IDR slice (a keyframe). */
export function isKeyframe(accessUnit: readonly Buffer[]): boolean {
  return accessUnit.some((nal) => (nal[0]! & 0x1f) === 5);
}

export interface BotMedia {
  /** H.264 access units of the loop (each begins a frame; the first is a keyframe). */
  videoFrames: Buffer[][];
  /** The same loop per simulcast layer of the bots (`low` 160x120, `mid` 240x180, `high` = `videoFrames`). */
  layerFrames: Record<'low' | 'mid' | 'high', Buffer[][]>;
  /** Opus packets of 20 ms. */
  audioPackets: Buffer[];
  videoFps: number;
}

let decoded: Promise<BotMedia> | undefined;

/**
 * The shipped loop: 4 s of test pattern with a frame counter, and a beep every second. The assets
 * (~100 KB) load on first use, not with `aws-ivs-realtime/local`.
 */
export function botMedia(): Promise<BotMedia> {
  decoded ??= import('./assets.generated').then((assets) => {
    const videoFrames = annexBAccessUnits(Buffer.from(assets.BOT_VIDEO_H264_BASE64, 'base64'));
    return {
      videoFrames,
      layerFrames: {
        low: annexBAccessUnits(Buffer.from(assets.BOT_VIDEO_H264_160_BASE64, 'base64')),
        mid: annexBAccessUnits(Buffer.from(assets.BOT_VIDEO_H264_240_BASE64, 'base64')),
        high: videoFrames,
      },
      audioPackets: oggOpusPackets(Buffer.from(assets.BOT_AUDIO_OGG_BASE64, 'base64')),
      videoFps: assets.BOT_VIDEO_FPS,
    };
  });
  return decoded;
}

/**
 * RTP packets of one track, looped forever: sequence numbers and timestamps keep increasing across
 * loops (a receiver sees one continuous stream).
 */
export class RtpLoop {
  #sequence = Math.floor(Math.random() * 0xffff);
  readonly #timestampBase = Math.floor(Math.random() * 0xffffffff);
  readonly #ssrc = Math.floor(Math.random() * 0xffffffff);
  readonly #payloadType: number;
  readonly #clockRate: number;

  constructor(payloadType: number, clockRate: number) {
    this.#payloadType = payloadType;
    this.#clockRate = clockRate;
  }

  get ssrc(): number {
    return this.#ssrc;
  }

  /**
   * The packets of one media unit (a video frame or an audio packet) presented at `seconds` from
   * the start; the last one carries the marker bit when `marker` (the end of a video frame).
   */
  packets(payloads: readonly Buffer[], seconds: number, marker: boolean): RtpPacket[] {
    const timestamp = (this.#timestampBase + Math.round(seconds * this.#clockRate)) >>> 0;
    return payloads.map((payload, index) => {
      this.#sequence = (this.#sequence + 1) & 0xffff;
      const header = new RtpHeader({
        payloadType: this.#payloadType,
        sequenceNumber: this.#sequence,
        timestamp,
        ssrc: this.#ssrc,
        marker: marker && index === payloads.length - 1,
      });
      return new RtpPacket(header, payload);
    });
  }
}
