import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateParticipantTokenCommand, CreateStageCommand, GetStageCommand, ListStagesCommand, ListStageSessionsCommand } from '@aws-sdk/client-ivs-realtime';
import { CreateRoomCommand, GetRoomCommand } from '@aws-sdk/client-ivschat';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LocalDataFileError } from '../../../packages/ivs-local/src/index';
import { startLocalIvs } from '../../../packages/ivs-local/src/server';
import { startEmulator, stopEmulator } from './helpers';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ivs-local-data-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--data persistence', () => {
  test('stages, rooms, tags and the signing key survive a restart: tokens minted before still verify', async () => {
    const dataFile = join(dir, 'state.json');
    const first = await startEmulator({ dataFile });
    const { stage } = await first.realtime.send(new CreateStageCommand({ name: 'kept', tags: { env: 'test' } }));
    const room = await first.chat.send(new CreateRoomCommand({ name: 'kept-room', maximumMessageLength: 42, tags: { t: '1' } }));
    const { participantToken } = await first.realtime.send(new CreateParticipantTokenCommand({ stageArn: stage!.arn, userId: 'u1' }));
    // A session that is live when the process stops is ended on restart.
    first.ivs.hub.updateParticipant({ kind: 'joined', grant: await first.ivs.hub.verifyParticipantToken(participantToken!.token!) });
    const port = first.ivs.port;
    await stopEmulator(first);

    const second = await startEmulator({ dataFile, port });
    try {
      const { stages } = await second.realtime.send(new ListStagesCommand({}));
      expect(stages!.map((s) => [s.arn, s.name, s.tags])).toEqual([[stage!.arn, 'kept', { env: 'test' }]]);
      const { stage: got } = await second.realtime.send(new GetStageCommand({ arn: stage!.arn }));
      expect(got!.activeSessionId).toBeUndefined();
      const { stageSessions } = await second.realtime.send(new ListStageSessionsCommand({ stageArn: stage!.arn }));
      expect(stageSessions).toHaveLength(1);
      expect(stageSessions![0]!.endTime).toBeInstanceOf(Date);
      const gotRoom = await second.chat.send(new GetRoomCommand({ identifier: room.arn }));
      expect(gotRoom).toMatchObject({ name: 'kept-room', maximumMessageLength: 42, tags: { t: '1' } });
      const grant = await second.ivs.hub.verifyParticipantToken(participantToken!.token!);
      expect(grant).toMatchObject({ participantId: participantToken!.participantId, userId: 'u1', stageArn: stage!.arn });
    } finally {
      await stopEmulator(second);
    }
  });

  test('writes are atomic: the file is always complete JSON and no temporary files are left behind', async () => {
    const dataFile = join(dir, 'state.json');
    const e = await startEmulator({ dataFile });
    await Promise.all(Array.from({ length: 20 }, (_, i) => e.realtime.send(new CreateStageCommand({ name: `s${i}` }))));
    await stopEmulator(e);
    const saved = JSON.parse(await readFile(dataFile, 'utf8')) as { stages: unknown[]; format: string };
    expect(saved.format).toBe('ivs-local-data');
    expect(saved.stages).toHaveLength(20);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  test('startup removes temporary files a crashed process left (they may hold the signing key), not those of a live one', async () => {
    const dataFile = join(dir, 'state.json');
    const first = await startEmulator({ dataFile });
    await first.realtime.send(new CreateStageCommand({ name: 'before-crash' }));
    await stopEmulator(first);
    // A process id that cannot be running (above Linux's pid_max) and this test's own process.
    const stale = 'state.json.4194305.0badc0de.tmp';
    const live = `state.json.${process.ppid}.00c0ffee.tmp`;
    const unrelated = 'state.json.notes.tmp';
    for (const name of [stale, live, unrelated]) await writeFile(join(dir, name), '{"signingKey": "secret"}');
    const second = await startEmulator({ dataFile });
    try {
      expect((await readdir(dir)).sort()).toEqual([live, 'state.json', unrelated].sort());
      const { stages } = await second.realtime.send(new ListStagesCommand({}));
      expect(stages!.map((s) => s.name)).toEqual(['before-crash']);
      expect((await stat(dataFile)).mode & 0o777).toBe(0o600);
    } finally {
      await stopEmulator(second);
    }
  });

  test('a change is on disk when its request is answered (no flush needed)', async () => {
    const dataFile = join(dir, 'state.json');
    const e = await startEmulator({ dataFile });
    try {
      const created = await Promise.all(Array.from({ length: 10 }, (_, i) => e.realtime.send(new CreateStageCommand({ name: `d${i}` }))));
      // Read the file while the server is still running: every acknowledged stage is already there.
      const saved = JSON.parse(await readFile(dataFile, 'utf8')) as { stages: { arn: string }[] };
      expect(saved.stages.map((s) => s.arn).sort()).toEqual(created.map((c) => c.stage!.arn!).sort());
    } finally {
      await stopEmulator(e);
    }
  });

  test('a file that is not JSON is reported as corrupt and left untouched', async () => {
    const dataFile = join(dir, 'broken.json');
    await writeFile(dataFile, '{"format": "ivs-local-data", "stages": [');
    const error = await startLocalIvs({ dataFile, modules: [] }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(LocalDataFileError);
    expect((error as LocalDataFileError).problem).toBe('corrupt');
    expect((error as Error).message).toContain(dataFile);
    expect((error as Error).message).toContain('not valid JSON');
    expect(await readFile(dataFile, 'utf8')).toBe('{"format": "ivs-local-data", "stages": [');
  });

  test('JSON that is not an ivs-local data file is reported as corrupt with the reason', async () => {
    const dataFile = join(dir, 'other.json');
    await writeFile(dataFile, JSON.stringify({ hello: 'world' }));
    await expect(startLocalIvs({ dataFile, modules: [] })).rejects.toMatchObject({ name: 'LocalDataFileError', problem: 'corrupt', message: expect.stringContaining('"format"') });
  });

  test('a stage record with a damaged session is reported as corrupt, naming the record', async () => {
    const dataFile = join(dir, 'state.json');
    const e = await startEmulator({ dataFile });
    await e.realtime.send(new CreateStageCommand({ name: 'x' }));
    await stopEmulator(e);
    const saved = JSON.parse(await readFile(dataFile, 'utf8')) as { stages: { sessions: unknown[] }[] };
    saved.stages[0]!.sessions.push({ sessionId: 'st-a1b2c3d4e5f6g' });
    await writeFile(dataFile, JSON.stringify(saved));
    await expect(startLocalIvs({ dataFile, modules: [] })).rejects.toMatchObject({ problem: 'corrupt', message: expect.stringContaining('stages[0].sessions[0]') });
  });

  test('a data file of another region is refused with advice, not reused', async () => {
    const dataFile = join(dir, 'state.json');
    const e = await startEmulator({ dataFile, region: 'eu-west-1' });
    await stopEmulator(e);
    await expect(startLocalIvs({ dataFile, modules: [] })).rejects.toMatchObject({
      problem: 'mismatch',
      message: expect.stringContaining('--region eu-west-1'),
    });
  });

  test('an unusable signing key in the file is reported as corrupt', async () => {
    const dataFile = join(dir, 'state.json');
    const e = await startEmulator({ dataFile });
    await stopEmulator(e);
    const saved = JSON.parse(await readFile(dataFile, 'utf8')) as { signingKey: { privateJwk: Record<string, unknown> } };
    saved.signingKey.privateJwk['crv'] = 'P-256';
    await writeFile(dataFile, JSON.stringify(saved));
    await expect(startLocalIvs({ dataFile, modules: [] })).rejects.toMatchObject({ problem: 'corrupt', message: expect.stringContaining('signing key') });
  });
});
