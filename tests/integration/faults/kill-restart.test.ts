/**
 * Durable acknowledgements under SIGKILL: a child `ivs-local --data <file>` is killed in the middle
 * of bursts of concurrent writes (5 kill points), restarted on the same file, and every write it had
 * acknowledged must be there — creates, updates, tags, deletes, rooms and imported keys — with no
 * temporary file left behind and the data file at mode 0600.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStageCommand,
  DeleteStageCommand,
  GetStageCommand,
  ImportPublicKeyCommand,
  IVSRealTimeClient,
  ListPublicKeysCommand,
  ListStagesCommand,
  TagResourceCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-ivs-realtime';
import { CreateRoomCommand, IvschatClient, ListRoomsCommand } from '@aws-sdk/client-ivschat';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEFAULT_LOCAL_CREDENTIALS } from '../../../packages/ivs-local/src/index';
import { startCli, type CliChild } from '../local/cli-process';

let dir: string;
let dataFile: string;
let running: CliChild | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ivs-local-kill-'));
  dataFile = join(dir, 'state.json');
});
afterAll(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
  await running?.exited;
  await rm(dir, { recursive: true, force: true });
});

function clients(url: string): { realtime: IVSRealTimeClient; chat: IvschatClient } {
  // One attempt, so a request cut by the kill is not silently retried against the next process.
  const config = { endpoint: url, region: 'us-east-1', credentials: { ...DEFAULT_LOCAL_CREDENTIALS }, maxAttempts: 1 };
  return { realtime: new IVSRealTimeClient(config), chat: new IvschatClient(config) };
}

/** What the killed process acknowledged (a 200 reached the client). */
interface Acknowledged {
  stages: Set<string>;
  /** Stage ARN → the name of its acknowledged UpdateStage. */
  renamed: Map<string, string>;
  /** Stage ARN → the value of its acknowledged tag `k`. */
  tagged: Map<string, string>;
  deleted: Set<string>;
  /** DeleteStage sent, acknowledged or not (an unacknowledged delete may or may not have happened). */
  deleteSent: Set<string>;
  rooms: Set<string>;
  publicKeys: Set<string>;
}

function publicKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

/**
 * Runs `workers` concurrent loops of writes until the process dies; calls `onAck` after each
 * acknowledged write. Each loop creates a stage, then renames, tags or deletes it (so no two writes
 * race on one resource), and now and then creates a room or imports a public key.
 */
async function burst(url: string, acks: Acknowledged, workers: number, onAck: (count: number) => void): Promise<void> {
  const { realtime, chat } = clients(url);
  let count = 0;
  const ack = () => onAck(++count);
  let dead = false;
  const loop = async (worker: number) => {
    for (let i = 0; !dead; i++) {
      try {
        const { stage } = await realtime.send(new CreateStageCommand({ name: `w${worker}-${i}` }));
        acks.stages.add(stage!.arn!);
        ack();
        const arn = stage!.arn!;
        switch (i % 4) {
          case 0:
            await realtime.send(new UpdateStageCommand({ arn, name: `renamed-${worker}-${i}` }));
            acks.renamed.set(arn, `renamed-${worker}-${i}`);
            break;
          case 1:
            await realtime.send(new TagResourceCommand({ resourceArn: arn, tags: { k: `v${worker}-${i}` } }));
            acks.tagged.set(arn, `v${worker}-${i}`);
            break;
          case 2:
            acks.deleteSent.add(arn);
            await realtime.send(new DeleteStageCommand({ arn }));
            acks.deleted.add(arn);
            break;
          default:
            if (worker % 2 === 0) {
              const room = await chat.send(new CreateRoomCommand({ name: `r${worker}-${i}` }));
              acks.rooms.add(room.arn!);
            } else {
              const { publicKey } = await realtime.send(new ImportPublicKeyCommand({ name: `k${worker}-${i}`, publicKeyMaterial: publicKeyPem() }));
              acks.publicKeys.add(publicKey!.arn!);
            }
        }
        ack();
      } catch (error) {
        // An answer with a status is a real failure; no answer means the process was killed under
        // this request, which was therefore never acknowledged.
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined) throw error;
        dead = true;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
  realtime.destroy();
  chat.destroy();
}

async function listAll<T>(page: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken: string | undefined }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const { items, nextToken } = await page(token);
    all.push(...items);
    token = nextToken;
  } while (token);
  return all;
}

