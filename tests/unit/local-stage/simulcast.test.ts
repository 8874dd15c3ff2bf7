/**
 * ivs-local's simulcast pieces without media: the WHIP offer's rid/simulcast lines, keyframe
 * detection from RTP payloads, a subscriber's layer selection and the RTP rewriting across layers.
 */
import { describe, expect, it } from 'vitest';
import { isH264KeyframeStart, isVp8KeyframeStart, keyframeDetector } from '../../../packages/ivs-local/src/stage-media/keyframe';
import { LayerSelector, RtpRewriter, type LayerState } from '../../../packages/ivs-local/src/stage-media/layer-selector';
import { isForwardableCodec, narrowOffer, parseOffer, SdpError } from '../../../packages/ivs-local/src/stage-media/sdp';
import { parseSimulcastLayers } from '../../../packages/ivs-local/src/stage-media/simulcast-sdp';
import { withSimulcast, BOT_SIMULCAST_LAYERS } from '../../../packages/ivs-local/src/bots/simulcast';
import type { LocalLayerInfo } from '../../../src/local-stage/protocol';

/** A Chromium-like simulcast publish offer (the local driver adds the restrictions). */
const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:0123456789abcdef01234567',
  'a=fingerprint:sha-256 AA:BB',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sendonly',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rid:high send max-width=1280;max-height=720;max-br=2500000;max-fps=30',
  'a=rid:low send max-width=320;max-height=180;max-br=250000;max-fps=30',
  'a=rid:mid send max-width=640;max-height=360;max-br=700000;max-fps=30',
  'a=simulcast:send high;low;~mid',
  '',
].join('\r\n');

const choose = (section: Parameters<Parameters<typeof narrowOffer>[1]>[0]) => section.codecs.find(isForwardableCodec);

describe('simulcast in a WHIP offer', () => {
  it('parses the rids and RFC 8851 restrictions, lowest first by pixels then bitrate', () => {
    const lines = OFFER.split('\r\n');
    expect(parseSimulcastLayers(lines)).toEqual([
      { rid: 'low', width: 320, height: 180, bitrateBps: 250000, framesPerSecond: 30 },
      { rid: 'mid', width: 640, height: 360, bitrateBps: 700000, framesPerSecond: 30 },
      { rid: 'high', width: 1280, height: 720, bitrateBps: 2500000, framesPerSecond: 30 },
    ]);
    const noSizes = ['a=rid:a send max-br=900000', 'a=rid:b send max-br=100000', 'a=rid:c send', 'a=simulcast:send a;b;c'];
    expect(parseSimulcastLayers(noSizes)).toMatchObject([{ rid: 'c', bitrateBps: 0 }, { rid: 'b' }, { rid: 'a' }]);
    expect(parseSimulcastLayers(['a=mid:0'])).toBeUndefined();
  });

  it('says what is wrong with an unusable simulcast description', () => {
    expect(parseSimulcastLayers(['a=simulcast:send a;b;c;d', 'a=rid:a send', 'a=rid:b send', 'a=rid:c send', 'a=rid:d send'])).toMatch(/4 layers.*at most 3/);
    expect(parseSimulcastLayers(['a=simulcast:send a;b'])).toMatch(/no "a=rid:a send" line/);
    expect(parseSimulcastLayers(['a=simulcast:send a;a', 'a=rid:a send'])).toMatch(/twice/);
    expect(parseSimulcastLayers(['a=simulcast:send a', 'a=rid:a send max-width=wide'])).toMatch(/malformed max-width/);
    expect(parseSimulcastLayers(['a=simulcast:send a/b'])).toMatch(/malformed rid list/);
  });

  it('serves a WHIP offer: rid lines without restrictions (as werift reads them) and one simulcast line', () => {
    const { sdp, layers } = narrowOffer(OFFER, choose, { simulcast: true });
    expect(layers.get(0)?.map((l) => l.rid)).toEqual(['low', 'mid', 'high']);
    expect(sdp).toContain('a=rid:low send\r\na=rid:mid send\r\na=rid:high send\r\na=simulcast:send low;mid;high\r\n');
    expect(sdp).not.toMatch(/max-width|~mid|rtx/);
    expect(parseOffer(sdp)[0]!.codecs.map((c) => c.mimeType)).toEqual(['video/VP8']);
  });

  it('drops simulcast when it cannot be served: WHEP offers, no rtp-stream-id extension', () => {
    for (const [offer, options] of [
      [OFFER, {}],
      [OFFER.replace('a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n', ''), { simulcast: true }],
    ] as const) {
      const { sdp, layers } = narrowOffer(offer, choose, options);
      expect(layers.size).toBe(0);
      expect(sdp).not.toMatch(/a=rid|a=simulcast/);
    }
  });

  it('refuses a malformed simulcast description in a WHIP offer with bad-request', () => {
    const bad = OFFER.replace('a=simulcast:send high;low;~mid', 'a=simulcast:send high;low;mid;extra');
    expect(() => narrowOffer(bad, choose, { simulcast: true })).toThrow(SdpError);
    expect(() => narrowOffer(bad, choose, { simulcast: true })).toThrow(/4 layers/);
  });

  it('the bots write the same kind of offer', () => {
    const plain = OFFER.replace(/a=rid:.*\r\n/g, '').replace(/a=simulcast:.*\r\n/, '').replace('a=sendonly', 'a=sendonly\r\na=ssrc:42 cname:x');
    const offer = withSimulcast(plain, BOT_SIMULCAST_LAYERS);
    expect(offer).not.toContain('a=ssrc:');
    expect(parseSimulcastLayers(offer.split('\r\n'))).toEqual(BOT_SIMULCAST_LAYERS);
  });
});

