/**
 * A Node viewer of an ivs-local stage: it joins through the events socket (as the SDK's local
 * driver does) and subscribes with WHEP to every publisher (werift as the WebRTC client), counting
 * what arrives: frames (RTP marker bits), bytes, packet loss (sequence gaps) and freezes.
 */
import { RTCRtpCodecParameters, useOPUS, type MediaStreamTrack, type RTCPeerConnection, type RtpPacket } from 'werift';
import WebSocket from 'ws';
import type { LocalParticipantView, ServerFrame } from 'aws-ivs-realtime/protocol';
import { loopbackStunUrl } from '../stage-media/loopback-stun';
import { codecFromStream, createPeer } from '../stage-media/peer';
import { connected, gathered } from './whip-publisher';

/** What one subscription received. */
export interface StreamStats {
  publisherId: string;
  /** Time from the WHEP POST to the first complete video frame (ms), if any arrived. */
  firstFrameMs: number | undefined;
  frames: number;
  videoBytes: number;
  audioPackets: number;
  packetsReceived: number;
  packetsLost: number;
  /** Gaps between frames longer than the freeze threshold. */
  freezes: number;
  /** Frames per second between the first frame and `now`. */
  fps(now?: number): number;
  /** Video + audio bitrate since the first frame (kbit/s). */
  kbps(now?: number): number;
}

export interface WhepViewerOptions {
  /** ivs-local's HTTP origin (`http://127.0.0.1:PORT`). */
  url: string;
  stageId: string;
  token: string;
  hostAddresses?: readonly string[];
  /** An inter-frame gap over this is a freeze. Default 200 ms (3 frames of a 15 fps source). */
  freezeGapMs?: number;
}

class Counter implements StreamStats {
  firstFrameMs: number | undefined;
  frames = 0;
  videoBytes = 0;
  audioPackets = 0;
  packetsReceived = 0;
  packetsLost = 0;
  freezes = 0;
  #audioBytes = 0;
  #firstFrameAt = 0;
  #lastFrameAt = 0;
  #lastSequence = new Map<string, number>();
  readonly #startedAt: number;
  readonly #freezeGapMs: number;

  constructor(
    readonly publisherId: string,
    freezeGapMs: number,
  ) {
    this.#startedAt = performance.now();
    this.#freezeGapMs = freezeGapMs;
  }

  onRtp(kind: string, rtp: RtpPacket): void {
    this.packetsReceived++;
    const last = this.#lastSequence.get(kind);
    if (last !== undefined) {
      const gap = (rtp.header.sequenceNumber - last) & 0xffff;
      if (gap > 1 && gap < 0x8000) this.packetsLost += gap - 1;
    }
    if (last === undefined || ((rtp.header.sequenceNumber - last) & 0xffff) < 0x8000) this.#lastSequence.set(kind, rtp.header.sequenceNumber);
    if (kind === 'audio') {
      this.audioPackets++;
      this.#audioBytes += rtp.payload.length;
      return;
    }
    this.videoBytes += rtp.payload.length;
    if (!rtp.header.marker) return;
    const now = performance.now();
    if (this.frames === 0) {
      this.#firstFrameAt = now;
      this.firstFrameMs = now - this.#startedAt;
    } else if (now - this.#lastFrameAt > this.#freezeGapMs) {
      this.freezes++;
    }
    this.#lastFrameAt = now;
    this.frames++;
  }

