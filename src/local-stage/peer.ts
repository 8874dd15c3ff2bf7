/** Browser RTCPeerConnection helpers for non-trickle WHIP/WHEP. */

/** Resolves when ICE gathering is complete, or after `timeoutMs` (whatever was gathered is used). */
export function iceGatheringComplete(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    };
    const onChange = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}

/** Resolves when the connection is `connected`; rejects on `failed`/`closed` or after `timeoutMs`. */
export function connected(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.connectionState === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      pc.removeEventListener('connectionstatechange', onChange);
      if (error) reject(error);
      else resolve();
    };
    const onChange = () => {
      if (pc.connectionState === 'connected') finish();
      else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') finish(new Error(`the peer connection ${pc.connectionState}`));
    };
    const timer = setTimeout(() => finish(new Error(`the peer connection did not connect within ${timeoutMs} ms`)), timeoutMs);
    pc.addEventListener('connectionstatechange', onChange);
  });
}

/**
 * Restricts a video transceiver to one codec (the SFU forwards exactly one codec per track):
 * `VP8`, or `H264` with packetization-mode 1 (the most widely decodable profile first).
 * Without `setCodecPreferences` (old browsers) the server narrows the offer itself.
 */
export function preferVideoCodec(transceiver: RTCRtpTransceiver, codec: 'VP8' | 'H264'): void {
  const capabilities = typeof RTCRtpSender !== 'undefined' ? RTCRtpSender.getCapabilities?.('video') : null;
  if (!capabilities || typeof transceiver.setCodecPreferences !== 'function') return;
  const wanted = `video/${codec}`.toLowerCase();
  const matching = capabilities.codecs.filter((c) => c.mimeType.toLowerCase() === wanted);
  const usable =
    codec === 'H264'
      ? matching
          .filter((c) => /packetization-mode=1/.test(c.sdpFmtpLine ?? ''))
          .sort((a, b) => Number(/profile-level-id=42e01f/i.test(b.sdpFmtpLine ?? '')) - Number(/profile-level-id=42e01f/i.test(a.sdpFmtpLine ?? '')))
      : matching;
  if (usable.length === 0) return;
  try {
    transceiver.setCodecPreferences([usable[0]!]);
  } catch {
    // The server narrows the offer to one codec anyway.
  }
}