describe('keyframe detection', () => {
  it('VP8: the first packet of a key frame (S=1, partition 0, P=0), with and without the extended descriptor', () => {
    expect(isVp8KeyframeStart(Buffer.from([0x10, 0x00]))).toBe(true);
    expect(isVp8KeyframeStart(Buffer.from([0x10, 0x01]))).toBe(false); // P=1: interframe
    expect(isVp8KeyframeStart(Buffer.from([0x00, 0x00]))).toBe(false); // not the start of a frame
    expect(isVp8KeyframeStart(Buffer.from([0x11, 0x00]))).toBe(false); // partition 1
    // X, I with a 15-bit picture id, L (TL0PICIDX), T (TID): 1 + 1 + 2 + 1 + 1 bytes of descriptor.
    expect(isVp8KeyframeStart(Buffer.from([0x90, 0xe0, 0x81, 0x23, 0x05, 0x40, 0x00]))).toBe(true);
    expect(isVp8KeyframeStart(Buffer.from([0x90, 0xe0, 0x81, 0x23, 0x05, 0x40, 0x01]))).toBe(false);
    // 7-bit picture id.
    expect(isVp8KeyframeStart(Buffer.from([0x90, 0x80, 0x12, 0x00]))).toBe(true);
    expect(isVp8KeyframeStart(Buffer.from([0x90, 0x80]))).toBe(false);
    expect(isVp8KeyframeStart(Buffer.alloc(0))).toBe(false);
  });

  it('H.264: SPS or IDR alone, in a STAP-A, or the first FU-A fragment of an IDR', () => {
    expect(isH264KeyframeStart(Buffer.from([0x67, 0x42]))).toBe(true); // SPS
    expect(isH264KeyframeStart(Buffer.from([0x65, 0x88]))).toBe(true); // IDR
    expect(isH264KeyframeStart(Buffer.from([0x41, 0x9a]))).toBe(false); // non-IDR slice
    expect(isH264KeyframeStart(Buffer.from([0x68, 0xce]))).toBe(false); // PPS alone
    const stapA = Buffer.from([0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce]);
    expect(isH264KeyframeStart(stapA)).toBe(true);
    expect(isH264KeyframeStart(Buffer.from([0x78, 0x00, 0x02, 0x06, 0x05]))).toBe(false); // SEI only
    expect(isH264KeyframeStart(Buffer.from([0x78, 0x00, 0x09, 0x67]))).toBe(false); // truncated
    expect(isH264KeyframeStart(Buffer.from([0x7c, 0x85, 0x00]))).toBe(true); // FU-A start, IDR
    expect(isH264KeyframeStart(Buffer.from([0x7c, 0x05, 0x00]))).toBe(false); // FU-A middle
    expect(isH264KeyframeStart(Buffer.from([0x7c, 0x81, 0x00]))).toBe(false); // FU-A start, non-IDR
  });

  it('picks the detector by codec', () => {
    expect(keyframeDetector('video/H264')(Buffer.from([0x65]))).toBe(true);
    expect(keyframeDetector('video/VP8')(Buffer.from([0x10, 0x00]))).toBe(true);
    expect(keyframeDetector('video/VP9')(Buffer.from([0x10, 0x00]))).toBe(false);
  });
});

function layers(active: Record<string, boolean> = {}): LocalLayerInfo[] {
  return ['low', 'mid', 'high'].map((rid, i) => ({ rid, width: 160 * (i + 1), height: 90 * (i + 1), bitrateBps: 0, framesPerSecond: 30, active: active[rid] ?? true }));
}

