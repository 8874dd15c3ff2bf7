/**
 * The stage every media-tier test file starts from: ivs-local on a free loopback port, an AWS SDK
 * client on it, one stage, participant tokens, and clean-up steps run in reverse after each test.
 */
import { CreateParticipantTokenCommand, CreateStageCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { afterEach, beforeEach } from 'vitest';
import { startLocalIvs, type LocalIvs } from '../../packages/ivs-local/src/server';

export interface MediaStage {
  readonly ivs: LocalIvs;
  readonly client: IVSRealTimeClient;
  readonly arn: string;
  readonly id: string;
  /** Runs after the test, last added first; a failing step does not stop the others. */
  cleanup(step: () => Promise<unknown>): void;
  token(userId: string, capabilities: Array<'PUBLISH' | 'SUBSCRIBE'>): Promise<{ token: string; participantId: string }>;
}

/** Registers the hooks of a file's tests; read the fields inside a test (they change per test). */
export function useMediaStage(name: string): MediaStage {
  let current: { ivs: LocalIvs; client: IVSRealTimeClient; arn: string } | undefined;
  const steps: Array<() => Promise<unknown>> = [];
  const now = () => {
    if (!current) throw new Error('The media stage exists only inside a test.');
    return current;
  };
  beforeEach(async () => {
    const ivs = await startLocalIvs({ port: 0 });
    const client = new IVSRealTimeClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials, maxAttempts: 1 });
    const arn = (await client.send(new CreateStageCommand({ name }))).stage!.arn!;
    current = { ivs, client, arn };
  });
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) await step().catch(() => {});
    const { client, ivs } = now();
    current = undefined;
    client.destroy();
    await ivs.close();
  });
  return {
    get ivs() {
      return now().ivs;
    },
    get client() {
      return now().client;
    },
    get arn() {
      return now().arn;
    },
    get id() {
      return now().arn.split('/').pop()!;
    },
    cleanup: (step) => void steps.push(step),
    async token(userId, capabilities) {
      const { participantToken } = await now().client.send(new CreateParticipantTokenCommand({ stageArn: now().arn, userId, capabilities }));
      return { token: participantToken!.token!, participantId: participantToken!.participantId! };
    },
  };
}
