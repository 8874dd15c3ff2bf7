/**
 * The stage routes under malformed input and the promises of docs/local-stage-protocol.md: no 5xx,
 * the documented `{code, message}` error shape, no stack trace on stderr, close codes as promised,
 * per-participant limits, and a bounded property-based fuzz of events-socket frames and WHIP/WHEP
 * requests. Signalling only (no ICE).
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { LocalStageHttpError } from '../../../src/local-stage/protocol';
import type { Emulator } from './helpers';
import { createStage, errorOf, EventsClient, H264, joinStage, mint, offer, post, selfSigner, StageTestEnv } from './stage-helpers';

const env = new StageTestEnv();
afterEach(() => env.stop());

/** Everything written to stderr (and console.error) while `run` runs. */
async function stderrDuring(run: () => Promise<void>): Promise<string> {
  const written: string[] = [];
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' ')));
  try {
    await run();
  } finally {
    write.mockRestore();
    error.mockRestore();
  }
  return written.join('');
}

/** The HTTP answer to a WebSocket upgrade that the server refuses. */
function refusedUpgrade(e: Emulator, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${e.ivs.wsUrl}${path}`);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => {
      // unexpected-response carries the answer.
    });
  });
}

describe('malformed %-encoding on /stage/ routes', () => {
  it('answers 400 bad-request with {code, message}, plain or as a WebSocket upgrade, and writes nothing to stderr', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const { token } = await mint(e, stage.arn);
    const sdp = await offer('sendonly', [H264()]);
    const stderr = await stderrDuring(async () => {
      for (const path of ['/stage/%ZZ/whip', `/stage/${stage.id}/whep/%E0%A4%A`, `/stage/${stage.id}/whip/%ZZ`]) {
        const response = await post(e, path, sdp, token);
        expect(response.status, path).toBe(400);
        const body = await errorOf(response);
        expect(body).toEqual({ code: 'bad-request', message: expect.stringMatching(/malformed %-escape/) });
      }
      const plain = await fetch(`${e.ivs.url}/stage/%ZZ/events`);
      expect(plain.status).toBe(400);
      expect((await errorOf(plain)).code).toBe('bad-request');
      const upgrade = await refusedUpgrade(e, '/stage/%ZZ/events');
      expect(upgrade.status).toBe(400);
      expect(JSON.parse(upgrade.body) as LocalStageHttpError).toMatchObject({ code: 'bad-request' });
    });
    expect(stderr).toBe('');
  });
});

describe('events socket: the first frame', () => {
  const cases: Array<[string, unknown]> = [
    ['not JSON', 'hello'],
    ['binary', Buffer.from([1, 2, 3])],
    ['an unknown type', { type: 'dance' }],
    ['a frame other than join', { type: 'mute', kind: 'audio', muted: true }],
    ['join without a token', { type: 'join' }],
    ['a JSON array', '[1,2]'],
  ];
  for (const [what, frame] of cases) {
    it(`closes with 4002 at once when it is ${what}`, async () => {
      const e = await env.start({ joinTimeoutMs: 10_000 });
      const stage = await createStage(e);
      const client = new EventsClient(env, stage.id);
      await client.opened;
      const started = Date.now();
      client.send(frame);
      client.send({ type: 'join', token: 'ignored: the socket is already closing' });
      expect(await client.closed).toBe(4002);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(client.frames).toEqual([{ type: 'error', code: 'bad-request', message: expect.any(String) }]);
    });
  }
});

describe('per-participant limits', () => {
  it('holds self-signed tokens to the userId (128) and attribute (1 KB) limits at join and at WHIP', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const sign = await selfSigner(e, stage.arn);
    const bigAttributes = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 'v']));
    const tooLongUser = await sign({ participantId: 'self-1', userId: 'u'.repeat(129) });
    const tooManyBytes = await sign({ participantId: 'self-2', attributes: bigAttributes });
    const exactlyOneKb = await sign({ participantId: 'self-3', userId: 'é'.repeat(128), attributes: { a: 'x'.repeat(1023) } });
    for (const token of [tooLongUser, tooManyBytes]) {
      const client = new EventsClient(env, stage.id);
      await client.opened;
      client.send({ type: 'join', token });
      expect(await client.closed).toBe(4001);
      const refusal = await client.next('error');
      expect(refusal.code).toBe('token-malformed');
      expect(refusal.message).toMatch(/at most (128|1024)/);
      const whip = await post(e, `/stage/${stage.id}/whip`, await offer('sendonly', [H264()]), token);
      expect(whip.status).toBe(401);
      expect((await errorOf(whip)).code).toBe('token-malformed');
    }
    const ok = await joinStage(env, stage.id, exactlyOneKb);
    expect((await ok.next('welcome')).self.userId).toBe('é'.repeat(128));
  });
});

describe('docs/local-stage-protocol.md promises', () => {
  it('answers OPTIONS on every stage path with 204 and CORS headers', async () => {
    const e = await env.start();
    for (const path of ['/stage/s/whip', '/stage/s/whip/r', '/stage/s/whep/p', '/stage/s/whep/p/r', '/whip']) {
      const response = await fetch(`${e.ivs.url}${path}`, { method: 'OPTIONS' });
      expect(response.status, path).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-expose-headers')).toMatch(/location/);
    }
  });

  it('answers a second join on a joined socket with already-joined, and leave with close 1000', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const { token } = await mint(e, stage.arn);
    const client = await joinStage(env, stage.id, token);
    client.send({ type: 'join', token });
    expect((await client.next('error')).code).toBe('already-joined');
    client.send('not json');
    await client.next('error', (f) => f.code === 'bad-request');
    client.send({ type: 'leave' });
    expect(await client.closed).toBe(1000);
  });

  it('refuses a join with an error frame then close 4001, and a missing join in time with 4002', async () => {
    const e = await env.start({ joinTimeoutMs: 300 });
    const stage = await createStage(e);
    const refused = new EventsClient(env, stage.id);
    await refused.opened;
    refused.send({ type: 'join', token: 'a.b.c' });
    expect(await refused.closed).toBe(4001);
    expect(refused.frames[0]).toMatchObject({ type: 'error', code: 'token-malformed' });
    const silent = new EventsClient(env, stage.id);
    await silent.opened;
    expect(await silent.closed).toBe(4002);
  });

  it('answers exchangeToken failures with an error frame carrying the requestId', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const alice = await mint(e, stage.arn);
    const bob = await mint(e, stage.arn);
    const client = await joinStage(env, stage.id, alice.token);
    client.send({ type: 'exchangeToken', token: bob.token, requestId: 'r1' });
    expect(await client.next('error', (f) => f.requestId === 'r1')).toMatchObject({ code: 'participant-mismatch' });
  });
});

describe('property-based fuzz of the stage routes', () => {
  let e: Emulator;
  let stageId: string;
  let token: string;
  let participantId: string;
  const fuzzEnv = new StageTestEnv();

  beforeAll(async () => {
    e = await fuzzEnv.start({ joinTimeoutMs: 2000 });
    const stage = await createStage(e);
    stageId = stage.id;
    ({ token, participantId } = await mint(e, stage.arn));
  });
  afterAll(() => fuzzEnv.stop());

  /** A raw request (paths the fetch API would refuse or normalize are sent as written). */
  function raw(method: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; type: string; body: string }> {
    return new Promise((resolve, reject) => {
      // An explicit length: Node sends a DELETE body unframed otherwise (the next request's bytes).
      const framed = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
      const req = request(e.ivs.url, { method, path, headers: framed }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('never answers WHIP/WHEP requests with a 5xx; errors have the {code, message} shape', async () => {
    // Dot segments are left out: URL normalization takes `/stage/..` out of /stage (to the control plane's routes).
    const segment = fc.oneof(
      fc.constantFrom('whip', 'whep', 'events', '%ZZ', '%E0%A4%A', '%2F', stageId, participantId, 'x'.repeat(300)),
      fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)).filter((s) => !/^(\.|%2e)+$/i.test(s)),
    );
    const path = fc.array(segment, { maxLength: 4 }).map((parts) => `/stage/${parts.join('/')}`);
    const pathOrGlobal = fc.oneof(path, fc.constant('/whip'), fc.constant(`/stage/${stageId}/whip`), fc.constant(`/stage/${stageId}/whep/${participantId}`));
    const headers = fc.record(
      {
        authorization: fc.oneof(fc.constant(`Bearer ${token}`), fc.constant('Bearer a.b.c'), fc.constant('Basic xyz'), fc.string({ maxLength: 30 })),
        'content-type': fc.constantFrom('application/sdp', 'application/json', 'text/plain', ''),
      },
      { requiredKeys: [] },
    );
    const sdp = await offer('sendonly', [H264()]);
    // Simulcast lines appended to the (last, video) section: rids, restrictions and lists, well-formed or not.
    const rid = fc.oneof(fc.constantFrom('low', 'mid', 'high', '~mid', 'a,b', ''), fc.string({ maxLength: 8 }));
    const ridLine = fc
      .tuple(rid, fc.constantFrom('send', 'recv', 'sendx'), fc.oneof(fc.constantFrom('max-width=320;max-height=180;max-br=250000;max-fps=30', 'max-width=x', 'pt=96'), fc.string({ maxLength: 60 })))
      .map(([r, direction, rest]) => `a=rid:${r} ${direction} ${rest}`);
    const simulcastSdp = fc
      .tuple(fc.array(ridLine, { maxLength: 5 }), fc.array(rid, { maxLength: 5 }), fc.boolean())
      .map(([rids, list, extension]) =>
        [sdp.trimEnd(), ...(extension ? ['a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id'] : []), ...rids, `a=simulcast:send ${list.join(';')}`, ''].join('\r\n'),
      );
    const body = fc.oneof(
      fc.constant(sdp),
      simulcastSdp,
      fc.string({ maxLength: 200 }),
      fc.constant(sdp.replace('m=video', 'm=vid eo')),
      fc.constant(sdp.replace(/a=ice-ufrag:.*\r\n/g, '')),
      fc.constant('v=0\r\n'),
    );
    const stderr = await stderrDuring(async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('POST', 'DELETE', 'PATCH', 'GET', 'PUT', 'OPTIONS'), pathOrGlobal, headers, body, async (method, p, h, b) => {
          const response = await raw(method, p, h, method === 'GET' || method === 'OPTIONS' ? '' : b);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.type).toMatch(/application\/json/);
            const error = JSON.parse(response.body) as Record<string, unknown>;
            expect(Object.keys(error).sort()).toEqual(['code', 'message']);
            expect(typeof error['message']).toBe('string');
          }
        }),
        { numRuns: 150 },
      );
    });
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
    // Still serving.
    expect((await fetch(`${e.ivs.url}/stage/${stageId}/whip`, { method: 'OPTIONS' })).status).toBe(204);
  });

  it('closes the events socket with 4001/4002 for any bad first frame, and answers later junk with error frames only', async () => {
    const junk = fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 100 }),
      fc.record({ type: fc.constantFrom('join', 'mute', 'leave!', 'exchangeToken', 'welcome'), token: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()) }).map((o) => JSON.stringify(o)),
      // The layer, in-band and subtitle frames with wrong, missing and extreme fields.
      fc
        .record(
          {
            type: fc.constantFrom('preferLayer', 'inBandMessage', 'subtitleCue'),
            publisherId: fc.oneof(fc.string({ maxLength: 20 }), fc.constant('x'.repeat(300)), fc.integer(), fc.constant(null)),
            layer: fc.oneof(fc.constantFrom('low', 'lowest', 'highest', null, ''), fc.string({ maxLength: 40 }), fc.integer()),
            payload: fc.oneof(fc.base64String({ maxLength: 2000 }), fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null)),
            uuid: fc.oneof(fc.stringMatching(/^[0-9a-fA-F]{30,34}$/), fc.integer()),
            repeatCount: fc.oneof(fc.integer({ min: -5, max: 40 }), fc.double(), fc.string({ maxLength: 3 })),
            cue: fc.oneof(
              fc.record(
                {
                  text: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('x'.repeat(2000)), fc.integer()),
                  languageCode: fc.oneof(fc.string({ maxLength: 3 }), fc.constant('en')),
                  languageLabel: fc.oneof(fc.string({ maxLength: 120 }), fc.integer()),
                  targetParticipantId: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
                  startTimeMs: fc.oneof(fc.double(), fc.integer()),
                  endTimeMs: fc.oneof(fc.double(), fc.string({ maxLength: 3 })),
                },
                { requiredKeys: [] },
              ),
              fc.jsonValue({ maxDepth: 2 }),
            ),
          },
          { requiredKeys: ['type'] },
        )
        .map((o) => JSON.stringify(o)),
      fc.uint8Array({ maxLength: 50 }).map((b) => Buffer.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(junk, async (frame) => {
        const client = new EventsClient(fuzzEnv, stageId);
        await client.opened;
        client.send(frame);
        expect([4001, 4002]).toContain(await client.closed);
        expect(client.frames.every((f) => f.type === 'error')).toBe(true);
      }),
      { numRuns: 60 },
    );
    const joined = await joinStage(fuzzEnv, stageId, token);
    await fc.assert(
      fc.asyncProperty(fc.array(junk, { minLength: 1, maxLength: 5 }), async (frames) => {
        for (const frame of frames) joined.send(frame);
        joined.send({ type: 'mute', kind: 'video', muted: false });
        await new Promise((r) => setTimeout(r, 10));
      }),
      { numRuns: 40 },
    );
    expect(joined.closeCode).toBeUndefined();
    expect(joined.frames.filter((f) => f.type !== 'welcome' && f.type !== 'error' && f.type !== 'left' && f.type !== 'tokenExchanged')).toEqual([]);
    expect((await fetch(`${e.ivs.url}/stage/${stageId}/whip`, { method: 'OPTIONS' })).status).toBe(204);
  });
});
