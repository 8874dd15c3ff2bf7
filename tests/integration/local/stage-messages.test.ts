/**
 * The local stage's layer, in-band and subtitle frames and the simulcast WHIP offer, against a real
 * ivs-local with tokens minted through the real IVSRealTimeClient. No media moves here (the relay
 * of in-band messages to WHEP subscribers and the layer switching are in tests/media/simulcast.test.ts).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BOT_SIMULCAST_LAYERS, withSimulcast } from '../../../packages/ivs-local/src/bots/simulcast';
import type { Emulator } from './helpers';
import { createStage, errorOf, H264, joinStage, mint, offer, post, StageTestEnv } from './stage-helpers';

const env = new StageTestEnv();
afterEach(() => env.stop());

async function stageWith(...users: string[]) {
  const e = await env.start();
  const stage = await createStage(e);
  const members = [];
  for (const userId of users) {
    const t = await mint(e, stage.arn, { userId });
    members.push({ ...t, client: await joinStage(env, stage.id, t.token) });
  }
  return { e, stage, members };
}

/** A werift offer with the RTP stream id extension, made a simulcast offer as the bots make it. */
async function simulcastOffer(): Promise<string> {
  const { RTCPeerConnection, useOPUS, useSdesMid, useSdesRTPStreamId } = await import('werift');
  const pc = new RTCPeerConnection({
    iceServers: [],
    codecs: { audio: [useOPUS()], video: [H264()] },
    headerExtensions: { audio: [useSdesMid()], video: [useSdesMid(), useSdesRTPStreamId()] },
  });
  pc.addTransceiver('audio', { direction: 'sendonly' });
  pc.addTransceiver('video', { direction: 'sendonly' });
  const { sdp } = await pc.createOffer();
  await pc.close();
  return withSimulcast(sdp, BOT_SIMULCAST_LAYERS);
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 150));
}