async function assertAllAcknowledgedPresent(url: string, acks: Acknowledged): Promise<void> {
  const { realtime, chat } = clients(url);
  try {
    const stages = await listAll(async (nextToken) => {
      const out = await realtime.send(new ListStagesCommand({ maxResults: 100, nextToken }));
      return { items: out.stages ?? [], nextToken: out.nextToken };
    });
    const present = new Map(stages.map((s) => [s.arn!, s]));
    const lost = [...acks.stages].filter((arn) => !acks.deleteSent.has(arn) && !present.has(arn));
    expect(lost, 'acknowledged CreateStage lost').toEqual([]);
    expect([...acks.deleted].filter((arn) => present.has(arn)), 'acknowledged DeleteStage undone').toEqual([]);
    for (const [arn, name] of acks.renamed) expect(present.get(arn)?.name, `UpdateStage of ${arn}`).toBe(name);
    for (const [arn, value] of acks.tagged) {
      const { stage } = await realtime.send(new GetStageCommand({ arn }));
      expect(stage!.tags?.['k'], `TagResource of ${arn}`).toBe(value);
    }
    const rooms = await listAll(async (nextToken) => {
      const out = await chat.send(new ListRoomsCommand({ maxResults: 50, nextToken }));
      return { items: out.rooms ?? [], nextToken: out.nextToken };
    });
    const roomArns = new Set(rooms.map((r) => r.arn!));
    expect([...acks.rooms].filter((arn) => !roomArns.has(arn)), 'acknowledged CreateRoom lost').toEqual([]);
    const keys = await listAll(async (nextToken) => {
      const out = await realtime.send(new ListPublicKeysCommand({ maxResults: 100, nextToken }));
      return { items: out.publicKeys ?? [], nextToken: out.nextToken };
    });
    const keyArns = new Set(keys.map((k) => k.arn!));
    expect([...acks.publicKeys].filter((arn) => !keyArns.has(arn)), 'acknowledged ImportPublicKey lost').toEqual([]);
  } finally {
    realtime.destroy();
    chat.destroy();
  }
}

async function startOnDataFile(): Promise<CliChild> {
  running = await startCli(['--port', '0', '--quiet', '--data', dataFile]);
  return running;
}

test('SIGKILL at 5 points of write bursts loses no acknowledged write and leaves no temporary file', { timeout: 120_000 }, async () => {
  const acks: Acknowledged = { stages: new Set(), renamed: new Map(), tagged: new Map(), deleted: new Set(), deleteSent: new Set(), rooms: new Set(), publicKeys: new Set() };
  // Kill after this many acknowledged writes in each round: at once, early, mid-burst, late, and with a large state.
  const killPoints = [1, 7, 40, 90, 160];
  let acknowledgedTotal = 0;
  for (const [round, killAfter] of killPoints.entries()) {
    const child = await startOnDataFile();
    // Everything acknowledged before the previous kill survived that kill and this restart.
    await assertAllAcknowledgedPresent(child.url, acks);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp')), `temporary files after restart ${round}`).toEqual([]);
    let killed = false;
    await burst(child.url, acks, 12, (count) => {
      acknowledgedTotal += 1;
      if (!killed && count >= killAfter) {
        killed = true;
        child.child.kill('SIGKILL');
      }
    });
    const exit = await child.exited;
    expect(exit.signal).toBe('SIGKILL');
  }
  const last = await startOnDataFile();
  await assertAllAcknowledgedPresent(last.url, acks);
  expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  expect((await stat(dataFile)).mode & 0o777).toBe(0o600);
  // The bursts did write: hundreds of acknowledged writes, every kind represented.
  expect(acknowledgedTotal).toBeGreaterThanOrEqual(killPoints.reduce((a, b) => a + b, 0));
  expect(acks.deleted.size).toBeGreaterThan(0);
  expect(acks.renamed.size).toBeGreaterThan(0);
  expect(acks.tagged.size).toBeGreaterThan(0);
  expect(acks.rooms.size).toBeGreaterThan(0);
  console.log(
    `kill points ${killPoints.join(', ')}: ${acknowledgedTotal} acknowledged writes (${acks.stages.size} stages, ${acks.renamed.size} renames, ${acks.tagged.size} tags, ${acks.deleted.size} deletes, ${acks.rooms.size} rooms, ${acks.publicKeys.size} keys), 0 lost`,
  );
  last.child.kill('SIGTERM');
  expect((await last.exited).code).toBe(0);
});
