import {
  CreateParticipantTokenCommand,
  CreateStageCommand,
  DeleteStageCommand,
  DisconnectParticipantCommand,
  GetParticipantCommand,
  GetStageCommand,
  GetStageSessionCommand,
  ListCompositionsCommand,
  ListParticipantEventsCommand,
  ListParticipantsCommand,
  ListStageSessionsCommand,
  ListStagesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateStageCommand,
  ValidationException,
  paginateListStages,
} from '@aws-sdk/client-ivs-realtime';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeParticipantToken, isLocalStageToken } from '../../../src/core/token';
import { ParticipantTokenRejectedError, type ParticipantGrant } from '../../../packages/ivs-local/src/hub';
import { rejection, startEmulator, stopEmulator, type Emulator } from './helpers';

let e: Emulator;
beforeAll(async () => {
  e = await startEmulator();
});
afterAll(async () => {
  await stopEmulator(e);
});

async function newStage(name = 'stage') {
  const { stage } = await e.realtime.send(new CreateStageCommand({ name }));
  return stage!;
}

describe('CreateStage / GetStage / UpdateStage / DeleteStage', () => {
  test('CreateStage returns a stage with an IVS-shaped ARN, local endpoints, tags and default recording configuration', async () => {
    const { stage, participantTokens } = await e.realtime.send(new CreateStageCommand({ name: 'my-stage_1', tags: { team: 'video' } }));
    expect(stage!.arn).toMatch(/^arn:aws:ivs:us-east-1:123456789012:stage\/[a-zA-Z0-9]{12}$/);
    const id = stage!.arn!.split('/').pop();
    expect(stage!.name).toBe('my-stage_1');
    expect(stage!.tags).toEqual({ team: 'video' });
    expect(stage!.activeSessionId).toBeUndefined();
    expect(stage!.endpoints).toEqual({ whip: `${e.ivs.url}/stage/${id}/whip`, events: `${e.ivs.wsUrl}/stage/${id}/events` });
    expect(stage!.autoParticipantRecordingConfiguration).toMatchObject({ storageConfigurationArn: '', mediaTypes: ['AUDIO_VIDEO'] });
    expect(participantTokens).toEqual([]);
  });

  test('CreateStage with participantTokenConfigurations mints one token per configuration, in order', async () => {
    const { stage, participantTokens } = await e.realtime.send(
      new CreateStageCommand({
        name: 'with-tokens',
        participantTokenConfigurations: [
          { userId: 'host', capabilities: ['PUBLISH', 'SUBSCRIBE'], duration: 60 },
          { userId: 'viewer', capabilities: ['SUBSCRIBE'], attributes: { seat: '7' } },
        ],
      }),
    );
    expect(participantTokens).toHaveLength(2);
    const [host, viewer] = participantTokens!.map((t) => decodeParticipantToken(t.token));
    expect(host!.userId).toBe('host');
    expect(host!.capabilities).toEqual({ publish: true, subscribe: true });
    expect(viewer!.userId).toBe('viewer');
    expect(viewer!.capabilities).toEqual({ publish: false, subscribe: true });
    expect(viewer!.attributes).toEqual({ seat: '7' });
    expect(host!.stageArn).toBe(stage!.arn);
    expect(participantTokens![1]!.participantId).toBe(viewer!.participantId);
  });

  test('CreateStage rejects more than 12 participantTokenConfigurations with ValidationException', async () => {
    const error = await rejection(
      e.realtime.send(new CreateStageCommand({ participantTokenConfigurations: Array.from({ length: 13 }, () => ({})) })),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain('participantTokenConfigurations');
  });

  test.each([
    ['name', { name: 'has space' }],
    ['name', { name: 'x'.repeat(129) }],
    ['tags', { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }],
    ['tags.key', { tags: { 'aws:reserved': 'v' } }],
  ])('CreateStage with an invalid %s fails with ValidationException naming the field', async (field, input) => {
    const error = await rejection(e.realtime.send(new CreateStageCommand(input)));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.name).toBe('ValidationException');
    expect(error['exceptionMessage']).toContain(`at '${field}'`);
  });

  test('GetStage returns the stage; an unknown ARN is ResourceNotFoundException; a malformed one ValidationException', async () => {
    const stage = await newStage('get-me');
    const { stage: got } = await e.realtime.send(new GetStageCommand({ arn: stage.arn }));
    expect(got).toEqual(stage);
    const missing = await rejection(e.realtime.send(new GetStageCommand({ arn: 'arn:aws:ivs:us-east-1:123456789012:stage/nope12345678' })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.$metadata).toMatchObject({ httpStatusCode: 404 });
    const malformed = await rejection(e.realtime.send(new GetStageCommand({ arn: 'not-an-arn' })));
    expect(malformed).toBeInstanceOf(ValidationException);
    expect(malformed.message).toContain("at 'arn'");
  });

  test('UpdateStage renames the stage', async () => {
    const stage = await newStage('before');
    const { stage: updated } = await e.realtime.send(new UpdateStageCommand({ arn: stage.arn, name: 'after' }));
    expect(updated!.name).toBe('after');
    const { stage: got } = await e.realtime.send(new GetStageCommand({ arn: stage.arn }));
    expect(got!.name).toBe('after');
  });

  test('DeleteStage removes the stage and raises stageDeleted on the hub', async () => {
    const stage = await newStage('doomed');
    const deleted: string[] = [];
    const off = e.ivs.hub.events.on('stageDeleted', ({ stageArn }) => deleted.push(stageArn));
    await e.realtime.send(new DeleteStageCommand({ arn: stage.arn }));
    off();
    expect(deleted).toEqual([stage.arn]);
    await expect(e.realtime.send(new GetStageCommand({ arn: stage.arn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(e.realtime.send(new DeleteStageCommand({ arn: stage.arn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('ListStages', () => {
  test('paginateListStages walks every stage exactly once with small pages', async () => {
    const created = new Set<string>();
    for (let i = 0; i < 7; i++) created.add((await newStage(`page-${i}`)).arn!);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListStages({ client: e.realtime, pageSize: 3 }, {})) {
      pages++;
      expect(page.stages!.length).toBeLessThanOrEqual(3);
      seen.push(...page.stages!.map((s) => s.arn!));
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const arn of created) expect(seen).toContain(arn);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  test('a nextToken that was not issued by ListStages is a ValidationException', async () => {
    const error = await rejection(e.realtime.send(new ListStagesCommand({ nextToken: 'bm90LWEtdG9rZW4' })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain("'nextToken'");
  });

  test('maxResults outside 1..100 is a ValidationException', async () => {
    await expect(e.realtime.send(new ListStagesCommand({ maxResults: 101 }))).rejects.toBeInstanceOf(ValidationException);
    await expect(e.realtime.send(new ListStagesCommand({ maxResults: 0 }))).rejects.toBeInstanceOf(ValidationException);
  });
});

describe('CreateParticipantToken', () => {
  test('the token is an ES384 JWT whose IVS claims match the request and mark it as an ivs-local token', async () => {
    const stage = await newStage('tokens');
    const before = Date.now();
    const { participantToken } = await e.realtime.send(
      new CreateParticipantTokenCommand({
        stageArn: stage.arn,
        userId: 'alice',
        attributes: { role: 'host' },
        capabilities: ['PUBLISH'],
        duration: 30,
      }),
    );
    const claims = decodeParticipantToken(participantToken!.token);
    const stageId = stage.arn!.split('/').pop()!;
    expect(claims.participantId).toBe(participantToken!.participantId);
    expect(claims.stageArn).toBe(stage.arn);
    expect(claims.stageId).toBe(stageId);
    expect(claims.userId).toBe('alice');
    expect(claims.attributes).toEqual({ role: 'host' });
    expect(claims.capabilities).toEqual({ publish: true, subscribe: false });
    expect(claims.whipUrl).toBe(`${e.ivs.url}/stage/${stageId}/whip`);
    expect(claims.eventsUrl).toBe(`${e.ivs.wsUrl}/stage/${stageId}/events`);
    expect(claims.raw['ivs_local']).toBe(true);
    expect(claims.raw['version']).toBe('1.0');
    expect(isLocalStageToken(claims)).toBe(true);
    const header = JSON.parse(Buffer.from(participantToken!.token!.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    expect(header['alg']).toBe('ES384');
    const expectedExpiry = before + 30 * 60_000;
    expect(Math.abs(claims.expiresAt.getTime() - expectedExpiry)).toBeLessThan(5_000);
    // JWT exp has second precision; the API's expirationTime keeps milliseconds.
    expect(Math.floor(participantToken!.expirationTime!.getTime() / 1000) * 1000).toBe(claims.expiresAt.getTime());
    expect(participantToken).toMatchObject({ userId: 'alice', duration: 30, capabilities: ['PUBLISH'], attributes: { role: 'host' } });
  });

  test('defaults: both capabilities and a 720-minute lifetime', async () => {
    const stage = await newStage();
    const { participantToken } = await e.realtime.send(new CreateParticipantTokenCommand({ stageArn: stage.arn }));
    const claims = decodeParticipantToken(participantToken!.token);
    expect(claims.capabilities).toEqual({ publish: true, subscribe: true });
    expect(claims.expiresAt.getTime() - claims.issuedAt!.getTime()).toBe(720 * 60_000);
  });

  test.each([
    ['duration', { duration: 0 }],
    ['duration', { duration: 20161 }],
    ['userId', { userId: 'u'.repeat(129) }],
    ['attributes', { attributes: { big: 'x'.repeat(1100) } }],
  ])('an out-of-range %s is a ValidationException naming it', async (field, input) => {
    const stage = await newStage();
    const error = await rejection(e.realtime.send(new CreateParticipantTokenCommand({ stageArn: stage.arn, ...input })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain(`at '${field}'`);
  });

  test('an unknown capability is a ValidationException', async () => {
    const stage = await newStage();
    const error = await rejection(
      e.realtime.send(new CreateParticipantTokenCommand({ stageArn: stage.arn, capabilities: ['BROADCAST' as 'PUBLISH'] })),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain('capabilities');
  });

  test('a token for a stage that does not exist is ResourceNotFoundException', async () => {
    const error = await rejection(
      e.realtime.send(new CreateParticipantTokenCommand({ stageArn: 'arn:aws:ivs:us-east-1:123456789012:stage/missing00000' })),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('hub.verifyParticipantToken', () => {
  test('accepts a minted token and returns its grant', async () => {
    const stage = await newStage();
    const { participantToken } = await e.realtime.send(
      new CreateParticipantTokenCommand({ stageArn: stage.arn, userId: 'bob', capabilities: ['SUBSCRIBE'] }),
    );
    const grant = await e.ivs.hub.verifyParticipantToken(participantToken!.token!);
    expect(grant).toMatchObject({
      participantId: participantToken!.participantId,
      stageArn: stage.arn,
      userId: 'bob',
      capabilities: { publish: false, subscribe: true },
    });
  });

  async function rejectionReason(token: string, now?: Date): Promise<string> {
    const error = await rejection(e.ivs.hub.verifyParticipantToken(token, now));
    expect(error).toBeInstanceOf(ParticipantTokenRejectedError);
    return (error as unknown as ParticipantTokenRejectedError).reason;
  }

  test('rejects garbage as malformed, a re-signed token as forged, a late one as expired, a deleted stage as stage-not-found', async () => {
    const stage = await newStage();
    const { participantToken } = await e.realtime.send(new CreateParticipantTokenCommand({ stageArn: stage.arn, duration: 1 }));
    const token = participantToken!.token!;
    expect(await rejectionReason('not a token')).toBe('malformed');
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, user_id: 'mallory' })).toString('base64url')}.${s}`;
    expect(await rejectionReason(tampered)).toBe('forged');
    expect(await rejectionReason(token, new Date(Date.now() + 2 * 60_000))).toBe('expired');
    await e.realtime.send(new DeleteStageCommand({ arn: stage.arn }));
    expect(await rejectionReason(token)).toBe('stage-not-found');
  });
});

describe('participants and stage sessions', () => {
  async function grantFor(stageArn: string, userId: string): Promise<ParticipantGrant> {
    const { participantToken } = await e.realtime.send(new CreateParticipantTokenCommand({ stageArn, userId }));
    return e.ivs.hub.verifyParticipantToken(participantToken!.token!);
  }

  test('a session starts with the first join and ends when the last participant leaves', async () => {
    const stage = await newStage('sessions');
    const arn = stage.arn!;
    const alice = await grantFor(arn, 'alice');
    const bob = await grantFor(arn, 'bob');

    e.ivs.hub.updateParticipant({ kind: 'joined', grant: alice });
    const { stage: live } = await e.realtime.send(new GetStageCommand({ arn }));
    const sessionId = live!.activeSessionId!;
    expect(sessionId).toMatch(/^st-[a-zA-Z0-9]{13}$/);
    const listed = await e.realtime.send(new ListStagesCommand({}));
    expect(listed.stages!.find((s) => s.arn === arn)!.activeSessionId).toBe(sessionId);

    e.ivs.hub.updateParticipant({ kind: 'joined', grant: bob });
    e.ivs.hub.updateParticipant({ kind: 'published', stageArn: arn, participantId: alice.participantId, published: true });

    const { participants } = await e.realtime.send(new ListParticipantsCommand({ stageArn: arn, sessionId }));
    expect(participants!.map((p) => [p.userId, p.state, p.published])).toEqual([
      ['alice', 'CONNECTED', true],
      ['bob', 'CONNECTED', false],
    ]);
    const { participant } = await e.realtime.send(new GetParticipantCommand({ stageArn: arn, sessionId, participantId: alice.participantId }));
    expect(participant).toMatchObject({ userId: 'alice', state: 'CONNECTED', published: true, protocol: 'WHIP' });
    expect(participant!.firstJoinTime).toBeInstanceOf(Date);

    const published = await e.realtime.send(new ListParticipantsCommand({ stageArn: arn, sessionId, filterByPublished: true }));
    expect(published.participants!.map((p) => p.userId)).toEqual(['alice']);

    e.ivs.hub.updateParticipant({ kind: 'left', stageArn: arn, participantId: alice.participantId, reason: 'user' });
    const { stage: stillLive } = await e.realtime.send(new GetStageCommand({ arn }));
    expect(stillLive!.activeSessionId).toBe(sessionId);
    const disconnected = await e.realtime.send(new ListParticipantsCommand({ stageArn: arn, sessionId, filterByState: 'DISCONNECTED' }));
    expect(disconnected.participants!.map((p) => p.userId)).toEqual(['alice']);

    e.ivs.hub.updateParticipant({ kind: 'left', stageArn: arn, participantId: bob.participantId, reason: 'kicked' });
    const { stage: ended } = await e.realtime.send(new GetStageCommand({ arn }));
    expect(ended!.activeSessionId).toBeUndefined();
    const { stageSession } = await e.realtime.send(new GetStageSessionCommand({ stageArn: arn, sessionId }));
    expect(stageSession!.sessionId).toBe(sessionId);
    expect(stageSession!.endTime).toBeInstanceOf(Date);
    expect(stageSession!.endTime!.getTime()).toBeGreaterThanOrEqual(stageSession!.startTime!.getTime());

    const events = await e.realtime.send(new ListParticipantEventsCommand({ stageArn: arn, sessionId, participantId: alice.participantId }));
    expect(events.events!.map((ev) => ev.name)).toEqual(['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);

    // A new join opens a new session; ListStageSessions lists newest first.
    e.ivs.hub.updateParticipant({ kind: 'joined', grant: bob });
    const { stageSessions } = await e.realtime.send(new ListStageSessionsCommand({ stageArn: arn }));
    expect(stageSessions).toHaveLength(2);
    expect(stageSessions![1]!.sessionId).toBe(sessionId);
    expect(stageSessions![0]!.endTime).toBeUndefined();
  });

  test('with stageSessionLingerMs a session outlives its last participant: a rejoin meanwhile continues it, else it ends when the linger is over', async () => {
    const lingering = await startEmulator({ stageSessionLingerMs: 1000 });
    try {
      const { stage } = await lingering.realtime.send(new CreateStageCommand({ name: 'linger' }));
      const arn = stage!.arn!;
      const grant = async (userId: string) => {
        const { participantToken } = await lingering.realtime.send(new CreateParticipantTokenCommand({ stageArn: arn, userId }));
        return lingering.ivs.hub.verifyParticipantToken(participantToken!.token!);
      };
      const activeSession = async () => (await lingering.realtime.send(new GetStageCommand({ arn }))).stage!.activeSessionId;

      const alice = await grant('alice');
      lingering.ivs.hub.updateParticipant({ kind: 'joined', grant: alice });
      const sessionId = await activeSession();
      lingering.ivs.hub.updateParticipant({ kind: 'left', stageArn: arn, participantId: alice.participantId, reason: 'user' });
      expect(await activeSession()).toBe(sessionId);

      // A rejoin within the linger is the same session.
      const bob = await grant('bob');
      lingering.ivs.hub.updateParticipant({ kind: 'joined', grant: bob });
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(await activeSession()).toBe(sessionId);

      lingering.ivs.hub.updateParticipant({ kind: 'left', stageArn: arn, participantId: bob.participantId, reason: 'user' });
      const leftAt = Date.now();
      expect(await activeSession()).toBe(sessionId);
      await new Promise((resolve) => setTimeout(resolve, 1300));
      expect(await activeSession()).toBeUndefined();
      const { stageSession } = await lingering.realtime.send(new GetStageSessionCommand({ stageArn: arn, sessionId: sessionId! }));
      expect(stageSession!.endTime!.getTime()).toBeGreaterThanOrEqual(leftAt + 950);
      const { stageSessions } = await lingering.realtime.send(new ListStageSessionsCommand({ stageArn: arn }));
      expect(stageSessions).toHaveLength(1);
    } finally {
      await stopEmulator(lingering);
    }
  });

  test('a lingering session ends when the emulator closes (as its data file shows), and a bad linger is refused at startup', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ivs-local-linger-'));
    try {
      const dataFile = join(dir, 'state.json');
      const lingering = await startEmulator({ stageSessionLingerMs: 60_000, dataFile });
      const { stage } = await lingering.realtime.send(new CreateStageCommand({ name: 'linger-close' }));
      const { participantToken } = await lingering.realtime.send(new CreateParticipantTokenCommand({ stageArn: stage!.arn! }));
      const alice = await lingering.ivs.hub.verifyParticipantToken(participantToken!.token!);
      lingering.ivs.hub.updateParticipant({ kind: 'joined', grant: alice });
      lingering.ivs.hub.updateParticipant({ kind: 'left', stageArn: stage!.arn!, participantId: alice.participantId, reason: 'user' });
      const sessionId = (await lingering.realtime.send(new GetStageCommand({ arn: stage!.arn! }))).stage!.activeSessionId;
      expect(sessionId).toBeDefined();
      await stopEmulator(lingering);

      const saved = JSON.parse(await readFile(dataFile, 'utf8')) as { stages: { arn: string; activeSessionId?: string; sessions: { sessionId: string; endTime?: string }[] }[] };
      const record = saved.stages.find((s) => s.arn === stage!.arn)!;
      expect(record.activeSessionId).toBeUndefined();
      expect(record.sessions).toEqual([expect.objectContaining({ sessionId, endTime: expect.any(String) })]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await expect(startEmulator({ stageSessionLingerMs: -1 })).rejects.toThrow(/stageSessionLingerMs/);
  });

  test('ListParticipants accepts only one filter at a time', async () => {
    const error = await rejection(
      e.realtime.send(
        new ListParticipantsCommand({
          stageArn: 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh',
          sessionId: 'st-a1b2c3d4e5f6g',
          filterByPublished: true,
          filterByState: 'CONNECTED',
        }),
      ),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain('one filter');
  });

  test('GetParticipant and GetStageSession for unknown ids are ResourceNotFoundException; a malformed sessionId is ValidationException', async () => {
    const stage = await newStage();
    await expect(
      e.realtime.send(new GetParticipantCommand({ stageArn: stage.arn, sessionId: 'st-a1b2c3d4e5f6g', participantId: 'nobody' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(e.realtime.send(new GetStageSessionCommand({ stageArn: stage.arn, sessionId: 'st-a1b2c3d4e5f6g' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    const error = await rejection(e.realtime.send(new GetStageSessionCommand({ stageArn: stage.arn, sessionId: 'session-1' })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain("'sessionId'");
  });

  test('DisconnectParticipant raises participantDisconnect with the reason; on an unknown stage it is ResourceNotFoundException', async () => {
    const stage = await newStage();
    const seen: unknown[] = [];
    const off = e.ivs.hub.events.on('participantDisconnect', (payload) => seen.push(payload));
    await e.realtime.send(new DisconnectParticipantCommand({ stageArn: stage.arn, participantId: 'p-1', reason: 'spam' }));
    off();
    expect(seen).toEqual([{ stageArn: stage.arn, participantId: 'p-1', reason: 'spam' }]);
    await expect(
      e.realtime.send(new DisconnectParticipantCommand({ stageArn: 'arn:aws:ivs:us-east-1:123456789012:stage/gone00000000', participantId: 'p' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const tooLong = await rejection(e.realtime.send(new DisconnectParticipantCommand({ stageArn: stage.arn, participantId: 'p', reason: 'r'.repeat(129) })));
    expect(tooLong).toBeInstanceOf(ValidationException);
  });
});

describe('tags', () => {
  test('TagResource, ListTagsForResource and UntagResource round-trip on a stage', async () => {
    const { stage } = await e.realtime.send(new CreateStageCommand({ tags: { a: '1' } }));
    const resourceArn = stage!.arn!;
    await e.realtime.send(new TagResourceCommand({ resourceArn, tags: { b: '2', 'with space': 'x' } }));
    expect((await e.realtime.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual({ a: '1', b: '2', 'with space': 'x' });
    await e.realtime.send(new UntagResourceCommand({ resourceArn, tagKeys: ['a', 'with space'] }));
    expect((await e.realtime.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual({ b: '2' });
    const { stage: got } = await e.realtime.send(new GetStageCommand({ arn: resourceArn }));
    expect(got!.tags).toEqual({ b: '2' });
  });

  test('tagging an unknown stage is ResourceNotFoundException; exceeding 50 tags is ValidationException', async () => {
    await expect(
      e.realtime.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:ivs:us-east-1:123456789012:stage/unknown00000' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const stage = await newStage();
    await e.realtime.send(new TagResourceCommand({ resourceArn: stage.arn, tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) }));
    await expect(e.realtime.send(new TagResourceCommand({ resourceArn: stage.arn, tags: { one: 'more' } }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });
});

test('an API operation ivs-local does not emulate fails with a clear NotImplementedException', async () => {
  const error = await rejection(e.realtime.send(new ListCompositionsCommand({})));
  expect(error.name).toBe('NotImplementedException');
  expect(error.message).toContain('ListCompositions');
  expect(error.$metadata).toMatchObject({ httpStatusCode: 501 });
});
