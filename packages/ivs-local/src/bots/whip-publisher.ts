/**
 * A plain WHIP publisher in Node (werift as the WebRTC client), as any WHIP encoder publishes to
 * Amazon IVS: the participant token as Bearer token, a complete (non-trickle) offer with H.264 and
 * Opus, the answer applied, `DELETE` on the `Location` to stop. It sends the bots' looped media.
 */
import { MediaStreamTrack, RTCRtpCodecParameters, useOPUS, usePLI, type RTCPeerConnection } from 'werift';
import { loopbackStunUrl } from '../stage-media/loopback-stun';
import { createPeer } from '../stage-media/peer';
import { botMedia, h264Payloads, RtpLoop } from './media-source';
import { BOT_SIMULCAST_LAYERS, SimulcastSender, withSimulcast } from './simulcast';

/** H.264 as offered: Constrained Baseline (the assets are level 3.0; 42e01f is what Chromium offers first, so viewers match exactly), packetization-mode 1. */
export const BOT_H264 = 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1';

export interface WhipPublisherOptions {
  /** The token's `whip_url` (or the global `/whip` endpoint: a 307 is followed). */
  whipUrl: string;
  token: string;
  /** Send audio only (the offer still carries an H.264 video track, as IVS requires). */
  audioOnly?: boolean;
  /** Where ICE candidates are gathered; default loopback only. */
  hostAddresses?: readonly string[];
  /**
   * Publish the video as 3 simulcast layers (160x120, 240x180, 320x240; rids `low`, `mid`, `high`)
   * with `a=rid` restrictions, as a browser publishing simulcast does.
   */
  simulcast?: boolean;
  /** Longest wait for the connection after the answer. Default 15 s. */
  connectTimeoutMs?: number;
}

/** Thrown when the WHIP endpoint refuses the offer: the HTTP status and the server's `{code, message}`. */
export class WhipPublishError extends Error {
  override name = 'WhipPublishError';
  readonly status: number;
  readonly body: string;

  constructor(status: number, body: string) {
    super(`WHIP publish refused with ${status}: ${body.slice(0, 300)}`);
    this.status = status;
    this.body = body;
  }
}

export class WhipPublisher {
  readonly #pc: RTCPeerConnection;
  readonly #token: string;
  readonly #location: string;
  readonly #timer: NodeJS.Timeout;
  #stopped = false;
  /** Video frames sent so far (per layer when simulcast). */
  framesSent = 0;
  /** The SSRC of each simulcast layer (empty without simulcast). */
  readonly layerSsrcs = new Map<string, number>();
  /** Keyframe requests (PLI) received per simulcast layer. */
  get keyframeRequests(): ReadonlyMap<string, number> {
    return this.#layers?.keyframeRequests ?? new Map();
  }
  #layers: SimulcastSender | undefined;
  /** Simulcast layers not sent for now (as an encoder pauses a layer under load). */
  readonly pausedLayers = new Set<string>();

  private constructor(pc: RTCPeerConnection, token: string, location: string, send: () => void) {
    this.#pc = pc;
    this.#token = token;
    this.#location = location;
    this.#timer = setInterval(send, 10);
    this.#timer.unref?.();
  }

  /** The session's `Location` (absolute). */
  get location(): string {
    return this.#location;
  }

