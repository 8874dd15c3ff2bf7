/**
 * Simulcast in a WHIP offer (RFC 8853 `a=simulcast`, RFC 8851 `a=rid` with restrictions).
 *
 * A publisher sending 2–3 encodings of one video track writes
 * `a=simulcast:send low;mid;high` and one `a=rid:<rid> send max-width=…;max-height=…;max-br=…;max-fps=…`
 * per encoding. The server serves it when the RTP stream id header extension is offered (werift
 * routes the encodings by it); the rid lines it hands werift carry no restrictions (werift reads
 * everything after the rid as the direction).
 */
import type { LocalLayerInfo } from 'aws-ivs-realtime/protocol';

/** Amazon IVS publishes at most 3 simulcast layers. */
export const MAX_SIMULCAST_LAYERS = 3;

/** The RTP header extension carrying the rid of each packet. */
export const RTP_STREAM_ID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';

/** One offered layer: its rid and RFC 8851 restrictions (0 when not given). */
export type OfferedLayer = Omit<LocalLayerInfo, 'active'>;

/** RFC 8851 rid-syntax, capped at 32 characters (the rid is sent in every packet's header). */
const RID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The simulcast layers a media section sends, lowest quality first (by width×height, then
 * bitrate; offer order among equals). `undefined`: no `a=simulcast:send`. A string: why the
 * simulcast description is unusable (a client error).
 */
export function parseSimulcastLayers(lines: readonly string[]): OfferedLayer[] | undefined | string {
  const simulcastLine = lines.find((line) => line.startsWith('a=simulcast:'));
  if (!simulcastLine) return undefined;
  const match = /(?:^a=simulcast:|\s)send\s+(\S+)/.exec(simulcastLine);
  if (!match) return undefined;
  // `a;b;c` streams, each `x,y` alternatives (the first is taken), `~x` paused at start.
  const rids = match[1]!.split(';').map((stream) => stream.split(',')[0]!.replace(/^~/, ''));
  if (rids.some((rid) => !RID.test(rid))) return `a=simulcast has a malformed rid list ${JSON.stringify(match[1]!.slice(0, 80))}.`;
  if (new Set(rids).size !== rids.length) return 'a=simulcast lists a rid twice.';
  if (rids.length > MAX_SIMULCAST_LAYERS) {
    return `a=simulcast sends ${rids.length} layers; Amazon IVS takes at most ${MAX_SIMULCAST_LAYERS}: send 2 or 3 encodings.`;
  }
  const restrictions = new Map<string, string>();
  for (const line of lines) {
    const m = /^a=rid:(\S+) (send|recv)(?: (.*))?$/.exec(line);
    if (m && m[2] === 'send') restrictions.set(m[1]!, m[3] ?? '');
  }
  const layers: OfferedLayer[] = [];
  for (const rid of rids) {
    const spec = restrictions.get(rid);
    if (spec === undefined) return `a=simulcast sends rid ${JSON.stringify(rid)} but the section has no "a=rid:${rid} send" line.`;
    const layer = parseRestrictions(rid, spec);
    if (typeof layer === 'string') return layer;
    layers.push(layer);
  }
  return layers
    .map((layer, index) => ({ layer, index }))
    .sort((a, b) => a.layer.width * a.layer.height - b.layer.width * b.layer.height || a.layer.bitrateBps - b.layer.bitrateBps || a.index - b.index)
    .map(({ layer }) => layer);
}

const LIMITS: Record<string, keyof Omit<OfferedLayer, 'rid'>> = {
  'max-width': 'width',
  'max-height': 'height',
  'max-br': 'bitrateBps',
  'max-fps': 'framesPerSecond',
};

/** `max-width=640;max-height=360;max-br=700000;max-fps=30` (other restrictions, e.g. `pt=`, are ignored). */
function parseRestrictions(rid: string, spec: string): OfferedLayer | string {
  const layer: OfferedLayer = { rid, width: 0, height: 0, bitrateBps: 0, framesPerSecond: 0 };
  for (const part of spec.split(';')) {
    const [key = '', value = ''] = part.trim().split('=');
    const field = LIMITS[key.toLowerCase()];
    if (!field) continue;
    const number = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(number) || number > 1e9) {
      return `a=rid:${rid} has a malformed ${key} ${JSON.stringify(value.slice(0, 40))}: use a positive number.`;
    }
    layer[field] = number;
  }
  return layer;
}

/** Whether a media section offers the RTP stream id header extension (needed to tell the layers apart). */
export function offersRtpStreamId(lines: readonly string[]): boolean {
  return lines.some((line) => /^a=extmap:\d+(?:\/\w+)? /.test(line) && line.split(' ')[1] === RTP_STREAM_ID_URI);
}

/**
 * The lines of a served simulcast section as werift reads them: `a=rid:<rid> send` without
 * restrictions, one `a=simulcast:send` with the first alternative of each stream, and no
 * `a=ssrc` lines (werift would add a track per SSRC besides the rid tracks).
 */
export function servedSimulcastLines(lines: readonly string[], layers: readonly OfferedLayer[]): string[] {
  const ordered = layers.map((l) => l.rid);
  const out: string[] = [];
  for (const line of lines) {
    if (/^a=(rid|simulcast|ssrc|ssrc-group):/.test(line)) continue;
    out.push(line);
  }
  for (const rid of ordered) out.push(`a=rid:${rid} send`);
  out.push(`a=simulcast:send ${ordered.join(';')}`);
  return out;
}
