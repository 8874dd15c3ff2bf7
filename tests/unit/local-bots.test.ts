/** The bots' pre-encoded media: parsing the shipped assets and packetizing them into RTP. */
import { describe, expect, it } from 'vitest';
import { annexBAccessUnits, botMedia, h264Payloads, isKeyframe, oggOpusPackets, RtpLoop } from '../../packages/ivs-local/src/bots/media-source';

describe('bot media assets', () => {
  it('hold a 4 s loop: 60 H.264 frames at 15 fps starting with a keyframe (one per second), and 4 s of 20 ms Opus packets', async () => {
    const media = await botMedia();
    expect(media.videoFps).toBe(15);
    expect(media.videoFrames).toHaveLength(60);
    expect(media.videoFrames.map(isKeyframe).map((k, i) => (k ? i : -1)).filter((i) => i >= 0)).toEqual([0, 15, 30, 45]);
    // Each keyframe carries SPS (7) and PPS (8), so a subscriber arriving mid-loop can decode.
    expect(media.videoFrames[15]!.map((nal) => nal[0]! & 0x1f)).toEqual(expect.arrayContaining([7, 8, 5]));
    // 4 s of 20 ms packets, plus the encoder's pre-skip frame.
    expect(media.audioPackets.length).toBeGreaterThanOrEqual(200);
    expect(media.audioPackets.length).toBeLessThanOrEqual(201);
    // The TOC byte's configuration (RFC 6716 §3.1) is one of the 20 ms ones: SILK 1/5/9, hybrid 13/15, CELT 19/23/27/31.
    expect(media.audioPackets.every((p) => p.length > 0 && [1, 5, 9, 13, 15, 19, 23, 27, 31].includes(p[0]! >> 3))).toBe(true);
  });

  it('splits Annex-B at access unit delimiters with 3- and 4-byte start codes', () => {
    const stream = Buffer.from([0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x65, 3, 0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x41, 4]);
    const units = annexBAccessUnits(stream);
    expect(units.map((u) => u.map((n) => [...n]))).toEqual([[[0x67, 1, 2], [0x65, 3]], [[0x41, 4]]]);
  });

  it('fragments NAL units larger than the payload size into FU-A with start and end bits', () => {
    const nal = Buffer.concat([Buffer.from([0x65]), Buffer.alloc(25, 7)]);
    const payloads = h264Payloads([Buffer.from([0x67, 1]), nal], 10);
    expect(payloads[0]).toEqual(Buffer.from([0x67, 1]));
    const fragments = payloads.slice(1);
    expect(fragments.map((p) => p[0])).toEqual(fragments.map(() => (0x65 & 0xe0) | 28));
    expect(fragments.map((p) => p[1]! & 0xc0)).toEqual([0x80, ...fragments.slice(2).map(() => 0), 0x40]);
    expect(Buffer.concat(fragments.map((p) => p.subarray(2)))).toEqual(nal.subarray(1));
  });

  it('keeps RTP sequence numbers and timestamps increasing across loops, marker on the last packet of a frame', () => {
    const loop = new RtpLoop(96, 90000);
    const first = loop.packets([Buffer.from([1]), Buffer.from([2])], 0, true);
    const later = loop.packets([Buffer.from([3])], 4.0667, true);
    expect(first.map((p) => p.header.marker)).toEqual([false, true]);
    expect((first[1]!.header.sequenceNumber - first[0]!.header.sequenceNumber) & 0xffff).toBe(1);
    expect((later[0]!.header.sequenceNumber - first[1]!.header.sequenceNumber) & 0xffff).toBe(1);
    expect((later[0]!.header.timestamp - first[0]!.header.timestamp) >>> 0).toBe(Math.round(4.0667 * 90000));
  });

  it('reads Ogg pages, joining packets laced over 255-byte segments', () => {
    const page = (segments: number[], body: Buffer) =>
      Buffer.concat([Buffer.from('OggS'), Buffer.alloc(22), Buffer.from([segments.length, ...segments]), body]);
    const big = Buffer.alloc(300, 9);
    const file = Buffer.concat([page([8], Buffer.from('OpusHead')), page([255, 45, 2], Buffer.concat([big, Buffer.from([5, 6])]))]);
    expect(oggOpusPackets(file)).toEqual([big, Buffer.from([5, 6])]);
  });
});

describe('loopback STUN responder', () => {
  it('answers a Binding request with the XOR-mapped address of the sender and ignores other messages', async () => {
    const { bindingResponse } = await import('../../packages/ivs-local/src/stage-media/loopback-stun');
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0);
    request.writeUInt32BE(0x2112a442, 4);
    request.fill(7, 8, 20);
    const response = bindingResponse(request, { address: '127.0.0.1', port: 50000, family: 'IPv4' })!;
    expect(response.readUInt16BE(0)).toBe(0x0101);
    expect(response.subarray(8, 20)).toEqual(request.subarray(8, 20));
    expect(response.readUInt16BE(26) ^ 0x2112).toBe(50000);
    expect((response.readUInt32BE(28) ^ 0x2112a442) >>> 0).toBe(0x7f000001);
    expect(bindingResponse(Buffer.from('hello, not stun at all'), { address: '127.0.0.1', port: 1, family: 'IPv4' })).toBeUndefined();
  });
});