  static async start(options: WhipPublisherOptions): Promise<WhipPublisher> {
    // PLI feedback offered so the server's keyframe requests reach the bot (counted per layer; the
    // loop has a keyframe every second anyway).
    const video = new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, parameters: BOT_H264, rtcpFeedback: [usePLI()] });
    const settings = { hostAddresses: options.hostAddresses ?? ['127.0.0.1'], iceGatheringTimeoutMs: 3000, stunUrl: await loopbackStunUrl() };
    const pc = createPeer(settings, { audio: [useOPUS()], video: [video] }, { rtpStreamId: options.simulcast ?? false });
    const audioTrack = new MediaStreamTrack({ kind: 'audio' });
    const videoTrack = new MediaStreamTrack({ kind: 'video' });
    pc.addTransceiver(audioTrack, { direction: 'sendonly' });
    pc.addTransceiver(videoTrack, { direction: 'sendonly' });
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc, 3000);
      const response = await fetch(options.whipUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/sdp', authorization: `Bearer ${options.token}` },
        body: options.simulcast ? withSimulcast(pc.localDescription!.sdp, BOT_SIMULCAST_LAYERS) : pc.localDescription!.sdp,
      });
      const body = await response.text();
      if (response.status !== 201) throw new WhipPublishError(response.status, body);
      const location = new URL(response.headers.get('location') ?? '', response.url).href;
      await pc.setRemoteDescription({ type: 'answer', sdp: body });
      await connected(pc, options.connectTimeoutMs ?? 15_000);

      const media = await botMedia();
      const videoTransceiver = pc.getTransceivers()[1]!;
      const videoPayloadType = videoTransceiver.sender.codec?.payloadType ?? 96;
      const videoRtp = new RtpLoop(videoPayloadType, 90000);
      const layers = options.simulcast ? new SimulcastSender(videoTransceiver, BOT_SIMULCAST_LAYERS, videoPayloadType, body) : undefined;
      const audioRtp = new RtpLoop(pc.getTransceivers()[0]!.sender.codec?.payloadType ?? 111, 48000);
      const started = performance.now();
      let frame = 0;
      let packet = 0;
      const publisher: WhipPublisher = new WhipPublisher(pc, options.token, location, () => {
        const elapsed = (performance.now() - started) / 1000;
        for (; packet * 0.02 <= elapsed; packet++) {
          const payload = media.audioPackets[packet % media.audioPackets.length]!;
          for (const rtp of audioRtp.packets([payload], packet * 0.02, false)) audioTrack.writeRtp(rtp);
        }
        for (; frame / media.videoFps <= elapsed; frame++) {
          if (options.audioOnly) continue;
          if (layers) {
            for (const { rid } of BOT_SIMULCAST_LAYERS) {
              if (publisher.pausedLayers.has(rid)) continue;
              const frames = media.layerFrames[rid as 'low' | 'mid' | 'high'];
              layers.send(rid, h264Payloads(frames[frame % frames.length]!), frame / media.videoFps);
            }
            publisher.framesSent++;
            continue;
          }
          const payloads = h264Payloads(media.videoFrames[frame % media.videoFrames.length]!);
          for (const rtp of videoRtp.packets(payloads, frame / media.videoFps, true)) videoTrack.writeRtp(rtp);
          publisher.framesSent++;
        }
      });
      for (const { rid } of layers ? BOT_SIMULCAST_LAYERS : []) publisher.layerSsrcs.set(rid, layers!.ssrcOf(rid)!);
      publisher.#layers = layers;
      return publisher;
    } catch (error) {
      await pc.close().catch(() => {});
      throw error;
    }
  }

  /**
   * Stops sending, ends the session with `DELETE` on its `Location`, and closes the connection.
   * `{ delete: false }` closes the connection only, as a crashed encoder would.
   */
  async stop({ delete: sendDelete = true }: { delete?: boolean } = {}): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    if (sendDelete) {
      await fetch(this.#location, { method: 'DELETE', headers: { authorization: `Bearer ${this.#token}` } }).catch(() => undefined);
    }
    await this.#pc.close().catch(() => {});
  }
}

/** Resolves once ICE gathering is complete (non-trickle WHIP), or after `timeoutMs`. */
export function gathered(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && done());
    function done() {
      clearTimeout(timer);
      unSubscribe();
      resolve();
    }
  });
}

/** Resolves once the peer connection is `connected`; rejects on failure or after `timeoutMs`. */
export function connected(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.connectionState === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`the WebRTC connection did not come up within ${timeoutMs} ms`)), timeoutMs);
    const { unSubscribe } = pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') finish();
      else if (state === 'failed' || state === 'closed') finish(new Error(`the WebRTC connection ${state}`));
    });
    function finish(error?: Error) {
      clearTimeout(timer);
      unSubscribe();
      if (error) reject(error);
      else resolve();
    }
  });
}
