import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  useNACK,
  useOPUS,
  usePLI,
  useSdesMid,
  useSdesRTPStreamId,
  useVP8,
} from 'werift';
import type { LocalStreamInfo } from 'aws-ivs-realtime/protocol';
import { SdpError } from './sdp';

/** How long a peer connection may stay `disconnected` before its session is ended. */
export const DISCONNECTED_GRACE_MS = 5000;

/** Canonical spelling of the codec names the server forwards (SDP names are case-insensitive). */
export function canonicalMimeType(mimeType: string): string {
  const [kind = '', name = ''] = mimeType.split('/');
  const canonical: Record<string, string> = { vp8: 'VP8', h264: 'H264', opus: 'opus' };
  return `${kind.toLowerCase()}/${canonical[name.toLowerCase()] ?? name}`;
}

/** werift settings shared by every peer connection of the stage media server. */
export interface PeerSettings {
  /**
   * Host addresses to gather ICE candidates on. `['127.0.0.1']` (the default) keeps media on
   * loopback; `'all'` gathers on every IPv4 interface plus loopback.
   */
  hostAddresses: readonly string[] | 'all';
  /** Resolve the SDP answer after at most this long even if ICE gathering is not complete. */
  iceGatheringTimeoutMs: number;
  /** The STUN server werift asks (see `loopback-stun.ts`); without one werift asks stun.l.google.com. */
  stunUrl?: string;
}

/** Builds a werift codec from a negotiated stream description. */
export function codecFromStream(stream: Pick<LocalStreamInfo, 'mimeType' | 'sdpFmtpLine' | 'kind'>): RTCRtpCodecParameters {
  const isVideo = stream.kind === 'video';
  return new RTCRtpCodecParameters({
    mimeType: stream.mimeType,
    clockRate: isVideo ? 90000 : 48000,
    ...(isVideo ? {} : { channels: 2 }),
    ...(stream.sdpFmtpLine ? { parameters: stream.sdpFmtpLine } : {}),
    rtcpFeedback: isVideo ? [useNACK(), usePLI()] : [],
  });
}

/**
 * Follows a session's peer connection: `connected` runs on each `connected`; `lost` runs when it
 * failed or closed, or stayed `disconnected` (ICE consent lost) for {@link DISCONNECTED_GRACE_MS},
 * giving the path a few seconds to recover. Returns a function that cancels the pending grace timer.
 */
export function followConnection(pc: RTCPeerConnection, on: { connected(): void; lost(): void }): () => void {
  let graceTimer: NodeJS.Timeout | undefined;
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'connected') {
      on.connected();
    } else if (state === 'failed' || state === 'closed') {
      on.lost();
    } else if (state === 'disconnected') {
      clearTimeout(graceTimer);
      graceTimer = setTimeout(() => {
        if (pc.connectionState !== 'connected') on.lost();
      }, DISCONNECTED_GRACE_MS);
      graceTimer.unref?.();
    }
  });
  return () => clearTimeout(graceTimer);
}

/**
 * Creates a werift peer connection configured for loopback media: no TURN, no IPv6, host candidates
 * only on the configured addresses (werift offers no usable loopback candidate without
 * `iceAdditionalHostAddresses`), STUN at `settings.stunUrl` (pass `loopbackStunUrl()`). With
 * `rtpStreamId`, video negotiates the RTP stream id extension (simulcast ingest).
 */
export function createPeer(
  settings: PeerSettings,
  codecs: { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] },
  { rtpStreamId = false }: { rtpStreamId?: boolean } = {},
): RTCPeerConnection {
  const all = settings.hostAddresses === 'all';
  return new RTCPeerConnection({
    iceServers: settings.stunUrl ? [{ urls: settings.stunUrl }] : [],
    iceUseIpv4: all,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: all ? ['127.0.0.1'] : [...(settings.hostAddresses as readonly string[])],
    bundlePolicy: 'max-bundle',
    codecs,
    // The RTP stream id (rid) tells simulcast layers apart (publishers only).
    headerExtensions: { audio: [useSdesMid()], video: rtpStreamId ? [useSdesMid(), useSdesRTPStreamId()] : [useSdesMid()] },
  });
}

/** Default publish-side codecs: Opus; VP8 and H.264 (the offer is narrowed to one of them first). */
export function publishCodecs(): { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } {
  return {
    audio: [useOPUS()],
    video: [
      useVP8(),
      new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, rtcpFeedback: [useNACK(), usePLI()] }),
    ],
  };
}

/**
 * Applies a WHIP/WHEP offer, then sets the local answer and waits until ICE gathering completes
 * (non-trickle). An offer werift cannot apply is a client error ({@link SdpError} `bad-request`).
 */
export async function answerOffer(pc: RTCPeerConnection, offerSdp: string, timeoutMs: number): Promise<string> {
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
  } catch (error) {
    throw new SdpError('bad-request', `The SDP offer could not be applied: ${(error as Error).message}`);
  }
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
        if (state === 'complete') done();
      });
      function done() {
        clearTimeout(timer);
        unSubscribe();
        resolve();
      }
    });
  }
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('werift produced no local description');
  return sdp;
}