  fps(now = performance.now()): number {
    if (this.frames < 2) return 0;
    return ((this.frames - 1) * 1000) / Math.max(now - this.#firstFrameAt, 1);
  }

  kbps(now = performance.now()): number {
    if (this.frames === 0) return 0;
    return ((this.videoBytes + this.#audioBytes) * 8) / Math.max(now - this.#firstFrameAt, 1);
  }
}

export class WhepViewer {
  readonly #options: WhepViewerOptions;
  readonly #ws: WebSocket;
  readonly #peers = new Map<string, RTCPeerConnection>();
  readonly #stats = new Map<string, Counter>();
  readonly #subscribing = new Set<string>();
  /** Time from opening the events socket to `welcome` (ms). */
  joinMs = 0;
  readonly errors: string[] = [];
  #closed = false;

  private constructor(options: WhepViewerOptions, ws: WebSocket) {
    this.#options = options;
    this.#ws = ws;
  }

  /** Joins the stage (resolves on `welcome`) and subscribes to every publisher, now and later. */
  static join(options: WhepViewerOptions): Promise<WhepViewer> {
    const started = performance.now();
    const ws = new WebSocket(`${options.url.replace(/^http/, 'ws')}/stage/${encodeURIComponent(options.stageId)}/events`);
    const viewer = new WhepViewer(options, ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ type: 'join', token: options.token })));
      ws.once('error', reject);
      ws.on('close', (code) => reject(new Error(`the events socket closed (${code}) before welcome`)));
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as ServerFrame;
        if (frame.type === 'welcome') {
          viewer.joinMs = performance.now() - started;
          resolve(viewer);
          for (const p of frame.participants) viewer.#consider(p);
        } else if (frame.type === 'participantJoined' || frame.type === 'metadataChanged') {
          viewer.#consider(frame.participant);
        } else if (frame.type === 'streamsChanged' && frame.streams.length > 0) {
          viewer.#consider({ id: frame.participantId, published: true, streams: frame.streams } as LocalParticipantView);
        } else if (frame.type === 'error') {
          viewer.errors.push(`${frame.code}: ${frame.message}`);
          reject(new Error(`join refused: ${frame.code}: ${frame.message}`));
        }
      });
    });
  }

  /** Per-publisher statistics. */
  get streams(): StreamStats[] {
    return [...this.#stats.values()];
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(JSON.stringify({ type: 'leave' }));
    this.#ws.close();
    await Promise.all([...this.#peers.values()].map((pc) => pc.close().catch(() => {})));
  }

  #consider(participant: LocalParticipantView): void {
    if (this.#closed || !participant.published || participant.streams.length === 0) return;
    if (this.#subscribing.has(participant.id)) return;
    this.#subscribing.add(participant.id);
    this.#subscribe(participant).catch((error: unknown) => {
      this.#subscribing.delete(participant.id);
      this.errors.push(`subscribe to ${participant.id}: ${(error as Error).message}`);
    });
  }

  async #subscribe(participant: LocalParticipantView): Promise<void> {
    const video = participant.streams.find((s) => s.kind === 'video');
    const audio = participant.streams.find((s) => s.kind === 'audio');
    const pc = createPeer(
      { hostAddresses: this.#options.hostAddresses ?? ['127.0.0.1'], iceGatheringTimeoutMs: 3000, stunUrl: await loopbackStunUrl() },
      {
        audio: [audio ? codecFromStream(audio) : useOPUS()],
        video: video ? [codecFromStream(video)] : [new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000 })],
      },
    );
    this.#peers.set(participant.id, pc);
    const counter = new Counter(participant.id, this.#options.freezeGapMs ?? 200);
    this.#stats.set(participant.id, counter);
    pc.onTrack.subscribe((track: MediaStreamTrack) => {
      track.onReceiveRtp.subscribe((rtp: RtpPacket) => counter.onRtp(track.kind, rtp));
    });
    if (audio) pc.addTransceiver('audio', { direction: 'recvonly' });
    if (video) pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, 3000);
    const response = await fetch(`${this.#options.url}/stage/${encodeURIComponent(this.#options.stageId)}/whep/${encodeURIComponent(participant.id)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${this.#options.token}` },
      body: pc.localDescription!.sdp,
    });
    const body = await response.text();
    if (response.status !== 201) throw new Error(`WHEP refused with ${response.status}: ${body.slice(0, 200)}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    await connected(pc, 15_000);
  }
}
