/** Shared setup for ivs-local control-plane tests: a running emulator and real AWS SDK clients. */
import { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { IvschatClient } from '@aws-sdk/client-ivschat';
import { startLocalIvs, type IvsLocalInternals as LocalIvs, type IvsLocalInternalOptions as StartLocalIvsOptions } from '../../../packages/ivs-local/src/server';

export interface Emulator {
  ivs: LocalIvs;
  realtime: IVSRealTimeClient;
  chat: IvschatClient;
}

/** Starts ivs-local with no data-plane modules and returns SDK clients pointed at it. */
export async function startEmulator(options: StartLocalIvsOptions = {}): Promise<Emulator> {
  const ivs = await startLocalIvs({ modules: [], ...options });
  return { ivs, ...clientsFor(ivs) };
}

export function clientsFor(ivs: LocalIvs, credentials = ivs.credentials): { realtime: IVSRealTimeClient; chat: IvschatClient } {
  const config = { endpoint: ivs.url, region: ivs.region, credentials, maxAttempts: 1 };
  return { realtime: new IVSRealTimeClient(config), chat: new IvschatClient(config) };
}

export async function stopEmulator(emulator: Emulator | undefined): Promise<void> {
  if (!emulator) return;
  emulator.realtime.destroy();
  emulator.chat.destroy();
  await emulator.ivs.close();
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}
