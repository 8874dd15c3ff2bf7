/** The options of `startLocalIvs()` and their checked, defaulted form. */
import { AWS_REGION_PATTERN } from 'aws-ivs-realtime/protocol';
import type { ChatModuleOptions } from './chat/chat-module';
import { IvsLocalOptionError } from './errors';
import type { LocalCredentials } from './sigv4';
import type { StageMediaOptions } from './stage-media';

/**
 * The credentials ivs-local accepts unless told otherwise. They are not secrets: they only work
 * against an ivs-local instance.
 */
export const DEFAULT_LOCAL_CREDENTIALS: Readonly<LocalCredentials> = {
  accessKeyId: 'IVSLOCALACCESSKEY',
  secretAccessKey: 'ivs-local-secret',
};

/** Default largest accepted control-plane request body (bytes). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Options of the chat messaging WebSocket (`/chat`). */
export type IvsLocalChatOptions = ChatModuleOptions;
/** Options of the local stage media server (`/stage/…`). */
export type IvsLocalStageMediaOptions = StageMediaOptions;

/** One line per request, as ivs-local logs it (see {@link StartLocalIvsOptions.logRequests}). */
export interface IvsLocalRequestLog {
  method: string;
  /** The control-plane operation (`CreateStage`, `TagResource`, …), `Health`, or the path of a data-plane request. */
  operation: string;
  status: number;
  durationMs: number;
  /** `operation status ms` as one printable line. */
  line: string;
}

/** Options of `startLocalIvs()`. */
export interface StartLocalIvsOptions {
  /** TCP port; `0` (default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** The region ivs-local serves; requests must be signed for it. Default `us-east-1`. */
  region?: string;
  /** The account id in ARNs. Default `123456789012`. */
  accountId?: string;
  /** The credentials requests must be signed with. Default {@link DEFAULT_LOCAL_CREDENTIALS}. */
  credentials?: LocalCredentials;
  /**
   * A JSON file that keeps stages, rooms, public keys, tags and the token signing key across restarts
   * (created if missing, mode 0600). Every create/update/delete/tag/import is on disk (fsync) before
   * its 200 is sent; concurrent writes share one fsync. A file that cannot be read back makes startup
   * fail with `IvsLocalDataFileError`; it is never overwritten.
   */
  dataFile?: string;
  /** Largest accepted control-plane body in bytes (default 1 MiB); larger bodies get 413. */
  maxBodyBytes?: number;
  /** Time a client has to send a complete request, in ms (default 30 000); slower ones get 408. */
  requestTimeoutMs?: number;
  /**
   * How long a stage session stays active after its last participant left, in ms. Amazon IVS ends
   * it "a few minutes" later (a rejoin meanwhile continues the same session, and the stage keeps its
   * `activeSessionId`); set this to rehearse that locally. Default 0: the session ends at once.
   */
  stageSessionLingerMs?: number;
  /** Options of the chat messaging WebSocket. */
  chat?: IvsLocalChatOptions;
  /** Options of the local stage media server (WHIP/WHEP and the events socket). */
  stageMedia?: IvsLocalStageMediaOptions;
  /** Called once per answered HTTP request (the CLI prints `line`). Default: nothing is logged. */
  logRequests?: (entry: IvsLocalRequestLog) => void;
  /** Print stack traces of internal errors on stderr (default: one line without the stack). */
  debug?: boolean;
}

/** {@link StartLocalIvsOptions} checked and with every default applied. */
export interface IvsLocalConfig {
  port: number;
  host: string;
  region: string;
  accountId: string;
  credentials: LocalCredentials;
  dataFile: string | undefined;
  maxBodyBytes: number;
  requestTimeoutMs: number;
  stageSessionLingerMs: number;
  chat: IvsLocalChatOptions;
  stageMedia: IvsLocalStageMediaOptions;
  logRequests: ((entry: IvsLocalRequestLog) => void) | undefined;
  debug: boolean;
}

function positiveNumber(option: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new IvsLocalOptionError(option, `startLocalIvs: ${option} must be a number ≥ ${min}, got ${String(value)}.`);
  }
  return value;
}

/** Checks the options and applies the defaults; throws {@link IvsLocalOptionError} naming the option. */
export function resolveOptions(options: StartLocalIvsOptions): IvsLocalConfig {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  // A private copy: the AWS SDK annotates credential objects it is given, so none is frozen.
  const credentials: LocalCredentials = { ...(options.credentials ?? DEFAULT_LOCAL_CREDENTIALS) };
  if (typeof region !== 'string' || !AWS_REGION_PATTERN.test(region)) {
    throw new IvsLocalOptionError('region', `startLocalIvs: region "${String(region)}" is not a valid region name (e.g. us-east-1).`);
  }
  if (typeof accountId !== 'string' || !/^[0-9]+$/.test(accountId)) {
    throw new IvsLocalOptionError('accountId', `startLocalIvs: accountId "${String(accountId)}" must be digits (e.g. 123456789012).`);
  }
  if (!credentials.accessKeyId || !credentials.secretAccessKey) {
    throw new IvsLocalOptionError('credentials', 'startLocalIvs: credentials need a non-empty accessKeyId and secretAccessKey.');
  }
  const port = positiveNumber('port', options.port, 0, 0);
  if (!Number.isInteger(port) || port > 65535) throw new IvsLocalOptionError('port', `startLocalIvs: port must be an integer between 0 and 65535, got ${port}.`);
  if (options.dataFile !== undefined && (typeof options.dataFile !== 'string' || options.dataFile === '')) {
    throw new IvsLocalOptionError('dataFile', 'startLocalIvs: dataFile must be a non-empty file path.');
  }
  return {
    port,
    host: options.host ?? '127.0.0.1',
    region,
    accountId,
    credentials,
    dataFile: options.dataFile,
    maxBodyBytes: positiveNumber('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 1),
    requestTimeoutMs: positiveNumber('requestTimeoutMs', options.requestTimeoutMs, 30_000, 1),
    stageSessionLingerMs: positiveNumber('stageSessionLingerMs', options.stageSessionLingerMs, 0, 0),
    chat: { ...options.chat },
    stageMedia: { ...options.stageMedia },
    logRequests: options.logRequests,
    debug: options.debug ?? false,
  };
}
