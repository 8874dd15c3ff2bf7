/**
 * Small, line-based SDP helpers for the stage media server.
 *
 * werift matches codecs by name only, so an offer listing several H.264 variants (or VP8 and
 * H.264 with RTX) makes the payload types of a publisher and its subscribers disagree. The server
 * therefore narrows every offer to exactly one codec per media section before handing it to
 * werift: the answer it produces can only contain that codec.
 */

import { offersRtpStreamId, parseSimulcastLayers, servedSimulcastLines, type OfferedLayer } from './simulcast-sdp';

/** A codec offered in one media section. */
export interface OfferedCodec {
  payloadType: number;
  /** `video/VP8`, `video/H264`, `audio/opus`, … (name as written in the SDP). */
  mimeType: string;
  clockRate: number;
  channels: number | undefined;
  /** The `a=fmtp` parameters, '' when none. */
  sdpFmtpLine: string;
}

/** One `m=` section of an offer. */
export interface OfferedSection {
  index: number;
  kind: string;
  mid: string | undefined;
  /** Direction attribute (sendrecv when absent). */
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  /** Port 0: rejected/stopped. */
  disabled: boolean;
  codecs: OfferedCodec[];
}

/** Thrown when an SDP cannot be parsed or negotiated; `message` is safe to show to the client. */
export class SdpError extends Error {
  override name = 'SdpError';
  readonly code: 'bad-request' | 'codec-mismatch';

  constructor(code: 'bad-request' | 'codec-mismatch', message: string) {
    super(message);
    this.code = code;
  }
}

interface RawSection {
  lines: string[];
}

function splitSdp(sdp: string): { session: string[]; sections: RawSection[] } {
  const lines = sdp.split(/\r?\n/).filter((line) => line.length > 0);
  if (lines[0] !== 'v=0') throw new SdpError('bad-request', 'The body is not an SDP offer: it must start with "v=0".');
  const session: string[] = [];
  const sections: RawSection[] = [];
  for (const line of lines) {
    if (!/^[a-z]=/.test(line)) throw new SdpError('bad-request', `The SDP has a malformed line: ${JSON.stringify(line.slice(0, 80))}.`);
    if (line.startsWith('m=')) sections.push({ lines: [line] });
    else if (sections.length > 0) sections[sections.length - 1]!.lines.push(line);
    else session.push(line);
  }
  if (sections.length === 0) throw new SdpError('bad-request', 'The SDP offer has no media section (m= line).');
  return { session, sections };
}

function joinSdp(session: string[], sections: RawSection[]): string {
  return [...session, ...sections.flatMap((s) => s.lines)].join('\r\n') + '\r\n';
}

function parseSection(raw: RawSection, index: number): OfferedSection {
  const mLine = raw.lines[0]!;
  const match = /^m=(\S+) (\d+)(?:\/\d+)? (\S+)((?: \S+)*)$/.exec(mLine);
  if (!match) throw new SdpError('bad-request', `The SDP has a malformed m= line: ${JSON.stringify(mLine.slice(0, 80))}.`);
  const kind = match[1]!;
  const formats = (match[4] ?? '').trim().split(' ').filter(Boolean);
  const rtpmap = new Map<number, { name: string; clockRate: number; channels: number | undefined }>();
  const fmtp = new Map<number, string>();
  let mid: string | undefined;
  let direction: OfferedSection['direction'] = 'sendrecv';
  for (const line of raw.lines) {
    let m: RegExpExecArray | null;
    if ((m = /^a=rtpmap:(\d+) ([^/\s]+)\/(\d+)(?:\/(\d+))?/.exec(line))) {
      rtpmap.set(Number(m[1]), { name: m[2]!, clockRate: Number(m[3]), channels: m[4] ? Number(m[4]) : undefined });
    } else if ((m = /^a=fmtp:(\d+) (.*)$/.exec(line))) {
      fmtp.set(Number(m[1]), m[2]!.trim());
    } else if ((m = /^a=mid:(\S+)/.exec(line))) {
      mid = m[1];
    } else if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line)) {
      direction = line.slice(2) as OfferedSection['direction'];
    }
  }
  const codecs: OfferedCodec[] = [];
  if (kind === 'audio' || kind === 'video') {
    for (const format of formats) {
      const payloadType = Number(format);
      const map = rtpmap.get(payloadType);
      if (!Number.isInteger(payloadType) || !map) continue;
      codecs.push({
        payloadType,
        mimeType: `${kind}/${map.name}`,
        clockRate: map.clockRate,
        channels: map.channels,
        sdpFmtpLine: fmtp.get(payloadType) ?? '',
      });
    }
  }
  return { index, kind, mid, direction, disabled: match[2] === '0', codecs };
}

