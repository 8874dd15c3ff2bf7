/**
 * The `--data <file>` store: one JSON document with stages, rooms, public keys, tags and the token
 * signing key.
 * Writes are atomic (temporary file, fsync, rename) and coalesced; a file that cannot be read back
 * is reported with {@link LocalDataFileError}, never silently replaced.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { parsePublicKeyMaterial } from './public-keys';
import type { PersistedState } from './state';

export type LocalDataFileProblem = 'unreadable' | 'corrupt' | 'mismatch' | 'unwritable';

/** The data file could not be used. Nothing was changed on disk. */
export class LocalDataFileError extends Error {
  override name = 'LocalDataFileError';
  readonly problem: LocalDataFileProblem;
  readonly path: string;

  constructor(problem: LocalDataFileProblem, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
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
      `The ivs-local data file ${path} holds resources of region ${state.region} / account ${state.accountId}, but this instance runs as ${expected.region} / ${expected.accountId}. Start with --region ${state.region} (and the same account id), or use another data file.`,
    );
  }
  return state;
}

/** Writes snapshots atomically; concurrent requests to save are coalesced into one write. */
export class DataFileWriter {
  readonly #path: string;
  readonly #snapshot: () => PersistedState;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #lastError: unknown;

  constructor(path: string, snapshot: () => PersistedState) {
    this.#path = path;
    this.#snapshot = snapshot;
  }

  /** The last write failure, if the most recent write failed. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Schedules a write of the current state. */
  schedule(): void {
    this.#dirty = true;
    if (!this.#writing) this.#writing = this.#drain();
  }

  /** Resolves when every scheduled write has reached the disk. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  /** Writes now and rejects with {@link LocalDataFileError} if it fails. */
  async writeNow(): Promise<void> {
    await this.flush();
    try {
      await this.#write();
    } catch (error) {
      throw new LocalDataFileError('unwritable', this.#path, `Cannot write the ivs-local data file ${this.#path}: ${(error as Error).message}`, { cause: error });
    }
  }

  async #drain(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        try {
          await this.#write();
          this.#lastError = undefined;
        } catch (error) {
          this.#lastError = error;
          console.error(`[ivs-local] could not write the data file ${this.#path}:`, (error as Error).message);
        }
      }
    } finally {
      this.#writing = undefined;
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
  }
}
