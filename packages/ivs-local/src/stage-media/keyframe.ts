/**
 * Whether an RTP packet starts a keyframe, from its payload alone (no decoding): the SFU switches
 * a subscriber to another simulcast layer only at such a packet, so the decoder never sees a
 * delta frame of a stream it has no reference for.
 */

const H264_IDR = 5;
const H264_SPS = 7;
const H264_STAP_A = 24;
const H264_FU_A = 28;

/**
 * VP8 (RFC 7741): the first packet of a frame (S bit, partition 0) whose VP8 payload header has the
 * inverse key frame flag P = 0.
 */
export function isVp8KeyframeStart(payload: Uint8Array): boolean {
  if (payload.length < 1) return false;
  const first = payload[0]!;
  const extended = (first & 0x80) !== 0;
  const start = (first & 0x10) !== 0;
  const partition = first & 0x07;
  if (!start || partition !== 0) return false;
  let offset = 1;
  if (extended) {
    if (payload.length < 2) return false;
    const x = payload[1]!;
    offset = 2;
    if (x & 0x80) {
      // PictureID: 7 or 15 bits (M bit).
      if (payload.length <= offset) return false;
      offset += payload[offset]! & 0x80 ? 2 : 1;
    }
    if (x & 0x40) offset += 1; // TL0PICIDX
    if (x & 0x30) offset += 1; // TID/Y/KEYIDX
  }
  if (payload.length <= offset) return false;
  return (payload[offset]! & 0x01) === 0;
}

/**
 * H.264 (RFC 6184): a packet that begins an IDR access unit: a single SPS or IDR NAL unit, a
 * STAP-A aggregating one of them (Chromium sends SPS+PPS+IDR so), or the first FU-A fragment of an
 * IDR slice.
 */
export function isH264KeyframeStart(payload: Uint8Array): boolean {
  if (payload.length < 1) return false;
  const type = payload[0]! & 0x1f;
  if (type === H264_SPS || type === H264_IDR) return true;
  if (type === H264_STAP_A) {
    for (let at = 1; at + 2 < payload.length; ) {
      const size = (payload[at]! << 8) | payload[at + 1]!;
      if (size === 0 || at + 2 + size > payload.length) return false;
      const nalType = payload[at + 2]! & 0x1f;
      if (nalType === H264_SPS || nalType === H264_IDR) return true;
      at += 2 + size;
    }
    return false;
  }
  if (type === H264_FU_A) {
    if (payload.length < 2) return false;
    const header = payload[1]!;
    return (header & 0x80) !== 0 && (header & 0x1f) === H264_IDR;
  }
  return false;
}

/** Keyframe start detection for a forwarded video codec (`video/VP8`, `video/H264`). */
export function keyframeDetector(mimeType: string): (payload: Uint8Array) => boolean {
  switch (mimeType.toLowerCase()) {
    case 'video/vp8':
      return isVp8KeyframeStart;
    case 'video/h264':
      return isH264KeyframeStart;
    default:
      return () => false;
  }
}