describe('subtitle cues', () => {
  it('are relayed to every other participant, with the author and the participant the cue is about', async () => {
    const { members } = await stageWith('host', 'a', 'b');
    const [host, a, b] = members;
    host!.client.send({ type: 'subtitleCue', cue: { text: 'Hello, world', languageCode: 'EN', languageLabel: 'English', startTimeMs: 10, endTimeMs: 900 } });
    for (const m of [a!, b!]) {
      expect(await m.client.next('subtitleCue')).toEqual({
        type: 'subtitleCue',
        participantId: host!.participantId,
        authorId: host!.participantId,
        cue: { text: 'Hello, world', languageCode: 'en', languageLabel: 'English', startTimeMs: 10, endTimeMs: 900 },
      });
    }
    // A cue about another participant (a captioner); a start without an end is relayed with neither.
    a!.client.send({ type: 'subtitleCue', cue: { text: 'Bonjour', languageCode: 'fr', targetParticipantId: b!.participantId, startTimeMs: 5 } });
    expect(await host!.client.next('subtitleCue', (f) => f.authorId === a!.participantId)).toEqual({
      type: 'subtitleCue',
      participantId: b!.participantId,
      authorId: a!.participantId,
      cue: { text: 'Bonjour', languageCode: 'fr', targetParticipantId: b!.participantId },
    });
    await settle();
    expect(host!.client.frames.filter((f) => f.type === 'subtitleCue' && f.authorId === host!.participantId)).toEqual([]);
    expect(a!.client.frames.filter((f) => f.type === 'subtitleCue' && f.authorId === a!.participantId)).toEqual([]);
  });

  it('a bad cue gets an error frame naming the field and the limit; the session goes on', async () => {
    const { members } = await stageWith('host', 'a');
    const [host, a] = members;
    const bad: Array<[unknown, RegExp]> = [
      [undefined, /needs \{"cue"/],
      [{ text: 'x'.repeat(1025), languageCode: 'en' }, /"text".*1024 bytes/],
      [{ text: 'hi', languageCode: 'eng' }, /two-letter/],
      [{ text: 'hi', languageCode: 'en', languageLabel: 'é'.repeat(49) }, /"languageLabel".*96 bytes/],
      [{ text: 'hi', languageCode: 'en', startTimeMs: -1, endTimeMs: 2 }, /"startTimeMs"/],
      [{ text: 'hi', languageCode: 'en', startTimeMs: 9, endTimeMs: 2 }, /"endTimeMs" must not be before/],
      [{ text: 'hi', languageCode: 'en', targetParticipantId: 7 }, /"targetParticipantId"/],
    ];
    for (const [cue] of bad) host!.client.send({ type: 'subtitleCue', ...(cue === undefined ? {} : { cue }) });
    await settle();
    const errors = host!.client.frames.filter((f) => f.type === 'error');
    expect(errors).toHaveLength(bad.length);
    errors.forEach((error, i) => expect(error).toMatchObject({ code: 'bad-request', message: expect.stringMatching(bad[i]![1]) }));
    expect(a!.client.frames.filter((f) => f.type === 'subtitleCue')).toEqual([]);
    expect(host!.client.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('in-band messages and layer preferences without media', () => {
  it('an in-band message from a participant that does not publish video is refused; malformed ones name the rule', async () => {
    const { members } = await stageWith('host', 'a');
    const [host, a] = members;
    const cases: Array<[object, RegExp]> = [
      [{ payload: 'aGVsbG8=' }, /publish a video track first/],
      [{ payload: 'not base64!' }, /base64/],
      [{ payload: '' }, /base64|0 bytes/],
      [{ payload: Buffer.alloc(1025).toString('base64') }, /1025 bytes.*1–1024/],
      [{ payload: 'aGVsbG8=', uuid: '7e5f0ac6-c8f4-4e4b-9d6b-1b6a2f1c9e01' }, /32 hexadecimal/],
      [{ payload: 'aGVsbG8=', repeatCount: 31 }, /0 to 30/],
      [{ payload: 'aGVsbG8=', repeatCount: 1.5 }, /0 to 30/],
    ];
    for (const [frame] of cases) host!.client.send({ type: 'inBandMessage', ...frame });
    await settle();
    const errors = host!.client.frames.filter((f) => f.type === 'error');
    expect(errors).toHaveLength(cases.length);
    errors.forEach((error, i) => expect(error).toMatchObject({ code: 'bad-request', message: expect.stringMatching(cases[i]![1]) }));
    expect(a!.client.frames.filter((f) => f.type === 'inBandMessage')).toEqual([]);
    expect(host!.client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('preferLayer is checked (error frames) and accepted before any WHEP session exists', async () => {
    const { members } = await stageWith('viewer');
    const viewer = members[0]!.client;
    viewer.send({ type: 'preferLayer', publisherId: 'someone', layer: 'high' });
    viewer.send({ type: 'preferLayer', publisherId: 'someone', layer: null });
    viewer.send({ type: 'preferLayer', publisherId: 'someone', layer: 'lowest' });
    viewer.send({ type: 'preferLayer', layer: 'high' });
    viewer.send({ type: 'preferLayer', publisherId: 'someone', layer: 'no spaces' });
    viewer.send({ type: 'preferLayer', publisherId: 'someone', layer: 3 });
    await settle();
    const errors = viewer.frames.filter((f) => f.type === 'error');
    expect(errors.map((e) => e.type === 'error' && e.message)).toEqual([
      expect.stringMatching(/needs \{"publisherId"/),
      expect.stringMatching(/"layer" must be a layer's rid/),
      expect.stringMatching(/"layer" must be a layer's rid/),
    ]);
  });
});

describe('simulcast WHIP offers and WHEP ?layer=', () => {
  async function publisherToken(e: Emulator, arn: string) {
    return mint(e, arn, { userId: 'cam', capabilities: ['PUBLISH'] });
  }

  it('a plain WHIP offer with 3 rid layers is answered with a=simulcast:recv for those rids', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const { token } = await publisherToken(e, stage.arn);
    const response = await post(e, `/stage/${stage.id}/whip`, await simulcastOffer(), token);
    const answer = await response.text();
    expect(response.status, answer).toBe(201);
    expect(answer).toMatch(/a=simulcast:recv low;mid;high/);
    expect(answer).toMatch(/a=rid:low recv/);
    expect(answer).toMatch(/a=extmap:\d+ urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id/);
  });

  it('more than 3 layers, or a rid without its a=rid line, is refused with 400 bad-request', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const { token } = await publisherToken(e, stage.arn);
    const four = (await simulcastOffer()).replace('a=simulcast:send low;mid;high', 'a=simulcast:send low;mid;high;top\r\na=rid:top send');
    const fourAnswer = await post(e, `/stage/${stage.id}/whip`, four, token);
    expect(fourAnswer.status).toBe(400);
    expect(await errorOf(fourAnswer)).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/4 layers.*at most 3/) });
    const missing = (await simulcastOffer()).replace(/a=rid:mid .*\r\n/, '');
    const missingAnswer = await post(e, `/stage/${stage.id}/whip`, missing, token);
    expect(missingAnswer.status).toBe(400);
    expect((await errorOf(missingAnswer)).message).toMatch(/no "a=rid:mid send" line/);
  });

  it('random simulcast lines in a WHIP offer get 201 or a 400 {code, message}, never a 5xx', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const sdp = await offer('sendonly', [H264()]);
    const rid = fc.oneof(fc.constantFrom('low', 'mid', 'high', '~mid', 'a,b', ''), fc.string({ maxLength: 8 }));
    const ridLine = fc
      .tuple(rid, fc.constantFrom('send', 'recv', 'sendx'), fc.oneof(fc.constantFrom('max-width=320;max-height=180;max-br=250000;max-fps=30', 'max-width=x', 'pt=96'), fc.string({ maxLength: 60 })))
      .map(([r, direction, rest]) => `a=rid:${r} ${direction} ${rest}`);
    // Appended to the last (video) section, with or without the RTP stream id extension.
    const body = fc
      .tuple(fc.array(ridLine, { maxLength: 5 }), fc.array(rid, { maxLength: 5 }), fc.boolean())
      .map(([rids, list, extension]) =>
        [sdp.trimEnd(), ...(extension ? ['a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id'] : []), ...rids, `a=simulcast:send ${list.join(';')}`, ''].join('\r\n'),
      );
    const { token } = await mint(e, stage.arn, { userId: 'cam', capabilities: ['PUBLISH'] });
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const response = await post(e, `/stage/${stage.id}/whip`, b, token);
        statuses.add(response.status);
        if (response.status === 201) return;
        expect(response.status).toBe(400);
        expect(Object.keys(await errorOf(response)).sort()).toEqual(['code', 'message']);
      }),
      { numRuns: 100, seed: 1717 },
    );
    expect([...statuses].sort()).toEqual([201, 400]);
  });

  it('WHEP ?layer= other than lowest or highest is refused with 400 bad-request', async () => {
    const { e, stage, members } = await stageWith('viewer');
    const response = await post(e, `/stage/${stage.id}/whep/anyone?layer=medium`, await offer('recvonly'), members[0]!.token);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/\?layer=lowest or \?layer=highest/) });
  });
});
