/**
 * Simulcast for the Node WHIP publisher. werift does not send simulcast itself, so the publisher
 * writes it by hand, as a browser does: the offer's video section gets `a=rid` lines with RFC 8851
 * restrictions and `a=simulcast:send`, and each layer is its own RTP stream (own SSRC, sequence
 * numbers and timestamps) carrying the mid and rid header extensions, written to the DTLS transport.
 */
import { PictureLossIndication, RtcpPayloadSpecificFeedback, RtpHeader, serializeSdesMid, serializeSdesRTPStreamID, type RTCRtpTransceiver } from 'werift';
import type { LocalLayerInfo } from 'aws-ivs-realtime/protocol';
import { RtpLoop } from './media-source';

export type BotLayer = Omit<LocalLayerInfo, 'active'>;

/** The bots' three layers, lowest first (`scripts/make-bot-assets.sh` encodes each). */
export const BOT_SIMULCAST_LAYERS: readonly BotLayer[] = [
  { rid: 'low', width: 160, height: 120, bitrateBps: 60_000, framesPerSecond: 15 },
  { rid: 'mid', width: 240, height: 180, bitrateBps: 120_000, framesPerSecond: 15 },
  { rid: 'high', width: 320, height: 240, bitrateBps: 300_000, framesPerSecond: 15 },
];

const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';

/**
 * The offer with simulcast in its (first) video section: the rid lines with their restrictions,
 * `a=simulcast:send`, and no `a=ssrc` lines (the layers' SSRCs are announced by the rid extension).
 */
export function withSimulcast(sdp: string, layers: readonly BotLayer[]): string {
  const lines = sdp.split(/\r?\n/).filter((line) => line.length > 0);
  const out: string[] = [];
  let inVideo = false;
  let done = false;
  const flush = () => {
    if (!inVideo || done) return;
    for (const l of layers) out.push(`a=rid:${l.rid} send max-width=${l.width};max-height=${l.height};max-br=${l.bitrateBps};max-fps=${l.framesPerSecond}`);
    out.push(`a=simulcast:send ${layers.map((l) => l.rid).join(';')}`);
    done = true;
  };
  for (const line of lines) {
    if (line.startsWith('m=')) {
      flush();
      inVideo = line.startsWith('m=video');
    }
    if (inVideo && !done && /^a=(ssrc|ssrc-group|rid|simulcast):/.test(line)) continue;
    out.push(line);
  }
  flush();
  return out.join('\r\n') + '\r\n';
}

/** Writes the RTP of several layers of one video transceiver, each with its own SSRC and rid. */
export class SimulcastSender {
  readonly #transceiver: RTCRtpTransceiver;
  readonly #loops = new Map<string, RtpLoop>();
  readonly #midId: number | undefined;
  readonly #ridId: number;
  readonly #mid: string;
  /** Keyframe requests (RTCP PLI) received per layer, found by the SSRC they name. */
  readonly keyframeRequests = new Map<string, number>();

  /** `answer`: the WHIP answer (the header extension ids it accepted). */
  constructor(transceiver: RTCRtpTransceiver, layers: readonly BotLayer[], payloadType: number, answer: string) {
    this.#transceiver = transceiver;
    const extensions = videoExtensions(answer);
    const rid = extensions.get(RID_URI);
    if (rid === undefined) throw new Error('The WHIP answer did not accept the rtp-stream-id header extension: the server does not take simulcast.');
    this.#ridId = rid;
    this.#midId = extensions.get(MID_URI);
    this.#mid = transceiver.mid ?? '';
    for (const layer of layers) this.#loops.set(layer.rid, new RtpLoop(payloadType, 90000));
    transceiver.sender.dtlsTransport?.onRtcp.subscribe((packet) => {
      if (!(packet instanceof RtcpPayloadSpecificFeedback) || !(packet.feedback instanceof PictureLossIndication)) return;
      const mediaSsrc = packet.feedback.mediaSsrc;
      for (const [rid, loop] of this.#loops) {
        if (loop.ssrc === mediaSsrc) this.keyframeRequests.set(rid, (this.keyframeRequests.get(rid) ?? 0) + 1);
      }
    });
  }

  /** The SSRC of a layer's RTP stream. */
  ssrcOf(rid: string): number | undefined {
    return this.#loops.get(rid)?.ssrc;
  }

  /** Sends one frame (its RTP payloads) of layer `rid`, presented at `seconds`. */
  send(rid: string, payloads: readonly Buffer[], seconds: number): void {
    const loop = this.#loops.get(rid);
    const dtls = this.#transceiver.sender.dtlsTransport;
    if (!loop || !dtls || dtls.state !== 'connected') return;
    const extensions = [
      ...(this.#midId !== undefined && this.#mid ? [{ id: this.#midId, payload: serializeSdesMid(this.#mid) }] : []),
      { id: this.#ridId, payload: serializeSdesRTPStreamID(rid) },
    ].sort((a, b) => a.id - b.id);
    for (const rtp of loop.packets(payloads, seconds, true)) {
      const header = new RtpHeader({ ...rtp.header, extension: true, extensions });
      dtls.sendRtp(rtp.payload, header).catch(() => {
        // The transport closed; stop() ends the loop.
      });
    }
  }
}

/** `a=extmap` ids of the first video section of an SDP, by URI. */
function videoExtensions(sdp: string): Map<string, number> {
  const video = sdp.split(/\r?\n(?=m=)/).find((section) => section.startsWith('m=video')) ?? '';
  const ids = new Map<string, number>();
  for (const m of video.matchAll(/^a=extmap:(\d+)(?:\/\w+)? (\S+)/gm)) ids.set(m[2]!, Number(m[1]));
  return ids;
}
