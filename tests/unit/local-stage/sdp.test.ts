import { describe, expect, it } from 'vitest';
import { isForwardableCodec, matchPublisherCodec, narrowOffer, parseOffer, SdpError, withStartBitrate } from '../../../packages/ivs-local/src/stage-media/sdp';

/** A Chromium-like publish offer: Opus + VP8/RTX + two H.264 variants + simulcast rids. */
const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:0123456789abcdef01234567',
  'a=fingerprint:sha-256 AA:BB',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sendonly',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtcp-fb:111 transport-cc',
  'a=rtpmap:0 PCMU/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=sendonly',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack pli',
  'a=rtcp-fb:* ccm fir',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f',
  'a=rtpmap:103 H264/90000',
  'a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  'a=rid:h send',
  'a=simulcast:send h',
  'a=ssrc-group:FID 1 2',
  'a=ssrc:1 cname:x',
  '',
].join('\r\n');

describe('narrowOffer()', () => {
  it('keeps exactly the chosen codec per section and drops RTX, other codecs, simulcast and FID groups', () => {
    const { sdp, chosen } = narrowOffer(OFFER, (section) => section.codecs.find(isForwardableCodec));
    const [audio, video] = parseOffer(sdp);
    expect(audio!.codecs.map((c) => c.mimeType)).toEqual(['audio/opus']);
    expect(video!.codecs.map((c) => [c.mimeType, c.payloadType])).toEqual([['video/VP8', 96]]);
    expect(sdp).toContain('m=video 9 UDP/TLS/RTP/SAVPF 96\r\n');
    expect(sdp).toContain('a=rtcp-fb:96 nack pli');
    expect(sdp).toContain('a=rtcp-fb:* ccm fir');
    expect(sdp).not.toMatch(/rtx|a=rid|a=simulcast|ssrc-group:FID|H264|PCMU/);
    expect(chosen.get(1)?.payloadType).toBe(96);
  });

  it('prefers H.264 packetization-mode 1 over mode 0 when VP8 is not offered', () => {
    const noVp8 = OFFER.replace('96 97 102 103', '102 103');
    const { chosen } = narrowOffer(noVp8, (section) => section.codecs.find(isForwardableCodec));
    expect(chosen.get(1)).toMatchObject({ payloadType: 103, mimeType: 'video/H264' });
  });

  it('throws codec-mismatch naming the offered codecs when nothing is usable', () => {
    const vp9Only = OFFER.replace('96 97 102 103', '98').replace('a=rtpmap:96 VP8/90000', 'a=rtpmap:98 VP9/90000');
    try {
      narrowOffer(vp9Only, (section) => section.codecs.find(isForwardableCodec));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SdpError);
      expect((error as SdpError).code).toBe('codec-mismatch');
      expect((error as SdpError).message).toMatch(/VP9/);
    }
  });

  it('refuses an offer without a DTLS fingerprint or a mid, saying which attribute is missing', () => {
    const choose = (section: Parameters<Parameters<typeof narrowOffer>[1]>[0]) => section.codecs.find(isForwardableCodec);
    expect(() => narrowOffer(OFFER.replace('a=fingerprint:sha-256 AA:BB\r\n', ''), choose)).toThrow(/a=fingerprint/);
    expect(() => narrowOffer(OFFER.replace('a=mid:1\r\n', ''), choose)).toThrow(/section 1 has no a=mid/);
  });

  it('rejects text that is not SDP with bad-request', () => {
    expect(() => parseOffer('hello')).toThrow(SdpError);
    expect(() => parseOffer('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n')).toThrow(/no media section/);
    expect(() => parseOffer('v=0\r\nbroken line\r\n')).toThrow(/malformed line/);
  });
});

describe('matchPublisherCodec()', () => {
  const [, video] = parseOffer(OFFER);
  it('matches H.264 by packetization mode and profile', () => {
    const match = matchPublisherCodec(video!, { mimeType: 'video/H264', sdpFmtpLine: 'profile-level-id=42e01f;packetization-mode=1' });
    expect(match?.payloadType).toBe(103);
  });
  it('matches VP8 by name, case-insensitively', () => {
    expect(matchPublisherCodec(video!, { mimeType: 'video/vp8', sdpFmtpLine: '' })?.payloadType).toBe(96);
  });
  it('returns undefined when the subscriber does not offer the codec', () => {
    expect(matchPublisherCodec(video!, { mimeType: 'video/AV1', sdpFmtpLine: '' })).toBeUndefined();
  });
});

describe('withStartBitrate()', () => {
  it('adds x-google-start-bitrate to existing video fmtp lines and creates one where missing', () => {
    const out = withStartBitrate(OFFER, 1200);
    expect(out).toContain('a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f;x-google-start-bitrate=1200');
    expect(out).toContain('a=rtpmap:96 VP8/90000\r\na=fmtp:96 x-google-start-bitrate=1200');
    expect(out).toContain('a=fmtp:111 minptime=10;useinbandfec=1\r\n');
  });
});
