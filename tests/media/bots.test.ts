/**
 * Bots and plain WHIP with media moving (Node ↔ ivs-local ↔ Node, inside the media tier's network
 * namespace): PUBLISH_STARTED, names, what a viewer receives, leaving when the encoder vanishes,
 * and one WHEP session per (subscriber, publisher).
 */
import { GetStageCommand, ListParticipantEventsCommand, ListParticipantsCommand } from '@aws-sdk/client-ivs-realtime';
import { RTCPeerConnection, useOPUS } from 'werift';
import { describe, expect, it } from 'vitest';
import { useMediaStage } from './media-stage';
import WebSocket from 'ws';
import { startBots, type Bots } from '../../packages/ivs-local/src/bots/bots';
import { WhepViewer } from '../../packages/ivs-local/src/bots/whep-viewer';
import { WhipPublisher } from '../../packages/ivs-local/src/bots/whip-publisher';
import type { ServerFrame } from '../../src/local-stage/protocol';

const stage = useMediaStage('media');

async function viewer(): Promise<WhepViewer> {
  const v = await WhepViewer.join({ url: stage.ivs.url, stageId: stage.id, token: (await stage.token('viewer', ['SUBSCRIBE'])).token });
  stage.cleanup(() => v.close());
  return v;
}

async function until<T>(what: string, probe: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('bots', () => {
  it('3 named bots publish video and audio that a viewer receives at the source rate; the control plane lists them as published', async () => {
    const bots: Bots = await startBots({ endpoint: stage.ivs.url, stageArn: stage.arn, count: 3 });
    stage.cleanup(() => bots.stop());
    expect(bots.bots.map((b) => [b.userId, b.displayName])).toEqual([['bot-1', 'Bot 1'], ['bot-2', 'Bot 2'], ['bot-3', 'Bot 3']]);
    const v = await viewer();
    await until('3 streams with frames and audio', () => v.streams.filter((s) => s.frames > 20 && s.audioPackets > 50).length, (n) => n === 3);
    for (const s of v.streams) {
      expect(s.fps()).toBeGreaterThan(12);
      expect(s.packetsLost).toBe(0);
    }
    const sessionId = (await stage.client.send(new GetStageCommand({ arn: stage.arn }))).stage!.activeSessionId!;
    const { participants } = await stage.client.send(new ListParticipantsCommand({ stageArn: stage.arn, sessionId, filterByPublished: true }));
    expect(participants?.map((p) => p.userId).sort()).toEqual(['bot-1', 'bot-2', 'bot-3']);
    const { events } = await stage.client.send(new ListParticipantEventsCommand({ stageArn: stage.arn, sessionId, participantId: bots.bots[0]!.participantId }));
    expect(events?.map((e) => e.name)).toEqual(['JOINED', 'PUBLISH_STARTED']);
  });

  it('an audio-only bot offers H.264 (as IVS requires) but sends audio only', async () => {
    const bots = await startBots({ endpoint: stage.ivs.url, stageArn: stage.arn, count: 1, audioOnly: true });
    stage.cleanup(() => bots.stop());
    const v = await viewer();
    const [stream] = await until('audio from the bot', () => v.streams, (s) => s.length === 1 && s[0]!.audioPackets > 50);
    expect(stream!.frames).toBe(0);
  });
});

describe('plain WHIP with media', () => {
  it('a publisher that vanishes without DELETE (a crashed encoder) leaves: the others see participantLeft within 5 s, LEFT is recorded', async () => {
    const publisherToken = await stage.token('encoder', ['PUBLISH']);
    const publisher = await WhipPublisher.start({ whipUrl: `${stage.ivs.url}/stage/${stage.id}/whip`, token: publisherToken.token });
    const watcher = new WebSocket(`${stage.ivs.wsUrl}/stage/${stage.id}/events`);
    stage.cleanup(async () => watcher.terminate());
    const frames: ServerFrame[] = [];
    watcher.on('message', (data) => frames.push(JSON.parse(String(data)) as ServerFrame));
    await new Promise((r) => watcher.once('open', r));
    watcher.send(JSON.stringify({ type: 'join', token: (await stage.token('watcher', ['SUBSCRIBE'])).token }));
    await until('welcome listing the encoder as published', () => frames.find((f) => f.type === 'welcome'), (f) =>
      f?.type === 'welcome' && f.participants.some((p) => p.id === publisherToken.participantId && p.published),
    );
    const vanishedAt = Date.now();
    await publisher.stop({ delete: false });
    await until('participantLeft', () => frames.find((f) => f.type === 'participantLeft'), (f) => f !== undefined, 20_000);
    const elapsed = Date.now() - vanishedAt;
    console.log(`plain WHIP publisher gone ${elapsed} ms after its connection closed without DELETE`);
    expect(elapsed).toBeLessThan(5000);
    // The watcher is still in the stage: its session is still active.
    const sessionId = (await stage.client.send(new GetStageCommand({ arn: stage.arn }))).stage!.activeSessionId!;
    const { events } = await stage.client.send(new ListParticipantEventsCommand({ stageArn: stage.arn, sessionId, participantId: publisherToken.participantId }));
    expect(events?.map((e) => e.name)).toEqual(['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);
  });

  it('keeps one WHEP session per (subscriber, publisher): a new one replaces the old', async () => {
    const bots = await startBots({ endpoint: stage.ivs.url, stageArn: stage.arn, count: 1 });
    stage.cleanup(() => bots.stop());
    const subscriber = await stage.token('subscriber', ['SUBSCRIBE']);
    const ws = new WebSocket(`${stage.ivs.wsUrl}/stage/${stage.id}/events`);
    stage.cleanup(async () => ws.terminate());
    await new Promise((r) => ws.once('open', r));
    const welcomed = new Promise((r) => ws.once('message', r));
    ws.send(JSON.stringify({ type: 'join', token: subscriber.token }));
    await welcomed;
    const offer = async () => {
      const pc = new RTCPeerConnection({ iceServers: [], codecs: { audio: [useOPUS()] } });
      pc.addTransceiver('audio', { direction: 'recvonly' });
      const { sdp } = await pc.createOffer();
      await pc.close();
      return sdp;
    };
    const whep = `${stage.ivs.url}/stage/${stage.id}/whep/${bots.bots[0]!.participantId}`;
    const headers = { 'content-type': 'application/sdp', authorization: `Bearer ${subscriber.token}` };
    const locations: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(whep, { method: 'POST', headers, body: await offer() });
      expect(response.status).toBe(201);
      locations.push(new URL(response.headers.get('location')!, stage.ivs.url).href);
    }
    const del = (location: string) => fetch(location, { method: 'DELETE', headers: { authorization: headers.authorization } }).then((r) => r.status);
    expect(await del(locations[0]!)).toBe(404);
    expect(await del(locations[1]!)).toBe(404);
    expect(await del(locations[2]!)).toBe(200);
  });
});