/** Parses the media sections of an SDP offer. Throws {@link SdpError} when it is not SDP. */
export function parseOffer(sdp: string): OfferedSection[] {
  return splitSdp(sdp).sections.map(parseSection);
}

/** Parses `a=fmtp` parameters (`key=value;key=value`) into a lower-cased map. */
export function fmtpParameters(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of line.split(';')) {
    const [key, ...rest] = part.split('=');
    if (key && key.trim()) out.set(key.trim().toLowerCase(), rest.join('=').trim().toLowerCase());
  }
  return out;
}

const RTP_ONLY_ATTRIBUTES = /^a=(rtpmap|fmtp|rtcp-fb):(\d+|\*)[ ]/;

/**
 * Narrows each audio/video section of an offer to the single codec returned by `choose`. `choose`
 * returns `undefined` to refuse a section; the whole offer is then refused with `codec-mismatch`.
 * Simulcast (`a=simulcast`, `a=rid`) is dropped, except with `{ simulcast: true }` (a WHIP offer)
 * on a video section that offers the RTP stream id extension: that section's layers are served
 * (see `simulcast-sdp.ts`), and a malformed simulcast description is refused (`bad-request`).
 * Returns the rewritten SDP, the chosen codec and the served layers per section index.
 */
export function narrowOffer(
  sdp: string,
  choose: (section: OfferedSection) => OfferedCodec | undefined,
  { simulcast = false }: { simulcast?: boolean } = {},
): { sdp: string; sections: OfferedSection[]; chosen: Map<number, OfferedCodec>; layers: Map<number, OfferedLayer[]> } {
  const { session, sections } = splitSdp(sdp);
  const parsed = sections.map(parseSection);
  requireTransportAttributes(session, sections, parsed);
  const chosen = new Map<number, OfferedCodec>();
  const served = new Map<number, OfferedLayer[]>();
  sections.forEach((raw, index) => {
    const section = parsed[index]!;
    if ((section.kind !== 'audio' && section.kind !== 'video') || section.disabled) return;
    const codec = choose(section);
    if (!codec) {
      const offered = section.codecs.map((c) => c.mimeType).filter((v, i, a) => a.indexOf(v) === i);
      throw new SdpError(
        'codec-mismatch',
        `No usable ${section.kind} codec in media section ${index} (offered: ${offered.join(', ') || 'none'}).`,
      );
    }
    chosen.set(index, codec);
    const layers = simulcast && section.kind === 'video' ? parseSimulcastLayers(raw.lines) : undefined;
    if (typeof layers === 'string') throw new SdpError('bad-request', `Media section ${index}: ${layers}`);
    const serve = layers !== undefined && offersRtpStreamId(raw.lines);
    if (serve) served.set(index, layers);
    const pt = String(codec.payloadType);
    raw.lines = raw.lines
      .map((line, i) => {
        if (i === 0) {
          const parts = line.split(' ');
          return [...parts.slice(0, 3), pt].join(' ');
        }
        return line;
      })
      .filter((line) => {
        if (/^a=(simulcast|rid):/.test(line)) return false;
        const m = RTP_ONLY_ATTRIBUTES.exec(line);
        if (!m) return true;
        return m[2] === '*' || m[2] === pt;
      })
      // An FID group only makes sense with RTX, which is no longer offered.
      .filter((line) => !line.startsWith('a=ssrc-group:FID'));
    if (serve) raw.lines = servedSimulcastLines(raw.lines, layers);
  });
  return { sdp: joinSdp(session, sections), sections: parsed, chosen, layers: served };
}

/**
 * Every active media section needs ICE credentials, a DTLS fingerprint (at session or media level)
 * and a mid; werift fails on them with messages that mean nothing to a client author.
 */
function requireTransportAttributes(session: string[], sections: RawSection[], parsed: OfferedSection[]): void {
  const has = (lines: string[], prefix: string) => lines.some((line) => line.startsWith(prefix));
  sections.forEach((raw, index) => {
    const section = parsed[index]!;
    if (section.disabled || (section.kind !== 'audio' && section.kind !== 'video')) return;
    for (const [prefix, what] of [
      ['a=ice-ufrag:', 'an ICE username fragment (a=ice-ufrag)'],
      ['a=ice-pwd:', 'an ICE password (a=ice-pwd)'],
      ['a=fingerprint:', 'a DTLS fingerprint (a=fingerprint)'],
    ] as const) {
      if (!has(raw.lines, prefix) && !has(session, prefix)) {
        throw new SdpError('bad-request', `Media section ${index} lacks ${what}; send the offer created by RTCPeerConnection.createOffer().`);
      }
    }
    if (section.mid === undefined) throw new SdpError('bad-request', `Media section ${index} has no a=mid; BUNDLE needs one per section.`);
  });
}

