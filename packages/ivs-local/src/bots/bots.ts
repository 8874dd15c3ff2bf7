/**
 * `startBots()`: synthetic participants published into an ivs-local stage through plain WHIP, from
 * Node: an H.264 test pattern (moving bars, a running counter) and an Opus beep, each with a
 * `userId` and a `displayName` attribute so a StageGrid shows a name.
 */
import { CreateParticipantTokenCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { DEFAULT_LOCAL_CREDENTIALS, type LocalCredentials } from '../server';
import { WhipPublisher } from './whip-publisher';

/** Where ivs-local listens, and how to sign for it. */
export interface LocalEndpoint {
  /** ivs-local's URL. Default: `$IVS_LOCAL_URL`, else `http://127.0.0.1:4590` (the CLI's default). */
  endpoint?: string;
  /** Default `us-east-1`. */
  region?: string;
  /** Default: ivs-local's default credentials. */
  credentials?: LocalCredentials;
}

export interface StartBotsOptions extends LocalEndpoint {
  stageArn: string;
  /** How many bots (1–12: the stage's publisher cap). */
  count: number;
  /** Publish audio only (the offer still has an H.264 video track, as IVS requires). */
  audioOnly?: boolean;
  /**
   * Publish the video as 3 simulcast layers (rids `low` 160x120, `mid` 240x180, `high` 320x240,
   * with `a=rid` restrictions), as a browser publishing simulcast. Not with `audioOnly`.
   */
  simulcast?: boolean;
  /** Names: `<prefix>-1` … as userId, `Bot 1` … as displayName. Default `bot`. */
  userIdPrefix?: string;
  /** Extra attributes for every bot (displayName is set per bot). */
  attributes?: Record<string, string>;
  /** ICE host addresses; default loopback only. */
  hostAddresses?: readonly string[];
  /** Token duration in minutes (default 60). */
  tokenMinutes?: number;
}

export interface Bot {
  participantId: string;
  userId: string;
  displayName: string;
  /** The WHIP session's `Location`. */
  location: string;
  /** Video frames sent so far. */
  readonly framesSent: number;
}

export interface Bots {
  readonly bots: readonly Bot[];
  /** Ends every bot's WHIP session (`DELETE`) and closes its connection. */
  stop(): Promise<void>;
}

/** Thrown for bad options (what was wrong and what to do). */
export class BotsOptionsError extends Error {
  override name = 'BotsOptionsError';
}

export function resolveEndpoint(options: LocalEndpoint): { endpoint: string; region: string; credentials: LocalCredentials } {
  return {
    endpoint: (options.endpoint ?? process.env['IVS_LOCAL_URL'] ?? 'http://127.0.0.1:4590').replace(/\/+$/, ''),
    region: options.region ?? process.env['AWS_REGION'] ?? 'us-east-1',
    credentials: options.credentials ?? DEFAULT_LOCAL_CREDENTIALS,
  };
}

/** The `whip_url` claim of a participant token. */
export function whipUrlOf(token: string): string {
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { whip_url?: unknown };
  if (typeof claims.whip_url !== 'string') throw new Error('The participant token has no whip_url claim.');
  return claims.whip_url;
}

/**
 * Publishes `count` bots into a stage. Tokens come from CreateParticipantToken (the AWS SDK against
 * ivs-local); each bot publishes through the token's `whip_url`.
 *
 * @example
 * ```ts
 * const ivs = await startLocalIvs({ port: 0 });
 * const bots = await startBots({ endpoint: ivs.url, stageArn, count: 3 });
 * // … a browser joins the stage and sees Bot 1, Bot 2, Bot 3 …
 * await bots.stop();
 * ```
 */
export async function startBots(options: StartBotsOptions): Promise<Bots> {
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > 12) {
    throw new BotsOptionsError(`count must be an integer from 1 to 12 (a stage takes 12 publishers), got ${String(options.count)}.`);
  }
  if (typeof options.stageArn !== 'string' || !options.stageArn.startsWith('arn:')) {
    throw new BotsOptionsError(`stageArn must be a stage ARN (CreateStage's stage.arn), got ${JSON.stringify(options.stageArn)}.`);
  }
  if (options.simulcast && options.audioOnly) {
    throw new BotsOptionsError('simulcast sends video layers: it cannot be combined with audioOnly.');
  }
  const { endpoint, region, credentials } = resolveEndpoint(options);
  const client = new IVSRealTimeClient({ endpoint, region, credentials, maxAttempts: 1 });
  const prefix = options.userIdPrefix ?? 'bot';
  const started: Array<{ publisher: WhipPublisher; bot: Bot }> = [];
  try {
    for (let i = 1; i <= options.count; i++) {
      const userId = `${prefix}-${i}`;
      const displayName = `Bot ${i}`;
      const { participantToken } = await client.send(
        new CreateParticipantTokenCommand({
          stageArn: options.stageArn,
          userId,
          capabilities: ['PUBLISH'],
          attributes: { ...options.attributes, displayName },
          duration: options.tokenMinutes ?? 60,
        }),
      );
      const token = participantToken!.token!;
      const publisher = await WhipPublisher.start({
        whipUrl: whipUrlOf(token),
        token,
        audioOnly: options.audioOnly ?? false,
        simulcast: options.simulcast ?? false,
        ...(options.hostAddresses ? { hostAddresses: options.hostAddresses } : {}),
      });
      const bot: Bot = {
        participantId: participantToken!.participantId!,
        userId,
        displayName,
        location: publisher.location,
        get framesSent() {
          return publisher.framesSent;
        },
      };
      started.push({ publisher, bot });
    }
  } catch (error) {
    await Promise.all(started.map(({ publisher }) => publisher.stop()));
    client.destroy();
    throw error;
  }
  client.destroy();
  return {
    bots: started.map(({ bot }) => bot),
    stop: async () => {
      await Promise.all(started.map(({ publisher }) => publisher.stop()));
    },
  };
}
