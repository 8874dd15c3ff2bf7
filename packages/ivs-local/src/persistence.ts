/**
 * The `--data <file>` store: one JSON document with stages, rooms, public keys, tags and the token
 * signing key.
 * Writes are atomic (temporary file, fsync, rename) and grouped; a change is on disk before the
 * request that made it is answered. A file that cannot be read back is reported with
 * {@link LocalDataFileError}, never silently replaced.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parsePublicKeyMaterial } from './public-keys';
import type { PersistedState } from './state';
import { IvsLocalError } from './errors';

export type LocalDataFileProblem = 'unreadable' | 'corrupt' | 'mismatch' | 'unwritable';

/** The data file could not be used. Nothing was changed on disk. */
export class LocalDataFileError extends IvsLocalError {
  override name = 'LocalDataFileError';
  readonly problem: LocalDataFileProblem;
  readonly path: string;

  constructor(problem: LocalDataFileProblem, path: string, message: string, options?: { cause?: unknown }) {
    super('data-file', message, options);
    this.problem = problem;
    this.path = path;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeProblem(data: unknown): string | undefined {
  if (!isRecord(data)) return 'the top level is not a JSON object';
  if (data['format'] !== 'ivs-local-data') return 'the "format" member is not "ivs-local-data"';
  if (data['version'] !== 1) return `unsupported version ${JSON.stringify(data['version'])} (this ivs-local reads version 1)`;
  if (typeof data['region'] !== 'string' || typeof data['accountId'] !== 'string') return 'missing "region" or "accountId"';
  if (typeof data['seq'] !== 'number' || !Number.isSafeInteger(data['seq'])) return 'missing or invalid "seq"';
  const key = data['signingKey'];
  if (!isRecord(key) || !isRecord(key['privateJwk']) || !isRecord(key['publicJwk'])) return 'missing "signingKey"';
  const stages = data['stages'];
  const rooms = data['rooms'];
  if (!Array.isArray(stages) || !Array.isArray(rooms)) return '"stages" and "rooms" must be arrays';
  for (const [i, s] of stages.entries()) {
    if (
      !isRecord(s) ||
      typeof s['arn'] !== 'string' ||
      typeof s['id'] !== 'string' ||
      typeof s['name'] !== 'string' ||
      typeof s['seq'] !== 'number' ||
      !isRecord(s['tags']) ||
      !isRecord(s['autoParticipantRecordingConfiguration']) ||
      !Array.isArray(s['sessions'])
    ) {
      return `stages[${i}] is not a valid stage record`;
    }
    for (const [j, session] of (s['sessions'] as unknown[]).entries()) {
      if (
        !isRecord(session) ||
        typeof session['sessionId'] !== 'string' ||
        typeof session['startTime'] !== 'string' ||
        !Array.isArray(session['participants']) ||
        !Array.isArray(session['events']) ||
        !session['participants'].every((p) => isRecord(p) && typeof p['participantId'] === 'string' && typeof p['state'] === 'string')
      ) {
        return `stages[${i}].sessions[${j}] is not a valid stage session record`;
      }
    }
  }
  for (const [i, r] of rooms.entries()) {
    if (
      !isRecord(r) ||
      typeof r['arn'] !== 'string' ||
      typeof r['id'] !== 'string' ||
      typeof r['seq'] !== 'number' ||
      typeof r['maximumMessageLength'] !== 'number' ||
      typeof r['maximumMessageRatePerSecond'] !== 'number' ||
      typeof r['createTime'] !== 'string' ||
      typeof r['updateTime'] !== 'string' ||
      !Array.isArray(r['loggingConfigurationIdentifiers']) ||
      !isRecord(r['tags'])
    ) {
      return `rooms[${i}] is not a valid room record`;
    }
  }
  const publicKeys = data['publicKeys'];
  if (publicKeys !== undefined) {
    if (!Array.isArray(publicKeys)) return '"publicKeys" must be an array';
    for (const [i, k] of publicKeys.entries()) {
      if (
        !isRecord(k) ||
        typeof k['arn'] !== 'string' ||
        typeof k['id'] !== 'string' ||
        typeof k['name'] !== 'string' ||
        typeof k['seq'] !== 'number' ||
        typeof k['publicKeyMaterial'] !== 'string' ||
        typeof k['fingerprint'] !== 'string' ||
        !isRecord(k['tags'])
      ) {
        return `publicKeys[${i}] is not a valid public key record`;
      }
      try {
        parsePublicKeyMaterial(k['publicKeyMaterial']);
      } catch (error) {
        return `publicKeys[${i}].publicKeyMaterial is not usable (${(error as Error).message})`;
      }
    }
  }
  return undefined;
}

/**
 * Reads the data file. Resolves `undefined` when it does not exist yet; rejects with
 * {@link LocalDataFileError} when it exists but cannot be used.
 */
export async function loadDataFile(path: string, expected: { region: string; accountId: string }): Promise<PersistedState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LocalDataFileError('unreadable', path, `Cannot read the ivs-local data file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LocalDataFileError(
      'corrupt',
      path,
      `The ivs-local data file ${path} is not valid JSON (${(error as Error).message}). It was left untouched: repair it, or move it away to start with an empty state.`,
      { cause: error },
    );
  }
  const problem = describeProblem(data);
  if (problem) {
    throw new LocalDataFileError(
      'corrupt',
      path,
      `The ivs-local data file ${path} is not an ivs-local data file: ${problem}. It was left untouched: repair it, or move it away to start with an empty state.`,
    );
  }
  const state = data as PersistedState;
  if (state.region !== expected.region || state.accountId !== expected.accountId) {
    throw new LocalDataFileError(
      'mismatch',
      path,
      `The ivs-local data file ${path} holds resources of region ${state.region} / account ${state.accountId}, ` +
        `but this instance runs as ${expected.region} / ${expected.accountId}. ` +
        `Start with --region ${state.region} (and the same account id), or use another data file.`,
    );
  }
  return state;
}

interface DurabilityWaiter {
  generation: number;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Writes snapshots atomically (temporary file, fsync, rename, fsync of the folder) with group commit:
 * every change bumps a generation, and one write covers every generation made before it started, so
 * a burst of concurrent changes shares a few fsyncs instead of one each.
 */
export class DataFileWriter {
  readonly #path: string;
  readonly #snapshot: () => PersistedState;
  #writing: Promise<void> | undefined;
  /** The newest change. */
  #requested = 0;
  /** The newest change a write has been attempted for. */
  #attempted = 0;
  /** The newest change known to be on disk. */
  #durable = 0;
  #waiters: DurabilityWaiter[] = [];
  #lastError: unknown;

  constructor(path: string, snapshot: () => PersistedState) {
    this.#path = path;
    this.#snapshot = snapshot;
  }

  /** The last write failure, if the most recent write failed. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** The generation of the newest change (compare before and after a request to see whether it changed anything). */
  get generation(): number {
    return this.#requested;
  }

  /** Records a change and starts writing it; returns its generation (see {@link durable}). */
  schedule(): number {
    this.#requested += 1;
    this.#writing ??= this.#drain();
    return this.#requested;
  }

  /**
   * Resolves once the change of `generation` (and every earlier one) is on disk; rejects with
   * {@link LocalDataFileError} if the write that should have carried it failed.
   */
  durable(generation = this.#requested): Promise<void> {
    if (generation <= this.#durable) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ generation, resolve, reject }));
  }

  /** Resolves when every scheduled write has reached the disk (or failed). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  /** Writes now and rejects with {@link LocalDataFileError} if it fails. */
  async writeNow(): Promise<void> {
    await this.flush();
    try {
      await this.#write();
    } catch (error) {
      throw this.#unwritable(error);
    }
  }

  #unwritable(error: unknown): LocalDataFileError {
    return new LocalDataFileError('unwritable', this.#path, `Cannot write the ivs-local data file ${this.#path}: ${(error as Error).message}`, { cause: error });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#attempted < this.#requested) {
        const generation = this.#requested;
        this.#attempted = generation;
        try {
          await this.#write();
          this.#lastError = undefined;
          this.#durable = generation;
          this.#settle(generation, undefined);
        } catch (error) {
          this.#lastError = error;
          console.error(`[ivs-local] could not write the data file ${this.#path}: ${(error as Error).message}`);
          this.#settle(generation, this.#unwritable(error));
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  #settle(generation: number, error: LocalDataFileError | undefined): void {
    const done = this.#waiters.filter((w) => w.generation <= generation);
    this.#waiters = this.#waiters.filter((w) => w.generation > generation);
    for (const waiter of done) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }

  async #write(): Promise<void> {
    const text = `${JSON.stringify(this.#snapshot(), null, 2)}\n`;
    const tmp = `${this.#path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, this.#path);
    } catch (error) {
      await unlink(tmp).catch(() => {});
      throw error;
    }
    await syncFolder(dirname(this.#path));
  }
}

/** Makes a rename in `folder` durable (where the platform allows opening a folder). */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // Some platforms and file systems refuse fsync on a folder; the rename itself is atomic.
  } finally {
    await handle.close();
  }
}

/** Whether a process with this id is running (and is not this one). */
function isOtherLiveProcess(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files (`<data file>.<pid>.<hex>.tmp`) a process that crashed mid-write
 * left next to the data file: they may hold the signing key. Files of a process still running are
 * left alone. Returns the names removed.
 */
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const folder = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length));
    if (!match || isOtherLiveProcess(Number(match[1]))) continue;
    try {
      await unlink(join(folder, name));
      removed.push(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}