/** Whether an offered codec can be forwarded by the SFU (Opus; VP8; H.264 packetization-mode 1). */
export function isForwardableCodec(codec: OfferedCodec): boolean {
  const mime = codec.mimeType.toLowerCase();
  if (mime === 'audio/opus') return true;
  if (mime === 'video/vp8') return true;
  if (mime === 'video/h264') return fmtpParameters(codec.sdpFmtpLine).get('packetization-mode') === '1';
  return false;
}

/** Whether an offered codec is H.264 with packetization-mode 1 (what IVS's WHIP ingest takes). */
export function isH264Codec(codec: OfferedCodec): boolean {
  return codec.mimeType.toLowerCase() === 'video/h264' && isForwardableCodec(codec);
}

/**
 * IVS's rule for plain WHIP publishers (OBS, ffmpeg, GStreamer, hardware encoders): the offer must
 * carry an H.264 video track, even when only audio is published. Throws {@link SdpError}
 * `codec-mismatch` otherwise.
 */
export function requireH264Video(sdp: string): void {
  const video = parseOffer(sdp).filter((s) => s.kind === 'video' && !s.disabled);
  if (video.length === 0) {
    throw new SdpError(
      'codec-mismatch',
      'The offer has no video track. Amazon IVS WHIP ingest requires an H.264 video track in the offer, even to publish audio only: add a video transceiver with H.264.',
    );
  }
  if (!video.some((section) => section.codecs.some(isH264Codec))) {
    const offered = [...new Set(video.flatMap((s) => s.codecs.map((c) => c.mimeType)))].join(', ') || 'none';
    throw new SdpError(
      'codec-mismatch',
      `The offer's video track has no H.264 (packetization-mode=1) codec (offered: ${offered}). Amazon IVS WHIP ingest accepts H.264 video (Baseline profile) and Opus audio only.`,
    );
  }
}

/**
 * Picks the codec a subscriber offer must use to receive a publisher's track: same codec name, and
 * for H.264 the same packetization mode, preferring the exact same profile-level-id.
 */
export function matchPublisherCodec(section: OfferedSection, publisher: { mimeType: string; sdpFmtpLine: string }): OfferedCodec | undefined {
  const sameName = section.codecs.filter((c) => c.mimeType.toLowerCase() === publisher.mimeType.toLowerCase());
  if (publisher.mimeType.toLowerCase() !== 'video/h264') return sameName[0];
  const wanted = fmtpParameters(publisher.sdpFmtpLine);
  const sameMode = sameName.filter(
    (c) => (fmtpParameters(c.sdpFmtpLine).get('packetization-mode') ?? '0') === (wanted.get('packetization-mode') ?? '0'),
  );
  return (
    sameMode.find((c) => fmtpParameters(c.sdpFmtpLine).get('profile-level-id') === wanted.get('profile-level-id')) ?? sameMode[0]
  );
}

/**
 * Adds `x-google-start-bitrate` (kbps) to every video codec of an answer, so Chromium starts near
 * the target bitrate instead of ramping up from its default (the server sends no bandwidth
 * estimates of its own).
 */
export function withStartBitrate(sdp: string, kbps: number): string {
  const { session, sections } = splitSdp(sdp);
  for (const raw of sections) {
    const section = parseSection(raw, 0);
    if (section.kind !== 'video') continue;
    for (const codec of section.codecs) {
      const param = `x-google-start-bitrate=${Math.round(kbps)}`;
      const fmtpIndex = raw.lines.findIndex((l) => l.startsWith(`a=fmtp:${codec.payloadType} `));
      if (fmtpIndex >= 0) {
        if (!raw.lines[fmtpIndex]!.includes('x-google-start-bitrate')) raw.lines[fmtpIndex] += `;${param}`;
      } else {
        const rtpmapIndex = raw.lines.findIndex((l) => l.startsWith(`a=rtpmap:${codec.payloadType} `));
        if (rtpmapIndex >= 0) raw.lines.splice(rtpmapIndex + 1, 0, `a=fmtp:${codec.payloadType} ${param}`);
      }
    }
  }
  return joinSdp(session, sections);
}