function selector(options: { initial?: 'lowest' | 'highest'; preference?: string | null; active?: Record<string, boolean> } = {}) {
  const states: LayerState[] = [];
  const plis: string[] = [];
  let now = 0;
  const s = new LayerSelector({
    initial: options.initial ?? 'lowest',
    ...(options.preference !== undefined ? { preference: options.preference } : {}),
    layers: layers(options.active),
    requestKeyframe: (rid) => plis.push(rid),
    onState: (state) => states.push(state),
    now: () => now,
  });
  /**
   * Feeds one packet of each layer, low, mid then high (keyframes where listed): the layers
   * forwarded, in order (`['low', 'high']`: low's packet, then the switch at high's keyframe).
   */
  const tick = (keyframes: string[] = []) => ['low', 'mid', 'high'].filter((rid) => s.route(rid, () => keyframes.includes(rid)));
  return { s, states, plis, tick, advance: (ms: number) => (now += ms) };
}

describe('LayerSelector', () => {
  it('adapting: the initial (lowest) layer at its first keyframe, then the highest at its keyframe', () => {
    const { s, states, plis, tick } = selector();
    s.start();
    expect(states[0]).toMatchObject({ selected: null, adapting: true, reason: 'available' });
    expect(plis).toEqual(['low']);
    expect(tick()).toEqual([]); // nothing before a keyframe
    expect(tick(['mid', 'high'])).toEqual([]);
    expect(tick(['low'])).toEqual(['low']);
    expect(states.at(-1)).toMatchObject({ selected: 'low', reason: 'selected' });
    expect(plis).toEqual(['low', 'high']);
    expect(tick()).toEqual(['low']); // delta frames of high do not switch
    expect(tick(['high'])).toEqual(['low', 'high']);
    expect(states.at(-1)).toMatchObject({ selected: 'high', adapting: true, reason: 'adaption' });
    expect(tick(['low'])).toEqual(['high']);
  });

  it('?layer=highest starts on the top layer; a preference stops adapting and null resumes it', () => {
    const { s, states, tick } = selector({ initial: 'highest' });
    s.start();
    expect(tick(['low', 'mid', 'high'])).toEqual(['high']);
    s.setPreference('lowest');
    expect(states.at(-1)).toMatchObject({ selected: 'high', adapting: false, reason: 'adaption' });
    expect(tick()).toEqual(['high']);
    expect(tick(['low'])).toEqual(['low']);
    expect(states.at(-1)).toMatchObject({ selected: 'low', adapting: false, reason: 'selected' });
    s.setPreference('mid');
    expect(tick(['mid'])).toEqual(['low', 'mid']);
    s.setPreference(null);
    expect(states.at(-1)).toMatchObject({ adapting: true, reason: 'adaption' });
    expect(tick(['high'])).toEqual(['mid', 'high']);
  });

  it('a selected layer that stops is unavailable: the nearest active layer below takes over; it comes back when active again', () => {
    const { s, states, tick } = selector({ preference: 'mid' });
    s.start();
    expect(tick(['mid'])).toEqual(['mid']);
    s.setLayers(layers({ mid: false }));
    expect(states.at(-1)).toMatchObject({ selected: 'mid', reason: 'unavailable' });
    expect(tick(['low'])).toEqual(['low']);
    expect(states.at(-1)).toMatchObject({ selected: 'low', reason: 'unavailable' });
    s.setLayers(layers());
    expect(states.at(-1)).toMatchObject({ selected: 'low', reason: 'available' });
    expect(tick(['mid'])).toEqual(['low', 'mid']);
    expect(states.at(-1)).toMatchObject({ selected: 'mid', reason: 'selected' });
    // The lowest is preferred but stops: the lowest active one (above it) is used.
    s.setPreference('low');
    s.setLayers(layers({ low: false }));
    expect(tick(['mid', 'high'])).toEqual(['mid']);
  });

  it('asks again for a keyframe while it waits for one, at most once a second', () => {
    const { s, plis, tick, advance } = selector({ preference: 'high' });
    s.start();
    expect(plis).toEqual(['high']);
    tick();
    advance(500);
    tick();
    expect(plis).toEqual(['high']);
    advance(600);
    tick();
    expect(plis).toEqual(['high', 'high']);
  });
});

describe('RtpRewriter', () => {
  it('keeps the first source as is and continues the sequence and timestamps across a rebase', () => {
    let now = 1000;
    const r = new RtpRewriter(() => now);
    expect(r.rewrite(100, 5000)).toEqual({ sequenceNumber: 100, timestamp: 5000 });
    expect(r.rewrite(101, 8000)).toEqual({ sequenceNumber: 101, timestamp: 8000 });
    expect(r.rewrite(99, 2000)).toEqual({ sequenceNumber: 99, timestamp: 2000 }); // late packet: same offset
    now += 40;
    r.rebase();
    expect(r.rewrite(65530, 4_294_967_000)).toEqual({ sequenceNumber: 102, timestamp: 8000 + 40 * 90 });
    expect(r.rewrite(65535, 4_294_967_000)).toEqual({ sequenceNumber: 107, timestamp: 11600 });
    expect(r.rewrite(0, 4_294_967_000 + 3000 - 2 ** 32)).toEqual({ sequenceNumber: 108, timestamp: 14600 });
  });
});
